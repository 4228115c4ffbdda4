"""The coaching report of one manager: every stored 1:1 as figures, then trends over meetings
and reports, follow-through on commitments (the manager's own promises vs the reports'), 1:1
cadence, and warnings that each cite the meetings and utterances they rest on.

Pure reading: the meetings come from the store as they were analysed, the commitments with the
status the memory layer keeps (done, dropped, open). Thresholds are the `# coaching` settings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise

from copilot.analyze.critique.talk import listening_ratio_floor
from copilot.analyze.texts import localize_analysis
from copilot.errors import InputError, NotFoundError
from copilot.i18n import Params, pick
from copilot.memory import development  # the agenda's definition of weeks without it
from copilot.models import (
    Analysis,
    CoachingReport,
    CoachingWarning,
    Commitment,
    FollowThrough,
    MeetingCoaching,
    MeetingRef,
    ReportCadence,
    WarningCode,
)
from copilot.reports.texts import coaching_text
from copilot.reports.trends import (
    TALKS_TOO_MUCH,
    TREND_METRICS,
    mean_of,
    meeting_coaching,
    trend,
)
from copilot.settings import Settings, get_settings
from copilot.text import name_key

# Meeting warnings about the input, not the manager: never a habit to report.
_NOT_HABITS = frozenset({WarningCode.NO_SPEAKERS, WarningCode.ROLES_UNKNOWN})


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


def _refs(metas: Sequence[MeetingCoaching], codes: Collection[str]) -> list[MeetingRef]:
    """The meetings, each with the utterances its warnings of `codes` cite (none for a
    cadence gap: there the meeting itself is the evidence)."""
    refs = []
    for m in metas:
        ids = sorted({i for w in m.warnings if w.code in codes
                      for i in w.evidence if w.evidence_meeting is None})
        refs.append(MeetingRef(meeting_id=m.meeting_id, date=m.date, report=m.report,
                               utterances=ids))
    return refs


def trend_warnings(report: CoachingReport, settings: Settings,
                   lang: str = "en") -> list[CoachingWarning]:
    """Warnings about the manager's habits across meetings, each citing its meetings, written
    in `lang`."""
    ms = report.meetings
    found = [low_listening_warning(ms, settings), *worse_trend_warnings(report),
             personal_feedback_warning(ms, settings), slipping_warning(report, settings),
             *cadence_warnings(report, settings), *recurring_warnings(ms, settings),
             *development_warnings(report, settings)]
    return [_in(w, lang) for w in found if w is not None]


def _in(w: _Draft, lang: str) -> CoachingWarning:
    message, suggestion = coaching_text(w.key, lang, w.params)
    return CoachingWarning(code=w.code, message=message, suggestion=suggestion,
                           evidence=w.evidence)


@dataclass(frozen=True)
class _Draft:
    """A coaching warning before its text: which template, and the values it needs."""

    code: WarningCode
    key: str
    params: Params
    evidence: list[MeetingRef]


def low_listening_warning(ms: Sequence[MeetingCoaching], settings: Settings
                          ) -> _Draft | None:
    """`low_listening_ratio`: on average over `trend_min_meetings` or more, the reports spoke
    less than the listening-ratio floor (the manager more than `manager_share_threshold`)."""
    floor = listening_ratio_floor(settings)
    rated = [m for m in ms if m.listening_ratio is not None]
    avg = mean_of([m.listening_ratio for m in rated])
    if len(rated) < settings.coaching.trend_min_meetings or avg is None or avg >= floor:
        return None
    low = [m for m in rated if m.listening_ratio < floor]  # type: ignore[operator]
    return _Draft(WarningCode.LOW_LISTENING_RATIO, "low_listening_ratio",
                  {"rated": len(rated), "average": avg, "floor": floor, "low": len(low)},
                  _refs(low, TALKS_TOO_MUCH))


def worse_trend_warnings(report: CoachingReport) -> list[_Draft]:
    """One `<metric>_worse` per trend that got worse, citing its recent flagged meetings."""
    ms, out = report.meetings, []
    for t in report.trends:
        if t.direction != "worse":
            continue
        metric = TREND_METRICS[t.metric]
        recent = ms[-max(1, len(ms) // 3):]
        flagged = [m for m in recent if any(w.code in metric.evidence for w in m.warnings)]
        # A share is formatted as a percentage by the template; a count to one decimal.
        first, last = ((t.first, t.last) if metric.percent else
                       (_one(t.first), _one(t.last)))
        out.append(_Draft(metric.worse, "worse", {"metric": t.metric, "first": first,
                                                  "last": last},
                          _refs(flagged or recent, metric.evidence)))
    return out


def personal_feedback_warning(ms: Sequence[MeetingCoaching], settings: Settings
                              ) -> _Draft | None:
    """`personal_feedback_repeated`: feedback about the person in several meetings."""
    with_person = [m for m in ms if m.person_feedback]
    if len(with_person) < settings.coaching.personal_feedback_repeated_meetings:
        return None
    return _Draft(WarningCode.PERSONAL_FEEDBACK_REPEATED, "personal_feedback_repeated",
                  {"count": len(with_person)}, _refs(with_person, {WarningCode.PERSONAL_FEEDBACK}))


def slipping_warning(report: CoachingReport, settings: Settings) -> _Draft | None:
    """`manager_commitments_slipping`: the manager keeps too few of their own promises, or
    clearly fewer than the reports keep of theirs."""
    sides = {f.owner_role: f for f in report.follow_through}
    mgr, rep = sides.get("manager"), sides.get("report")
    if mgr is None or mgr.rate is None:
        return None
    rep_rate = rep.rate if rep is not None else None
    gap = settings.coaching.manager_follow_through_gap
    behind = rep_rate is not None and mgr.rate < rep_rate - gap
    if mgr.rate >= settings.coaching.manager_follow_through_min and not behind:
        return None
    return _Draft(WarningCode.MANAGER_COMMITMENTS_SLIPPING,
                  "slipping" if rep_rate is None else "slipping.theirs",
                  {"manager": report.manager, "done": mgr.done,
                   "due": mgr.done + mgr.dropped + mgr.overdue, "rate": mgr.rate,
                   "theirs": rep_rate}, mgr.evidence)


def cadence_warnings(report: CoachingReport, settings: Settings) -> list[_Draft]:
    """Per report: `irregular_cadence` (a long gap) and `one_on_one_overdue`."""
    out = []
    for c in report.cadence:
        theirs = [m for m in report.meetings if name_key(m.report) == name_key(c.report)]
        if c.longest_gap_days and c.longest_gap_days > settings.coaching.cadence_max_gap_days:
            out.append(_Draft(WarningCode.IRREGULAR_CADENCE, "irregular_cadence",
                              {"report": c.report, "gap": c.longest_gap_days,
                               "median": c.cadence.median_interval_days,
                               "most": settings.coaching.cadence_max_gap_days},
                              _refs(_around_gap(theirs), set())))
        if c.cadence.overdue:
            out.append(_Draft(WarningCode.ONE_ON_ONE_OVERDUE, "one_on_one_overdue",
                              {"report": c.report, "days": c.cadence.days_since_last,
                               "median": c.cadence.median_interval_days},
                              _refs(theirs[-1:], set())))
    return out


def recurring_warnings(ms: Sequence[MeetingCoaching], settings: Settings
                       ) -> list[_Draft]:
    """`recurring_warning`: a meeting warning in `trend_min_meetings` meetings or more and in
    at least `recurring_warning_share` of them."""
    counts = Counter(code for m in ms for code in {w.code for w in m.warnings})
    out = []
    for code, n in counts.most_common():
        coaching = settings.coaching
        if (n < coaching.trend_min_meetings or n / len(ms) < coaching.recurring_warning_share
                or code in _NOT_HABITS):
            continue
        hit = [m for m in ms if any(w.code == code for w in m.warnings)]
        out.append(_Draft(WarningCode.RECURRING_WARNING, "recurring_warning",
                          {"code": str(code), "count": n, "total": len(ms)}, _refs(hit, {code})))
    return out


def development_warnings(report: CoachingReport, settings: Settings) -> list[_Draft]:
    """Per report: `no_development_talk` when the 1:1s of the last `development_weeks` weeks
    (copilot.memory.development) had no development talk; they are the evidence."""
    out = []
    for name in report.reports:
        theirs = sorted((m for m in report.meetings if m.report == name),
                        key=lambda m: m.date, reverse=True)
        window = development.covering(theirs, report.as_of, settings)
        checked = window and development.without_development(
            [(m, m.development_share) for m in window], settings)
        if checked:
            out.append(_Draft(WarningCode.NO_DEVELOPMENT_TALK, "no_development_talk", {
                "report": name, "count": len(checked), "since": checked[-1].date.isoformat(),
                "weeks": (report.as_of - checked[-1].date).days // 7},
                _refs(checked[::-1], set())))
    return out


def _around_gap(ms: Sequence[MeetingCoaching]) -> list[MeetingCoaching]:
    ordered = sorted(ms, key=lambda m: m.date)
    if len(ordered) < 2:
        return ordered
    i = max(range(1, len(ordered)), key=lambda k: (ordered[k].date - ordered[k - 1].date).days)
    return [ordered[i - 1], ordered[i]]


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def build_report(store, manager: str, since: dt.date | None = None,
                 as_of: dt.date | None = None, settings: Settings | None = None,
                 lang: str | None = None) -> CoachingReport:
    """The coaching report of `manager` from the store (meetings on or after `since`)."""
    return load_report(store, manager, since, as_of, settings, lang)[0]


def load_report(store, manager: str, since: dt.date | None = None,
                as_of: dt.date | None = None, settings: Settings | None = None,
                lang: str | None = None) -> tuple[CoachingReport, list[Analysis]]:
    """The report and the analyses it was built from (the files quote their utterances); its
    warnings in `lang` (default: the language most of the meetings were held in)."""
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
                      as_of=as_of, settings=settings, lang=lang)
    return report, analyses


def assemble(analyses: Sequence[Analysis], commitments: Sequence[Commitment], *, manager: str,
             since: dt.date | None, as_of: dt.date, settings: Settings,
             lang: str | None = None) -> CoachingReport:
    """The report from analyses and commitments already read (the store-free part); with a
    `lang`, each meeting's warnings are rendered in it too, so the whole report reads in one."""
    metas = [meeting_coaching(localize_analysis(a, lang)) for a in analyses]
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for m in metas:
        dates[m.report].append(m.date)
    report = CoachingReport(
        manager=manager, since=since, as_of=as_of, reports=sorted(dates), meetings=metas,
        averages={
            "listening_ratio": mean_of([m.listening_ratio for m in metas]),
            "open_share": mean_of([m.open_share for m in metas]),
            "longest_monologue_words": mean_of([m.longest_monologue_words for m in metas]),
            "person_feedback_per_meeting": mean_of([float(m.person_feedback) for m in metas]),
            "reflections_per_meeting": mean_of([m.reflections for m in metas]),
            "clear_next_steps_share": mean_of([m.next_steps_clear / m.next_steps
                                             for m in metas if m.next_steps]),
        },
        trends=[trend(k, metas, settings) for k in TREND_METRICS],
        follow_through=follow_through(commitments, as_of),
        cadence=_cadence(dates, as_of, settings),
    )
    spoken = Counter(str(m.language) for m in metas).most_common(1)
    lang = lang or (spoken[0][0] if spoken else "en")
    return report.model_copy(update={"warnings": trend_warnings(report, settings, lang),
                                     "language": pick(lang)})
