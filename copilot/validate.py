"""The cheap checks every front end makes before any slow work: a usable name, two different
people, a date.

Kept apart from the pipeline so that the CLI and the API routes that only parse a date do not
import the analysis.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from copilot.errors import InputError, InvalidName
from copilot.text import name_key

MAX_NAME_CHARS = 200
# Characters a name never needs and that make it look empty, or like someone else's: C0/C1
# controls (Cc, tabs and newlines inside a name included), format characters (Cf: zero-width
# spaces and joiners, bidi overrides and isolates, BOM, soft hyphen), surrogates, private-use
# and unassigned code points, line and paragraph separators. Names travel into file names,
# logs, HTML reports and LLM prompts, where these hide or reorder text.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_name(value: str, what: str = "name") -> str:
    """`value` trimmed, its runs of spaces made one; InvalidName (422, CLI exit 2) when nothing
    is left, it is too long, or it holds a control or invisible character. `what` names the
    field in the message ("manager's name")."""
    # Only ASCII whitespace is trimmed before the check: str.strip() would also drop a
    # trailing NEL (U+0085) or file separator, which are controls, and hide them.
    trimmed = value.strip(" \t\r\n\f\v")
    bad = next((c for c in trimmed if unicodedata.category(c) in _INVISIBLE), None)
    if bad is not None:
        raise InvalidName(f"the {what} contains an invisible or control character "
                          f"(U+{ord(bad):04X})", "type the name again, letters and spaces only")
    clean = " ".join(trimmed.split())
    if not clean:
        raise InvalidName(f"the {what} is empty", "e.g. Claire, or Julien Martin")
    if len(clean) > MAX_NAME_CHARS:
        raise InvalidName(f"the {what} is too long ({len(clean)} characters)",
                          f"use at most {MAX_NAME_CHARS}")
    return clean


def check_people(manager: str, report: str) -> tuple[str, str]:
    """The two names, checked by `check_name`; an InputError when both are the same person."""
    manager, report = check_name(manager, "manager's name"), check_name(report, "report's name")
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
