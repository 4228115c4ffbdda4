"""Next steps due "at the next 1:1" ("before our next one-on-one", "d'ici la prochaine fois"):
their date is the next 1:1's, which only the pair's cadence tells.

The extraction keeps the phrase (`due_text`) and no date (copilot.analyze.rules.dates.RELATIVE);
the workflow, which knows the store, calls `with_relative_dues` before saving. The next 1:1 is
this meeting's date plus the median interval between the pair's 1:1s on distinct days
(`people.cadence`, the agenda's own rule); with no interval known yet the date stays None.
"""

from __future__ import annotations

import datetime as dt

from copilot.analyze.rules.dates import is_relative
from copilot.memory.people import cadence
from copilot.models import Analysis
from copilot.settings import Settings


def next_one_on_one(held: list[dt.date], day: dt.date, settings: Settings) -> dt.date | None:
    """The expected date of the 1:1 after the one held on `day`, given the dates of the
    pair's earlier ones; None before any interval is known."""
    return cadence([d for d in held if d <= day] + [day], day, settings).expected_next


def needs_next_date(analysis: Analysis) -> bool:
    """Whether a next step waits for the next 1:1's date (no store query otherwise)."""
    return any(s.due is None and is_relative(s.due_text) for s in analysis.next_steps)


def with_relative_dues(analysis: Analysis, next_day: dt.date | None) -> Analysis:
    """`analysis` with its undated next steps due "at the next 1:1" dated `next_day` (a new
    object; the same one when nothing changes)."""
    if next_day is None:
        return analysis
    steps = [s.model_copy(update={"due": next_day})
             if s.due is None and is_relative(s.due_text) else s for s in analysis.next_steps]
    if steps == analysis.next_steps:
        return analysis
    return analysis.model_copy(update={"next_steps": steps})
