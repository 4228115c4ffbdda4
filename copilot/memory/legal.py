"""French legal calendar: the "entretien de parcours professionnel" (art. L6315-1 Code du
travail, as amended by loi n° 2025-989 du 24 octobre 2025; see ../shared/domain/ONE_ON_ONES.md).

Obligations, computed from the hire date, the birth year and the reviews recorded so far:
- first_year: within the first year after hiring;
- periodic: then at least every 4 years (a collective agreement may shorten the period, never
  lengthen it: `COPILOT_LEGAL_PERIOD_YEARS`, 1 to 4), counted from the last review held;
- recap: an "état des lieux récapitulatif" every 8 years from hiring;
- mid_career: within 2 months after the mid-career medical visit, i.e. the year the person turns
  45 (the exact visit date is unknown: due at the end of February of the following year);
- pre_retirement: within the 2 years before 60 (due by the end of the year they turn 59, the
  latest date that is safe whatever the birthday).
It is not a performance review; the agenda shows the item, it does not prepare an evaluation.
Off for people outside France (country other than FR; unknown country -> COPILOT_DEFAULT_COUNTRY).
"""

from __future__ import annotations

import datetime as dt

from copilot.memory.texts import legal_text as lt
from copilot.models import CareerReview, LegalDeadline, PersonRecord
from copilot.settings import Settings


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def applies(person: PersonRecord, settings: Settings) -> bool:
    country = (person.country or settings.memory.default_country or "").upper()
    return settings.memory.legal_calendar and country == "FR" and person.hire_date is not None


def _held(reviews: list[CareerReview], start: dt.date, end: dt.date, kinds: set[str]) -> bool:
    return any(start <= r.date <= end and r.kind in kinds for r in reviews)


def schedule(person: PersonRecord, day: dt.date, settings: Settings,
             lang: str = "en") -> list[LegalDeadline]:
    """Every obligation not yet met whose window has opened or opens within the horizon."""
    if not applies(person, settings):
        return []
    hire = person.hire_date
    assert hire is not None
    reviews = sorted(person.career_reviews, key=lambda r: r.date)
    horizon = day + dt.timedelta(days=settings.memory.legal_horizon_days)
    every = settings.memory.legal_period_years
    out: list[LegalDeadline] = []

    def add(kind, due, start, text, basis) -> None:
        if start <= horizon:
            out.append(LegalDeadline(kind=kind, due=due, window_start=start, overdue=due < day,
                                     text=text, basis=basis))

    first_due = _years(hire, 1)
    any_kind = {"parcours", "recap", "mid_career", "pre_retirement"}
    if not reviews and first_due >= day:
        add("first_year", first_due, hire, lt("first_year", lang), lt("hired", lang, day=hire))
    elif not reviews:
        # Nothing recorded: one overdue item (not one per missed cycle), the first-year one
        # while the first periodic one is not due yet.
        kind = "first_year" if day < _years(first_due, every) else "periodic"
        add(kind, first_due, hire, lt("none_recorded", lang), lt("hired_none", lang, day=hire))
    else:
        periodic_due = _years(reviews[-1].date, every)
        add("periodic", periodic_due, _years(periodic_due, -1),
            lt("periodic", lang, every=every), lt("last_review", lang, day=reviews[-1].date))

    k = 1
    while _years(hire, 8 * k) < day - dt.timedelta(days=366 * 8):
        k += 1  # skip recaps more than a cycle old: the latest missed one is enough to show
    recap_due = _years(hire, 8 * k)
    while recap_due <= horizon:
        start = _years(recap_due, -1)
        if not _held(reviews, start, recap_due, {"recap"}):
            add("recap", recap_due, start, lt("recap", lang), lt("hired", lang, day=hire))
        k += 1
        recap_due = _years(hire, 8 * k)

    if person.birth_year:
        start, due = dt.date(person.birth_year + 45, 1, 1), dt.date(person.birth_year + 46, 2, 28)
        if due >= _years(day, -1) and not _held(reviews, start, due, {"mid_career"} | any_kind):
            add("mid_career", due, start, lt("mid_career", lang),
                lt("born", lang, year=person.birth_year))
        start, due = dt.date(person.birth_year + 58, 1, 1), dt.date(person.birth_year + 59, 12, 31)
        if due >= _years(day, -1) and not _held(reviews, start, due, {"pre_retirement"}):
            add("pre_retirement", due, start, lt("pre_retirement", lang),
                lt("born", lang, year=person.birth_year))
    return sorted(out, key=lambda d: d.due)


def due_soon(person: PersonRecord, day: dt.date, settings: Settings,
             lang: str = "en") -> list[LegalDeadline]:
    """What the agenda shows: due within the horizon (60 days by default) or overdue."""
    horizon = day + dt.timedelta(days=settings.memory.legal_horizon_days)
    return [d for d in schedule(person, day, settings, lang) if d.due <= horizon]
