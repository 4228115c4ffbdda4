"""The admin's pages: the users of their organisation (add, disable, reset a password, their
tokens), the retention settings and the audit log. The same library calls as the API's
/v1/users, /v1/org/retention and /v1/audit, and the CLI's `users disable|reset-password`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from copilot import accounts
from copilot.errors import InputError, NotFoundError
from copilot.memory.store import Store
from copilot.models import AccountRole, AuditAction, Principal, Retention, User
from web.render import flash, gettext_of, page
from web.session import PageStore, Reader, reader

router = APIRouter(prefix="/admin")
ADMIN = reader(AccountRole.ADMIN)
ADMIN_OBJECT = reader(AccountRole.ADMIN, objects=True)
AUDIT_PAGE = 100
ROLES = (AccountRole.MANAGER, AccountRole.REPORT, AccountRole.HR, AccountRole.ADMIN)


def role_names(request: Request) -> dict[AccountRole, str]:
    _ = gettext_of(request)
    return {AccountRole.MANAGER: _("manager"), AccountRole.REPORT: _("report"),
            AccountRole.HR: _("HR"), AccountRole.ADMIN: _("admin")}


def _organisation(store: Store, principal: Principal):
    return next(o for o in store.organisations() if o.id == principal.org_id)


def _user_of_org(store: Store, principal: Principal, user_id: int) -> User:
    """A user of the admin's own organisation; anyone else's is not found (no leak)."""
    found = next((u for u in store.users(principal.org_id) if u.id == user_id), None)
    if found is None:
        raise NotFoundError(f"no user with id {user_id}", "the users page lists them")
    return found


def admin_home(request: Request, store: Store, status_code: int = 200, **context) -> Response:
    principal = request.state.principal
    users = store.users(principal.org_id)
    managers = [u for u in users if u.role == AccountRole.MANAGER and not u.disabled]
    context.setdefault("form", {})
    return page(request, "admin_home.html", status_code=status_code, users=users,
                managers=managers, roles=ROLES, role_names=role_names(request), **context)


@router.post("/users", dependencies=[ADMIN])
def add_user(request: Request, principal: Reader, store: PageStore,
             email: Annotated[str, Form(max_length=320)],
             name: Annotated[str, Form(max_length=200)],
             role: Annotated[AccountRole, Form()],
             manager: Annotated[str, Form(max_length=320)] = "") -> Response:
    """Like POST /v1/users; the one-time password is shown in the page answered, once."""
    org = _organisation(store, principal)
    boss = manager.strip() or None
    try:
        user, password = accounts.add_user(store, email, name, role, org=org.name,
                                           manager=boss if role == AccountRole.REPORT else None)
    except (InputError, NotFoundError) as exc:
        form = {"email": email, "name": name, "role": role, "manager": manager}
        return admin_home(request, store, status_code=400, form=form,
                          error=f"{exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
    store.audit(AuditAction.CREATE, "user", str(user.id), detail={"role": user.role.value})
    return admin_home(request, store, created=user, password=password)


@router.get("/users/{user_id}", dependencies=[ADMIN_OBJECT])
def user_page(request: Request, user_id: int, principal: Reader, store: PageStore) -> Response:
    user = _user_of_org(store, principal, user_id)
    return page(request, "admin_user.html", target=user, tokens=store.tokens(user.email),
                password=None, role_names=role_names(request))


@router.post("/users/{user_id}/disable", dependencies=[ADMIN_OBJECT])
def disable_user(request: Request, user_id: int, principal: Reader,
                 store: PageStore) -> Response:
    """Like `copilot users disable`: their sessions end and their tokens stop working."""
    user = _user_of_org(store, principal, user_id)
    if user.id == principal.user_id:
        raise InputError("you cannot disable your own account",
                         "ask another admin, or use `copilot users disable`")
    store.set_user_disabled(user.email, True)
    store.audit(AuditAction.CHANGE, "user", str(user.id), person=user.person,
                detail={"email": user.email, "disabled": True})
    _ = gettext_of(request)
    return flash(RedirectResponse("/", status_code=303),
                 _("%(email)s is disabled: their sessions ended and their tokens are refused.")
                 % {"email": user.email})


@router.post("/users/{user_id}/password", dependencies=[ADMIN_OBJECT])
def reset_password(request: Request, user_id: int, principal: Reader,
                   store: PageStore) -> Response:
    """Like `copilot users reset-password`: a new one-time password, shown once."""
    user = _user_of_org(store, principal, user_id)
    secret = accounts.reset_password(store, user.email)
    store.audit(AuditAction.CHANGE, "user", str(user.id), person=user.person,
                detail={"email": user.email, "password": "reset"})
    return page(request, "admin_user.html", target=user, tokens=store.tokens(user.email),
                password=secret, role_names=role_names(request))


@router.post("/users/{user_id}/tokens/{token_id}/revoke", dependencies=[ADMIN_OBJECT])
def revoke_token(request: Request, user_id: int, token_id: int, principal: Reader,
                 store: PageStore) -> Response:
    user = _user_of_org(store, principal, user_id)
    if token_id not in {t.id for t in store.tokens(user.email)}:
        raise NotFoundError(f"no token with id {token_id}", "the user's page lists them")
    info = store.revoke_token(token_id)
    store.audit(AuditAction.CHANGE, "token", str(info.id),
                detail={"user": info.user, "revoked": True})
    _ = gettext_of(request)
    return flash(RedirectResponse(f"/admin/users/{user.id}", status_code=303),
                 _("Token %(id)s is revoked.") % {"id": info.id})


@router.get("/retention", dependencies=[ADMIN])
def retention_page(request: Request, principal: Reader, store: PageStore) -> Response:
    return page(request, "admin_retention.html", org=_organisation(store, principal))


@router.post("/retention", dependencies=[ADMIN])
def set_retention(request: Request, store: PageStore,
                  recordings_days: Annotated[int | None, Form(ge=1, le=36500)] = None,
                  transcripts_days: Annotated[int | None, Form(ge=1, le=36500)] = None
                  ) -> Response:
    """Like PUT /v1/org/retention (an empty field: keep forever)."""
    body = Retention(recordings_days=recordings_days, transcripts_days=transcripts_days)
    org = store.set_retention(body)
    store.audit(AuditAction.RETENTION, "organisation", str(org.id), detail=body.model_dump())
    _ = gettext_of(request)
    return flash(RedirectResponse("/admin/retention", status_code=303),
                 _("The retention settings are saved."))


@router.get("/audit", dependencies=[ADMIN])
def audit_page(request: Request, store: PageStore,
               page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
               action: Annotated[str, Query(max_length=20)] = "") -> Response:
    """The audit log, newest first, 100 entries a page, optionally of one action (an empty
    `action`, the filter's "all", is no filter)."""
    if action and action not in set(AuditAction):
        raise InputError(f"{action!r} is not an action of the audit log",
                         f"use one of: {', '.join(AuditAction)}")
    action = AuditAction(action) if action else None
    found = store.audit_entries(limit=AUDIT_PAGE + 1, offset=(page_number - 1) * AUDIT_PAGE,
                                action=action)
    return page(request, "admin_audit.html", entries=found[:AUDIT_PAGE], number=page_number,
                more=len(found) > AUDIT_PAGE, action=action, actions=list(AuditAction))
