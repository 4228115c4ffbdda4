"""Erasing a person (GDPR) and rebuilding what is derived from the stored analyses (reindex).

Erasing a person deletes every meeting they took part in (as report or manager: their words are
in it), with its commitments, signals, vectors and uploaded files, then their topics and their
person record and voiceprints, the jobs that analysed their recordings (and those uploads);
other people's records that named them as manager lose that link. One SQL transaction: on any
error nothing is erased. Vectors go inside that transaction, before the commit (they are derived
data: if the commit then failed, `copilot reindex` restores them). After the commit the
deleted bytes are purged from what the databases keep beside their tables (SQLite's WAL and
free pages, chromadb's write-ahead log): `purge_erased`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from copilot.errors import NotFoundError
from copilot.memory import cues, index, lifecycle
from copilot.memory.index_files import scrub_unused_slots
from copilot.memory.store.base import PEOPLE_HINT, find_person
from copilot.memory.store.lifecycle_repo import LifecycleRepository
from copilot.memory.store.meetings import MeetingStore, delete_meeting_rows
from copilot.memory.store.scope import person_to_change, seen_person
from copilot.memory.store.tables import (
    AuditRow,
    CommitmentEventRow,
    JobRow,
    Meeting,
    NextStepRow,
    Person,
    SignalRow,
    TopicRow,
    UtteranceRow,
    VoiceprintRow,
)
from copilot.memory.store.upkeep import recompute_status, remove_uploads
from copilot.memory.store.vector_log import purge_vector_log
from copilot.models import ErasureReport
from copilot.models.accounts import DEFAULT_ORG_ID
from copilot.settings_jobs import storage_root
from copilot.text import name_key

KEPT_BY_DESIGN = [
    ("mentions of the person inside other people's meetings (those meetings belong to the "
     "people who held them; export or delete them one by one)"),
    "the manager link of the people they managed is cleared, their records stay",
]


def _counts(s: Session, ids: list[str], person_id: int) -> dict[str, int]:
    """What erasing `ids` and the person will delete, counted before it goes."""
    def n(model, *where) -> int:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "meetings": len(ids),
        "utterances": n(UtteranceRow, UtteranceRow.meeting_id.in_(ids)),
        "commitments": n(NextStepRow, NextStepRow.meeting_id.in_(ids)),
        "signals": n(SignalRow, SignalRow.meeting_id.in_(ids)),
        "topics": n(TopicRow, TopicRow.person_id == person_id),
        "voiceprints": n(VoiceprintRow, VoiceprintRow.person_id == person_id),
    }


def _erase_jobs(s: Session, ids: list[str], key: str, org_id: int) -> tuple[int, list[str]]:
    """Delete the jobs of the erased meetings, and those whose parameters name the person
    (one that failed has no meeting); returns their uploads (paths relative to the home).
    Their rows would keep the file name and the names, and GET /v1/jobs/{id} would serve them."""
    uploads: list[str] = []
    gone: list[str] = []
    for row in s.scalars(select(JobRow)):
        named = {name_key(str(row.params.get(k) or "")) for k in ("manager", "report")}
        same_org = (row.params.get("principal") or {}).get("org_id", DEFAULT_ORG_ID) == org_id
        if row.meeting_id in ids or row.id in ids or (key in named and same_org):
            gone.append(row.id)
            uploads += [p for p in (row.upload, row.voice_upload) if p]
    if gone:
        s.execute(delete(JobRow).where(JobRow.id.in_(gone)))
    return len(gone), uploads


def blank_audit(s: Session, person_id: int, ids: list[str]) -> int:
    """What the audit log says about an erased person goes; the fact that someone did
    something at that time stays (the log stays append-only in every other way)."""
    about = or_(AuditRow.person_id == person_id, AuditRow.object_id.in_(ids))
    return s.execute(update(AuditRow).where(about).values(
        person_id=None, object_id=None, detail={"erased": True})).rowcount or 0


class MaintenanceStore(MeetingStore):
    """Erasure and reindexing."""

    def erase_person(self, name: str) -> ErasureReport:
        """Delete the person and everything about them (module docstring); says what went."""
        with self._session(write=True) as s:
            row = find_person(s, name, self.principal.org_id)
            if row is None or seen_person(s, self.principal, name) is None:
                raise NotFoundError(f"nobody called {name.strip()!r} is stored", PEOPLE_HINT)
            if row is not person_to_change(s, self.principal, name):
                raise AssertionError("unreachable: the same row")  # Forbidden raised inside
            person = row.name
            ids = list(s.scalars(select(Meeting.id).where(
                or_(Meeting.report_id == row.id, Meeting.manager_id == row.id))))
            removed = _counts(s, ids, row.id)
            removed["jobs"], job_uploads = _erase_jobs(s, ids, row.name_key, row.org_id)
            removed["audit_entries_blanked"] = blank_audit(s, row.id, ids)
            for meeting_id in ids:
                delete_meeting_rows(s, meeting_id)
            s.execute(delete(TopicRow).where(TopicRow.person_id == row.id))
            s.execute(update(Person).where(Person.manager_id == row.id).values(manager_id=None))
            s.execute(delete(Person).where(Person.id == row.id))
            before = self._vector_total()
            for meeting_id in ids:
                index.remove_meeting(self.vectors, self.embedder, meeting_id)
            for collection in index.ours(self.vectors, self.embedder):
                if collection.startswith("items_"):  # submitted topics carry no meeting id
                    self.vectors.delete(collection, where={"report": name_key(row.name)})
            removed["vectors"] = before - self._vector_total()
        files = [p for meeting_id in ids for p in remove_uploads(self.settings, meeting_id)]
        for rel in job_uploads:
            path = storage_root(self.settings) / rel
            if path.is_file() and path not in files:
                path.unlink(missing_ok=True)
                files.append(path)
        removed["uploads"] = len(files)
        self.purge_erased()
        if self.settings.memory.vector_store == "chroma" and not self.settings.memory.chroma_url:
            removed["vector_log_entries"] = purge_vector_log(Path(self.settings.home), ids,
                                                             name_key(person))
            removed["vector_files_scrubbed"] = scrub_unused_slots(
                Path(self.settings.home) / "vectors")
        return ErasureReport(person=person, meetings=ids, removed=removed, kept=KEPT_BY_DESIGN,
                             at=dt.datetime.now(dt.UTC))

    def _vector_total(self) -> int:
        return sum(self.vectors.count(c) for c in index.ours(self.vectors, self.embedder))

    def purge_erased(self) -> None:
        """Make deleted data unreadable on disk too. SQLite: deleted rows are zeroed
        (secure_delete, set on every connection) and the WAL, which still holds the old pages,
        is written back and truncated. The vector store: its own log (`VectorStore.purge`)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.vectors.purge()

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
            meeting.vectors_pending_since = None
