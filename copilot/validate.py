"""The cheap checks every front end makes before any slow work: two different people, a date.

Kept apart from the pipeline so that the CLI and the API routes that only parse a date do not
import the analysis.
"""

from __future__ import annotations

import datetime as dt

from copilot.errors import InputError
from copilot.text import name_key


def check_people(manager: str, report: str) -> tuple[str, str]:
    """The two names, stripped; an InputError when one is empty or both are the same person."""
    manager, report = manager.strip(), report.strip()
    if not manager or not report:
        raise InputError("both --manager and --report names are needed",
                         "e.g. --manager Claire --report Julien")
    if name_key(manager) == name_key(report):
        raise InputError("the manager and the report are the same person",
                         "check --manager and --report")
    return manager, report


def parse_date(value: str | dt.date | None) -> dt.date:
    """A YYYY-MM-DD string or a date; None is today."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{value!r} is not a date", "use YYYY-MM-DD, e.g. 2026-03-02") from None
