"""Who is calling, and which routes they may call: the API's side of authorization.

Credentials: `Authorization: Bearer TOKEN` (an API token) or the session cookie set by
`POST /v1/auth/login`. A request made with the cookie and an unsafe method must carry the
session's CSRF token in `X-CSRF-Token` (a page of another site can make the browser send the
cookie, never read the token). A `read` token cannot use unsafe methods.

Every route declares its policy with `allow(...)` (or `public()`); tests/test_authz_matrix.py
fails for a route without one. The policy says which account roles may call the route; which
objects they then see is the store's decision (copilot/memory/store/scope.py), so an object of
someone else answers 404 and an action on an object one may only read answers 403.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.deps import get_store
from copilot import accounts
from copilot.errors import AuthError, Forbidden, NotFoundError, RateLimited
from copilot.memory.store import Store
from copilot.models import AccountRole, Principal

SESSION_COOKIE = "copilot_session"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Declared once so that the OpenAPI lists both security schemes; auto_error=False: a missing
# credential is our JSON 401, not FastAPI's.
bearer = HTTPBearer(auto_error=False, description="An API token (`copilot tokens create`).")
cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                      description="The session cookie of POST /v1/auth/login; unsafe "
                                  f"requests also send its CSRF token in {CSRF_HEADER}.")


def _from_cookie(request: Request, store: Store, value: str) -> Principal:
    principal, csrf = accounts.session_principal(store, value)
    if request.method in _UNSAFE and request.headers.get(CSRF_HEADER) != csrf:
        raise Forbidden("the CSRF token is missing or wrong",
                        f"send the csrf_token of the login answer in {CSRF_HEADER}")
    return principal


def current_principal(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session: Annotated[str | None, Depends(cookie)],
) -> Principal:
    if credentials is not None:
        principal = accounts.principal_for_token(store, credentials.credentials)
        if request.method in _UNSAFE and not principal.may_write():
            raise Forbidden("this token may only read",
                            "create one with `copilot tokens create EMAIL --scope write`")
    elif session:
        principal = _from_cookie(request, store, session)
    else:
        raise AuthError("authentication required",
                        "send Authorization: Bearer TOKEN (`copilot tokens create EMAIL`), "
                        "or log in at POST /v1/auth/login")
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def scoped_store(store: Annotated[Store, Depends(get_store)],
                 principal: PrincipalDep) -> Store:
    """The store filtered for the caller: the only store a protected route gets."""
    return store.acting_as(principal)


ScopedStore = Annotated[Store, Depends(scoped_store)]


class Policy:
    """Which account roles may call a route. `objects`: the route names an object in its path,
    so a caller whose role may never see such objects gets 404, not 403 (no existence leak)."""

    def __init__(self, roles: frozenset[AccountRole] | None, objects: bool = False) -> None:
        self.roles = roles  # None: public
        self.objects = objects

    def __call__(self, request: Request) -> None:
        if self.roles is None:
            return
        principal: Principal = request.state.principal
        if principal.role not in self.roles:
            if self.objects:
                raise NotFoundError("not found", None)
            raise Forbidden(f"a {principal.role} account cannot do this",
                            f"it needs one of: {', '.join(sorted(self.roles))}")


def allow(*roles: AccountRole, objects: bool = False) -> Any:
    """The policy of a route: its callers must be authenticated and have one of `roles`."""
    policy = Policy(frozenset(roles), objects)

    def check(request: Request, _principal: PrincipalDep) -> None:
        policy(request)

    check.policy = policy  # read by the authorization matrix test
    return Depends(check)


def public() -> Any:
    """The policy of a route anyone may call (health, docs, login)."""
    policy = Policy(None)

    def check() -> None:
        return None

    check.policy = policy
    return Depends(check)


def route_policies(app: Any) -> dict[str, Policy | None]:
    """`METHOD /path` of every API route -> the policy it declares (None: none), from the
    app's route table; the authorization matrix and the contract fuzzing read it."""
    found: dict[str, Policy | None] = {}
    for route in app.routes:
        contexts = getattr(route, "effective_candidates", None)
        for ctx in contexts() if contexts else ():
            stack, policy = [ctx.dependant], None
            while stack:
                dep = stack.pop()
                policy = policy or getattr(dep.call, "policy", None)
                stack += dep.dependencies
            found |= {f"{m} {ctx.path}": policy for m in ctx.methods}
    return found


MEMBERS = (AccountRole.MANAGER, AccountRole.REPORT)  # the relationship decides what they see
PEOPLE = (*MEMBERS, AccountRole.HR)


class RateLimit:
    """A moving-window limit per key (client address for login, user for uploads), in memory:
    one server process. Settings: COPILOT_LOGIN_RATE, COPILOT_UPLOAD_RATE."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, rate: str, *keys: str) -> None:
        item = parse(rate)
        if not self._limiter.hit(item, *keys):
            reset = self._limiter.get_window_stats(item, *keys).reset_time
            raise RateLimited(f"too many requests (limit {rate})", "wait and try again",
                              retry_after=max(1, int(reset - time.time()) + 1))


def rate_limits(request: Request) -> RateLimit:
    return request.app.state.rate_limits


def limit_uploads(request: Request, principal: PrincipalDep) -> None:
    rate_limits(request).hit(request.app.state.settings.server.upload_rate, "upload",
                             str(principal.user_id))


def limit_logins(request: Request) -> None:
    client = request.client.host if request.client else "unknown"
    rate_limits(request).hit(request.app.state.settings.server.login_rate, "login", client)
