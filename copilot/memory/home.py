"""The manager's home: each report they hold 1:1s with (last and expected next 1:1, overdue,
open commitments by side) and their reports' legal interview deadlines. The store answers in
a few aggregate queries (`Store.home_facts`), so a home of 50 reports and 2,000 meetings stays
well under the 200 ms the page may take (eval/bench_web.py)."""

from __future__ import annotations

import datetime as dt

from copilot.memory import legal
from copilot.memory import people as ppl
from copilot.memory.store import Store
from copilot.memory.store.home import HomeFacts
from copilot.models.home import HomeReport, ManagerHome


def _report(found: HomeFacts, day: dt.date, store: Store) -> HomeReport:
    cadence = ppl.cadence([d for d, _ in found.meetings], day, store.settings)
    counts = found.open_by_role
    return HomeReport(
        name=found.facts.name, cadence=cadence, last_meeting=cadence.last_meeting,
        last_meeting_id=found.meetings[-1][1] if found.meetings else None,
        expected_next=cadence.expected_next, overdue=cadence.overdue,
        open_mine=counts.get("manager", 0), open_theirs=counts.get("report", 0),
        open_other=sum(n for role, n in counts.items() if role not in ("manager", "report")))


def _order(report: HomeReport) -> tuple:
    return (not report.overdue, report.expected_next is None,
            report.expected_next or dt.date.max, report.name.casefold())


def manager_home(store: Store, day: dt.date | None = None,
                 manager: str | None = None) -> ManagerHome:
    """The home of the store's principal (a manager; the local owner names `manager`)."""
    day = day or dt.date.today()
    name, found = store.home_facts(day, manager)
    reports = sorted((_report(f, day, store) for f in found), key=_order)
    deadlines = [d.model_copy(update={"person": f.facts.name}) for f in found
                 for d in legal.due_soon(ppl.record(f.facts, store.settings, day), day,
                                         store.settings)]
    return ManagerHome(manager=name, date=day, reports=reports,
                       legal=sorted(deadlines, key=lambda d: (d.due, d.person or "")))
