"""The figures of a manager's home page in three aggregate queries, whatever the number of
reports and meetings: who they hold 1:1s with and when, their open commitments by side, and the
records the legal calendar needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from copilot.memory.store.base import StoreBase, find_person
from copilot.memory.store.records import PersonFacts
from copilot.memory.store.tables import Meeting, NextStepRow, Person


@dataclass
class HomeFacts:
    """One report of the manager: their record, their 1:1s with this manager (oldest first)
    and the open commitments of those 1:1s by owner role (None: no one's)."""

    facts: PersonFacts
    meetings: list[tuple[dt.date, str]] = field(default_factory=list)
    open_by_role: dict[str | None, int] = field(default_factory=dict)


class HomeStore(StoreBase):
    """`home_facts`: what copilot/memory/home.py turns into the manager's home."""

    def _home_manager(self, s, manager: str | None) -> Person | None:
        if self.principal.is_owner:
            return find_person(s, manager, self.principal.org_id) if manager else None
        return s.get(Person, self.principal.person_id) if self.principal.person_id else None

    def home_facts(self, day: dt.date, manager: str | None = None
                   ) -> tuple[str | None, list[HomeFacts]]:
        """(the manager's name, one HomeFacts per report) for the principal (a manager; the
        local owner names one). Only 1:1s held up to `day` count."""
        with self._session() as s:
            boss = self._home_manager(s, manager)
            if boss is None:
                return None, []
            held = s.execute(select(Meeting.report_id, Meeting.date, Meeting.id)
                             .where(Meeting.manager_id == boss.id, Meeting.date <= day)
                             .order_by(Meeting.date, Meeting.created_at)).all()
            ids = {r for r, _, _ in held}
            people = s.scalars(select(Person).where(
                Person.org_id == boss.org_id,
                or_(Person.id.in_(ids), Person.manager_id == boss.id))).all()
            counts = s.execute(
                select(Meeting.report_id, NextStepRow.owner_role, func.count(NextStepRow.id))
                .join(Meeting, NextStepRow.meeting_id == Meeting.id)
                .where(Meeting.manager_id == boss.id, Meeting.date <= day,
                       NextStepRow.status == "open", NextStepRow.superseded_by.is_(None))
                .group_by(Meeting.report_id, NextStepRow.owner_role)).all()
        by_id: dict[int, HomeFacts] = {}
        dates: dict[int, list] = defaultdict(list)
        for report_id, date, meeting_id in held:
            dates[report_id].append((date, meeting_id))
        for p in people:
            if p.id == boss.id:
                continue
            facts = PersonFacts(
                name=p.name, role=p.role, manager=boss.name if p.manager_id == boss.id else None,
                hire_date=p.hire_date, birth_year=p.birth_year, country=p.country,
                career_reviews=list(p.career_reviews or []), meetings=len(dates[p.id]),
                report_dates=[d for d, _ in dates[p.id]])
            by_id[p.id] = HomeFacts(facts, dates[p.id])
        for report_id, role, n in counts:
            if report_id in by_id:
                by_id[report_id].open_by_role[role] = n
        return boss.name, list(by_id.values())
