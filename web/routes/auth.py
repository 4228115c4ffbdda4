"""Signing in and out, and the language of the login page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import SESSION_COOKIE, limit_logins
from api.deps import SettingsDep, get_store
from copilot import accounts
from copilot.errors import AuthError
from copilot.memory.store import Store
from copilot.models import AccountRole, AuditAction, Language
from web.render import gettext_of, page
from web.session import Reader, anyone, reader

router = APIRouter()
LANG_COOKIE = "copilot_lang"


def safe_next(value: str | None) -> str:
    """Only a path of this site: an open redirect would let a link send a user elsewhere."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login", dependencies=[anyone()])
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", next=safe_next(next), email="", failed=None)


@router.post("/login", dependencies=[anyone(), Depends(limit_logins)])
def login(request: Request, settings: SettingsDep, store: Annotated[Store, Depends(get_store)],
          email: Annotated[str, Form(max_length=320)] = "",
          password: Annotated[str, Form(max_length=1024)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    try:
        session = accounts.login(store, settings, email.strip(), password)
    except AuthError:
        _ = gettext_of(request)
        failed = _("Wrong email or password.")
        return page(request, "login.html", status_code=401, next=safe_next(next),
                    email=email, failed=failed)
    response = RedirectResponse(safe_next(next), status_code=303)
    secure = settings.server.secure_cookies or request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, session.cookie, httponly=True, samesite="lax",
                        secure=secure, max_age=settings.server.session_hours * 3600, path="/")
    store.acting_as(session.principal).audit(AuditAction.LOGIN, "session")
    return response


@router.post("/logout", dependencies=[reader(*AccountRole)])
def logout(request: Request, _principal: Reader,
           store: Annotated[Store, Depends(get_store)]) -> Response:
    accounts.logout(store, request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language", dependencies=[anyone()])
def choose_language(lang: Annotated[Language, Form()],
                    next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """Before signing in (the login page): a cookie; signed-in users set it in their account."""
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, str(lang), max_age=365 * 86400, samesite="lax", path="/")
    return response
