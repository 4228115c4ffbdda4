"""Due dates resolved against the meeting date (Monday 2026-03-02 unless said otherwise)."""

from __future__ import annotations

import datetime as dt

import pytest

from copilot.analyze.rules.dates import find_due

MONDAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Tu m'envoies le plan vendredi ?", "fr", "2026-03-06"),
        ("d'ici vendredi", "fr", "2026-03-06"),
        ("avant le 15 mars", "fr", "2026-03-15"),
        ("d'ici la fin du mois", "fr", "2026-03-31"),
        ("la semaine prochaine", "fr", "2026-03-13"),
        ("demain matin", "fr", "2026-03-03"),
        ("dans deux semaines", "fr", "2026-03-16"),
        ("sous quinze jours", "fr", "2026-03-16"),
        ("d'ici 10 jours", "fr", "2026-03-12"),
        ("avant le 1er avril", "fr", "2026-04-01"),
        ("pour le 20", "fr", "2026-03-20"),
        ("le 15/04", "fr", "2026-04-15"),
        ("mi-avril", "fr", "2026-04-15"),
        ("lundi", "fr", "2026-03-09"),  # same weekday as the meeting: next week's
        ("by Friday", "en", "2026-03-06"),
        ("next week", "en", "2026-03-13"),
        ("next Monday", "en", "2026-03-09"),
        ("end of the month", "en", "2026-03-31"),
        ("by March 15", "en", "2026-03-15"),
        ("tomorrow", "en", "2026-03-03"),
        ("in two weeks", "en", "2026-03-16"),
        ("EOD today", "en", "2026-03-02"),
        ("by the 12th", "en", "2026-03-12"),
        ("3/15", "en", "2026-03-15"),
        ("end of April", "en", "2026-04-30"),
    ],
)
def test_resolves(text: str, lang: str, expected: str) -> None:
    due = find_due(text, MONDAY, lang)
    assert due is not None, text
    assert due.date.isoformat() == expected


def test_past_month_day_rolls_to_next_year() -> None:
    due = find_due("avant le 15 février", MONDAY, "fr")
    assert due is not None and due.date == dt.date(2027, 2, 15)


@pytest.mark.parametrize(
    "text",
    ["Je vais le faire", "lundi dernier on a signé", "last Friday", "j'ai 3 clients",
     "on a 20% de marge"],
)
def test_no_due_date(text: str) -> None:
    assert find_due(text, MONDAY, "fr") is None


def test_weekday_on_a_saturday_is_next_week() -> None:
    saturday = dt.date(2026, 3, 7)
    assert find_due("vendredi", saturday, "fr").date == dt.date(2026, 3, 13)
    assert find_due("cette semaine", saturday, "fr").date == dt.date(2026, 3, 13)


def test_due_text_is_the_words_said() -> None:
    due = find_due("Je t'envoie ça d'ici la fin du mois.", MONDAY, "fr")
    assert due is not None and due.text == "fin du mois"
