"""Probes and metrics, unversioned: what load balancers and Prometheus call must not change
with the API.

    /healthz  alive: answers without touching the database or loading any model
    /readyz   ready: the database, the broker (when COPILOT_BROKER_URL is set) and the vector
              store answer; 503 with the failed checks named otherwise. Public like /healthz:
              it says which dependency is down, never where it is (no URL, no password)
    /metrics  Prometheus' text format (copilot/metrics.py), for admins (a token or a session):
              the job counts are instance-wide, and request rates per route tell how the
              instance is used. A scraper sends an admin's read token as a bearer token.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.auth import allow, public
from api.deps import open_store
from api.errors import responses
from copilot import __version__, metrics
from copilot.errors import CopilotError
from copilot.models import AccountRole

router = APIRouter(tags=["health"])
log = logging.getLogger("copilot.api")
BROKER_TIMEOUT = 1.0  # seconds: a probe must answer well before the balancer gives up


@router.get("/healthz", dependencies=[public()])
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


def _broker_url(settings: Any) -> str | None:
    # The queue's settings group (COPILOT_BROKER_URL) may not exist in this build.
    return getattr(getattr(settings, "queue", None), "broker_url", None)


def _ping_broker(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=BROKER_TIMEOUT,
                                  socket_connect_timeout=BROKER_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _checks(request: Request) -> dict[str, str]:
    """check -> "ok" or why not, without addresses or secrets (the log has the detail)."""
    settings = request.app.state.settings
    results: dict[str, str] = {}
    try:
        store = open_store(request.app)
        store.ping()
        results["database"] = "ok"
    except CopilotError as exc:
        log.warning("readyz: database: %s", exc.one_line())
        results["database"] = "unavailable"
        store = None
    url = _broker_url(settings)
    if url:
        try:
            _ping_broker(url)
            results["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001 - redis-py has its own tree, and OSError
            log.warning("readyz: broker: %s", type(exc).__name__)
            results["broker"] = "unavailable"
    if settings.memory.vector_store == "chroma":
        try:
            if store is None:
                raise CopilotError("no store", None)
            store.vectors.heartbeat()
            results["vectors"] = "ok"
        except CopilotError as exc:
            log.warning("readyz: vectors: %s", exc.one_line())
            results["vectors"] = "unavailable"
    return results


@router.get("/readyz", dependencies=[public()], responses={503: {
    "description": "A dependency is down; `checks` names it."}})
async def readyz(request: Request) -> JSONResponse:
    checks = await run_in_threadpool(_checks, request)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ready else "unavailable", "checks": checks},
                        status_code=200 if ready else 503)


@router.get("/metrics", dependencies=[allow(AccountRole.ADMIN)],
            response_class=Response,
            responses={200: {"content": {"text/plain": {}}}, **responses(401, 403, 429, 503)})
def prometheus(request: Request) -> Response:
    store = open_store(request.app)
    body, content_type = metrics.render(store.job_counts)
    return Response(body, media_type=content_type)
