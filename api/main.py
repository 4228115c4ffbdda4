"""The FastAPI application factory. Run with `copilot serve`, or
`uvicorn --factory api.main:create_app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.routes import health, meetings, people
from copilot import __version__
from copilot.analyze.base import Extractor
from copilot.settings import Settings, get_settings


def create_app(settings: Settings | None = None, extractor: Extractor | None = None) -> FastAPI:
    """Build the app. Settings come from the environment now (never at import) unless given;
    `extractor` replaces the default engine (tests pass a FakeExtractor)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if app.state.store is not None:
            app.state.store.close()

    app = FastAPI(
        title="1:1 copilot",
        version=__version__,
        description="Transcripts and notes of one-to-ones in; facts, feedback, next steps, "
        "coaching and the next agenda out. Errors are `{\"error\": {code, message, hint}}`.",
        lifespan=lifespan,
    )
    app.state.settings = settings or get_settings()
    app.state.extractor = extractor
    app.state.store = None  # opened on first use, see api.deps.get_store
    errors.install(app)
    app.include_router(health.router)
    app.include_router(meetings.router, prefix="/v1")
    app.include_router(people.router, prefix="/v1")
    app.include_router(__import__("api.routes.memory").routes.memory.router, prefix="/v1")  # issue 4
    app.include_router(__import__("api.routes.coaching").routes.coaching.router, prefix="/v1")  # issue 5
    return app
