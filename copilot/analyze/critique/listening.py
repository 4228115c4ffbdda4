"""Listening checks (the seeds: "reformuler pour montrer qu'il a bien compris"): a report who
raised a concern and never heard it said back."""

from __future__ import annotations

from copilot.analyze.critique.quoting import quote
from copilot.analyze.listening import concerns, listening
from copilot.analyze.texts import make_warning
from copilot.models import Listening, Transcript, Warning, WarningCode

QUOTED = 2  # concerns quoted in the message; the evidence lists them all


def no_reformulation_warning(transcript: Transcript, manager: str, report: str,
                             heard: Listening | None = None) -> Warning | None:
    """`no_reformulation`: the report raised a concern and the manager reformulated nothing
    in the whole meeting. `heard`: the meeting's listening, when already computed."""
    raised = concerns(transcript)
    heard = heard if heard is not None else listening(transcript)
    if not raised or heard is None or heard.reflections:
        return None
    texts = {u.id: u.text for u in transcript.utterances}
    return make_warning(WarningCode.NO_REFORMULATION, transcript.language, {
        "manager": manager, "report": report, "count": len(raised),
        "quotes": "; ".join(quote(texts[i], 80) for i in raised[:QUOTED])}, evidence=raised)
