"""The API's boundary, as plain ASGI middleware. `create_app` stacks them, outermost first:

    RequestLog      an `X-Request-ID` on every response, and one access-log line per request
                    with the route template (`/v1/people/{name}/agenda`), never the path:
                    people's names travel in paths, and access logs are kept and shipped;
                    the same template labels the latency histogram (copilot/metrics.py)
    HostCheck       the Host allow-list (COPILOT_ALLOWED_HOSTS): a DNS-rebinding page, whose
                    requests carry its own name, gets 400
    CORSMiddleware  only when COPILOT_CORS_ORIGINS lists origins
    OriginCheck     an unsafe method (POST, PUT, PATCH, DELETE) sent by a browser from a
                    foreign origin gets 403: a multipart POST is a "simple" cross-origin
                    request, which a browser sends without asking first

Errors use the project's `{"error": {code, message, hint}}` body.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from copilot import metrics
from copilot.logs import request_context

access_log = logging.getLogger("copilot.access")

# An incoming id is kept when it is short and plain (a proxy's or a client's id ties their
# logs to ours); anything else, which could forge log lines, is replaced by a fresh one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(host_header: str) -> str:
    """`Example.com:8000` -> `example.com`; `[::1]:8000` -> `[::1]`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.split(":", 1)[0]


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    bare = host.strip("[]")  # `::1` in the settings also allows `[::1]`
    for pattern in allowed:
        if pattern == "*" or host == pattern or bare == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


def route_template(scope: Scope) -> str:
    """The matched route's template with its full path: `/v1/people/{name}/agenda`.

    FastAPI keeps the route of an included router with its own path (`/people/{name}/agenda`)
    and adds the include prefix (`/v1`) at request time, so the prefix is taken from the head
    of the request path: the segments before those the route matched, static ones only."""
    template = getattr(scope.get("route"), "path", None)
    if not template:  # no route (a 404, a refused Host): a placeholder, never the raw path
        return "<unmatched>"
    head = scope["path"].split("/")
    return "/".join(head[: max(len(head) - template.count("/"), 1)]) + template


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            with request_context(request_id):  # every line logged meanwhile carries it
                await self.app(scope, receive, send_with_id)
        finally:
            route = route_template(scope)  # the router left the matched route in the scope
            seconds = time.perf_counter() - started
            metrics.observe_request(scope["method"], route, status, seconds)
            millis = seconds * 1000
            access_log.info("%s %s %d %.1fms request_id=%s", scope["method"], route, status,
                            millis, request_id,
                            extra={"request_id": request_id, "route": route, "status": status})


class HostCheck:
    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app, self.allowed = app, [h.lower() for h in allowed_hosts]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = host_name(Headers(scope=scope).get("host", ""))
            if not host_allowed(host, self.allowed):
                response = JSONResponse(error_body(
                    "invalid_host", f"this server does not answer to the host {host[:100]!r}",
                    "add the name clients use to COPILOT_ALLOWED_HOSTS"), status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class OriginCheck:
    def __init__(self, app: ASGIApp, cors_origins: Sequence[str]) -> None:
        self.app, self.origins = app, set(cors_origins)

    def _allowed(self, origin: str, host: str) -> bool:
        if "*" in self.origins or origin.rstrip("/") in self.origins:
            return True
        # Our own pages: the scheme is not compared, a TLS proxy in front may hide it; the
        # Host was checked against the allow-list just before. `null` has no netloc.
        return bool(host) and urlsplit(origin).netloc.lower() == host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _UNSAFE:
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            # No Origin: not a browser's cross-origin request (curl, scripts, same-origin GETs).
            if origin is not None and not self._allowed(origin, headers.get("host", "").lower()):
                response = JSONResponse(error_body(
                    "forbidden_origin", f"requests from the origin {origin[:100]!r} are refused",
                    "list it in COPILOT_CORS_ORIGINS to let its pages call this API"),
                    status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
