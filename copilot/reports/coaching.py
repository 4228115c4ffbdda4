"""The coaching report of one manager: every stored 1:1 as figures, then trends over meetings
and reports, follow-through on commitments (the manager's own promises vs the reports'), 1:1
cadence, and warnings that each cite the meetings and utterances they rest on.

Pure reading: the meetings come from the store as they were analysed, the commitments with the
status the memory layer keeps (done, dropped, open). Thresholds are the `# coaching` settings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise

from copilot.errors import InputError, NotFoundError
from copilot.models import (
    Analysis,
    CoachingReport,
    CoachingWarning,
    Commitment,
    FollowThrough,
    MeetingCoaching,
    MeetingRef,
    QuestionCounts,
    ReportCadence,
    Trend,
)
from copilot.settings import Settings, get_settings
from copilot.text import name_key

# Per-meeting metrics that trends are computed for, and which direction is better.
TREND_METRICS: dict[str, tuple[str, bool]] = {
    "listening_ratio": ("listening ratio (report's share of talk)", True),
    "open_share": ("share of open questions", True),
    "person_feedback": ("feedback about the person", False),
    "longest_monologue_words": ("longest monologue (words)", False),
}
# A change smaller than this share of the first value is "stable", not a trend.
_STABLE = 0.1


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
        next_steps=len(a.next_steps),
        next_steps_clear=sum(bool(s.owner and s.due) for s in a.next_steps),
        warnings=list(a.warnings),
    )


def _mean(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def trend(metric: str, meetings: Sequence[MeetingCoaching], min_meetings: int) -> Trend:
    """Mean of the first third against the last third (a single meeting moves a mean of a
    third far less than it moves a line through every point)."""
    values = [getattr(m, metric) for m in meetings if getattr(m, metric) is not None]
    out = Trend(metric=metric, meetings=len(values))
    if len(values) < min_meetings:
        return out
    third = max(1, len(values) // 3)
    first, last = _mean(values[:third]), _mean(values[-third:])
    higher_is_better = TREND_METRICS[metric][1]
    delta = (last or 0.0) - (first or 0.0)
    scale = max(abs(first or 0.0), 1e-9)
    if abs(delta) / scale < _STABLE:
        direction = "stable"
    else:
        direction = "better" if (delta > 0) == higher_is_better else "worse"
    return out.model_copy(update={"first": first, "last": last, "direction": direction})


def follow_through(commitments: Sequence[Commitment], as_of: dt.date) -> list[FollowThrough]:
    """Per side (the manager's promises, the reports', shared ones): kept or not."""
    out = []
    for role in ("manager", "report", "both"):
        mine = [c for c in commitments if c.owner_role == role]
        if not mine:
            continue
        done = sum(c.status == "done" for c in mine)
        dropped = [c for c in mine if c.status == "dropped"]
        overdue = [c for c in mine if c.status == "open" and c.due is not None and c.due < as_of]
        due = done + len(dropped) + len(overdue)
        out.append(FollowThrough(
            owner_role=role, commitments=len(mine), done=done, dropped=len(dropped),
            open=sum(c.status == "open" for c in mine), overdue=len(overdue),
            rate=round(done / due, 4) if due else None,
            evidence=[MeetingRef(meeting_id=c.meeting_id, date=c.meeting_date, report=c.report,
                                 utterances=list(c.evidence), quote=c.action)
                      for c in [*overdue, *dropped]],
        ))
    return out


def _cadence(dates_by_report: dict[str, list[dt.date]], as_of: dt.date,
             settings: Settings) -> list[ReportCadence]:
    from copilot.memory.people import cadence  # the memory layer's definition of cadence

    out = []
    for report, dates in sorted(dates_by_report.items()):
        days = sorted(set(dates))
        gaps = [(b - a).days for a, b in pairwise(days)]
        out.append(ReportCadence(report=report, cadence=cadence(dates, as_of, settings),
                                 longest_gap_days=max(gaps) if gaps else None))
    return out


# The meeting warnings whose utterances back a trend of each metric.
_METRIC_CODES = {
    "listening_ratio": {"manager_dominated_talk"},
    "open_share": {"few_open_questions", "leading_questions", "status_review_only"},
    "person_feedback": {"personal_feedback"},
    "longest_monologue_words": {"manager_dominated_talk"},
}


def _refs(metas: Sequence[MeetingCoaching], codes: set[str]) -> list[MeetingRef]:
    """The meetings, each with the utterances its warnings of `codes` cite (none for a
    cadence gap: there the meeting itself is the evidence)."""
    refs = []
    for m in metas:
        ids = sorted({i for w in m.warnings if w.code in codes
                      for i in w.evidence if w.evidence_meeting is None})
        refs.append(MeetingRef(meeting_id=m.meeting_id, date=m.date, report=m.report,
                               utterances=ids))
    return refs


def trend_warnings(report: CoachingReport, settings: Settings) -> list[CoachingWarning]:
    """Warnings about the manager's habits across meetings, each citing its meetings."""
    ms, out = report.meetings, []
    n_min = settings.trend_min_meetings
    target = settings.listening_ratio_target
    rated = [m for m in ms if m.listening_ratio is not None]
    avg = _mean([m.listening_ratio for m in rated])
    if len(rated) >= n_min and avg is not None and avg < target:
        low = [m for m in rated if m.listening_ratio < target]  # type: ignore[operator]
        out.append(CoachingWarning(
            code="low_listening_ratio",
            message=f"Over {len(rated)} meetings the reports spoke {avg:.0%} of the time on "
            f"average (target {target:.0%} or more); {len(low)} meetings were below.",
            evidence=_refs(low, {"manager_dominated_talk"}),
            suggestion="Ask one open question, then wait: let the report fill the silence.",
        ))
    for t in report.trends:
        if t.direction == "worse":
            label = TREND_METRICS[t.metric][0]
            codes = _METRIC_CODES[t.metric]
            recent = ms[-max(1, len(ms) // 3):]
            flagged = [m for m in recent if any(w.code in codes for w in m.warnings)]
            out.append(CoachingWarning(
                code=f"{t.metric}_worse",
                message=f"The {label} got worse: {fmt_metric(t.metric, t.first)} on average over the "
                f"first third of the meetings, {fmt_metric(t.metric, t.last)} over the last third.",
                evidence=_refs(flagged or recent, codes),
            ))
    with_person = [m for m in ms if m.person_feedback]
    if len(with_person) >= 2:
        out.append(CoachingWarning(
            code="personal_feedback_repeated",
            message=f"Feedback about the person (traits, labels, always/never) came up in "
            f"{len(with_person)} meetings.",
            evidence=_refs(with_person, {"personal_feedback"}),
            suggestion="Recall the facts and their impact instead (Situation-Behaviour-Impact).",
        ))
    sides = {f.owner_role: f for f in report.follow_through}
    mgr, rep = sides.get("manager"), sides.get("report")
    if mgr and mgr.rate is not None and (mgr.rate < 0.5 or (rep and rep.rate is not None
                                                             and mgr.rate < rep.rate - 0.2)):
        out.append(CoachingWarning(
            code="manager_commitments_slipping",
            message=f"{report.manager} kept {mgr.done} of {mgr.done + mgr.dropped + mgr.overdue} "
            f"own commitments that were due ({mgr.rate:.0%})"
            + (f", the reports {rep.rate:.0%} of theirs." if rep and rep.rate is not None else "."),
            evidence=mgr.evidence,
            suggestion="Keep your promises visible: bring your own open items first in each 1:1.",
        ))
    for c in report.cadence:
        theirs = [m for m in ms if name_key(m.report) == name_key(c.report)]
        if c.longest_gap_days and c.longest_gap_days > settings.cadence_max_gap_days:
            out.append(CoachingWarning(
                code="irregular_cadence",
                message=f"1:1s with {c.report}: a gap of {c.longest_gap_days} days (usual "
                f"{c.cadence.median_interval_days:g}); more than {settings.cadence_max_gap_days} "
                "days sends the message that the time is not a priority.",
                evidence=_refs(_around_gap(theirs), set()),
            ))
        if c.cadence.overdue:
            out.append(CoachingWarning(
                code="one_on_one_overdue",
                message=f"The last 1:1 with {c.report} was {c.cadence.days_since_last} days ago; "
                f"the usual gap is {c.cadence.median_interval_days:g} days.",
                evidence=_refs(theirs[-1:], set()),
                suggestion=f"Book the next 1:1 with {c.report}.",
            ))
    counts = Counter(code for m in ms for code in {w.code for w in m.warnings})
    for code, n in counts.most_common():
        if n >= n_min and n / len(ms) >= 0.5 and code not in ("no_speakers", "roles_unknown"):
            hit = [m for m in ms if any(w.code == code for w in m.warnings)]
            out.append(CoachingWarning(
                code="recurring_warning",
                message=f"`{code}` came up in {n} of {len(ms)} meetings.",
                evidence=_refs(hit, {code}),
            ))
    return out


def _around_gap(ms: Sequence[MeetingCoaching]) -> list[MeetingCoaching]:
    ordered = sorted(ms, key=lambda m: m.date)
    if len(ordered) < 2:
        return ordered
    i = max(range(1, len(ordered)), key=lambda k: (ordered[k].date - ordered[k - 1].date).days)
    return [ordered[i - 1], ordered[i]]


def fmt_metric(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0%}" if metric in ("listening_ratio", "open_share") else f"{value:.1f}"


def build_report(store, manager: str, since: dt.date | None = None,
                 as_of: dt.date | None = None, settings: Settings | None = None) -> CoachingReport:
    """The coaching report of `manager` from the store (meetings on or after `since`)."""
    return load_report(store, manager, since, as_of, settings)[0]


def load_report(store, manager: str, since: dt.date | None = None,
                as_of: dt.date | None = None, settings: Settings | None = None,
                ) -> tuple[CoachingReport, list[Analysis]]:
    """The report and the analyses it was built from (the files quote their utterances)."""
    from copilot.memory.commitments import list_commitments

    settings = settings or get_settings()
    if not manager or not manager.strip():
        raise InputError("a manager name is needed for a coaching report", "e.g. --manager Claire")
    as_of = as_of or dt.date.today()
    if since is not None and since > as_of:
        raise InputError(f"--since {since} is after {as_of}", "give a date in the past")
    found = [m for m in store.list(manager=manager) if since is None or m.date >= since]
    if not found:
        where = f" since {since.isoformat()}" if since else ""
        raise NotFoundError(f"no stored 1:1 with manager {manager!r}{where}",
                            "analyse meetings with `copilot analyze ... --manager NAME` first")
    analyses = sorted((store.get(m.id) for m in found), key=lambda a: (a.date, a.id))
    commitments = [c for c in list_commitments(store, manager=manager, status="all")
                   if since is None or c.meeting_date >= since]
    report = assemble(analyses, commitments, manager=found[0].manager, since=since,
                      as_of=as_of, settings=settings)
    return report, analyses


def assemble(analyses: Sequence[Analysis], commitments: Sequence[Commitment], *, manager: str,
             since: dt.date | None, as_of: dt.date, settings: Settings) -> CoachingReport:
    """The report from analyses and commitments already read (the store-free part)."""
    metas = [meeting_coaching(a) for a in analyses]
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for m in metas:
        dates[m.report].append(m.date)
    report = CoachingReport(
        manager=manager, since=since, as_of=as_of, reports=sorted(dates), meetings=metas,
        averages={
            "listening_ratio": _mean([m.listening_ratio for m in metas]),
            "open_share": _mean([m.open_share for m in metas]),
            "longest_monologue_words": _mean([m.longest_monologue_words for m in metas]),
            "person_feedback_per_meeting": _mean([float(m.person_feedback) for m in metas]),
            "clear_next_steps_share": _mean([m.next_steps_clear / m.next_steps
                                             for m in metas if m.next_steps]),
        },
        trends=[trend(k, metas, settings.trend_min_meetings) for k in TREND_METRICS],
        follow_through=follow_through(commitments, as_of),
        cadence=_cadence(dates, as_of, settings),
    )
    return report.model_copy(update={"warnings": trend_warnings(report, settings)})
