"""Agenda v1: what to bring up in the next 1:1 with someone.

For now that is every commitment (next step) still open from earlier meetings with that report:
a promise that is never brought back is a promise that is quietly dropped.

A name the store has never seen gives an empty agenda, not an error: a new report simply has no
history yet, and "nothing to follow up" is the true answer for them.
"""

from __future__ import annotations

import datetime as dt

from copilot.errors import InputError
from copilot.memory.store import OpenStep, Store
from copilot.models import Agenda, AgendaItem


def _item(open_step: OpenStep, day: dt.date) -> AgendaItem:
    step = open_step.step
    return AgendaItem(
        kind="open_commitment",
        text=step.action,
        owner=step.owner,
        owner_role=step.owner_role,
        due=step.due,
        overdue=step.due is not None and step.due < day,
        from_meeting=open_step.meeting_id,
        from_date=open_step.meeting_date,
        evidence=list(step.evidence),
    )


def _order(item: AgendaItem) -> tuple:
    # Overdue first (most urgent), then by due date with undated ones last, then oldest meeting.
    return (
        not item.overdue,
        item.due is None,
        item.due or dt.date.max,
        item.from_date or dt.date.max,
    )


def build_agenda(
    store: Store, report: str, manager: str | None = None, date: dt.date | None = None
) -> Agenda:
    """The agenda for a 1:1 with `report` on `date` (default today), optionally with `manager`.

    Only meetings held strictly before `date` count: the meeting being prepared is not history.
    """
    if not report or not report.strip():
        raise InputError("a report name is needed for an agenda", "e.g. --report Julien")
    if manager is not None and not manager.strip():
        manager = None
    day = date or dt.date.today()
    items = sorted((_item(s, day) for s in store.open_next_steps(report, manager, before=day)),
                   key=_order)
    return Agenda(
        # The spelling stored with the first meeting, so "JULIEN" shows as "Julien".
        report=store.person(report) or " ".join(report.split()),
        manager=(store.person(manager) or " ".join(manager.split())) if manager else None,
        date=day,
        items=items,
    )
