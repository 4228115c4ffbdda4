"""Listening checks (the seeds: "reformuler pour montrer qu'il a bien compris"): a report who
raised a concern and never heard it said back."""

from __future__ import annotations

from copilot.analyze.critique.quoting import quote
from copilot.analyze.listening import concerns, listening
from copilot.analyze.texts import make_warning
from copilot.models import Listening, Transcript, Warning, WarningCode

QUOTED = 2  # concerns quoted in the message; the evidence lists them all
# The manager's replies after a concern in which a reformulation answers it: later ones are
# about something else (on AnnoMI a reflection mostly comes in the first reply or two).
ANSWER_REPLIES = 3


def answered(transcript: Transcript, concern: int, reflections: set[int]) -> bool:
    """A reflection among the manager's first `ANSWER_REPLIES` utterances after `concern`."""
    after = [u.id for u in transcript.utterances if u.id > concern and u.role == "manager"]
    return any(uid in reflections for uid in after[:ANSWER_REPLIES])


def no_reformulation_warning(transcript: Transcript, manager: str, report: str,
                             heard: Listening | None = None) -> Warning | None:
    """`no_reformulation`: the report raised concerns and the manager reformulated none of
    them (no reflection in the replies that followed any). `heard`: the meeting's listening,
    when already computed."""
    raised = concerns(transcript)
    heard = heard if heard is not None else listening(transcript)
    if not raised or heard is None:
        return None
    if any(answered(transcript, c, set(heard.evidence)) for c in raised):
        return None
    texts = {u.id: u.text for u in transcript.utterances}
    return make_warning(WarningCode.NO_REFORMULATION, transcript.language, {
        "manager": manager, "report": report, "count": len(raised),
        "quotes": "; ".join(quote(texts[i], 80) for i in raised[:QUOTED])}, evidence=raised)
