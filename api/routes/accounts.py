"""Logging in and out, who am I, one's own API tokens; the admin's users, audit log and
retention; HR's organisation-wide figures and legal calendar (no transcript text)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.auth import (
    SESSION_COOKIE,
    PrincipalDep,
    ScopedStore,
    allow,
    limit_logins,
    public,
)
from api.deps import SettingsDep, get_store
from api.errors import responses
from copilot import accounts
from copilot.errors import NotFoundError
from copilot.memory import legal
from copilot.memory import people as ppl
from copilot.memory.store import Store
from copilot.models import (
    AccountRole,
    AuditAction,
    AuditEntry,
    HrFigures,
    LegalDeadline,
    NewToken,
    Organisation,
    Principal,
    Retention,
    TokenInfo,
    TokenScope,
    User,
)
from copilot.validate import parse_date

router = APIRouter(tags=["accounts"])
ANYONE = allow(*AccountRole)


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class LoginOut(BaseModel):
    user: Principal
    csrf_token: str = Field(description="Send it in X-CSRF-Token with every unsafe request.")
    expires_at: dt.datetime


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: TokenScope = TokenScope.READ
    days: int | None = Field(default=90, ge=1, le=3650)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    name: str = Field(max_length=200)
    role: AccountRole
    manager: str | None = Field(default=None, description="Their manager's email (reports).")


class NewUser(BaseModel):
    user: User
    password: str = Field(description="A one-time password: shown once.")


@router.post("/auth/login", dependencies=[public(), Depends(limit_logins)],
             response_model=LoginOut, responses=responses(401, 422, 429, 503))
def login(body: LoginIn, request: Request, response: Response, settings: SettingsDep,
          store: Annotated[Store, Depends(get_store)]) -> LoginOut:
    """Open a browser session: an HttpOnly, SameSite=Lax cookie (Secure over HTTPS or with
    COPILOT_SECURE_COOKIES) and the CSRF token to send with unsafe requests."""
    session = accounts.login(store, settings, body.email, body.password)
    secure = settings.server.secure_cookies or request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, session.cookie, httponly=True, samesite="lax",
                        secure=secure, max_age=settings.server.session_hours * 3600, path="/")
    store.acting_as(session.principal).audit(AuditAction.LOGIN, "session")
    return LoginOut(user=session.principal, csrf_token=session.csrf,
                    expires_at=session.expires_at)


@router.post("/auth/logout", dependencies=[ANYONE], status_code=204, response_class=Response,
             responses=responses(401))
def logout(request: Request, store: ScopedStore) -> Response:
    value = request.cookies.get(SESSION_COOKIE)
    if value:
        accounts.logout(store, value)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", dependencies=[ANYONE], response_model=Principal, responses=responses(401))
def me(principal: PrincipalDep) -> Principal:
    return principal


@router.get("/tokens", dependencies=[ANYONE], response_model=list[TokenInfo],
            responses=responses(401))
def list_tokens(principal: PrincipalDep, store: ScopedStore) -> list[TokenInfo]:
    """Your own tokens (never the secrets)."""
    return store.tokens(principal.email)


@router.post("/tokens", dependencies=[ANYONE], status_code=201, response_model=NewToken,
             responses=responses(401, 403, 422))
def create_token(body: TokenIn, principal: PrincipalDep, store: ScopedStore) -> NewToken:
    """A token for yourself, shown once. A read token cannot make a write token."""
    if body.scope == TokenScope.WRITE and not principal.may_write():
        body = body.model_copy(update={"scope": TokenScope.READ})
    made = accounts.issue_token(store, principal.email, body.scope, body.days)
    store.audit(AuditAction.CREATE, "token", str(made.info.id))
    return made


@router.delete("/tokens/{token_id}", dependencies=[allow(*AccountRole, objects=True)],
               response_model=TokenInfo, responses=responses(401, 404))
def revoke_token(token_id: int, principal: PrincipalDep, store: ScopedStore) -> TokenInfo:
    if token_id not in {t.id for t in store.tokens(principal.email)}:
        raise NotFoundError(f"no token with id {token_id}", "GET /v1/tokens lists yours")
    revoked = store.revoke_token(token_id)
    store.audit(AuditAction.CHANGE, "token", str(token_id), detail={"revoked": True})
    return revoked


@router.get("/users", dependencies=[allow(AccountRole.ADMIN)], response_model=list[User],
            responses=responses(401, 403))
def list_users(principal: PrincipalDep, store: ScopedStore) -> list[User]:
    """The users of your organisation."""
    return store.users(principal.org_id)


@router.post("/users", dependencies=[allow(AccountRole.ADMIN)], status_code=201,
             response_model=NewUser, responses=responses(400, 401, 403, 422))
def add_user(body: UserIn, principal: PrincipalDep, store: ScopedStore) -> NewUser:
    """Add a user to your organisation; answers their one-time password, once."""
    org = next(o for o in store.organisations() if o.id == principal.org_id)
    user, password = accounts.add_user(store, body.email, body.name, body.role, org=org.name,
                                       manager=body.manager)
    store.audit(AuditAction.CREATE, "user", str(user.id), detail={"role": user.role.value})
    return NewUser(user=user, password=password)


@router.get("/audit", dependencies=[allow(AccountRole.ADMIN)], response_model=list[AuditEntry],
            responses=responses(401, 403))
def audit_log(store: ScopedStore, limit: Annotated[int, Query(ge=1, le=5000)] = 500
              ) -> list[AuditEntry]:
    """Who read, changed, exported, shared or erased what, newest first."""
    return store.audit_entries(limit=limit)


@router.get("/org/retention", dependencies=[allow(AccountRole.ADMIN)],
            response_model=Organisation, responses=responses(401, 403))
def get_retention(principal: PrincipalDep, store: ScopedStore) -> Organisation:
    return next(o for o in store.organisations() if o.id == principal.org_id)


@router.put("/org/retention", dependencies=[allow(AccountRole.ADMIN)],
            response_model=Organisation, responses=responses(401, 403, 422))
def set_retention(body: Retention, store: ScopedStore) -> Organisation:
    """Delete recordings after N days (the transcript stays) and transcripts after M days
    (the figures stay); applied by the server's upkeep task."""
    org = store.set_retention(body)
    store.audit(AuditAction.RETENTION, "organisation", str(org.id), detail=body.model_dump())
    return org


@router.get("/org/figures", dependencies=[allow(AccountRole.HR)], response_model=HrFigures,
            responses=responses(401, 403))
async def hr_figures(store: ScopedStore) -> HrFigures:
    """Organisation-wide 1:1 figures, de-identified: counts and medians, no name, no text."""
    return await run_in_threadpool(store.hr_figures, dt.date.today())


@router.get("/org/legal", dependencies=[allow(AccountRole.HR)],
            response_model=list[LegalDeadline], responses=responses(400, 401, 403))
def legal_calendar(store: ScopedStore, date: Annotated[
        str | None, Query(description="As of this date (default today).")] = None
                   ) -> list[LegalDeadline]:
    """Every legal career-interview deadline of the organisation, soonest first."""
    day = parse_date(date)
    due = [d.model_copy(update={"person": person.name}) for person in ppl.list_all(store, day)
           for d in legal.schedule(person, day, store.settings)]
    return sorted(due, key=lambda d: (d.due, d.person))
