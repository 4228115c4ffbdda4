"""The store: the only package that speaks SQL (SQLAlchemy ORM, Alembic migrations).

`from copilot.memory.store import Store, OpenStep`. The names are handed on lazily, so that
importing a light submodule (`records`) never loads SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Store": "copilot.memory.store.core",
    "OpenStep": "copilot.memory.store.records",
    "MIGRATIONS": "copilot.memory.store.base",
    "migrate": "copilot.memory.store.base",
    "SCHEMA_VERSION": "copilot.memory.store.meetings",
}
__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "OpenStep", "Store", "migrate"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
