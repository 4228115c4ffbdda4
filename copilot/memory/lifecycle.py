"""The commitment lifecycle, run inside `Store.save` (same transaction as the new meeting).

A new meeting with a report is read against what earlier meetings with that report left open:
- a sentence reporting an open commitment done closes it (event `done`, with the sentence's
  utterance id, the meeting, the score and its reason);
- reported blocked or postponed, the commitment stays open with an event carrying that news;
- a new next step that repeats an open one (same owner, same action) renews it: the old one
  points at the new one (`superseded_by`), so the agenda shows the chain once;
- deferred and submitted topics that the meeting talked about are marked covered;
- a blocker similar to one of an earlier meeting joins its thread (recurring blockers).
Only meetings dated strictly before the new one count as earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.memory import cues
from copilot.memory.matching import Match, owner_factor, score, word_overlap
from copilot.memory.tables import (
    CommitmentEventRow,
    Meeting,
    NextStepRow,
    SignalRow,
    TopicRow,
)
from copilot.models import Analysis
from copilot.text import name_key

Embed = Callable[[Sequence[str]], np.ndarray]
# Closing needs a clear winner over any "not yet" sentence about the same commitment.
_DONE_MARGIN = 0.05
_RENEW_WORDS = 0.75


@dataclass
class Context:
    """What the lifecycle needs besides the session: vectors for texts, and its thresholds."""

    embed: Embed  # passages -> (n, dim), cached for texts of the meeting being saved
    stored: Callable[[list[str]], dict[str, np.ndarray]]  # ids -> vectors already indexed
    embedder: str
    threshold: float
    blocker_window_days: int


def _vectors(ctx: Context, keyed: dict[str, str]) -> dict[str, np.ndarray]:
    """Vectors for {item id: text}: from the index when there, else computed now."""
    found = ctx.stored(list(keyed))
    missing = [k for k in keyed if k not in found]
    if missing:
        found.update(zip(missing, ctx.embed([keyed[k] for k in missing]), strict=True))
    return found


def _speaker_is_owner(unit: cues.Unit, step: NextStepRow) -> bool | None:
    if unit.role and step.owner_role in ("manager", "report"):
        return unit.role == step.owner_role
    if unit.speaker and step.owner:
        return name_key(unit.speaker) == name_key(step.owner)
    return None


def _event(step_id: int, meeting_id: str, kind: str, evidence: list[int], match: Match | None,
           reason: str, due: dt.date | None = None) -> CommitmentEventRow:
    return CommitmentEventRow(
        next_step_id=step_id, meeting_id=meeting_id, kind=kind, source="auto",
        evidence=evidence, score=match.score if match else None,
        reason=match.reason(reason) if match else reason, due=due,
    )


def _earlier(s: Session, model, report_id: int, day: dt.date):
    return (select(model).join(Meeting, model.meeting_id == Meeting.id)
            .where(Meeting.report_id == report_id, Meeting.date < day))


def apply(s: Session, meeting: Meeting, analysis: Analysis, new_steps: list[NextStepRow],
          new_signals: list[SignalRow], ctx: Context) -> None:
    names = (analysis.manager, analysis.report)
    open_steps = s.scalars(
        _earlier(s, NextStepRow, meeting.report_id, analysis.date)
        .where(NextStepRow.status == "open", NextStepRow.superseded_by.is_(None))
        .order_by(NextStepRow.id)
    ).all()
    closed, told = _news(s, meeting, analysis, open_steps, names, ctx) if open_steps else (
        set(), set())
    still_open = [st for st in open_steps if st.id not in closed]
    if still_open and new_steps:
        _renewals(s, meeting, still_open, new_steps, names, ctx, told)
    _cover_topics(s, meeting, analysis, names, ctx)
    _thread_blockers(s, meeting, analysis, new_signals, names, ctx)


def _news(s: Session, meeting: Meeting, analysis: Analysis, open_steps: Sequence[NextStepRow],
          names: tuple[str, ...], ctx: Context) -> tuple[set[int], set[int]]:
    """Close what is reported done; record blocked/postponed news. Returns (closed, news)."""
    found = cues.progress(analysis, list(names))
    if not found:
        return set(), set()
    unit_vecs = ctx.embed([p.unit.text for p in found])
    step_vecs = _vectors(ctx, {f"c:{st.id}": st.action for st in open_steps})
    closed: set[int] = set()
    told: set[int] = set()
    for st in open_steps:
        vec = step_vecs[f"c:{st.id}"]
        best: dict[str, tuple[Match, cues.Progress]] = {}
        for p, uvec in zip(found, unit_vecs, strict=True):
            subject = cues.subject_of(p.unit.text, [st.owner] if st.owner else [])
            if subject == "named" and not st.owner:
                subject = "unknown"
            factor = owner_factor(subject, _speaker_is_owner(p.unit, st), st.owner_role)
            if factor == 0.0:
                continue
            m = score(float(uvec @ vec), ctx.embedder, st.action, p.unit.text, factor, names)
            kind = "done" if p.status == "done" else "news"
            if m.score >= ctx.threshold and (kind not in best or m.score > best[kind][0].score):
                best[kind] = (m, p)
        done, news = best.get("done"), best.get("news")
        if done and (news is None or done[0].score >= news[0].score + _DONE_MARGIN):
            m, p = done
            s.add(_event(st.id, meeting.id, "done", [p.unit.utterance], m,
                         f'"{p.unit.text}" ({p.unit.speaker or "?"})'))
            st.status = "done"
            closed.add(st.id)
        elif news:
            m, p = news
            s.add(_event(st.id, meeting.id, p.status, [p.unit.utterance], m,
                         f'"{p.unit.text}" ({p.unit.speaker or "?"})'))
            told.add(st.id)
    return closed, told


def _same_owner(a: NextStepRow, b: NextStepRow) -> bool:
    if a.owner and b.owner:
        return name_key(a.owner) == name_key(b.owner)
    return a.owner_role is not None and a.owner_role == b.owner_role


def _renewals(s: Session, meeting: Meeting, old: list[NextStepRow], new: list[NextStepRow],
              names: tuple[str, ...], ctx: Context, told: set[int]) -> None:
    """A new next step repeating an open one renews it. Two similar but distinct promises
    ("envoyer le deck client", "envoyer le deck interne") must stay two, so a renewal needs
    the same words both ways, or news about the old one in this meeting ("pas encore fait,
    je le fais la semaine prochaine")."""
    old_vecs = _vectors(ctx, {f"c:{st.id}": st.action for st in old})
    new_vecs = ctx.embed([st.action for st in new])
    taken: set[int] = set()
    for st in old:
        best: tuple[Match, NextStepRow] | None = None
        for fresh, vec in zip(new, new_vecs, strict=True):
            if fresh.id in taken or not _same_owner(st, fresh):
                continue
            m = score(float(vec @ old_vecs[f"c:{st.id}"]), ctx.embedder, st.action,
                      fresh.action, 1.0, names)
            both_ways = min(m.words, word_overlap(fresh.action, st.action, names))
            if st.id not in told and both_ways < _RENEW_WORDS:
                continue
            if m.score >= ctx.threshold and (best is None or m.score > best[0].score):
                best = (m, fresh)
        if best is not None:
            m, fresh = best
            taken.add(fresh.id)
            st.superseded_by = fresh.id
            s.add(_event(st.id, meeting.id, "renewed", list(fresh.evidence), m,
                         f'renewed as "{fresh.action}" (commitment {fresh.id})', fresh.due))


def _best_utterance(analysis: Analysis, vecs: np.ndarray, target: str, tvec: np.ndarray,
                    names: tuple[str, ...], ctx: Context, skip: set[int]) -> tuple[Match, int] | None:
    best = None
    for u, uvec in zip(analysis.utterances, vecs, strict=True):
        if u.id in skip:
            continue
        m = score(float(uvec @ tvec), ctx.embedder, target, u.text, 1.0, names)
        if m.score >= ctx.threshold and (best is None or m.score > best[0].score):
            best = (m, u.id)
    return best


def _cover_topics(s: Session, meeting: Meeting, analysis: Analysis, names: tuple[str, ...],
                  ctx: Context) -> None:
    deferred = s.scalars(_earlier(s, SignalRow, meeting.report_id, analysis.date).where(
        SignalRow.kind == "deferred", SignalRow.status == "open")).all()
    topics = s.scalars(select(TopicRow).where(
        TopicRow.person_id == meeting.report_id, TopicRow.status == "open",
        TopicRow.submitted_on <= analysis.date)).all()
    if not deferred and not topics:
        return
    utt_vecs = ctx.embed([u.text for u in analysis.utterances])
    # Deferred again in this meeting is not covered: skip the turns that defer.
    deferring = {u.id for u in analysis.utterances
                 if cues.DEFERRAL.search(u.text.lower().replace("’", "'"))}
    for sig in deferred:
        tvec = _vectors(ctx, {f"s:{sig.id}": sig.text})[f"s:{sig.id}"]
        hit = _best_utterance(analysis, utt_vecs, sig.text, tvec, names, ctx, deferring)
        if hit:
            sig.status, sig.resolved_meeting_id, sig.resolved_evidence = "covered", meeting.id, [
                hit[1]]
    for topic in topics:
        tvec = _vectors(ctx, {f"t:{topic.id}": topic.text})[f"t:{topic.id}"]
        hit = _best_utterance(analysis, utt_vecs, topic.text, tvec, names, ctx, deferring)
        if hit:
            topic.status, topic.covered_meeting_id, topic.covered_evidence = "covered", meeting.id, [
                hit[1]]


def _thread_blockers(s: Session, meeting: Meeting, analysis: Analysis,
                     new_signals: list[SignalRow], names: tuple[str, ...], ctx: Context) -> None:
    new_blockers = [sig for sig in new_signals if sig.kind == "blocker"]
    if not new_blockers:
        return
    since = analysis.date - dt.timedelta(days=ctx.blocker_window_days)
    earlier = s.scalars(_earlier(s, SignalRow, meeting.report_id, analysis.date).where(
        SignalRow.kind == "blocker", Meeting.date >= since).order_by(Meeting.date.desc())).all()
    if not earlier:
        return
    old_vecs = _vectors(ctx, {f"s:{sig.id}": sig.text for sig in earlier})
    new_vecs = ctx.embed([sig.text for sig in new_blockers])
    for sig, vec in zip(new_blockers, new_vecs, strict=True):
        best = None
        for old in earlier:
            m = score(float(vec @ old_vecs[f"s:{old.id}"]), ctx.embedder, old.text, sig.text, 1.0,
                      names)
            if m.score >= ctx.threshold and (best is None or m.score > best[0].score):
                best = (m, old)
        if best is not None:
            sig.thread_id = best[1].thread_id or best[1].id
