"""Topics a report submits ahead of a 1:1, and the signals meetings raised (for the agenda)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.memory import index
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import SignalRecord, storable_id
from copilot.memory.store.scope import meetings_seen, people_seen, person_to_change, seen_person
from copilot.memory.store.tables import Meeting, Person, SignalRow, TopicRow
from copilot.models import Topic

# Plain columns, not ORM objects: an agenda over hundreds of meetings reads many signals.
_SIGNAL = (SignalRow.id, SignalRow.meeting_id, SignalRow.kind, SignalRow.label, SignalRow.text,
           SignalRow.evidence, SignalRow.thread_id)


def _signal(row) -> SignalRecord:
    id_, meeting_id, kind, label, text, evidence, thread_id = row
    return SignalRecord(id=id_, meeting_id=meeting_id, kind=kind, label=label, text=text,
                        evidence=list(evidence or []), thread_id=thread_id)


def _topic(row: TopicRow, person: str) -> Topic:
    return Topic(id=row.id, person=person, text=row.text, submitted_by=row.submitted_by,
                 submitted_on=row.submitted_on, status=row.status,
                 covered_meeting=row.covered_meeting_id,
                 covered_evidence=list(row.covered_evidence or []))


class TopicStore(StoreBase):
    """Submitted topics, and the signals (blockers, deferred topics, areas) of meetings."""

    def _topic_owner(self, s: Session, person: str) -> Person:
        """Whose agenda gets the topic: the report themselves, or a person the principal
        manages (created for the owner and for managers, like a first meeting would)."""
        seen = seen_person(s, self.principal, person)
        return seen if seen is not None else person_to_change(s, self.principal, person)

    def add_topic(self, person: str, text: str, *, submitted_by: str | None,
                  submitted_on: dt.date, vector: np.ndarray) -> Topic:
        """Store a topic for `person` and index its vector (`vector`: one row, computed
        before, so that a model error saves nothing)."""
        with self._session(write=True) as s:
            owner = self._topic_owner(s, person)
            row = TopicRow(person_id=owner.id, text=text, submitted_by=submitted_by,
                           submitted_on=submitted_on, status="open")
            s.add(row)
            s.flush()
            _, items = index.collections(self.embedder)
            self.vectors.upsert(items, [f"t:{row.id}"], vector,
                                [{"kind": "topic", "report": owner.name_key, "meeting_id": ""}])
            return _topic(row, owner.name)

    def topics(self, person: str, status: str | None = "open",
               submitted_until: dt.date | None = None) -> list[Topic]:
        """`person`'s topics (status None or "all": any), oldest first; `submitted_until`:
        only those submitted on or before that day."""
        with self._session() as s:
            owner = seen_person(s, self.principal, person)
            if owner is None:
                return []
            q = select(TopicRow).where(TopicRow.person_id == owner.id)
            if status and status != "all":
                q = q.where(TopicRow.status == status)
            if submitted_until is not None:
                q = q.where(TopicRow.submitted_on <= submitted_until)
            rows = s.scalars(q.order_by(TopicRow.submitted_on, TopicRow.id))
            return [_topic(r, owner.name) for r in rows]

    def drop_topic(self, topic_id: int) -> Topic | None:
        """Mark a topic dropped; None when there is no such topic."""
        if not storable_id(topic_id):
            return None
        with self._session(write=True) as s:
            row = s.get(TopicRow, topic_id)
            if row is None or s.scalar(select(Person.id).where(
                    Person.id == row.person_id, people_seen(self.principal))) is None:
                return None
            row.status = "dropped"
            owner = s.get(Person, row.person_id)
            return _topic(row, owner.name if owner else "?")

    def signals(self, meeting_ids: list[str], kind: str,
                status: str | None = None) -> list[SignalRecord]:
        """The signals of one kind raised in these meetings, in the order they were saved."""
        if not meeting_ids:
            return []
        q = (select(*_SIGNAL).join(Meeting, SignalRow.meeting_id == Meeting.id)
             .where(SignalRow.meeting_id.in_(meeting_ids), SignalRow.kind == kind,
                    meetings_seen(self.principal)))
        if status is not None:
            q = q.where(SignalRow.status == status)
        with self._session() as s:
            return [_signal(r) for r in s.execute(q.order_by(SignalRow.id))]

    def last_signal(self, meeting_ids: list[str], kind: str, label: str) -> SignalRecord | None:
        """The newest signal of this kind and label among these meetings (by meeting date)."""
        if not meeting_ids:
            return None
        with self._session() as s:
            row = s.execute(
                select(*_SIGNAL).join(Meeting, SignalRow.meeting_id == Meeting.id)
                .where(SignalRow.meeting_id.in_(meeting_ids), SignalRow.kind == kind,
                       SignalRow.label == label, meetings_seen(self.principal))
                .order_by(Meeting.date.desc(), SignalRow.id.desc()).limit(1)).first()
            return _signal(row) if row is not None else None
