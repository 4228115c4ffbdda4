"""Commitments (the `next_steps` rows) with their events, as `Commitment` models.

The `next_steps` row is the commitment; its `commitment_events` say what happened since (and
why: evidence, meeting, score). A manual update is an event too (source "manual"), so the
history is never rewritten and `copilot reindex` keeps every decision a person made.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from copilot.errors import Forbidden, InputError
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import storable_id
from copilot.memory.store.scope import Level, meetings_seen
from copilot.memory.store.tables import CommitmentEventRow, Meeting, NextStepRow, Person
from copilot.memory.store.upkeep import recompute_status
from copilot.models import Commitment, CommitmentEvent
from copilot.text import name_key

# The status a manual event leaves a commitment in.
_STATUS_AFTER = {"done": "done", "dropped": "dropped", "reopened": "open"}


def _events(s: Session, ids: list[int]) -> dict[int, list[CommitmentEvent]]:
    out: dict[int, list[CommitmentEvent]] = defaultdict(list)
    if not ids:
        return out
    rows = s.execute(
        select(CommitmentEventRow, Meeting.date)
        .outerjoin(Meeting, CommitmentEventRow.meeting_id == Meeting.id)
        .where(CommitmentEventRow.next_step_id.in_(ids))
        .order_by(CommitmentEventRow.created_at, CommitmentEventRow.id)
    ).all()
    for ev, day in rows:
        out[ev.next_step_id].append(CommitmentEvent(
            kind=ev.kind, source=ev.source, meeting_id=ev.meeting_id, meeting_date=day,
            evidence=list(ev.evidence or []), score=ev.score, reason=ev.reason, due=ev.due,
            at=ev.created_at,
        ))
    return out


def _query(seen, *, person: str | None, report: str | None, manager: str | None, status: str,
           before: dt.date | None, ids: list[int] | None, include_superseded: bool):
    mgr, rep = aliased(Person), aliased(Person)
    q = (select(NextStepRow, Meeting.date, mgr.name, rep.name)
         .join(Meeting, NextStepRow.meeting_id == Meeting.id)
         .join(mgr, Meeting.manager_id == mgr.id).join(rep, Meeting.report_id == rep.id)
         .where(seen)
         .order_by(Meeting.date, Meeting.created_at, NextStepRow.id))
    if person and person.strip():
        # Someone's commitments: those of their 1:1s as the report, and those they own.
        key = name_key(person)
        q = q.where((rep.name_key == key) | (mgr.name_key == key))
    if report and report.strip():
        q = q.where(rep.name_key == name_key(report))
    if manager and manager.strip():
        q = q.where(mgr.name_key == name_key(manager))
    if status != "all":
        q = q.where(NextStepRow.status == status)
    if before is not None:
        q = q.where(Meeting.date < before)
    if ids is not None:
        q = q.where(NextStepRow.id.in_([i for i in ids if storable_id(i)]))
    if not include_superseded:
        q = q.where(NextStepRow.superseded_by.is_(None))
    return q


def _commitment(row: NextStepRow, day: dt.date, m_name: str, r_name: str,
                events: list[CommitmentEvent]) -> Commitment:
    closing = [e for e in events if e.kind in ("done", "dropped", "reopened")]
    closed_by = closing[-1] if closing and closing[-1].kind != "reopened" else None
    return Commitment(
        id=row.id, report=r_name, manager=m_name, owner=row.owner, owner_role=row.owner_role,
        action=row.action, due=row.due, due_text=row.due_text, status=row.status,
        meeting_id=row.meeting_id, meeting_date=day, evidence=list(row.evidence or []),
        events=events, closed_by=closed_by if row.status != "open" else None,
        superseded_by=row.superseded_by,
    )


class CommitmentStore(StoreBase):
    """Reading commitments, following renewals, recording manual decisions."""

    def commitments(self, *, person: str | None = None, report: str | None = None,
                    manager: str | None = None, status: str = "open",
                    before: dt.date | None = None, ids: list[int] | None = None,
                    include_superseded: bool = False) -> list[Commitment]:
        """Commitments, oldest meeting first. `person`: as report or owner's manager; `status`
        "all" for any; `before`: of meetings held strictly before; renewed ones only when
        `include_superseded`."""
        if ids is not None and not ids:
            return []  # none asked for: no round trip (the agenda asks for renewals often)
        q = _query(meetings_seen(self.principal), person=person, report=report,
                   manager=manager, status=status, before=before, ids=ids,
                   include_superseded=include_superseded)
        with self._session() as s:
            rows = s.execute(q).all()
            events = _events(s, [r.id for r, *_ in rows])
        return [_commitment(row, day, m_name, r_name, events.get(row.id, []))
                for row, day, m_name, r_name in rows]

    def renewal_chains(self, ids: list[int]) -> dict[int, list[int]]:
        """For each commitment, the earlier ones it renewed (oldest first), in one recursive
        query however long the chains: a weekly promise renewed for a year is 50 levels. UNION,
        not UNION ALL: a cycle in bad data ends instead of looping."""
        if not ids:
            return {}
        first = select(NextStepRow.id.label("id"), NextStepRow.superseded_by.label("head")
                       ).where(NextStepRow.superseded_by.in_(ids)).cte("chain", recursive=True)
        older = aliased(NextStepRow)
        chain = first.union(select(older.id, first.c.head).where(
            older.superseded_by == first.c.id))
        with self._session() as s:
            rows = s.execute(select(chain.c.id, chain.c.head)).all()
        out: dict[int, set[int]] = {head: set() for head in ids}
        for old, head in rows:
            out[head].add(old)
        return {head: sorted(chain_ids - {head}) for head, chain_ids in out.items()}

    def add_manual_event(self, commitment_id: int, kind: str, reason: str) -> bool:
        """Record a decision made by hand (`kind`: done, dropped or reopened) and set the
        status it leaves. False when there is no such commitment; InputError when it has that
        status already."""
        if not storable_id(commitment_id):
            return False
        with self._session(write=True) as s:
            # Locked: two people marking it done at once would both pass the check below.
            row = s.get(NextStepRow, commitment_id, with_for_update=True)
            if row is None:
                return False
            if s.scalar(select(Meeting.id).where(
                    Meeting.id == row.meeting_id,
                    meetings_seen(self.principal, Level.LEAD))) is None:
                if s.scalar(select(Meeting.id).where(
                        Meeting.id == row.meeting_id, meetings_seen(self.principal))) is None:
                    return False
                raise Forbidden(f"commitment {commitment_id} is not yours to change",
                                "the manager who led the meeting can change it")
            if row.status == _STATUS_AFTER[kind]:
                raise InputError(f"commitment {commitment_id} is already {row.status}",
                                 "nothing to change")
            s.add(CommitmentEventRow(next_step_id=row.id, meeting_id=None, kind=kind,
                                     source="manual", evidence=[], reason=reason))
            s.flush()
            recompute_status(s, {row.id})
        return True
