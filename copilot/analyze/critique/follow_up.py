"""Follow-up of earlier commitments (ONE_ON_ONES.md point 7): did the open commitments of the
previous 1:1 come up again in this one?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from copilot.analyze.critique.quoting import quote
from copilot.analyze.texts import make_warning
from copilot.models import NextStep, Transcript, Utterance, Warning, WarningCode
from copilot.settings import Settings
from copilot.text import content_stems, name_key


class PriorStep(Protocol):
    """An open commitment from an earlier meeting (the store's `OpenStep` has this shape)."""

    @property
    def step(self) -> NextStep: ...
    @property
    def meeting_id(self) -> str: ...
    @property
    def meeting_date(self) -> dt.date: ...


def revisited(step: NextStep, utterances: Sequence[Utterance], settings: Settings,
              names: set[str]) -> list[int]:
    """Ids of the utterances that come back to `step` (its content words, by 5-letter stems)."""
    want = content_stems(step.action, names)
    if not want:
        return []
    overlap = settings.critique.revisit_overlap
    need = max(2 if len(want) >= 2 else 1, round(overlap * len(want) + 1e-9))
    return [u.id for u in utterances if len(want & content_stems(u.text, names)) >= need]


def revisit_warnings(transcript: Transcript, previous: Sequence[PriorStep], settings: Settings,
                     manager: str, report: str) -> list[Warning]:
    """A warning when the open commitments of the previous 1:1 never came up in this one.

    Only the latest earlier meeting counts (older open items are the agenda's job): a stale
    promise from months ago should not be repeated under every new meeting.
    """
    if not previous:
        return []
    names = {name_key(manager), name_key(report)}
    last = max(p.meeting_date for p in previous)
    missed: dict[str, list[PriorStep]] = {}
    for prior in (p for p in previous if p.meeting_date == last):
        if not revisited(prior.step, transcript.utterances, settings, names):
            missed.setdefault(prior.meeting_id, []).append(prior)
    return [_not_revisited(meeting_id, priors, transcript.language)
            for meeting_id, priors in missed.items()]


def _not_revisited(meeting_id: str, priors: Sequence[PriorStep], lang: str) -> Warning:
    day = priors[0].meeting_date
    listed = "; ".join(f"{quote(p.step.action, 60)} ({p.step.owner or '?'})" for p in priors[:4])
    mine = sum(p.step.owner_role in ("manager", "both") for p in priors)
    return make_warning(
        WarningCode.COMMITMENTS_NOT_REVISITED, lang,
        {"variant": "mine" if mine else "all", "count": len(priors), "day": day.isoformat(),
         "meeting": meeting_id, "mine": mine, "listed": listed},
        evidence=sorted({i for p in priors for i in p.step.evidence}),
        evidence_meeting=meeting_id)
