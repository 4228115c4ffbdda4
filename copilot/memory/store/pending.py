"""Meetings saved while the vector server was down: saved all the same, indexed later.

The relational store is the truth and vectors are derived from it, so a vector server that
does not answer (VectorStoreDown: refused, timed out) must not lose a meeting: its rows are
committed with `meetings.vectors_pending_since` set and a warning is logged. The next save
whose vectors go through indexes them (oldest first), and so does `copilot reindex`. A vector
store that answers but refuses a write is another matter: then nothing is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import func, select

from copilot.errors import VectorStoreDown
from copilot.memory import index
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import utcnow
from copilot.memory.store.tables import Meeting, SignalRow
from copilot.models import Analysis

log = logging.getLogger("copilot.memory")
CATCH_UP_BATCH = 50  # meetings indexed after one save: a long outage catches up over saves


class PendingVectorStore(StoreBase):
    """Indexing a meeting now, or marking it for later."""

    def stored_or_nothing(self) -> Callable[[list[str]], dict[str, np.ndarray]]:
        """The lifecycle's stored item vectors; none while the server is down (the lifecycle
        then embeds the texts itself, with the same embedder)."""
        fetch = index.stored_items(self.vectors, self.embedder)

        def stored(ids: list[str]) -> dict[str, np.ndarray]:
            try:
                return fetch(ids)
            except VectorStoreDown:
                return {}

        return stored

    def index_or_defer(self, meeting: Meeting, analysis: Analysis,
                       steps: Sequence[tuple[int, str]], signals: Sequence[tuple[int, str]],
                       embed: index.TextVectors) -> None:
        """Index the meeting being saved; with the server down, mark it pending instead."""
        try:
            index.add_meeting(self.vectors, self.embedder, analysis, steps, signals, embed)
        except VectorStoreDown as exc:
            meeting.vectors_pending_since = utcnow()
            log.warning("meeting %s saved without its vectors (%s): they are written at the "
                        "next save or `copilot reindex`", analysis.id, exc.message)

    def pending_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(Meeting).where(
                Meeting.vectors_pending_since.is_not(None))) or 0

    def index_pending(self, limit: int = CATCH_UP_BATCH) -> int:
        """Index up to `limit` pending meetings, oldest first, whoever's they are (derived
        data, no one reads anything here); stops when the server is down again. Returns how
        many were indexed."""
        with self._session() as s:
            ids = list(s.scalars(select(Meeting.id)
                                 .where(Meeting.vectors_pending_since.is_not(None))
                                 .order_by(Meeting.vectors_pending_since).limit(limit)))
        done = 0
        for meeting_id in ids:
            try:
                self._index_again(meeting_id)
            except VectorStoreDown as exc:
                log.warning("pending vectors not written yet (%s)", exc.message)
                break
            done += 1
        if done:
            log.info("indexed %d meeting(s) saved while the vector server was down", done)
        return done

    def _index_again(self, meeting_id: str) -> None:
        with self._session(write=True) as s:
            meeting = s.get(Meeting, meeting_id)
            if meeting is None or meeting.vectors_pending_since is None:
                return  # deleted meanwhile, or indexed by another process
            analysis = Analysis.model_validate_json(meeting.analysis.body)
            signals = s.scalars(select(SignalRow).where(SignalRow.meeting_id == meeting_id,
                                                        SignalRow.kind != "area")).all()
            index.remove_meeting(self.vectors, self.embedder, meeting_id)
            index.add_meeting(self.vectors, self.embedder, analysis,
                              [(n.id, n.action) for n in meeting.next_steps],
                              [(g.id, g.text) for g in signals], index.TextVectors(self.embedder))
            meeting.vectors_pending_since = None
