"""Follow-up of earlier commitments (ONE_ON_ONES.md point 7): did the open commitments of the
previous 1:1 come up again in this one?"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Protocol

from copilot.analyze.critique.quoting import quote
from copilot.models import NextStep, Transcript, Utterance, Warning, WarningCode
from copilot.settings import Settings
from copilot.text import fold, name_key


class PriorStep(Protocol):
    """An open commitment from an earlier meeting (the store's `OpenStep` has this shape)."""

    @property
    def step(self) -> NextStep: ...
    @property
    def meeting_id(self) -> str: ...
    @property
    def meeting_date(self) -> dt.date: ...


_STOP_WORDS = (
    "avec pour dans sur sous chez mais donc alors comme quand leur nous vous elle ils cette tout "
    "tous plus moins tres bien deja encore aussi meme faire fait faut etre avoir suis sont etait "
    "peux peut dois doit semaine prochaine prochain demain lundi mardi mercredi jeudi vendredi "
    "with from that this these those there their them they have will would could should been "
    "about into over after before when what which your just also still then than some more "
    "next week friday monday tuesday wednesday thursday tomorrow today"
)
_STOP = set(_STOP_WORDS.split())


def _stems(text: str, names: set[str]) -> set[str]:
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", fold(text))
    return {w.split("'")[-1][:5] for w in words
            if len(w.split("'")[-1]) >= 4 and w not in _STOP and w not in names}


def revisited(step: NextStep, utterances: Sequence[Utterance], settings: Settings,
              names: set[str]) -> list[int]:
    """Ids of the utterances that come back to `step` (its content words, by 5-letter stems)."""
    want = _stems(step.action, names)
    if not want:
        return []
    need = max(2 if len(want) >= 2 else 1, round(settings.revisit_overlap * len(want) + 1e-9))
    return [u.id for u in utterances if len(want & _stems(u.text, names)) >= need]


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
    return [_not_revisited(meeting_id, priors) for meeting_id, priors in missed.items()]


def _not_revisited(meeting_id: str, priors: Sequence[PriorStep]) -> Warning:
    day = priors[0].meeting_date
    listed = "; ".join(f"{quote(p.step.action, 60)} ({p.step.owner or '?'})" for p in priors[:4])
    mine = sum(p.step.owner_role in ("manager", "both") for p in priors)
    own = f", {mine} of them the manager's own" if mine else ""
    return Warning(
        code=WarningCode.COMMITMENTS_NOT_REVISITED,
        message=f"{len(priors)} commitment(s) still open from the 1:1 of {day.isoformat()} "
        f"(meeting {meeting_id}; the evidence ids are its utterances) did not come up{own}"
        f": {listed}",
        evidence=sorted({i for p in priors for i in p.step.evidence}),
        evidence_meeting=meeting_id,
        suggestion="Start with last time's decisions: what was done, what is blocked, what "
        "is dropped.",
    )
