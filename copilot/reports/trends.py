"""The per-meeting figures of the coaching report and their trends over meetings: which figures
are followed, which way is better, and the meeting warnings that back a worse trend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copilot.models import (
    Analysis,
    MeetingCoaching,
    QuestionCounts,
    TalkKind,
    Trend,
    WarningCode,
    share_of,
)
from copilot.settings import Settings


@dataclass(frozen=True)
class TrendMetric:
    """A per-meeting figure that trends are computed for."""

    label: str
    higher_is_better: bool
    worse: WarningCode  # the coaching warning when it gets worse
    evidence: frozenset[str]  # the meeting warnings whose utterances back that warning
    percent: bool = False  # a share, shown as a percentage


TALKS_TOO_MUCH = frozenset({WarningCode.MANAGER_DOMINATED_TALK})
TREND_METRICS: dict[str, TrendMetric] = {
    "listening_ratio": TrendMetric(
        "listening ratio (report's share of talk)", True, WarningCode.LISTENING_RATIO_WORSE,
        TALKS_TOO_MUCH, percent=True),
    "open_share": TrendMetric(
        "share of open questions", True, WarningCode.OPEN_SHARE_WORSE,
        frozenset({WarningCode.FEW_OPEN_QUESTIONS, WarningCode.LEADING_QUESTIONS,
                   WarningCode.STATUS_REVIEW_ONLY}), percent=True),
    "person_feedback": TrendMetric(
        "feedback about the person", False, WarningCode.PERSON_FEEDBACK_WORSE,
        frozenset({WarningCode.PERSONAL_FEEDBACK})),
    "longest_monologue_words": TrendMetric(
        "longest monologue (words)", False, WarningCode.LONGEST_MONOLOGUE_WORDS_WORSE,
        TALKS_TOO_MUCH),
    "reflections": TrendMetric(
        "number of reformulations per meeting", True, WarningCode.REFLECTIONS_WORSE,
        frozenset({WarningCode.NO_REFORMULATION})),
    # the balance of the conversation (copilot.analyze.balance)
    "development_share": TrendMetric(
        "share of development and career talk", True, WarningCode.DEVELOPMENT_SHARE_WORSE,
        frozenset(), percent=True),
    "failure_share": TrendMetric(
        "share of talk about problems and failures", False, WarningCode.FAILURE_SHARE_WORSE,
        frozenset({WarningCode.MOSTLY_FAILURES}), percent=True),
}


def meeting_coaching(a: Analysis) -> MeetingCoaching:
    """The figures of one analysed meeting."""
    talk = a.talk
    mono = talk.longest_monologue if talk else None
    q = talk.questions if talk else None
    asked = (q.open + q.closed + q.leading) if q else 0
    mine = [fb for fb in a.feedback if fb.given_by in (None, a.manager)]
    return MeetingCoaching(
        meeting_id=a.id, date=a.date, report=a.report, language=a.language,
        basis=talk.basis if talk else None,
        listening_ratio=talk.report_share if talk else None,
        manager_share=talk.manager_share if talk else None,
        longest_monologue_words=mono.words if mono else None,
        longest_monologue_seconds=mono.seconds if mono else None,
        longest_monologue_role=mono.role if mono else None,
        questions=q.model_copy() if q else QuestionCounts(),
        open_share=round(q.open / asked, 4) if q and asked else None,
        praise=sum(fb.polarity == "positive" for fb in mine),
        criticism=sum(fb.polarity == "negative" for fb in mine),
        person_feedback=sum(fb.target == "person" for fb in mine),
        reflections=a.listening.reflections if a.listening else None,
        next_steps=len(a.next_steps),
        next_steps_clear=sum(bool(s.owner and s.due) for s in a.next_steps),
        development_share=share_of(a.balance, TalkKind.DEVELOPMENT),
        failure_share=share_of(a.balance, TalkKind.PROBLEMS),
        warnings=list(a.warnings),
    )


def mean_of(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def trend(metric: str, meetings: Sequence[MeetingCoaching], settings: Settings) -> Trend:
    """Mean of the first third against the last third (a single meeting moves a mean of a
    third far less than it moves a line through every point); from `trend_min_meetings`."""
    values = [getattr(m, metric) for m in meetings if getattr(m, metric) is not None]
    out = Trend(metric=metric, meetings=len(values))
    if len(values) < settings.coaching.trend_min_meetings:
        return out
    third = max(1, len(values) // 3)
    first, last = mean_of(values[:third]), mean_of(values[-third:])
    delta = (last or 0.0) - (first or 0.0)
    scale = max(abs(first or 0.0), 1e-9)
    if abs(delta) / scale < settings.coaching.trend_stable_change:
        direction = "stable"
    else:
        better = (delta > 0) == TREND_METRICS[metric].higher_is_better
        direction = "better" if better else "worse"
    return out.model_copy(update={"first": first, "last": last, "direction": direction})


def fmt_metric(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0%}" if TREND_METRICS[metric].percent else f"{value:.1f}"
