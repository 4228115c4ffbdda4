"""Due dates said in French or English, resolved against the meeting date.

Own rules first: dateparser leaves "d'ici vendredi", "avant le 15 mars", "d'ici la fin du
mois" or "end of the month" unresolved (see ARCHITECTURE.md). dateparser is the fallback for
explicit dates our patterns do not know, and only on text that holds a digit or a month name
(its search takes "Je" for a date otherwise).

Conventions (documented in the README): a bare weekday is its next occurrence strictly after
the meeting day; English "next <weekday>" is that weekday in the following calendar week;
"next week"/"la semaine prochaine" is the Friday of next week; "this week"/"end of the week"
is this week's Friday; "end of the month" is its last day; a day and month without a year is
the next such day on or after the meeting date; "before our next 1:1", "d'ici la prochaine
fois" are due at the next 1:1 (`Due.date` None here, the phrase kept: see RELATIVE).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from copilot.models import Language
from copilot.text import fold

WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "dix": 10, "quinze": 15, "one": 1, "a": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "ten": 10, "a couple of": 2, "a few": 3,
}

_WD = "|".join(WEEKDAYS)
_MO = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = r"\d{1,2}|" + "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True))
_PAST = r"(?:dernier|derniere|passe|passee)"


@dataclass(frozen=True)
class Due:
    date: dt.date | None  # None: relative to the next 1:1 (see RELATIVE), resolved on saving
    text: str
    start: int
    end: int


# "Before our next one-on-one", "d'ici la prochaine fois": due at the next 1:1, a date only the
# pair's cadence tells (copilot.workflow, when it saves the meeting); the phrase
# is kept as `due_text`, the date left None here. On folded text.
_NEXT_EN = (r"(?:our |the |your |my )?next (?:one[- ]on[- ]one|one[- ]to[- ]one|1[:-]1|1on1|"
            r"1-on-1|check[- ]in|catch[- ]up|meeting|sync)")
_NEXT_FR = (r"(?:notre |le |la |ton |votre |mon )?prochaine? (?:point|one[- ]to[- ]one|"
            r"one[- ]on[- ]one|1[:-]1|rendez-vous|rdv|entretien|reunion|echange|tete-a-tete)")
RELATIVE = re.compile(
    rf"\b(?:before|by|ahead of|for|until|at|in) {_NEXT_EN}\b"
    rf"|\b(?:avant|d'ici|pour|jusqu'a|jusqu'au|a|au|lors de|lors du) {_NEXT_FR}\b"
    r"|\b(?:by|before|for|until) next time\b|\bnext time\b"
    r"|\b(?:d'ici|avant|pour|jusqu'a) la prochaine fois\b|\b(?:la )?prochaine fois\b")


def is_relative(text: str | None) -> bool:
    """Whether a due phrase means "at the next 1:1" (see RELATIVE)."""
    return bool(text) and RELATIVE.search(fold(text or "")) is not None


def _friday(base: dt.date, weeks: int = 0) -> dt.date:
    monday = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=weeks)
    return monday + dt.timedelta(days=4)


def _month_end(year: int, month: int) -> dt.date:
    while month > 12:
        year, month = year + 1, month - 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next_day_month(base: dt.date, day: int, month: int, year: int | None) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year if year > 100 else 2000 + year, month, day)
        candidate = dt.date(base.year, month, day)
        return candidate if candidate >= base else dt.date(base.year + 1, month, day)
    except ValueError:
        return None


def _num(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


def _add_months(base: dt.date, months: int) -> dt.date:
    year, month = base.year + (base.month - 1 + months) // 12, (base.month - 1 + months) % 12 + 1
    return dt.date(year, month, min(base.day, calendar.monthrange(year, month)[1]))


# Each rule: a pattern on folded text and a resolver (match, base) -> date | None.
# Order matters: longer, more specific phrasings first.
_RULES: list[tuple[re.Pattern[str], object]] = []


def _rule(pattern: str):
    def register(fn):
        _RULES.append((re.compile(pattern), fn))
        return fn
    return register


@_rule(r"\b(?:apres-demain|apres demain|the day after tomorrow)\b")
def _after_tomorrow(m, base):
    return base + dt.timedelta(days=2)


@_rule(r"\b(?:demain|tomorrow)\b")
def _tomorrow(m, base):
    return base + dt.timedelta(days=1)


@_rule(r"\b(?:aujourd'hui|ce soir|tonight|today|eod|end of (?:the )?day|fin de (?:la )?journee|cet "
    r"apres-midi|this afternoon)\b")
def _today(m, base):
    return base


@_rule(rf"\b(?:dans|in|sous|d'ici|within) ({_NUM}) (jours?|days?|semaines?|weeks?|mois|months?)\b")
def _in_n(m, base):
    n, unit = _num(m.group(1)), m.group(2)
    if unit.startswith(("jour", "day")):
        return base + dt.timedelta(days=14 if n == 15 and unit.startswith("jour") else n)
    if unit.startswith(("semaine", "week")):
        return base + dt.timedelta(weeks=n)
    return _add_months(base, n)


@_rule(r"\b(?:d'ici|sous|dans) (?:quinze|15) jours\b|\b(?:in|within) a fortnight\b")
def _fortnight(m, base):
    return base + dt.timedelta(days=14)


@_rule(r"\b(?:semaine prochaine|next week|fin de (?:la )?semaine prochaine|end of next week)\b")
def _next_week(m, base):
    return _friday(base, 1)


@_rule(r"\b(?:cette semaine|this week|fin de (?:la |cette )?semaine|end of (?:the |this )?week)\b")
def _this_week(m, base):
    return _friday(base, 0 if base.weekday() <= 4 else 1)


@_rule(r"\b(?:fin (?:du |de |de ce )?mois prochain|end of next month|(?:le |au )?mois prochain|"
    r"next "
    r"month)\b")
def _next_month(m, base):
    return _month_end(base.year, base.month + 1)


@_rule(r"\b(?:fin (?:du|de ce|de) mois|end of (?:the |this )?month|month[- ]end)\b")
def _month_end_rule(m, base):
    return _month_end(base.year, base.month)


@_rule(r"\b(?:fin (?:de l'|d')annee|end of (?:the |this )?year|year[- ]end)\b")
def _year_end(m, base):
    return dt.date(base.year, 12, 31)


@_rule(rf"\b(?:fin|end of|d'ici fin|by the end of) ({_MO})\b")
def _end_of_month_named(m, base):
    month = MONTHS[m.group(1)]
    year = base.year if month >= base.month else base.year + 1
    return _month_end(year, month)


@_rule(rf"\b(?:mi-|mi |mid-|mid |the middle of )({_MO})\b")
def _mid_month(m, base):
    return _next_day_month(base, 15, MONTHS[m.group(1)], None)


@_rule(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)? (?:of )?({_MO})(?:,? (\d{{4}}))?\b")
def _day_month(m, base):
    year = int(m.group(3)) if m.group(3) else None
    return _next_day_month(base, int(m.group(1)), MONTHS[m.group(2)], year)


@_rule(rf"\b({_MO}) (?:the )?(\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b")
def _month_day(m, base):
    year = int(m.group(3)) if m.group(3) else None
    return _next_day_month(base, int(m.group(2)), MONTHS[m.group(1)], year)


@_rule(r"\b(\d{4})-(\d{2})-(\d{2})\b")
def _iso(m, base):
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@_rule(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
def _slash(m, base, lang=Language.FR):
    a, b = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else None
    # French writes day/month; English (US) month/day unless the first number cannot be a month.
    day, month = (b, a) if (lang == Language.EN and a <= 12) else (a, b)
    if not 1 <= month <= 12:
        return None
    return _next_day_month(base, day, month, year)


@_rule(rf"\bnext ({_WD})\b")
def _next_weekday_en(m, base):
    monday_next = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=1)
    return monday_next + dt.timedelta(days=WEEKDAYS[m.group(1)])


# "jeudi prochain" is the next Thursday too; the word belongs to the date, not to the action.
@_rule(rf"(?<!last )\b({_WD})s?(?: prochain)?\b(?! {_PAST})")
def _weekday(m, base):
    ahead = (WEEKDAYS[m.group(1)] - base.weekday()) % 7 or 7
    return base + dt.timedelta(days=ahead)


@_rule(r"\b(?:le|the|by the|avant le|d'ici le|pour le|on the) (\d{1,2})(?:er|st|nd|rd|th)?\b(?! "
    r"?(?:%|h\b|heures?|jours?|days?|minutes?|ans?|pour|percent))")
def _day_only(m, base):
    day = int(m.group(1))
    if not 1 <= day <= 31:
        return None
    for months_ahead in (0, 1, 2):
        year, month = divmod(base.month - 1 + months_ahead, 12)
        year, month = base.year + year, month + 1
        if day <= calendar.monthrange(year, month)[1]:
            candidate = dt.date(year, month, day)
            if candidate >= base:
                return candidate
    return None


def find_due(text: str, base: dt.date, lang: str = Language.FR) -> Due | None:
    """The first due date in `text` (positions refer to the folded text, same length as input)."""
    folded = fold(text)
    best: Due | None = None
    for pattern, resolve in _RULES:
        for m in pattern.finditer(folded):
            if re.search(r"\b(?:not|pas|no|jamais|never)\s+$",
                         folded[max(0, m.start() - 8): m.start()]):
                continue  # "pas avant trois mois", "not in three months" is no deadline
            date = (resolve(m, base, lang) if resolve is _slash  # type: ignore[operator]
                    else resolve(m, base))
            if date is None:
                continue
            said = text[m.start(): m.end()] if len(text) == len(folded) else m.group(0)
            due = Due(date=date, text=said, start=m.start(), end=m.end())
            if best is None:
                best = due
            break
        if best is not None:
            break
    if best is None:
        best = _relative(text, folded)
    if best is None and re.search(rf"\d|\b(?:{_MO})\b", folded):
        best = _dateparser_fallback(text, base, lang)
    return best


def _relative(text: str, folded: str) -> Due | None:
    """A due "at the next 1:1" (RELATIVE): no date yet, the phrase kept."""
    m = RELATIVE.search(folded)
    if m is None:
        return None
    said = text[m.start(): m.end()] if len(text) == len(folded) else m.group(0)
    return Due(date=None, text=said, start=m.start(), end=m.end())


def _dateparser_fallback(text: str, base: dt.date, lang: str) -> Due | None:
    try:
        from dateparser.search import search_dates
    except ImportError:  # dateparser is a dependency; stay usable if an install lacks it
        return None
    found = search_dates(
        text,
        languages=[lang],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(base, dt.time()),
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["day"],
        },
    ) or []
    for phrase, when in found:
        # Only phrases with a digit or a month name: search_dates reads "Je" or "a" as dates.
        # Only date-shaped phrases: search_dates reads "Je", "a 20%" or "3 clients" as dates.
        if re.search(rf"\d{{1,2}}[/.-]\d{{1,2}}|\b(?:{_MO})\b", fold(phrase)) and "%" not in phrase:
            start = text.find(phrase)
            return Due(date=when.date(), text=phrase, start=max(start, 0),
                       end=max(start, 0) + len(phrase))
    return None
