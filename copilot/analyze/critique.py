"""The critique: coaching warnings for one meeting, each citing the utterances that justify it.

Talk time, open questions and person-targeted feedback are checked here; the other checks of
../shared/domain/ONE_ON_ONES.md (balance, facts, leading questions, status reviews, who spoke
first, next-step clarity, follow-up of earlier commitments) live in copilot.analyze.coaching.
"""

from __future__ import annotations

from collections.abc import Sequence

from copilot.analyze import coaching
from copilot.analyze.coaching import PriorStep
from copilot.models import Extraction, Talk, Transcript, Warning
from copilot.settings import Settings

__all__ = ["PriorStep", "critique"]


def critique(
    transcript: Transcript,
    talk: Talk | None,
    extraction: Extraction,
    settings: Settings,
    manager: str,
    report: str,
    previous: Sequence[PriorStep] | None = None,
) -> list[Warning]:
    """Every warning for one meeting. `previous` are commitments still open from earlier 1:1s
    with this report (None when unknown: nothing is said about follow-up then)."""
    warnings: list[Warning] = []
    if not transcript.has_speakers:
        warnings.append(
            Warning(
                code="no_speakers",
                message="These are notes without speakers: no talk metrics or question analysis; "
                "facts and next steps only.",
            )
        )
    elif talk is not None and talk.manager_share is None:
        warnings.append(_roles_unknown(transcript, manager, report))
    roles_known = talk is not None and talk.manager_share is not None
    if roles_known:
        warnings.extend(_talk_warnings(transcript, talk, extraction, settings, manager))
    for item in extraction.feedback:
        if item.target != "person" or item.given_by not in (None, manager):
            continue
        kind = "criticism" if item.polarity == "negative" else "praise"
        warnings.append(
            Warning(
                code="personal_feedback",
                message=f"This {kind} is about the person, not about facts or behaviour: "
                f"\u201c{item.text}\u201d",
                evidence=item.evidence,
                suggestion=item.suggestion,
            )
        )
    warnings.extend(coaching.feedback_warnings(transcript, extraction, settings, manager))
    if roles_known:
        warnings.extend(coaching.question_warnings(transcript, extraction, settings, manager))
        opening = coaching.opening_warning(transcript, settings, manager, report)
        if opening is not None:
            warnings.append(opening)
    if not extraction.next_steps and len(transcript.utterances) >= 4:
        last = [u.id for u in transcript.utterances[-3:]]
        warnings.append(
            Warning(
                code="no_next_steps",
                message="The meeting ended without a clear next step (who does what, by when).",
                evidence=last,
                suggestion="Close with actions: an owner, an action and a date for each.",
            )
        )
    unclear = coaching.next_step_warning(extraction, settings)
    if unclear is not None:
        warnings.append(unclear)
    if previous:
        warnings.extend(coaching.revisit_warnings(transcript, previous, settings, manager, report))
    return warnings


def _roles_unknown(transcript: Transcript, manager: str, report: str) -> Warning:
    samples = []
    for speaker in transcript.speakers[:4]:
        first = next(u for u in transcript.utterances if u.speaker == speaker)
        samples.append((speaker, first))
    quotes = "; ".join(f"{s}: \u201c{u.text[:60]}\u201d" for s, u in samples)
    return Warning(
        code="roles_unknown",
        message=f"No speaker label matches the manager {manager!r} or the report {report!r}, "
        f"so the listening ratio cannot be attributed. Speakers: {quotes}",
        evidence=[u.id for _, u in samples],
        # audio (issue 3): how to fix it.
        suggestion="Say which speaker is the manager: `copilot meetings assign-roles <meeting "
        "id> --manager SPEAKER_00` (or POST /v1/meetings/{id}/roles); for recordings, "
        "--manager-voice enrols the manager's voice for next time.",
    )


def _talk_warnings(
    transcript: Transcript, talk: Talk, extraction: Extraction, settings: Settings, manager: str
) -> list[Warning]:
    out: list[Warning] = []
    share = talk.manager_share or 0.0
    if share > settings.manager_share_threshold:
        mono = talk.longest_monologue
        evidence = mono.evidence if mono and mono.role == "manager" else [
            u.id for u in transcript.utterances if u.role == "manager"
        ][:5]
        out.append(
            Warning(
                code="manager_dominated_talk",
                message=f"{manager} talked {share:.0%} of the {talk.basis} (threshold "
                f"{settings.manager_share_threshold:.0%}); a 1:1 belongs to the report.",
                evidence=evidence,
                suggestion="Ask an open question and let the report answer without interrupting.",
            )
        )
    questions = extraction.questions
    opened = [q for q in questions if q.kind == "open"]
    asked = len(questions)
    if asked >= settings.min_questions and len(opened) / asked < settings.open_question_share_threshold:
        out.append(
            Warning(
                code="few_open_questions",
                message=f"Only {len(opened)} of {asked} questions from {manager} were open; "
                "closed questions check status but do not let the report bring their own topics.",
                # Leading questions are closed ones too (they suggest the answer).
                evidence=[i for q in questions if q.kind != "open" for i in q.evidence],
                suggestion="Try \u201cWhat is getting in your way?\u201d or \u201cComment je peux "
                "t'aider ?\u201d",
            )
        )
    elif asked == 0 and len(transcript.utterances) >= 6:
        out.append(
            Warning(
                code="few_open_questions",
                message=f"{manager} asked no question at all.",
                evidence=[u.id for u in transcript.utterances if u.role == "manager"][:3],
                suggestion="Open with \u201cComment ça va ?\u201d / \u201cWhat would you like "
                "to talk about?\u201d",
            )
        )
    return out
