"""Meetings in and out: save (with the commitment lifecycle and the vectors), delete, read.

Saving a meeting also runs the commitment lifecycle (copilot/memory/lifecycle.py) and indexes its
vectors, so every front end (`copilot analyze`, `POST /v1/meetings`) gets both. The vectors are
written before the SQL transaction commits: if the store refuses them, nothing is saved; if the
vector server is down, the meeting is saved and indexed later (pending.py); if the commit fails,
they are removed again. Deleting a meeting removes it from every store (rows, vectors, uploads).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from pydantic import ValidationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from copilot.errors import Forbidden, InputError, NotFoundError, StoreError, VectorStoreDown
from copilot.memory import cues, index, lifecycle
from copilot.memory.store.base import find_person, upsert_person
from copilot.memory.store.lifecycle_repo import LifecycleRepository
from copilot.memory.store.pending import PendingVectorStore
from copilot.memory.store.records import HeldMeeting, OpenStep, utcnow
from copilot.memory.store.scope import Level, meetings_seen
from copilot.memory.store.tables import (
    AnalysisRow,
    CommitmentEventRow,
    Meeting,
    NextStepRow,
    Person,
    SignalRow,
    TopicRow,
    UtteranceRow,
)
from copilot.memory.store.upkeep import recompute_status, remove_uploads
from copilot.models import Analysis, BalanceShare, MeetingSummary, NextStep, Utterance
from copilot.text import fold, name_key

log = logging.getLogger("copilot.memory")

# Version of the JSON written to analyses.body (bump when Analysis changes incompatibly).
SCHEMA_VERSION = 1
_NAME_MAX = 200
_LIST_HINT = "run `copilot meetings list` to see the stored meetings"
_KEPT_ON_REPLACE = ("created_at", "share_recap", "share_transcript", "private_notes",
                    "recap_edit")


class MeetingStore(PendingVectorStore):
    """Saving, deleting and reading meetings."""

    # -- writing ---------------------------------------------------------------------------

    def lifecycle_context(self, embed: index.TextVectors) -> lifecycle.Context:
        return lifecycle.Context(
            embed=embed, stored=self.stored_or_nothing(),
            embedder=self.embedder.name, threshold=self.settings.memory.close_threshold,
            blocker_window_days=self.settings.memory.blocker_window_days,
        )

    def _prepare(self, analysis: Analysis) -> tuple[list[cues.Finding], index.TextVectors]:
        """Check the names; find the meeting's signals; embed, in one batch, every text the
        lifecycle and the index will ask for."""
        for name in (analysis.manager, analysis.report):
            if not name.strip() or len(name) > _NAME_MAX:
                raise InputError(f"{name[:40]!r} is not a usable name",
                                 f"use a name of 1 to {_NAME_MAX} characters")
        found = cues.findings(analysis)
        embed = index.TextVectors(self.embedder)
        embed.prefetch([u.text for u in analysis.utterances]
                       + [n.action for n in analysis.next_steps]
                       + [f.text for f in found if f.kind != "area"]
                       + [p.unit.text for p in cues.progress(analysis, [analysis.manager,
                                                                        analysis.report])])
        return found, embed

    def save(self, analysis: Analysis, *, replace: bool = False) -> None:
        """Store a whole analysis in one transaction: everything is written, or nothing.

        Also closes or updates the earlier commitments this meeting reports on, and indexes its
        vectors (see the module docstring for how the two stores stay in step). `replace`: the
        meeting is stored already and is rewritten in the same transaction (roles assigned
        after the fact change owners, metrics and critique).
        """
        found, embed = self._prepare(analysis)
        indexed = stale = False
        try:
            with self._session(write=True) as s:
                if replace:
                    self._check_seen(s, analysis.id, Level.LEAD)
                    old = s.get(Meeting, analysis.id)
                    # What the analysis does not hold stays: its place in listings, what the
                    # manager shared and their private notes.
                    kept = {k: getattr(old, k) for k in _KEPT_ON_REPLACE} if old else None
                    delete_meeting_rows(s, analysis.id)
                    s.flush()
                    s.expunge_all()  # the deleted rows must not shadow the new ones
                    try:
                        index.remove_meeting(self.vectors, self.embedder, analysis.id)
                    except VectorStoreDown:
                        stale = True  # old vectors left: removed when it is indexed again
                self._write(s, analysis, found, embed)
                indexed = True
                row = s.get(Meeting, analysis.id)
                if replace and kept is not None:
                    for key, value in kept.items():
                        setattr(row, key, value)
                if stale:
                    row.vectors_pending_since = row.vectors_pending_since or utcnow()
                went_through = row.vectors_pending_since is None
        except BaseException:
            if indexed:  # the commit failed: take the vectors back out
                try:
                    index.remove_meeting(self.vectors, self.embedder, analysis.id)
                except StoreError:
                    log.warning("vectors of unsaved meeting %s left behind", analysis.id)
            raise
        if went_through:  # the server answers: index what was saved while it did not
            self.index_pending()

    def save_batch(self, analyses: list[Analysis]) -> None:
        """Store new meetings in one transaction (bulk loading; oldest first, so the lifecycle
        sees each meeting's history). A failure saves none of them; vectors written for the
        batch before a failed commit are left for `copilot reindex` to rebuild."""
        prepared = [(a, *self._prepare(a)) for a in analyses]
        with self._session(write=True) as s:
            for analysis, found, embed in prepared:
                self._write(s, analysis, found, embed)

    def _write(self, s: Session, analysis: Analysis, found: list[cues.Finding],
               embed: index.TextVectors) -> None:
        if s.get(Meeting, analysis.id) is not None:
            raise InputError(
                f"meeting {analysis.id} is already stored",
                f"delete it first with `copilot meetings delete {analysis.id}`",
            )
        # Both people in name order: two saves naming the same two new people the other way
        # round would otherwise each wait for the row the other inserted (a deadlock).
        for name in sorted((analysis.manager, analysis.report), key=name_key):
            upsert_person(s, name, self.principal.org_id)
        meeting = Meeting(
            id=analysis.id,
            date=analysis.date,
            manager=self._own_person(s, analysis.manager),
            report=upsert_person(s, analysis.report, self.principal.org_id),
            language=analysis.language,
            source=analysis.source,
            source_format=analysis.source_format,
            engine=analysis.engine,
            warning_count=len(analysis.warnings),
        )
        meeting.analysis = AnalysisRow(
            schema_version=SCHEMA_VERSION, body=analysis.model_dump_json()
        )
        meeting.utterances = [_utterance_row(u) for u in analysis.utterances]
        meeting.next_steps = [_next_step_row(n) for n in analysis.next_steps]
        s.add(meeting)
        s.flush()  # the meeting row first: signals reference it but have no ORM relationship
        signals = [SignalRow(meeting_id=analysis.id, kind=f.kind, label=f.label, text=f.text,
                             evidence=list(f.evidence)) for f in found]
        s.add_all(signals)
        s.flush()  # ids for the commitments and signals
        repo = LifecycleRepository(s, meeting, list(meeting.next_steps), signals)
        lifecycle.apply(repo, analysis, self.lifecycle_context(embed))
        s.flush()
        self.index_or_defer(
            meeting, analysis, [(n.id, n.action) for n in meeting.next_steps],
            [(g.id, g.text) for g in signals if g.kind != "area"], embed)

    def _own_person(self, s: Session, manager: str) -> Person:
        """The meeting's manager: a user records only the 1:1s they lead themselves."""
        row = upsert_person(s, manager, self.principal.org_id)
        if not self.principal.is_owner and row.id != self.principal.person_id:
            raise Forbidden(f"{manager!r} is not you: you can only record the 1:1s you lead",
                            "leave `manager` out, or give your own name")
        return row

    def check_may_lead(self, manager: str) -> None:
        """Forbidden unless the principal may record a 1:1 led by `manager` (themselves):
        checked before an upload is written, and again when the meeting is saved."""
        if self.principal.is_owner:
            return
        with self._session() as s:
            row = find_person(s, manager, self.principal.org_id)
        if row is None or row.id != self.principal.person_id:
            raise Forbidden(f"{manager!r} is not you: you can only record the 1:1s you lead",
                            "give your own name as the manager")

    def _check_seen(self, s: Session, meeting_id: str, level: Level) -> None:
        """NotFoundError unless the principal sees the meeting at `level`; Forbidden when they
        see it at a lower level (a report reading what the manager did not share)."""
        seen = s.scalar(select(Meeting.id).where(
            Meeting.id == meeting_id, meetings_seen(self.principal, level)))
        if seen is not None:
            return
        lower = s.scalar(select(Meeting.id).where(
            Meeting.id == meeting_id, meetings_seen(self.principal, Level.RECAP)))
        if lower is None or level == Level.RECAP:
            raise NotFoundError(f"no meeting with id {meeting_id!r}", _LIST_HINT)
        raise Forbidden(f"meeting {meeting_id} is not yours to "
                        f"{'change' if level == Level.LEAD else 'read in full'}",
                        "ask the manager who led it")

    def sees_meeting(self, meeting_id: str, level: Level = Level.RECAP) -> None:
        """Raise NotFoundError / Forbidden unless the principal sees the meeting at `level`."""
        with self._session() as s:
            self._check_seen(s, meeting_id, level)

    def delete(self, meeting_id: str) -> None:
        """Delete a meeting everywhere: rows (utterances, analysis, commitments, signals), its
        vectors and uploaded files. What it had closed or covered opens again. People stay."""
        with self._session(write=True) as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            delete_meeting_rows(s, meeting_id)
            index.remove_meeting(self.vectors, self.embedder, meeting_id)
        remove_uploads(self.settings, meeting_id)

    # -- reading ---------------------------------------------------------------------------

    def get(self, meeting_id: str, level: Level = Level.LEAD) -> Analysis:
        """The whole analysis (coaching included): the manager who led it, by default."""
        with self._session() as s:
            self._check_seen(s, meeting_id, level)
            row = s.get(AnalysisRow, meeting_id)
            if row is None:
                raise NotFoundError(f"no meeting with id {meeting_id!r}", _LIST_HINT)
            body, version = row.body, row.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"meeting {meeting_id} was written by a newer copilot (schema {version})",
                "upgrade copilot",
            )
        try:
            return Analysis.model_validate_json(body)
        except ValidationError as exc:
            raise StoreError(
                f"meeting {meeting_id} is stored in a form this version cannot read",
                "delete it with `copilot meetings delete` and analyse the file again",
            ) from exc

    def list(self, report: str | None = None, manager: str | None = None) -> list[MeetingSummary]:
        """Meeting summaries, newest first, optionally for one report and/or one manager."""
        mgr, rep = aliased(Person), aliased(Person)
        steps = (
            select(func.count(NextStepRow.id))
            .where(NextStepRow.meeting_id == Meeting.id)
            .scalar_subquery()
        )
        query = (
            select(Meeting, mgr.name, rep.name, steps)
            .join(mgr, Meeting.manager_id == mgr.id)
            .join(rep, Meeting.report_id == rep.id)
            .where(meetings_seen(self.principal))
            .order_by(Meeting.date.desc(), Meeting.created_at.desc(), Meeting.id)
        )
        # An empty filter (`?report=`) means no filter, not "people with no name".
        if report and report.strip():
            query = query.where(rep.name_key == name_key(report))
        if manager and manager.strip():
            query = query.where(mgr.name_key == name_key(manager))
        with self._session() as s:
            rows = s.execute(query).all()
        return [
            MeetingSummary(
                id=m.id, date=m.date, manager=m_name, report=r_name, language=m.language,
                source=m.source, next_steps=n_steps, warnings=m.warning_count,
            )
            for m, m_name, r_name, n_steps in rows
        ]

    def open_next_steps(
        self, report: str, manager: str | None = None, *, before: dt.date
    ) -> list[OpenStep]:
        """Next steps still open from meetings with `report` held strictly before `before`."""
        mgr, rep = aliased(Person), aliased(Person)
        query = (
            select(NextStepRow, Meeting.id, Meeting.date)
            .join(Meeting, NextStepRow.meeting_id == Meeting.id)
            .join(rep, Meeting.report_id == rep.id)
            .where(rep.name_key == name_key(report))
            .where(NextStepRow.status == "open", NextStepRow.superseded_by.is_(None))
            .where(Meeting.date < before, meetings_seen(self.principal))
            .order_by(Meeting.date, Meeting.created_at, NextStepRow.id)
        )
        if manager and manager.strip():
            query = query.join(mgr, Meeting.manager_id == mgr.id).where(
                mgr.name_key == name_key(manager)
            )
        with self._session() as s:
            rows = s.execute(query).all()
        return [OpenStep(_next_step(row), m_id, m_date) for row, m_id, m_date in rows]

    def meetings_held(self, report: str, manager: str | None = None, *,
                      before: dt.date) -> list[HeldMeeting]:
        """The 1:1s with `report` (and `manager`, when given) held strictly before `before`,
        newest first."""
        # Plain rows, not ORM objects: a report with 500 meetings must not cost 500 instances.
        rep = aliased(Person)
        q = (select(Meeting.id, Meeting.date, Meeting.language)
             .join(rep, Meeting.report_id == rep.id)
             .where(rep.name_key == name_key(report), Meeting.date < before,
                    meetings_seen(self.principal)))
        if manager and manager.strip():
            mgr = aliased(Person)
            q = q.join(mgr, Meeting.manager_id == mgr.id).where(mgr.name_key == name_key(manager))
        with self._session() as s:
            rows = s.execute(q.order_by(Meeting.date.desc(), Meeting.created_at.desc())).all()
        return [HeldMeeting(*row) for row in rows]

    def balances(self, meeting_ids: list[str]) -> dict[str, list[BalanceShare]]:
        """The balance of talk (Analysis.balance) of each meeting the principal leads among
        `meeting_ids`; a meeting analysed before balances existed has an empty list."""
        if not meeting_ids:
            return {}
        q = (select(AnalysisRow.meeting_id, AnalysisRow.body)
             .join(Meeting, AnalysisRow.meeting_id == Meeting.id)
             .where(AnalysisRow.meeting_id.in_(meeting_ids),
                    meetings_seen(self.principal, Level.LEAD)))
        with self._session() as s:
            rows = s.execute(q).all()
        # Only the one key is read: the utterances of the body are not validated for this.
        return {m_id: [BalanceShare.model_validate(b)
                       for b in json.loads(body).get("balance", [])] for m_id, body in rows}

    def meeting_ids_of(self, person: str, level: Level = Level.LEAD) -> list[str]:
        """Every meeting `person` took part in (as report or manager) that the principal sees
        at `level`, oldest first."""
        key = name_key(person)
        mgr, rep = aliased(Person), aliased(Person)
        q = (select(Meeting.id).join(mgr, Meeting.manager_id == mgr.id)
             .join(rep, Meeting.report_id == rep.id)
             .where((rep.name_key == key) | (mgr.name_key == key),
                    meetings_seen(self.principal, level))
             .order_by(Meeting.date, Meeting.created_at))
        with self._session() as s:
            return list(s.scalars(q))


def delete_meeting_rows(s: Session, meeting_id: str) -> None:
    """The relational part of deleting a meeting, inside the caller's transaction."""
    if s.get(Meeting, meeting_id) is None:
        raise NotFoundError(f"no meeting with id {meeting_id!r}", _LIST_HINT)
    touched = set(s.scalars(select(CommitmentEventRow.next_step_id).where(
        CommitmentEventRow.meeting_id == meeting_id)))
    own = select(NextStepRow.id).where(NextStepRow.meeting_id == meeting_id)
    s.execute(update(NextStepRow).where(NextStepRow.superseded_by.in_(own))
              .values(superseded_by=None))
    s.execute(update(SignalRow).where(SignalRow.resolved_meeting_id == meeting_id)
              .values(status="open", resolved_evidence=None))
    s.execute(update(TopicRow).where(TopicRow.covered_meeting_id == meeting_id)
              .values(status="open", covered_evidence=None))
    s.execute(delete(Meeting).where(Meeting.id == meeting_id))
    recompute_status(s, touched)


def _utterance_row(u: Utterance) -> UtteranceRow:
    return UtteranceRow(
        idx=u.id, speaker=u.speaker, role=u.role, start=u.start, end=u.end, text=u.text,
        folded=fold(u.text),
    )


def _next_step_row(n: NextStep) -> NextStepRow:
    return NextStepRow(
        owner=n.owner, owner_role=n.owner_role, action=n.action, due=n.due,
        due_text=n.due_text, status="open", evidence=list(n.evidence),
    )


def _next_step(row: NextStepRow) -> NextStep:
    return NextStep(
        owner=row.owner, owner_role=row.owner_role, action=row.action, due=row.due,
        due_text=row.due_text, evidence=list(row.evidence or []),
    )
