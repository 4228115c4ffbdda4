"""Next-step checks (ONE_ON_ONES.md point 6): a meeting that ends without one, and next steps
without an owner or a date."""

from __future__ import annotations

from copilot.analyze.critique.quoting import quote
from copilot.models import Extraction, Transcript, Warning, WarningCode
from copilot.settings import Settings


def no_next_steps_warning(transcript: Transcript, extraction: Extraction,
                          settings: Settings) -> Warning | None:
    """No next step in a meeting of `no_next_steps_min_utterances` utterances or more."""
    too_short = len(transcript.utterances) < settings.critique.no_next_steps_min_utterances
    if extraction.next_steps or too_short:
        return None
    return Warning(
        code=WarningCode.NO_NEXT_STEPS,
        message="The meeting ended without a clear next step (who does what, by when).",
        evidence=[u.id for u in transcript.utterances[-3:]],  # how the meeting ended
        suggestion="Close with actions: an owner, an action and a date for each.",
    )


def next_step_warning(extraction: Extraction, settings: Settings) -> Warning | None:
    """`unclear_next_steps`: fewer than `dated_next_steps_share` have an owner and a date."""
    steps = extraction.next_steps
    if not steps:
        return None  # `no_next_steps` covers it
    vague = [s for s in steps if not (s.owner and s.due)]
    if (len(steps) - len(vague)) / len(steps) >= settings.critique.dated_next_steps_share:
        return None
    listed = "; ".join(f"{quote(s.action, 60)} ({'no owner' if not s.owner else s.owner}, "
                       f"{'no date' if not s.due else s.due.isoformat()})" for s in vague[:4])
    return Warning(
        code=WarningCode.UNCLEAR_NEXT_STEPS,
        message=f"{len(vague)} of {len(steps)} next steps lack an owner or a date: {listed}",
        evidence=sorted({i for s in vague for i in s.evidence}),
        suggestion="Before closing, give each action an owner and a date (\u201cqui fait quoi, "
        "pour quand ?\u201d).",
    )
