"""People records (role, manager, hire date, birth year, country, career reviews) and cadence.

A person exists as soon as a meeting names them; `copilot people set` adds what the meetings
cannot tell. Names match case- and accent-insensitively, like everywhere else.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from copilot.errors import InputError, NotFoundError
from copilot.memory.store import Store, _person
from copilot.memory.tables import Meeting, Person
from copilot.models import Cadence, CareerReview, PersonRecord, PersonUpdate
from copilot.settings import Settings
from copilot.text import name_key

_HINT = "people appear when a meeting names them, or with `copilot people set NAME`"


def find(s: Session, name: str) -> Person:
    if not name or not name.strip():
        raise InputError("a person's name is needed", "e.g. Julien")
    row = s.scalar(select(Person).where(Person.name_key == name_key(name)))
    if row is None:
        raise NotFoundError(f"nobody called {name.strip()!r} is stored", _HINT)
    return row


def meeting_dates(s: Session, person_id: int, manager: str | None = None,
                  before: dt.date | None = None) -> list[dt.date]:
    """Dates of the 1:1s where this person is the report, oldest first."""
    query = select(Meeting.date).where(Meeting.report_id == person_id)
    if manager and manager.strip():
        mgr = aliased(Person)
        query = query.join(mgr, Meeting.manager_id == mgr.id).where(
            mgr.name_key == name_key(manager))
    if before is not None:
        query = query.where(Meeting.date < before)
    return list(s.scalars(query.order_by(Meeting.date)))


def cadence(dates: list[dt.date], day: dt.date, settings: Settings) -> Cadence:
    """Days since the last 1:1, the usual interval, and whether the next one is overdue.

    The usual interval is the median gap between 1:1s on distinct days (one cancelled week
    does not make weekly 1:1s look fortnightly); overdue needs at least one observed gap.
    """
    days = sorted(set(dates))
    if not days:
        return Cadence(meetings=0)
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    since = (day - days[-1]).days
    if not gaps:
        return Cadence(meetings=len(dates), last_meeting=days[-1], days_since_last=since)
    median = float(statistics.median(gaps))
    return Cadence(
        meetings=len(dates), last_meeting=days[-1], days_since_last=since,
        average_interval_days=round(sum(gaps) / len(gaps), 1), median_interval_days=median,
        expected_next=days[-1] + dt.timedelta(days=round(median)),
        overdue=since > settings.cadence_overdue_factor * median,
    )


def _record(s: Session, row: Person, settings: Settings, day: dt.date) -> PersonRecord:
    manager = s.get(Person, row.manager_id) if row.manager_id else None
    count = s.scalar(select(func.count()).select_from(Meeting).where(
        or_(Meeting.report_id == row.id, Meeting.manager_id == row.id)))
    dates = meeting_dates(s, row.id, before=day + dt.timedelta(days=1))
    return PersonRecord(
        name=row.name, role=row.role, manager=manager.name if manager else None,
        hire_date=row.hire_date, birth_year=row.birth_year, country=row.country,
        career_reviews=[CareerReview.model_validate(r) for r in row.career_reviews or []],
        meetings=count or 0, cadence=cadence(dates, day, settings) if dates else None,
    )


def get(store: Store, name: str, day: dt.date | None = None) -> PersonRecord:
    with store._session() as s:
        return _record(s, find(s, name), store.settings, day or dt.date.today())


def list_all(store: Store, day: dt.date | None = None) -> list[PersonRecord]:
    with store._session() as s:
        rows = s.scalars(select(Person).order_by(Person.name_key)).all()
        return [_record(s, r, store.settings, day or dt.date.today()) for r in rows]


def update(store: Store, name: str, change: PersonUpdate) -> PersonRecord:
    """Create or update a person record; only the fields given change."""
    clean = " ".join((name or "").split())
    if not clean or len(clean) > 200:
        raise InputError(f"{clean[:40]!r} is not a usable name", "use 1 to 200 characters")
    today = dt.date.today()
    if change.hire_date and change.hire_date > today + dt.timedelta(days=366):
        raise InputError(f"hire date {change.hire_date} is more than a year ahead",
                         "use YYYY-MM-DD, e.g. 2024-09-01")
    if change.birth_year and not 1900 <= change.birth_year <= today.year - 14:
        raise InputError(f"birth year {change.birth_year} is not plausible", "e.g. 1988")
    with store._session(write=True) as s:
        row = _person(s, clean)
        fields = change.model_dump(exclude_unset=True)
        if "manager" in fields:
            if change.manager and name_key(change.manager) == row.name_key:
                raise InputError("a person cannot be their own manager", "check --manager")
            row.manager_id = _person(s, change.manager).id if change.manager else None
        for key in ("role", "hire_date", "birth_year"):
            if key in fields:
                setattr(row, key, fields[key])
        if "country" in fields:
            row.country = change.country.upper() if change.country else None
        if change.career_review is not None:
            reviews = [CareerReview.model_validate(r) for r in row.career_reviews or []]
            reviews = sorted({(r.date, r.kind): r for r in [*reviews, change.career_review]}
                             .values(), key=lambda r: r.date)
            row.career_reviews = [r.model_dump(mode="json") for r in reviews]
        s.flush()
        return _record(s, row, store.settings, today)
