"""Memory: the meetings store and what is built from it across meetings (the agenda).

`Store`, `OpenStep` and `build_agenda` are handed on lazily: importing one submodule (the
cues, the matching) never loads the store, SQLAlchemy or the embedder.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {"Store": "copilot.memory.store", "OpenStep": "copilot.memory.store",
          "build_agenda": "copilot.memory.agenda"}
__all__ = ["OpenStep", "Store", "build_agenda"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
