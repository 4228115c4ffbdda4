"""Everyone's account page: language, password, and their own API tokens (the same calls as
/v1/me and /v1/tokens). The language is the user's setting (the pages and their texts), also
kept in the `copilot_lang` cookie for the login page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import SESSION_COOKIE
from copilot import accounts, i18n
from copilot.errors import Forbidden, InputError, NotFoundError
from copilot.memory.store import Store
from copilot.models import AccountRole, AuditAction, Language, TokenScope
from web.render import DOMAIN, LOCALE_DIR, flash, gettext_of, page
from web.routes.admin import role_names
from web.routes.auth import LANG_COOKIE
from web.session import PageStore, Reader, reader

router = APIRouter(prefix="/account")
ANYONE = reader(*AccountRole)
ANY_OBJECT = reader(*AccountRole, objects=True)


def account_page(request: Request, store: Store, status_code: int = 200, **context) -> Response:
    principal = request.state.principal
    return page(request, "account.html", status_code=status_code,
                tokens=store.tokens(principal.email), role_names=role_names(request),
                **context)


@router.get("", dependencies=[ANYONE])
def account(request: Request, store: PageStore) -> Response:
    return account_page(request, store)


@router.post("/language", dependencies=[ANYONE])
def set_language(request: Request, store: PageStore,
                 lang: Annotated[Language, Form()]) -> Response:
    store.set_language(lang)
    response = RedirectResponse("/account", status_code=303)
    response.set_cookie(LANG_COOKIE, str(lang), max_age=365 * 86400, samesite="lax", path="/")
    # The flash is in the language just chosen, as the next page is.
    _ = i18n.translations(lang, DOMAIN, LOCALE_DIR).gettext
    return flash(response, _("The language is saved."))


@router.post("/password", dependencies=[ANYONE])
def change_password(request: Request, principal: Reader, store: PageStore,
                    current: Annotated[str, Form(max_length=1024)],
                    new: Annotated[str, Form(max_length=1024)],
                    confirm: Annotated[str, Form(max_length=1024)]) -> Response:
    _ = gettext_of(request)
    if new != confirm:
        return account_page(request, store, status_code=400,
                            password_error=_("The two new passwords differ."))
    try:
        ended = accounts.change_password(store, current, new,
                                         request.cookies.get(SESSION_COOKIE))
    except (InputError, Forbidden) as exc:
        return account_page(request, store, status_code=exc.status_code,
                            password_error=f"{exc.message} ({exc.hint})")
    store.audit(AuditAction.CHANGE, "user", str(principal.user_id),
                detail={"password": True, "sessions_ended": ended})
    return flash(RedirectResponse("/account", status_code=303),
                 _("Your password is changed."))


@router.post("/tokens", dependencies=[ANYONE])
def create_token(request: Request, principal: Reader, store: PageStore,
                 scope: Annotated[TokenScope, Form()] = TokenScope.READ,
                 days: Annotated[int, Form(ge=1, le=3650)] = 90) -> Response:
    """Like POST /v1/tokens; the token is shown in the page answered, once."""
    if scope == TokenScope.WRITE and not principal.may_write():
        scope = TokenScope.READ
    made = accounts.issue_token(store, principal.email, scope, days)
    store.audit(AuditAction.CREATE, "token", str(made.info.id))
    return account_page(request, store, new_token=made)


@router.post("/tokens/{token_id}/revoke", dependencies=[ANY_OBJECT])
def revoke_token(request: Request, token_id: int, principal: Reader,
                 store: PageStore) -> Response:
    """Like DELETE /v1/tokens/{id}: only one's own tokens (another's is not found)."""
    if token_id not in {t.id for t in store.tokens(principal.email)}:
        raise NotFoundError(f"no token with id {token_id}", "your account page lists yours")
    store.revoke_token(token_id)
    store.audit(AuditAction.CHANGE, "token", str(token_id), detail={"revoked": True})
    _ = gettext_of(request)
    return flash(RedirectResponse("/account", status_code=303),
                 _("Token %(id)s is revoked.") % {"id": token_id})
