"""Talk metrics: pure functions over utterances (who talked how much, monologues, turns).

The listening ratio, the report's share of talk, is `listening_ratio` below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from copilot.analyze.timing import Timing, role_patience, timing
from copilot.models import (
    Monologue,
    Question,
    QuestionCounts,
    Role,
    SpeakerTalk,
    Talk,
    Utterance,
)
from copilot.text import count_words


def _has_time(u: Utterance) -> bool:
    return u.start is not None and u.end is not None and u.end >= u.start


def time_basis(utterances: list[Utterance]) -> bool:
    """Seconds are trusted only when every speaker turn carries a start and an end.

    A partial timeline would credit timed speakers and silently drop the others.
    """
    spoken = [u for u in utterances if u.speaker is not None]
    return bool(spoken) and all(_has_time(u) for u in spoken)


def _blocks(utterances: list[Utterance]) -> list[list[Utterance]]:
    """Consecutive utterances of one speaker form one turn (exports often split turns)."""
    blocks: list[list[Utterance]] = []
    for u in utterances:
        if u.speaker is None:
            continue
        if blocks and blocks[-1][-1].speaker == u.speaker:
            blocks[-1].append(u)
        else:
            blocks.append([u])
    return blocks


def role_share(speakers: Sequence[SpeakerTalk], role: Role) -> float | None:
    """The share of talk of the speakers with `role`; None when no speaker has it."""
    matched = [sp.share for sp in speakers if sp.role == role]
    return round(sum(matched), 4) if matched else None


def listening_ratio(speakers: Sequence[SpeakerTalk]) -> float | None:
    """The listening ratio: the report's share of talk (of the seconds spoken when every turn is
    timed, of the words otherwise). Stored as `Talk.report_share` and as the coaching report's
    `listening_ratio`; None when no speaker is the report."""
    return role_share(speakers, "report")


def manager_share(speakers: Sequence[SpeakerTalk]) -> float | None:
    """The manager's share of talk: what `manager_share_threshold` is compared with."""
    return role_share(speakers, "manager")


@dataclass
class _Tally:
    """Per speaker: words, seconds (timed transcripts only), turns and role."""

    words: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    turns: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    roles: dict[str, Role | None] = field(default_factory=dict)


def _tally(spoken: list[Utterance], blocks: list[list[Utterance]], use_time: bool) -> _Tally:
    tally = _Tally()
    for u in spoken:
        speaker = u.speaker or ""
        tally.words[speaker] += count_words(u.text)
        if use_time:
            tally.seconds[speaker] += float(u.end - u.start)  # type: ignore[operator]
        tally.roles.setdefault(speaker, u.role)
    for b in blocks:
        tally.turns[b[0].speaker or ""] += 1
    return tally


def _speakers(tally: _Tally, use_time: bool, timed: Timing | None) -> list[SpeakerTalk]:
    measure = tally.seconds if use_time else tally.words
    total = sum(measure.values()) or 1
    return [
        SpeakerTalk(
            speaker=s,
            role=tally.roles[s],
            seconds=round(tally.seconds[s], 2) if use_time else None,
            words=tally.words[s],
            share=round(measure[s] / total, 4),
            turns=tally.turns[s],
            **({} if timed is None else {
                "words_per_minute": timed.words_per_minute[s],
                "patience": timed.patience.get(s),
                "overlaps": timed.overlaps.get(s, 0),
                "interruptions": sum(i.speaker == s for i in timed.interruptions),
            }),
        )
        for s in tally.words
    ]


def compute_talk(utterances: list[Utterance], questions: list[Question],
                 duration: float | None = None) -> Talk | None:
    """Metrics for a transcript with speakers; None when nobody is identified (notes).

    `duration`: the recording's length, when known (audio), for the silence share."""
    spoken = [u for u in utterances if u.speaker is not None]
    if not spoken:
        return None
    use_time = time_basis(spoken)
    blocks = _blocks(spoken)
    tally = _tally(spoken, blocks, use_time)
    timed = timing(spoken, tally.seconds, tally.words, duration) if use_time else None
    speakers = _speakers(tally, use_time, timed)
    return Talk(
        basis="time" if use_time else "words",
        manager_share=manager_share(speakers),
        report_share=listening_ratio(speakers),
        speakers=speakers,
        questions=QuestionCounts(
            open=sum(q.kind == "open" for q in questions),
            closed=sum(q.kind == "closed" for q in questions),
            leading=sum(q.kind == "leading" for q in questions),
        ),
        turns=len(blocks),
        longest_monologue=_longest(blocks, use_time),
        **({} if timed is None else {
            "duration": timed.duration,
            "silence_share": timed.silence_share,
            "manager_patience": role_patience(spoken, "manager", after="report"),
            "interruptions": timed.interruptions,
        }),
    )


def _longest(blocks: list[list[Utterance]], use_time: bool) -> Monologue | None:
    def size(b: list[Utterance]) -> float:
        if use_time:
            return float(b[-1].end - b[0].start)  # type: ignore[operator]
        return sum(count_words(u.text) for u in b)

    if not blocks:
        return None
    best = max(blocks, key=size)
    return Monologue(
        speaker=best[0].speaker or "",
        role=best[0].role,
        words=sum(count_words(u.text) for u in best),
        seconds=round(size(best), 2) if use_time else None,
        evidence=[u.id for u in best],
    )
