"""The keyword half of search (SQL on the folded utterance text) and reading hits back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import aliased

from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import UtteranceHit
from copilot.memory.store.scope import Level, meetings_seen
from copilot.memory.store.tables import Meeting, Person, UtteranceRow
from copilot.text import name_key


class SearchStore(StoreBase):
    """Utterances by words, and utterances by key."""

    def keyword_hits(self, terms: list[str], person: str | None = None,
                     since: dt.date | None = None, limit: int = 30) -> list[tuple[str, int]]:
        """(meeting id, utterance id) of utterances whose folded text holds every term,
        newest meeting first; `person`: as report or manager; `since`: meetings on or after."""
        mgr, rep = aliased(Person), aliased(Person)
        q = (select(UtteranceRow.meeting_id, UtteranceRow.idx)
             .join(Meeting, UtteranceRow.meeting_id == Meeting.id)
             .join(mgr, Meeting.manager_id == mgr.id).join(rep, Meeting.report_id == rep.id)
             .where(meetings_seen(self.principal, Level.TRANSCRIPT)))
        if person:
            key = name_key(person)
            q = q.where(or_(rep.name_key == key, mgr.name_key == key))
        if since:
            q = q.where(Meeting.date >= since)
        q = q.where(and_(*[UtteranceRow.folded.contains(t, autoescape=True) for t in terms]))
        with self._session() as s:
            rows = s.execute(q.order_by(Meeting.date.desc(), UtteranceRow.idx).limit(limit))
            return [(meeting_id, idx) for meeting_id, idx in rows]

    def utterance_hits(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], UtteranceHit]:
        """The utterances with these (meeting id, utterance id) keys that are still stored."""
        if not keys:
            return {}
        mgr, rep = aliased(Person), aliased(Person)
        q = (select(UtteranceRow, Meeting.date, mgr.name, rep.name)
             .join(Meeting, UtteranceRow.meeting_id == Meeting.id)
             .join(mgr, Meeting.manager_id == mgr.id).join(rep, Meeting.report_id == rep.id)
             .where(tuple_(UtteranceRow.meeting_id, UtteranceRow.idx).in_(keys),
                    meetings_seen(self.principal, Level.TRANSCRIPT)))
        with self._session() as s:
            rows = s.execute(q).all()
        return {(u.meeting_id, u.idx): UtteranceHit(
                    meeting_id=u.meeting_id, date=day, report=r_name, manager=m_name, idx=u.idx,
                    speaker=u.speaker, role=u.role, text=u.text)
                for u, day, m_name, r_name in rows}
