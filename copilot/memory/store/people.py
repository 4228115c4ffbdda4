"""People rows: what the store knows about a person, and changing their record.

A person exists as soon as a meeting names them; `copilot people set` adds what the meetings
cannot tell. Names match case- and accent-insensitively (by name_key), like everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from copilot.errors import NotFoundError
from copilot.memory.store.base import PEOPLE_HINT, StoreBase, find_person, upsert_person
from copilot.memory.store.records import PersonFacts
from copilot.memory.store.scope import (
    meeting_dates_seen,
    people_seen,
    person_to_change,
    seen_person,
)
from copilot.memory.store.tables import Meeting, Person
from copilot.models import Principal

_FIELDS = ("role", "hire_date", "birth_year", "country")


def _facts(s: Session, row: Person, principal: Principal) -> PersonFacts:
    """The record, with the meetings the principal may count (not every manager's)."""
    manager = s.get(Person, row.manager_id) if row.manager_id else None
    seen = meeting_dates_seen(principal)
    count = s.scalar(select(func.count()).select_from(Meeting).where(
        or_(Meeting.report_id == row.id, Meeting.manager_id == row.id), seen))
    dates = list(s.scalars(select(Meeting.date).where(Meeting.report_id == row.id, seen)
                           .order_by(Meeting.date)))
    return PersonFacts(
        name=row.name, role=row.role, manager=manager.name if manager else None,
        hire_date=row.hire_date, birth_year=row.birth_year, country=row.country,
        career_reviews=list(row.career_reviews or []), meetings=count or 0, report_dates=dates,
    )


class PeopleStore(StoreBase):
    """Person records, as the principal sees them (copilot/memory/store/scope.py)."""

    def person(self, name: str) -> str | None:
        """The stored spelling of a person's name, or None if nobody by that name was seen."""
        with self._session() as s:
            row = seen_person(s, self.principal, name)
            return row.name if row is not None else None

    def person_facts(self, name: str) -> PersonFacts | None:
        """Everything stored about `name` (None: nobody by that name)."""
        with self._session() as s:
            row = seen_person(s, self.principal, name)
            return _facts(s, row, self.principal) if row is not None else None

    def check_may_change_person(self, name: str) -> None:
        """NotFoundError / Forbidden unless the principal may change (export, erase) `name`."""
        with self._session() as s:
            if find_person(s, name, self.principal.org_id) is None:
                raise NotFoundError(f"nobody called {name!r}", PEOPLE_HINT)
            person_to_change(s, self.principal, name)  # an existing row: nothing is written

    def people_facts(self) -> list[PersonFacts]:
        """Everyone stored, by name."""
        with self._session() as s:
            rows = s.scalars(select(Person).where(people_seen(self.principal))
                             .order_by(Person.name_key)).all()
            return [_facts(s, r, self.principal) for r in rows]

    def update_person(self, name: str, fields: dict[str, Any],
                      merge_reviews: Callable[[list[dict]], list[dict]] | None = None
                      ) -> PersonFacts:
        """Create `name` if needed and set the given `fields` (role, hire_date, birth_year,
        country, manager: a name or None); `merge_reviews` turns the stored career reviews into
        the new list. One transaction."""
        with self._session(write=True) as s:
            row = person_to_change(s, self.principal, name)
            if "manager" in fields:
                boss = fields["manager"]
                row.manager_id = (upsert_person(s, boss, self.principal.org_id).id
                                  if boss else None)
            for key in _FIELDS:
                if key in fields:
                    setattr(row, key, fields[key])
            if merge_reviews is not None:
                row.career_reviews = merge_reviews(list(row.career_reviews or []))
            s.flush()
            return _facts(s, row, self.principal)
