"""Weeks without development talk: the seeds want development and career in 1:1s,
not only operations. Pure: the agenda (copilot.memory.agenda) and the coaching report
(copilot.reports.coaching) hand in the meetings and their development share
(copilot.analyze.balance), newest first.

The meetings checked are the latest ones that go back at least `development_weeks` weeks from
the day of the check: fewer weeks of history say nothing yet (a report met three times in a
fortnight has not been deprived of anything). Meetings without a balance (stored before it
existed, notes without talk) are unknown, neither for nor against; at least
`development_min_meetings` of those checked must have one, none with development talk of at
least `development_min_share`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol, TypeVar

from copilot.settings import Settings


class Dated(Protocol):
    @property
    def date(self) -> dt.date: ...


M = TypeVar("M", bound=Dated)


def covering(meetings: Sequence[M], day: dt.date, settings: Settings) -> list[M] | None:
    """The latest meetings (newest first) back to the first one at least `development_weeks`
    weeks before `day`; None when the history is shorter than that."""
    reach = dt.timedelta(weeks=settings.coaching.development_weeks)
    for i, m in enumerate(meetings):
        if day - m.date >= reach:
            return list(meetings[: i + 1])
    return None


def without_development(checked: Sequence[tuple[M, float | None]], settings: Settings
                        ) -> list[M] | None:
    """The meetings with a balance among `checked` (meeting, development share or None), when
    there are enough of them and none had development talk; else None."""
    known = [(m, share) for m, share in checked if share is not None]
    if len(known) < settings.coaching.development_min_meetings:
        return None
    if any(share >= settings.coaching.development_min_share for _, share in known):
        return None
    return [m for m, _ in known]
