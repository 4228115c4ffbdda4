"""People records (role, manager, hire date, birth year, country, career reviews) and cadence.

A person exists as soon as a meeting names them; `copilot people set` adds what the meetings
cannot tell. Names match case- and accent-insensitively, like everywhere else.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics

from copilot.errors import InputError, NotFoundError
from copilot.memory.store import Store
from copilot.memory.store.base import PEOPLE_HINT
from copilot.memory.store.records import PersonFacts
from copilot.models import Cadence, CareerReview, PersonRecord, PersonUpdate
from copilot.settings import Settings
from copilot.text import name_key
from copilot.validate import check_name


def find(store: Store, name: str) -> PersonFacts:
    """What the store knows about `name`; NotFoundError when nobody has that name."""
    if not name or not name.strip():
        raise InputError("a person's name is needed", "e.g. Julien")
    facts = store.person_facts(name)
    if facts is None:
        raise NotFoundError(f"nobody called {name.strip()!r} is stored", PEOPLE_HINT)
    return facts


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
        overdue=since > settings.memory.cadence_overdue_factor * median,
    )


def record(facts: PersonFacts, settings: Settings, day: dt.date) -> PersonRecord:
    """The person's record as of `day`: the cadence counts 1:1s held up to that day."""
    dates = [d for d in facts.report_dates if d <= day]
    return PersonRecord(
        name=facts.name, role=facts.role, manager=facts.manager,
        hire_date=facts.hire_date, birth_year=facts.birth_year, country=facts.country,
        career_reviews=[CareerReview.model_validate(r) for r in facts.career_reviews],
        meetings=facts.meetings, cadence=cadence(dates, day, settings) if dates else None,
    )


def get(store: Store, name: str, day: dt.date | None = None) -> PersonRecord:
    return record(find(store, name), store.settings, day or dt.date.today())


def list_all(store: Store, day: dt.date | None = None) -> list[PersonRecord]:
    return [record(f, store.settings, day or dt.date.today()) for f in store.people_facts()]


def _with_review(review: CareerReview):
    """Adds `review` to stored ones: one review per (date, kind), the new one wins; by date."""
    def merge(stored: list[dict]) -> list[dict]:
        reviews = [CareerReview.model_validate(r) for r in stored]
        reviews = sorted({(r.date, r.kind): r for r in [*reviews, review]}.values(),
                         key=lambda r: r.date)
        return [r.model_dump(mode="json") for r in reviews]
    return merge


def update(store: Store, name: str, change: PersonUpdate) -> PersonRecord:
    """Create or update a person record; only the fields given change."""
    clean = check_name(name or "")
    if change.manager:
        change = change.model_copy(update={"manager": check_name(change.manager,
                                                                 "manager's name")})
    today = dt.date.today()
    if change.hire_date and change.hire_date > today + dt.timedelta(days=366):
        raise InputError(f"hire date {change.hire_date} is more than a year ahead",
                         "use YYYY-MM-DD, e.g. 2024-09-01")
    if change.birth_year and not 1900 <= change.birth_year <= today.year - 14:
        raise InputError(f"birth year {change.birth_year} is not plausible", "e.g. 1988")
    given = change.model_dump(exclude_unset=True)
    if "manager" in given and change.manager and name_key(change.manager) == name_key(clean):
        raise InputError("a person cannot be their own manager", "check --manager")
    fields = {key: given[key] for key in ("role", "hire_date", "birth_year") if key in given}
    if "manager" in given:
        fields["manager"] = change.manager or None
    if "country" in given:
        fields["country"] = change.country.upper() if change.country else None
    merge = _with_review(change.career_review) if change.career_review is not None else None
    return record(store.update_person(clean, fields, merge), store.settings, today)
