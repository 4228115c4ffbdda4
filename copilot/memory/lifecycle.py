"""The commitment lifecycle, run inside `Store.save` (same transaction as the new meeting).

It decides; the store's `LifecycleRepository` (copilot/memory/store/lifecycle_repo.py) reads the
rows and writes the decisions. `close_reported_done` is where a commitment is closed.

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

from copilot.memory import cues
from copilot.memory.matching import Match, owner_factor, score, word_overlap
from copilot.memory.store.lifecycle_repo import LifecycleRepository
from copilot.memory.store.records import SignalRecord, StepRecord, TopicRecord
from copilot.models import Analysis
from copilot.text import name_key

Embed = Callable[[Sequence[str]], np.ndarray]
# Closing needs a clear winner over any "not yet" sentence about the same commitment: the best
# "done" sentence must score at least this much above the best news ("blocked", "postponed").
CLOSE_MARGIN = 0.05
_RENEW_WORDS = 0.75


@dataclass
class Context:
    """What the lifecycle needs besides the rows: vectors for texts, and its thresholds."""

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


def _speaker_is_owner(unit: cues.Unit, step: StepRecord) -> bool | None:
    if unit.role and step.owner_role in ("manager", "report"):
        return unit.role == step.owner_role
    if unit.speaker and step.owner:
        return name_key(unit.speaker) == name_key(step.owner)
    return None


def apply(repo: LifecycleRepository, analysis: Analysis, ctx: Context) -> None:
    """Read the meeting `repo` is saving against its report's history (see the docstring)."""
    names = (analysis.manager, analysis.report)
    open_steps = repo.open_commitments()
    closed, told = (close_reported_done(repo, analysis, open_steps, names, ctx)
                    if open_steps else (set(), set()))
    still_open = [st for st in open_steps if st.id not in closed]
    if still_open and repo.new_steps:
        _renewals(repo, still_open, names, ctx, told)
    _cover_topics(repo, analysis, names, ctx)
    _thread_blockers(repo, analysis, names, ctx)


def closes(done: float | None, news: float | None) -> bool:
    """Whether the best "done" score closes a commitment, given the best score of news about it
    (None: no sentence of that kind passed the threshold)."""
    return done is not None and (news is None or done >= news + CLOSE_MARGIN)


def _best_progress(step: StepRecord, found: list[cues.Progress], unit_vecs: np.ndarray,
                   vec: np.ndarray, names: tuple[str, ...],
                   ctx: Context) -> dict[str, tuple[Match, cues.Progress]]:
    """The best sentence reporting `step` done, and the best reporting other news about it."""
    best: dict[str, tuple[Match, cues.Progress]] = {}
    for p, uvec in zip(found, unit_vecs, strict=True):
        subject = cues.subject_of(p.unit.text, [step.owner] if step.owner else [])
        if subject == "named" and not step.owner:
            subject = "unknown"
        factor = owner_factor(subject, _speaker_is_owner(p.unit, step), step.owner_role)
        if factor == 0.0:
            continue
        m = score(float(uvec @ vec), ctx.embedder, step.action, p.unit.text, factor, names)
        kind = "done" if p.status == "done" else "news"
        if m.score >= ctx.threshold and (kind not in best or m.score > best[kind][0].score):
            best[kind] = (m, p)
    return best


def close_reported_done(repo: LifecycleRepository, analysis: Analysis,
                        open_steps: Sequence[StepRecord], names: tuple[str, ...],
                        ctx: Context) -> tuple[set[int], set[int]]:
    """Close the open commitments this meeting reports done; record blocked/postponed news
    about the others. Returns (ids closed, ids with news)."""
    found = cues.progress(analysis, list(names))
    if not found:
        return set(), set()
    unit_vecs = ctx.embed([p.unit.text for p in found])
    step_vecs = _vectors(ctx, {f"c:{st.id}": st.action for st in open_steps})
    closed: set[int] = set()
    told: set[int] = set()
    for st in open_steps:
        best = _best_progress(st, found, unit_vecs, step_vecs[f"c:{st.id}"], names, ctx)
        done, news = best.get("done"), best.get("news")
        if done and closes(done[0].score, news[0].score if news else None):
            m, p = done
            repo.close(st.id, [p.unit.utterance], m.score,
                       m.reason(f'"{p.unit.text}" ({p.unit.speaker or "?"})'))
            closed.add(st.id)
        elif news:
            m, p = news
            repo.record(st.id, p.status, [p.unit.utterance], m.score,
                        m.reason(f'"{p.unit.text}" ({p.unit.speaker or "?"})'))
            told.add(st.id)
    return closed, told


def _same_owner(a: StepRecord, b: StepRecord) -> bool:
    if a.owner and b.owner:
        return name_key(a.owner) == name_key(b.owner)
    return a.owner_role is not None and a.owner_role == b.owner_role


def _renewals(repo: LifecycleRepository, old: list[StepRecord], names: tuple[str, ...],
              ctx: Context, told: set[int]) -> None:
    """A new next step repeating an open one renews it. Two similar but distinct promises
    ("envoyer le deck client", "envoyer le deck interne") must stay two, so a renewal needs
    the same words both ways, or news about the old one in this meeting ("pas encore fait,
    je le fais la semaine prochaine")."""
    new = repo.new_steps
    old_vecs = _vectors(ctx, {f"c:{st.id}": st.action for st in old})
    new_vecs = ctx.embed([st.action for st in new])
    taken: set[int] = set()
    for st in old:
        best: tuple[Match, StepRecord] | None = None
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
            repo.renew(st.id, fresh, m.score,
                       m.reason(f'renewed as "{fresh.action}" (commitment {fresh.id})'))


def _best_utterance(analysis: Analysis, vecs: np.ndarray, target: str, tvec: np.ndarray,
                    names: tuple[str, ...], ctx: Context,
                    skip: set[int]) -> tuple[Match, int] | None:
    best = None
    for u, uvec in zip(analysis.utterances, vecs, strict=True):
        if u.id in skip:
            continue
        m = score(float(uvec @ tvec), ctx.embedder, target, u.text, 1.0, names)
        if m.score >= ctx.threshold and (best is None or m.score > best[0].score):
            best = (m, u.id)
    return best


def _cover_topics(repo: LifecycleRepository, analysis: Analysis, names: tuple[str, ...],
                  ctx: Context) -> None:
    deferred: list[SignalRecord] = repo.open_deferred()
    topics: list[TopicRecord] = repo.open_topics()
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
            repo.cover_deferred(sig.id, hit[1])
    for topic in topics:
        tvec = _vectors(ctx, {f"t:{topic.id}": topic.text})[f"t:{topic.id}"]
        hit = _best_utterance(analysis, utt_vecs, topic.text, tvec, names, ctx, deferring)
        if hit:
            repo.cover_topic(topic.id, hit[1])


def _thread_blockers(repo: LifecycleRepository, analysis: Analysis, names: tuple[str, ...],
                     ctx: Context) -> None:
    new_blockers = [sig for sig in repo.new_signals if sig.kind == "blocker"]
    if not new_blockers:
        return
    earlier = repo.earlier_blockers(analysis.date - dt.timedelta(days=ctx.blocker_window_days))
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
            repo.join_thread(sig.id, best[1].thread_id or best[1].id)
