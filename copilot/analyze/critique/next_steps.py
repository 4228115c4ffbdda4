"""Next-step checks (ONE_ON_ONES.md point 6): a meeting that ends without one, and next steps
without an owner or a date."""

from __future__ import annotations

from copilot.analyze.critique.quoting import short
from copilot.analyze.texts import make_warning
from copilot.i18n import Params
from copilot.models import Extraction, Transcript, Warning, WarningCode
from copilot.settings import Settings


def no_next_steps_warning(transcript: Transcript, extraction: Extraction,
                          settings: Settings) -> Warning | None:
    """No next step in a meeting of `no_next_steps_min_utterances` utterances or more."""
    too_short = len(transcript.utterances) < settings.critique.no_next_steps_min_utterances
    if extraction.next_steps or too_short:
        return None
    return make_warning(WarningCode.NO_NEXT_STEPS, transcript.language,
                        evidence=[u.id for u in transcript.utterances[-3:]])  # how it ended


def next_step_warning(extraction: Extraction, settings: Settings,
                      lang: str = "en") -> Warning | None:
    """`unclear_next_steps`: fewer than `dated_next_steps_share` have an owner and a date."""
    steps = extraction.next_steps
    if not steps:
        return None  # `no_next_steps` covers it
    vague = [s for s in steps if not (s.owner and s.due)]
    if (len(steps) - len(vague)) / len(steps) >= settings.critique.dated_next_steps_share:
        return None
    # Each listed step as raw values: "no owner" / "no date" are words of the rendering.
    params: Params = {"vague": len(vague), "steps": len(steps), "listed": len(vague[:4])}
    for i, s in enumerate(vague[:4]):
        params |= {f"action_{i}": short(s.action, 60), f"owner_{i}": s.owner,
                   f"due_{i}": s.due.isoformat() if s.due else None}
    return make_warning(WarningCode.UNCLEAR_NEXT_STEPS, lang, params,
                        evidence=sorted({i for s in vague for i in s.evidence}))
