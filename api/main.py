"""The FastAPI application factory. Run with `copilot serve`, or
`uvicorn --factory api.main:create_app`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from api import errors
from api.auth import RateLimit
from api.deps import open_store
from api.errors import responses
from api.middleware import HostCheck, OriginCheck, RequestLog
from api.routes import (
    accounts,
    agenda_edits,
    calendar,
    coaching,
    commitments,
    docs,
    health,
    home,
    items,
    me,
    meetings,
    people,
    recording,
    records,
    search,
    sharing,
    transcriptions,
)
from api.routes import audio as audio_routes
from copilot import __version__
from copilot.analyze.base import Extractor
from copilot.errors import CopilotError
from copilot.jobs import JobRunner
from copilot.queue import Publisher
from copilot.retention import RetentionTimer
from copilot.settings import Settings, get_settings

if TYPE_CHECKING:
    from copilot.ingest.speech import AudioEngines


def create_app(settings: Settings | None = None, extractor: Extractor | None = None,
               audio: AudioEngines | None = None) -> FastAPI:
    """Build the app. Settings come from the environment now (never at import) unless given;
    `extractor` replaces the default engine (tests pass a FakeExtractor), `audio` the audio
    engines (tests pass FakeTranscriber / FakeDiarizer / FakeEncoder)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The jobs: Celery workers when a broker is configured (this process only publishes),
        # else worker threads here, which first resume the jobs a dead server left behind.
        # The store is opened here, before any request: migrations must not run in two
        # threads at once. A broken database is logged, not fatal: /healthz still
        # answers, the routes that need it answer 503.
        try:
            await run_in_threadpool(open_store, app)
            recover = True
        except CopilotError as exc:
            logging.getLogger("copilot.api").error("store unusable: %s", exc.one_line())
            recover = False
        app.state.jobs = _job_runner(app, extractor, audio)
        app.state.jobs.start(recover=recover)
        app.state.retention = RetentionTimer(
            lambda: open_store(app), app.state.settings.server.retention_interval_minutes)
        app.state.retention.start()
        yield
        app.state.retention.stop()
        app.state.jobs.stop()
        if app.state.store is not None:
            app.state.store.close()

    app = FastAPI(
        title="1:1 copilot",
        version=__version__,
        description="Transcripts and notes of one-to-ones in; facts, feedback, next steps, "
        "coaching and the next agenda out. Errors are `{\"error\": {code, message, hint}}`.",
        lifespan=lifespan,
        docs_url=None,  # api.routes.docs serves the page with bundled assets, not a CDN's
        redoc_url=None,  # ReDoc ships no offline bundle on PyPI: Swagger UI only
    )
    app.state.settings = settings or get_settings()
    app.state.extractor = extractor
    app.state.audio = audio  # None: the real engines (POST /v1/audio/transcriptions too)
    app.state.store = None  # opened by the lifespan, or on first use: api.deps.open_store
    app.state.rate_limits = RateLimit()
    errors.install(app)
    _install_boundary(app, app.state.settings)
    app.include_router(health.router)  # unversioned: probes must not change with the API
    docs.install(app)
    # Every /v1 route may answer these (api/auth.py): no or bad credentials, a role or a
    # token scope that may not, too many requests.
    for module in (meetings, sharing, people, search, commitments, coaching, audio_routes,
                   accounts, recording, items, agenda_edits, calendar, me, home,
                   transcriptions, records):
        app.include_router(module.router, prefix="/v1", responses=responses(401, 403, 429))
    # The pages (web/) last: their error handlers answer HTML outside the API's paths.
    import web

    web.install(app)
    return app


def _job_runner(app: FastAPI, extractor: Extractor | None, audio: AudioEngines | None
                ) -> JobRunner | Publisher:
    settings = app.state.settings
    if settings.queue.broker_url:
        return Publisher(lambda: open_store(app), settings)
    return JobRunner(lambda: open_store(app), settings, extractor=extractor, audio=audio)


def _install_boundary(app: FastAPI, settings: Settings) -> None:
    """api/middleware.py; added innermost first (each `add_middleware` wraps the others)."""
    server = settings.server
    app.add_middleware(OriginCheck, cors_origins=server.cors_origins)
    if server.cors_origins:  # closed unless configured: no CORS headers at all by default
        app.add_middleware(CORSMiddleware, allow_origins=server.cors_origins,
                           allow_methods=["*"], allow_headers=["*"],
                           expose_headers=["X-Request-ID", "Location"])
    app.add_middleware(HostCheck, allowed_hosts=server.allowed_hosts)
    app.add_middleware(RequestLog)
