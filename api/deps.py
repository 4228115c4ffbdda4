"""FastAPI dependencies, as named `Annotated` aliases (SettingsDep, StoreDep, ExtractorDep).

Everything hangs off `app.state`, set by `create_app`: no settings or database at import time.
The store is opened on first use (not at startup), so /healthz and /docs answer even when the
database is unusable, and a broken database is a 503 on the routes that need it.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from copilot.analyze.base import Extractor
from copilot.memory.store import Store
from copilot.settings import Settings

_store_lock = threading.Lock()


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    # Sync dependency: FastAPI runs it in the threadpool, so several requests may race here.
    state = request.app.state
    if state.store is None:
        with _store_lock:
            if state.store is None:
                state.store = Store.open(state.settings)
    return state.store


def get_extractor(request: Request) -> Extractor | None:
    """The extractor given to create_app (tests), or None: the pipeline loads the default."""
    return request.app.state.extractor


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
ExtractorDep = Annotated[Extractor | None, Depends(get_extractor)]
