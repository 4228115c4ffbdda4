"""GDPR: export everything about one person, erase one person from every store, reindex.

Erasing a person deletes every meeting they took part in (as report or manager: their words are
in it), with its commitments, signals, vectors and uploaded files, then their topics and their
person record; other people's records that named them as manager lose that link. One SQL
transaction: on any error nothing is erased. Vectors go inside that transaction, before the
commit (they are derived data: if the commit then failed, `copilot reindex` restores them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, or_, select, update

from copilot.memory import commitments as cm
from copilot.memory import cues, index, lifecycle
from copilot.memory import people as ppl
from copilot.memory import topics as tp
from copilot.memory.store import Store
from copilot.memory.tables import (
    CommitmentEventRow,
    Meeting,
    NextStepRow,
    Person,
    SignalRow,
    TopicRow,
)
from copilot.memory.upkeep import recompute_status, remove_uploads
from copilot.models import PersonExport
from copilot.text import name_key


def export_person(store: Store, name: str) -> PersonExport:
    record = ppl.get(store, name)
    with store._session() as s:
        row = ppl.find(s, name)
        ids = list(s.scalars(select(Meeting.id).where(
            or_(Meeting.report_id == row.id, Meeting.manager_id == row.id))
            .order_by(Meeting.date, Meeting.created_at)))
    return PersonExport(
        person=record, exported_at=dt.datetime.now(dt.UTC),
        meetings=[store.get(i) for i in ids],
        commitments=cm.list_commitments(store, record.name, status="all"),
        topics=tp.list_topics(store, record.name, status="all"),
    )


def erase_person(store: Store, name: str) -> list[str]:
    """Delete the person and every meeting they were in; returns the meeting ids erased."""
    with store._session(write=True) as s:
        row = ppl.find(s, name)
        ids = list(s.scalars(select(Meeting.id).where(
            or_(Meeting.report_id == row.id, Meeting.manager_id == row.id))))
        for meeting_id in ids:
            store.delete_in(s, meeting_id)
        s.execute(delete(TopicRow).where(TopicRow.person_id == row.id))
        s.execute(update(Person).where(Person.manager_id == row.id).values(manager_id=None))
        s.execute(delete(Person).where(Person.id == row.id))
        for meeting_id in ids:
            index.remove_meeting(store.vectors, store.embedder, meeting_id)
        for collection in index.ours(store.vectors, store.embedder):
            if collection.startswith("items_"):  # submitted topics carry no meeting id
                store.vectors.delete(collection, where={"report": name_key(row.name)})
    for meeting_id in ids:
        remove_uploads(store.settings, meeting_id)
    return ids


Progress = Callable[[int, int], None]


def reindex(store: Store, progress: Progress | None = None) -> int:
    """Rebuild every derived thing from the stored analyses, oldest meeting first: vectors,
    signals, and the automatic commitment lifecycle. Manual decisions (events with source
    "manual", dropped topics) are kept, and commitments a person decided on are not replayed.
    One meeting per transaction, so a crash midway leaves a consistent, partly rebuilt index
    that a second run completes. Returns the number of meetings indexed.
    """
    for name in index.ours(store.vectors, store.embedder):  # stale ones of an old model too
        store.vectors.drop(name)
    with store._session(write=True) as s:
        s.execute(delete(CommitmentEventRow).where(CommitmentEventRow.source == "auto"))
        s.execute(delete(SignalRow))
        s.execute(update(NextStepRow).values(superseded_by=None))
        s.execute(update(TopicRow).where(TopicRow.status == "covered")
                  .values(status="open", covered_meeting_id=None, covered_evidence=None))
        recompute_status(s, set(s.scalars(select(NextStepRow.id))))
        for t_id, text, person in s.execute(
                select(TopicRow.id, TopicRow.text, Person.name)
                .join(Person, TopicRow.person_id == Person.id)):
            index.add_topic(store.vectors, store.embedder, t_id, text, person)
        order = list(s.scalars(select(Meeting.id).order_by(Meeting.date, Meeting.created_at)))
    for done, meeting_id in enumerate(order, 1):
        _replay(store, meeting_id)
        if progress:
            progress(done, len(order))
    return len(order)


def _replay(store: Store, meeting_id: str) -> None:
    analysis = store.get(meeting_id)
    found = cues.findings(analysis)
    embed = index.TextVectors(store.embedder)
    with store._session(write=True) as s:
        meeting = s.get(Meeting, meeting_id)
        steps = list(meeting.next_steps)
        manual = set(s.scalars(select(CommitmentEventRow.next_step_id).where(
            CommitmentEventRow.source == "manual")))
        signals = [SignalRow(meeting_id=meeting_id, kind=f.kind, label=f.label, text=f.text,
                             evidence=list(f.evidence)) for f in found]
        s.add_all(signals)
        s.flush()
        # Commitments someone closed or reopened by hand are theirs: hide them from the replay.
        hidden = s.scalars(select(NextStepRow).where(NextStepRow.id.in_(manual),
                                                     NextStepRow.status == "open")).all()
        for row in hidden:
            row.status = "manual"
        s.flush()
        lifecycle.apply(s, meeting, analysis, steps, signals, store.lifecycle_context(embed))
        for row in hidden:
            row.status = "open"
        s.flush()
        index.add_meeting(store.vectors, store.embedder, analysis,
                          [(n.id, n.action) for n in steps],
                          [(g.id, g.text) for g in signals if g.kind != "area"], embed)
