"""The server's retention upkeep: `Store.apply_retention` at start, then every
COPILOT_RETENTION_INTERVAL_MINUTES (0: never), in one daemon thread beside the JobRunner.

A failed run is logged and retried at the next tick: retention is upkeep, and a locked or
broken database must not stop the server from answering (the routes say 503 themselves).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from copilot.errors import CopilotError
from copilot.memory.store import Store
from copilot.models import RetentionReport

log = logging.getLogger("copilot.retention")


class RetentionTimer:
    def __init__(self, get_store: Callable[[], Store], minutes: int) -> None:
        self.get_store = get_store
        self.minutes = minutes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: RetentionReport | None = None

    def start(self) -> None:
        if self.minutes <= 0:
            return
        self._thread = threading.Thread(target=self._loop, daemon=True, name="copilot-retention")
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self) -> RetentionReport | None:
        try:
            self.last = self.get_store().apply_retention()
        except CopilotError as exc:
            log.error("retention not applied: %s", exc.one_line())
            return None
        if self.last.recordings_deleted or self.last.transcripts_stripped:
            log.info("%s", self.last.line())
        return self.last

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # never let a bug end the thread: the next tick tries again
                log.exception("retention run crashed")
            self._stop.wait(self.minutes * 60)
