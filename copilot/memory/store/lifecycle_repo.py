"""The rows the commitment lifecycle reads and changes, inside the transaction saving a meeting.

copilot/memory/lifecycle.py decides (which commitment a sentence closes, what renews what);
this repository only fetches the earlier meetings' open items as records and writes the
decisions back. Only meetings of the same report dated strictly before the new one count.

Two meetings of one report saved at once (two API processes on PostgreSQL) must not both close,
renew or cover the same open item: the rows read as open are locked (SELECT ... FOR UPDATE, in
id order so two saves cannot deadlock); the second save waits for the first to commit, and
PostgreSQL then re-checks the row, which no longer reads as open. SQLite needs none of it (one
writer at a time) and SQLAlchemy renders nothing there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.memory.store.records import SignalRecord, StepRecord, TopicRecord
from copilot.memory.store.tables import (
    CommitmentEventRow,
    Meeting,
    NextStepRow,
    SignalRow,
    TopicRow,
)


def step_record(row: NextStepRow) -> StepRecord:
    return StepRecord(id=row.id, owner=row.owner, owner_role=row.owner_role, action=row.action,
                      due=row.due, evidence=list(row.evidence or []))


def signal_record(row: SignalRow) -> SignalRecord:
    return SignalRecord(id=row.id, meeting_id=row.meeting_id, kind=row.kind, label=row.label,
                        text=row.text, evidence=list(row.evidence or []),
                        thread_id=row.thread_id)


class LifecycleRepository:
    """One meeting being saved (its rows flushed, so they have ids) and its report's history."""

    def __init__(self, s: Session, meeting: Meeting, new_steps: list[NextStepRow],
                 new_signals: list[SignalRow]) -> None:
        self._s = s
        self.meeting_id = meeting.id
        self._report_id = meeting.report_id
        self._day = meeting.date
        self._steps = {row.id: row for row in new_steps}
        self._signals = {row.id: row for row in new_signals}
        self._topics: dict[int, TopicRow] = {}
        self.new_steps = [step_record(row) for row in new_steps]
        self.new_signals = [signal_record(row) for row in new_signals]

    def _earlier(self, model):
        return (select(model).join(Meeting, model.meeting_id == Meeting.id)
                .where(Meeting.report_id == self._report_id, Meeting.date < self._day))

    # -- reading ---------------------------------------------------------------------------

    def open_commitments(self) -> list[StepRecord]:
        """Earlier commitments still open and not renewed, oldest first."""
        rows = self._s.scalars(
            self._earlier(NextStepRow)
            .where(NextStepRow.status == "open", NextStepRow.superseded_by.is_(None))
            .order_by(NextStepRow.id).with_for_update(of=NextStepRow)
        ).all()
        self._steps.update({row.id: row for row in rows})
        return [step_record(row) for row in rows]

    def open_deferred(self) -> list[SignalRecord]:
        """Topics earlier meetings put off and no meeting has covered yet."""
        rows = self._s.scalars(self._earlier(SignalRow).where(
            SignalRow.kind == "deferred", SignalRow.status == "open")
            .order_by(SignalRow.id).with_for_update(of=SignalRow)).all()
        self._signals.update({row.id: row for row in rows})
        return [signal_record(row) for row in rows]

    def open_topics(self) -> list[TopicRecord]:
        """Topics the report submitted on or before this meeting's day, still open."""
        rows = self._s.scalars(select(TopicRow).where(
            TopicRow.person_id == self._report_id, TopicRow.status == "open",
            TopicRow.submitted_on <= self._day)
            .order_by(TopicRow.id).with_for_update()).all()
        self._topics.update({row.id: row for row in rows})
        return [TopicRecord(id=row.id, text=row.text) for row in rows]

    def earlier_blockers(self, since: dt.date) -> list[SignalRecord]:
        """Blockers of earlier meetings held on or after `since`, newest meeting first."""
        rows = self._s.scalars(self._earlier(SignalRow).where(
            SignalRow.kind == "blocker", Meeting.date >= since)
            .order_by(Meeting.date.desc())).all()
        return [signal_record(row) for row in rows]

    # -- writing the decisions -------------------------------------------------------------

    def record(self, step_id: int, kind: str, evidence: list[int], score: float | None,
               reason: str, due: dt.date | None = None) -> None:
        """News about a commitment (blocked, postponed, ...), found in this meeting."""
        self._s.add(CommitmentEventRow(
            next_step_id=step_id, meeting_id=self.meeting_id, kind=kind, source="auto",
            evidence=evidence, score=score, reason=reason, due=due,
        ))

    def close(self, step_id: int, evidence: list[int], score: float | None, reason: str) -> None:
        """This meeting reports the commitment done."""
        self.record(step_id, "done", evidence, score, reason)
        self._steps[step_id].status = "done"

    def renew(self, old_id: int, new: StepRecord, score: float | None, reason: str) -> None:
        """The new next step `new` repeats the open commitment `old_id`."""
        self._steps[old_id].superseded_by = new.id
        self.record(old_id, "renewed", list(new.evidence), score, reason, new.due)

    def cover_deferred(self, signal_id: int, utterance: int) -> None:
        row = self._signals[signal_id]
        row.status, row.resolved_meeting_id, row.resolved_evidence = (
            "covered", self.meeting_id, [utterance])

    def cover_topic(self, topic_id: int, utterance: int) -> None:
        row = self._topics[topic_id]
        row.status, row.covered_meeting_id, row.covered_evidence = (
            "covered", self.meeting_id, [utterance])

    def join_thread(self, signal_id: int, thread_id: int) -> None:
        """A new blocker recurs an earlier one: it joins that blocker's thread."""
        self._signals[signal_id].thread_id = thread_id
