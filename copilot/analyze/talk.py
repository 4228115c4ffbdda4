"""Talk metrics: pure functions over utterances (who talked how much, monologues, turns)."""

from __future__ import annotations

from collections import defaultdict

from copilot.analyze.timing import role_patience, timing
from copilot.models import Monologue, Question, QuestionCounts, SpeakerTalk, Talk, Utterance
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


def compute_talk(utterances: list[Utterance], questions: list[Question],
                 duration: float | None = None) -> Talk | None:
    """Metrics for a transcript with speakers; None when nobody is identified (notes).

    `duration`: the recording's length, when known (audio), for the silence share."""
    spoken = [u for u in utterances if u.speaker is not None]
    if not spoken:
        return None
    use_time = time_basis(spoken)
    words: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    roles: dict[str, str | None] = {}
    for u in spoken:
        words[u.speaker] += count_words(u.text)
        if use_time:
            seconds[u.speaker] += float(u.end - u.start)  # type: ignore[operator]
        roles.setdefault(u.speaker, u.role)
    blocks = _blocks(spoken)
    turns: dict[str, int] = defaultdict(int)
    for b in blocks:
        turns[b[0].speaker] += 1
    measure = seconds if use_time else words
    total = sum(measure.values()) or 1
    timed = timing(spoken, seconds, words, duration) if use_time else None
    speakers = [
        SpeakerTalk(
            speaker=s,
            role=roles[s],  # type: ignore[arg-type]
            seconds=round(seconds[s], 2) if use_time else None,
            words=words[s],
            share=round(measure[s] / total, 4),
            turns=turns[s],
            **({} if timed is None else {
                "words_per_minute": timed.words_per_minute[s],
                "patience": timed.patience.get(s),
                "overlaps": timed.overlaps.get(s, 0),
                "interruptions": sum(i.speaker == s for i in timed.interruptions),
            }),
        )
        for s in words
    ]

    def share_of(role: str) -> float | None:
        matched = [sp.share for sp in speakers if sp.role == role]
        return round(sum(matched), 4) if matched else None

    return Talk(
        basis="time" if use_time else "words",
        manager_share=share_of("manager"),
        report_share=share_of("report"),
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
