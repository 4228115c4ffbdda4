"""Feedback checks (ONE_ON_ONES.md points 3 and 4): feedback about the person, criticism
without facts, criticism-heavy balance, criticism before praise.

Only the manager's feedback counts (`given_by` the manager, or unknown).
"""

from __future__ import annotations

from collections.abc import Sequence

from copilot.analyze.critique.quoting import quote
from copilot.analyze.rules.feedback import states_fact
from copilot.analyze.texts import make_warning
from copilot.models import Extraction, FeedbackItem, Transcript, Warning, WarningCode
from copilot.settings import Settings


def _managers(extraction: Extraction, manager: str) -> list[FeedbackItem]:
    return [fb for fb in extraction.feedback if fb.given_by in (None, manager)]


def personal_feedback_warnings(extraction: Extraction, manager: str,
                               lang: str = "en") -> list[Warning]:
    """One `personal_feedback` per praise or criticism about the person, not facts."""
    out = []
    for item in _managers(extraction, manager):
        if item.target != "person":
            continue
        kind = "criticism" if item.polarity == "negative" else "praise"
        # The suggestion is the item's own: its SBI rewrite (params kept to render it again)
        # or an LLM's text.
        w = make_warning(WarningCode.PERSONAL_FEEDBACK, lang,
                         {"variant": kind, "text": item.text, **item.suggestion_params},
                         evidence=item.evidence)
        out.append(w.model_copy(update={"suggestion": w.suggestion or item.suggestion}))
    return out


def feedback_warnings(
    transcript: Transcript, extraction: Extraction, settings: Settings, manager: str
) -> list[Warning]:
    """Criticism without facts, criticism-heavy balance, criticism before praise."""
    given = _managers(extraction, manager)
    out = criticism_without_facts(transcript, given)
    balance = feedback_balance_warning(given, settings, transcript.language)
    if balance is not None:
        out.append(balance)
    order = criticism_before_praise_warning(given, transcript.language)
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
        out.append(make_warning(WarningCode.CRITICISM_WITHOUT_FACTS, transcript.language,
                                {"quote": quote(fb.text)}, evidence=fb.evidence))
    return out


def feedback_balance_warning(given: Sequence[FeedbackItem], settings: Settings,
                             lang: str = "en") -> Warning | None:
    """From `balance_min_feedback` items, criticism is `criticism_share_threshold` or more."""
    if len(given) < settings.critique.balance_min_feedback:
        return None
    criticism = [fb for fb in given if fb.polarity == "negative"]
    share = len(criticism) / len(given)
    if share < settings.critique.criticism_share_threshold:
        return None
    return make_warning(WarningCode.FEEDBACK_BALANCE, lang,
                        {"criticism": len(criticism), "given": len(given), "share": share},
                        evidence=sorted({i for fb in criticism for i in fb.evidence}))


def criticism_before_praise_warning(given: Sequence[FeedbackItem],
                                    lang: str = "en") -> Warning | None:
    praise = [fb for fb in given if fb.polarity == "positive"]
    criticism = [fb for fb in given if fb.polarity == "negative"]
    if not (praise and criticism and _first(criticism) < _first(praise)):
        return None
    return make_warning(WarningCode.CRITICISM_BEFORE_PRAISE, lang,
                        evidence=sorted({_first(criticism), _first(praise)}))


def _first(items: Sequence[FeedbackItem]) -> int:
    """The earliest utterance id any of `items` cites."""
    return min(min(fb.evidence, default=10**9) for fb in items)
