"""Templates: one Jinja2 environment per language, with gettext (domain `web`) and the
locale's date and number formats; `page()` renders a template for the request's reader."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from copilot import i18n
from copilot.models import AccountRole, Language

HERE = Path(__file__).parent
LOCALE_DIR = HERE / "locale"
DOMAIN = "web"
FLASH_COOKIE = "copilot_flash"
# Only this site's own scripts, styles, media and forms; no framing. The coaching plots are
# data: images; a recording being made is a blob: until it is uploaded.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self' "
                               "blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@lru_cache(maxsize=4)
def environment(lang: Language) -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(lang, DOMAIN, LOCALE_DIR), newstyle=True)
    locale = str(lang)
    env.filters["day"] = lambda d, fmt="medium": format_date(d, fmt, locale=locale) if d else ""
    env.filters["moment"] = (lambda d, fmt="medium":
                             format_datetime(d, fmt, locale=locale) if d else "")
    env.filters["percent"] = (lambda x: format_percent(x, locale=locale)
                              if x is not None else "–")
    env.filters["number"] = (lambda x, digits=1: format_decimal(round(x, digits), locale=locale)
                             if x is not None else "–")
    env.filters["clock"] = clock
    env.globals["lang"] = locale
    return env


def clock(seconds: float | None) -> str:
    """1:02:03 or 2:03: a position in a recording."""
    if seconds is None:
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def reader_language(request: Request) -> Language:
    """The user's setting, else the language chosen on the login page, else the browser's."""
    principal = getattr(request.state, "principal", None)
    setting = getattr(principal, "language", None) if principal is not None else None
    return i18n.pick(setting, request.cookies.get("copilot_lang"),
                     i18n.from_accept_language(request.headers.get("accept-language")))


def gettext_of(request: Request):
    """`_` in the reader's language, for texts made in Python (flashes, form errors)."""
    return i18n.translations(reader_language(request), DOMAIN, LOCALE_DIR).gettext


def navigation(principal: Any, _: Any) -> list[tuple[str, str]]:
    """The menu of each role: what that role may open, nothing else."""
    role = getattr(principal, "role", None)
    account = [("/account", _("Account"))]
    if role == AccountRole.MANAGER:
        return [("/", _("Home")), ("/meetings/new", _("New 1:1")), ("/coaching", _("Coaching")),
                ("/search", _("Search")), ("/people", _("People")), *account]
    if role == AccountRole.REPORT:
        return [("/", _("My 1:1s")), *account]
    if role == AccountRole.ADMIN:
        return [("/", _("Users")), ("/admin/retention", _("Retention")),
                ("/admin/audit", _("Audit log")), *account]
    if role == AccountRole.HR:
        return [("/", _("Figures")), ("/hr/legal", _("Legal calendar")), *account]
    return []


def flash(response: Response, text: str, kind: str = "ok") -> Response:
    """A one-time message shown on the next page (after a redirect)."""
    response.set_cookie(FLASH_COOKIE, quote(f"{kind}:{text}"), max_age=60, httponly=True,
                        samesite="lax", path="/")
    return response


def page(request: Request, template: str, status_code: int = 200, **context: Any
         ) -> HTMLResponse:
    env = environment(reader_language(request))
    principal = getattr(request.state, "principal", None)
    context.setdefault("user", principal)
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    context.setdefault("today", dt.date.today())
    context.setdefault("nav", navigation(principal, gettext_of(request)))
    shown = request.cookies.get(FLASH_COOKIE)
    kind, _, text = unquote(shown or "").partition(":")
    context.setdefault("flashes", [(kind, text)] if text else [])
    html = env.get_template(template).render(request=request, **context)
    response = HTMLResponse(html, status_code=status_code,
                            headers={"Content-Language": str(reader_language(request)),
                                     "Cache-Control": "no-store", **SECURITY_HEADERS})
    if shown:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
