"""Memory: the meetings store and what is built from it across meetings (the agenda)."""

from copilot.memory.agenda import build_agenda
from copilot.memory.store import OpenStep, Store

__all__ = ["OpenStep", "Store", "build_agenda"]
