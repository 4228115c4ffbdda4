"""Errors on pages answer an HTML page in the reader's language (with the message and hint of
copilot's error tree); on the API's own paths they keep their JSON (api/errors.py)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import HANDLERS, describe_validation
from copilot.errors import CopilotError, RateLimited
from web.render import gettext_of, page
from web.session import SignInNeeded

log = logging.getLogger("copilot.web")
_API_PATHS = ("/v1/", "/healthz", "/docs", "/openapi.json", "/static/")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(_API_PATHS)


def _error_page(request: Request, status: int, message: str, hint: str | None) -> Response:
    _ = gettext_of(request)
    titles = {401: _("Please sign in"), 403: _("Not allowed"), 404: _("Not found"),
              422: _("Something is missing in the form"), 429: _("Too many attempts")}
    title = titles.get(status, _("Something went wrong") if status >= 500
                       else _("This did not work"))
    response = page(request, "error.html", status_code=status, title=title, message=message,
                    hint=hint)
    if status == 429 and isinstance(getattr(request.state, "error", None), RateLimited):
        response.headers["Retry-After"] = str(request.state.error.retry_after)
    return response


def _handler(kind: type[Exception]):
    json_handler = HANDLERS[kind]

    async def handle(request: Request, exc: Exception) -> Response:
        if not is_page(request):
            return await json_handler(request, exc)
        if isinstance(exc, CopilotError):
            request.state.error = exc
            return _error_page(request, exc.status_code, exc.message, exc.hint)
        if isinstance(exc, RequestValidationError):
            return _error_page(request, 422, describe_validation(exc.errors()), None)
        if isinstance(exc, StarletteHTTPException):
            return _error_page(request, exc.status_code, str(exc.detail), None)
        log.exception("internal error on a page", exc_info=exc)
        _ = gettext_of(request)
        return _error_page(request, 500, _("internal error"), _("see the server log"))

    return handle


async def _sign_in(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInNeeded)
    return RedirectResponse(exc.location, status_code=303)


def install(app: FastAPI) -> None:
    for kind in HANDLERS:
        app.add_exception_handler(kind, _handler(kind))
    app.add_exception_handler(SignInNeeded, _sign_in)
