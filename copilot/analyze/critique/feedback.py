"""Feedback checks (ONE_ON_ONES.md points 3 and 4): feedback about the person, criticism
without facts, criticism-heavy balance, criticism before praise.

Only the manager's feedback counts (`given_by` the manager, or unknown).
"""

from __future__ import annotations

from collections.abc import Sequence

from copilot.analyze.critique.quoting import quote
from copilot.analyze.rules.feedback import states_fact
from copilot.models import Extraction, FeedbackItem, Transcript, Warning, WarningCode
from copilot.settings import Settings


def _managers(extraction: Extraction, manager: str) -> list[FeedbackItem]:
    return [fb for fb in extraction.feedback if fb.given_by in (None, manager)]


def personal_feedback_warnings(extraction: Extraction, manager: str) -> list[Warning]:
    """One `personal_feedback` per praise or criticism about the person, not facts."""
    out = []
    for item in _managers(extraction, manager):
        if item.target != "person":
            continue
        kind = "criticism" if item.polarity == "negative" else "praise"
        out.append(Warning(
            code=WarningCode.PERSONAL_FEEDBACK,
            message=f"This {kind} is about the person, not about facts or behaviour: "
            f"\u201c{item.text}\u201d",
            evidence=item.evidence,
            suggestion=item.suggestion,
        ))
    return out


def feedback_warnings(
    transcript: Transcript, extraction: Extraction, settings: Settings, manager: str
) -> list[Warning]:
    """Criticism without facts, criticism-heavy balance, criticism before praise."""
    given = _managers(extraction, manager)
    out = criticism_without_facts(transcript, given)
    balance = feedback_balance_warning(given, settings)
    if balance is not None:
        out.append(balance)
    order = criticism_before_praise_warning(given)
    if order is not None:
        out.append(order)
    return out


def criticism_without_facts(transcript: Transcript, given: Sequence[FeedbackItem]
                            ) -> list[Warning]:
    """Criticism of a behaviour whose utterances state no fact (what, when, how much)."""
    utts = {u.id: u for u in transcript.utterances}
    out = []
    for fb in given:
        if fb.polarity != "negative" or fb.target != "behavior":
            continue  # person-targeted criticism already gets `personal_feedback`
        said = " ".join(utts[i].text for i in fb.evidence if i in utts) or fb.text
        if states_fact(said, transcript.language):
            continue
        out.append(Warning(
            code=WarningCode.CRITICISM_WITHOUT_FACTS,
            message=f"This criticism states no fact (what, when, how much): {quote(fb.text)}",
            evidence=fb.evidence,
            suggestion="Recall the observable fact and its impact, then ask what the report "
            "proposes (Situation-Behaviour-Impact).",
        ))
    return out


def feedback_balance_warning(given: Sequence[FeedbackItem], settings: Settings
                             ) -> Warning | None:
    """From `balance_min_feedback` items, criticism is `criticism_share_threshold` or more."""
    if len(given) < settings.critique.balance_min_feedback:
        return None
    criticism = [fb for fb in given if fb.polarity == "negative"]
    share = len(criticism) / len(given)
    if share < settings.critique.criticism_share_threshold:
        return None
    return Warning(
        code=WarningCode.FEEDBACK_BALANCE,
        message=f"{len(criticism)} of {len(given)} feedback items were criticism "
        f"({share:.0%}); a 1:1 that dwells on failures feels punitive.",
        evidence=sorted({i for fb in criticism for i in fb.evidence}),
        suggestion="Recognise what really went well too, with its facts -- never an "
        "invented positive.",
    )


def criticism_before_praise_warning(given: Sequence[FeedbackItem]) -> Warning | None:
    praise = [fb for fb in given if fb.polarity == "positive"]
    criticism = [fb for fb in given if fb.polarity == "negative"]
    if not (praise and criticism and _first(criticism) < _first(praise)):
        return None
    return Warning(
        code=WarningCode.CRITICISM_BEFORE_PRAISE,
        message="The criticism came before the praise; opening with what went well makes "
        "the criticism easier to hear.",
        evidence=sorted({_first(criticism), _first(praise)}),
        suggestion="Start with the real successes, then the facts to improve.",
    )


def _first(items: Sequence[FeedbackItem]) -> int:
    """The earliest utterance id any of `items` cites."""
    return min(min(fb.evidence, default=10**9) for fb in items)
