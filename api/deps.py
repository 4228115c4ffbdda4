"""FastAPI dependencies, as named `Annotated` aliases (SettingsDep, StoreDep, ExtractorDep).

Everything hangs off `app.state`, set by `create_app`: no settings or database at import time.
`open_store` is the one place the app's store is opened: by the lifespan before the first
request (migrations must not run in two threads at once), else on first use. When the database
is unusable, /healthz and /docs still answer and the routes that need it answer 503.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Path, Query, Request
from pydantic import AfterValidator

from copilot.analyze.base import Extractor
from copilot.memory.store import Store
from copilot.models import Language
from copilot.settings import Settings
from copilot.validate import check_name

_store_lock = threading.Lock()


def open_store(app: FastAPI) -> Store:
    """The app's store, opened once. Several threadpool requests may race here: the lock."""
    state = app.state
    if state.store is None:
        with _store_lock:
            if state.store is None:
                state.store = Store.open(state.settings)
    return state.store


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    # Sync dependency: FastAPI runs it in the threadpool.
    return open_store(request.app)


def get_extractor(request: Request) -> Extractor | None:
    """The extractor given to create_app (tests), or None: the pipeline loads the default."""
    return request.app.state.extractor


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
ExtractorDep = Annotated[Extractor | None, Depends(get_extractor)]
# A person's name in a path (/v1/people/{name}, /v1/managers/{name}): checked like every name
# that enters (copilot.validate.check_name), so an invisible or control character is a 422.
PersonName = Annotated[str, Path(description="A person's name; any case or accents."),
                       AfterValidator(check_name)]
# The language of the analysis' own texts (warnings, suggestions, agenda items): the meeting's
# unless asked; the words said are never translated. Another value is a 422.
TextsLang = Annotated[Language | None, Query(
    description="fr or en: the language of the generated texts (warnings, suggestions, agenda "
    "items); default the meeting's language.")]
