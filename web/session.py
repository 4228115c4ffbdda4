"""Who is reading a page: the API's session cookie (api/auth.py), checked the same way.

A page without a valid session sends the browser to /login (303, with `next`); a form that
changes something must carry the session's CSRF token in its `csrf_token` field (or, for
scripts, the X-CSRF-Token header), so that a page of another site cannot post it. Every page
declares its readers with `reader(...)`, which the authorization tests read like `allow(...)`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from api.auth import CSRF_HEADER, SESSION_COOKIE, Policy
from api.deps import get_store
from copilot import accounts
from copilot.errors import AuthError, Forbidden
from copilot.memory.store import Store
from copilot.models import AccountRole, Principal

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MEMBERS = (AccountRole.MANAGER, AccountRole.REPORT)


class SignInNeeded(Exception):
    """No usable session: answered with a 303 to the login page (web/errors.py)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.location = f"/login?next={quote(next_path, safe='/')}"


async def page_principal(request: Request,
                         store: Annotated[Store, Depends(get_store)]) -> Principal:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise SignInNeeded(request.url.path)
    try:
        principal, csrf = accounts.session_principal(store, cookie)
    except AuthError:
        raise SignInNeeded(request.url.path) from None
    request.state.principal, request.state.csrf = principal, csrf
    if request.method in UNSAFE:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and "form" in request.headers.get("content-type", ""):
            sent = (await request.form()).get("csrf_token")
        if sent != csrf:
            raise Forbidden("this form has expired or did not come from this site",
                            "reload the page and try again")
    return principal


Reader = Annotated[Principal, Depends(page_principal)]


def page_store(store: Annotated[Store, Depends(get_store)], principal: Reader) -> Store:
    return store.acting_as(principal)


PageStore = Annotated[Store, Depends(page_store)]


def reader(*roles: AccountRole, objects: bool = False) -> Any:
    """The policy of a page: signed in, with one of `roles` (`objects`: 404, not 403)."""
    policy = Policy(frozenset(roles), objects)

    def check(request: Request, _principal: Reader) -> None:
        policy(request)

    check.policy = policy
    return Depends(check)


def anyone() -> Any:
    """The policy of a page everyone may open (login)."""
    policy = Policy(None)

    def check() -> None:
        return None

    check.policy = policy
    return Depends(check)
