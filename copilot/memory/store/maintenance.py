"""Erasing a person (GDPR) and rebuilding what is derived from the stored analyses (reindex).

Erasing a person deletes every meeting they took part in (as report or manager: their words are
in it), with its commitments, signals, vectors and uploaded files, then their topics and their
person record; other people's records that named them as manager lose that link. One SQL
transaction: on any error nothing is erased. Vectors go inside that transaction, before the
commit (they are derived data: if the commit then failed, `copilot reindex` restores them).
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from copilot.errors import NotFoundError
from copilot.memory import cues, index, lifecycle
from copilot.memory.store.base import PEOPLE_HINT, find_person
from copilot.memory.store.lifecycle_repo import LifecycleRepository
from copilot.memory.store.meetings import MeetingStore, _delete_rows
from copilot.memory.store.tables import (
    CommitmentEventRow,
    Meeting,
    NextStepRow,
    Person,
    SignalRow,
    TopicRow,
)
from copilot.memory.store.upkeep import recompute_status, remove_uploads
from copilot.text import name_key


class MaintenanceStore(MeetingStore):
    """Erasure and reindexing."""

    def erase_person(self, name: str) -> list[str]:
        """Delete the person and every meeting they were in; returns the meeting ids erased."""
        with self._session(write=True) as s:
            row = find_person(s, name)
            if row is None:
                raise NotFoundError(f"nobody called {name.strip()!r} is stored", PEOPLE_HINT)
            ids = list(s.scalars(select(Meeting.id).where(
                or_(Meeting.report_id == row.id, Meeting.manager_id == row.id))))
            for meeting_id in ids:
                _delete_rows(s, meeting_id)
            s.execute(delete(TopicRow).where(TopicRow.person_id == row.id))
            s.execute(update(Person).where(Person.manager_id == row.id).values(manager_id=None))
            s.execute(delete(Person).where(Person.id == row.id))
            for meeting_id in ids:
                index.remove_meeting(self.vectors, self.embedder, meeting_id)
            for collection in index.ours(self.vectors, self.embedder):
                if collection.startswith("items_"):  # submitted topics carry no meeting id
                    self.vectors.delete(collection, where={"report": name_key(row.name)})
        for meeting_id in ids:
            remove_uploads(self.settings, meeting_id)
        return ids

    def reset_derived(self) -> list[str]:
        """The first half of `copilot reindex`: drop every vector collection (stale ones of an
        old model too), the automatic lifecycle events, the signals, the renewals and the topic
        coverage; index the submitted topics again. Manual events and dropped topics stay.
        Returns every meeting id, oldest first, for `replay_meeting`."""
        for name in index.ours(self.vectors, self.embedder):
            self.vectors.drop(name)
        with self._session(write=True) as s:
            s.execute(delete(CommitmentEventRow).where(CommitmentEventRow.source == "auto"))
            s.execute(delete(SignalRow))
            s.execute(update(NextStepRow).values(superseded_by=None))
            s.execute(update(TopicRow).where(TopicRow.status == "covered")
                      .values(status="open", covered_meeting_id=None, covered_evidence=None))
            recompute_status(s, set(s.scalars(select(NextStepRow.id))))
            for t_id, text, person in s.execute(
                    select(TopicRow.id, TopicRow.text, Person.name)
                    .join(Person, TopicRow.person_id == Person.id)):
                index.add_topic(self.vectors, self.embedder, t_id, text, person)
            return list(s.scalars(select(Meeting.id).order_by(Meeting.date, Meeting.created_at)))

    def replay_meeting(self, meeting_id: str) -> None:
        """Derive a stored meeting's signals, lifecycle and vectors again, in one transaction.
        Commitments someone closed or reopened by hand are not replayed."""
        analysis = self.get(meeting_id)
        found = cues.findings(analysis)
        embed = index.TextVectors(self.embedder)
        with self._session(write=True) as s:
            meeting = s.get(Meeting, meeting_id)
            steps = list(meeting.next_steps)
            manual = set(s.scalars(select(CommitmentEventRow.next_step_id).where(
                CommitmentEventRow.source == "manual")))
            signals = [SignalRow(meeting_id=meeting_id, kind=f.kind, label=f.label, text=f.text,
                                 evidence=list(f.evidence)) for f in found]
            s.add_all(signals)
            s.flush()
            # Commitments someone decided on by hand are theirs: hide them from the replay.
            hidden = s.scalars(select(NextStepRow).where(NextStepRow.id.in_(manual),
                                                         NextStepRow.status == "open")).all()
            for row in hidden:
                row.status = "manual"
            s.flush()
            repo = LifecycleRepository(s, meeting, steps, signals)
            lifecycle.apply(repo, analysis, self.lifecycle_context(embed))
            for row in hidden:
                row.status = "open"
            s.flush()
            index.add_meeting(self.vectors, self.embedder, analysis,
                              [(n.id, n.action) for n in steps],
                              [(g.id, g.text) for g in signals if g.kind != "area"], embed)
