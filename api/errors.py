"""One place that turns errors into HTTP responses, all shaped `{"error": {code, message, hint}}`.

`CopilotError` subclasses carry their own status (400 input, 403 not enabled, 404 not found,
415 unsupported, 502 engine, 503 configuration or store...); request validation is 422;
anything else is a 500 that hides the internals (the server log has the traceback).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from copilot.errors import (  # noqa: F401 (InputError, TooLarge re-exported)
    AuthError,
    CopilotError,
    InputError,
    RateLimited,
    TooLarge,
)

log = logging.getLogger("copilot.api")


def error_body(code: str, message: str, hint: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "hint": hint}}


# The error body, for `responses=` in route declarations (so /docs shows it).
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "hint": {"type": ["string", "null"]},
            },
            "required": ["code", "message", "hint"],
        }
    },
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        s: {"description": "Error", "content": {"application/json": {"schema": ERROR_SCHEMA}}}
        for s in statuses
    }


def describe_validation(errors: Sequence[Any]) -> str:
    """'body.manager: Field required; query.date: ...' from pydantic/FastAPI error dicts."""
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else str(err.get("msg")))
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


async def _copilot_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CopilotError)
    if exc.status_code >= 500:
        log.error("%s: %s", type(exc).__name__, exc.message)
    headers = {}
    if isinstance(exc, AuthError):
        headers["WWW-Authenticate"] = 'Bearer realm="copilot"'
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(error_body(exc.code, exc.message, exc.hint), status_code=exc.status_code,
                        headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        error_body("invalid_request", describe_validation(exc.errors()),
                   "see /docs for the expected request"),
        status_code=422,
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error", exc_info=exc)
    return JSONResponse(
        error_body("internal_error", "internal error", "see the server log"), status_code=500
    )


# The JSON answer of each kind of error; the web pages (web/errors.py) answer HTML instead
# outside the API's paths and hand these the rest.
HANDLERS = {
    CopilotError: _copilot_error,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
    Exception: _internal_error,
}


def install(app: FastAPI) -> None:
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)
