"""Timing metrics over timed utterances: pure functions, no audio needed.

They read only `speaker`, `role`, `start`, `end` and `text`, so a timed VTT export and a
transcribed recording are measured the same way. A transcribed recording comes from one word
stream, so its utterances rarely overlap in time: an interruption there shows as a cut-in, a
new speaker starting at once after a sentence left unfinished, which is counted too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from copilot.models import Interruption, Utterance
from copilot.text import count_words

# Word timestamps are +-0.1 s: a start this much before the previous end is not an overlap.
OVERLAP_TOLERANCE = 0.1
# A reply starting within this many seconds after an unfinished sentence cut it off.
CUT_IN_GAP = 0.3
# A gap longer than this is not a reply but a silence (walking, reading): left out of patience.
MAX_REPLY_GAP = 5.0
# "Mm", "oui", "d'accord" said over someone are listening, not interrupting.
BACKCHANNEL_WORDS = 2
BACKCHANNEL_SECONDS = 1.0
_SENTENCE_END = (".", "?", "!", "…", "»", '"', ")")


@dataclass(frozen=True)
class Timing:
    duration: float
    silence_share: float
    words_per_minute: dict[str, float | None]
    patience: dict[str, float | None]
    overlaps: dict[str, int]
    interruptions: list[Interruption]


def _timed(utterances: Sequence[Utterance]) -> list[Utterance]:
    spoken = [u for u in utterances if u.speaker is not None and u.start is not None
              and u.end is not None and u.end >= u.start]
    return sorted(spoken, key=lambda u: (u.start, u.end, u.id))  # type: ignore[arg-type]


def speech_seconds(intervals: Sequence[tuple[float, float]]) -> float:
    """Length of the union of (start, end) intervals: overlapping speech counts once."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def silence_share(utterances: Sequence[Utterance], duration: float | None = None) -> float | None:
    """Share of [0, duration] where nobody speaks; duration defaults to the last end."""
    timed = _timed(utterances)
    if not timed:
        return None
    span = max(duration or 0.0, max(u.end for u in timed))  # type: ignore[type-var]
    if span <= 0:
        return None
    spoken = speech_seconds([(u.start, u.end) for u in timed])  # type: ignore[misc]
    return round(max(0.0, 1.0 - spoken / span), 4)


def words_per_minute(words: int, seconds: float) -> float | None:
    """None under 5 s of speech: a rate over a word or two means nothing."""
    return round(words / seconds * 60.0, 1) if seconds >= 5.0 else None


def _is_backchannel(u: Utterance) -> bool:
    return (count_words(u.text) <= BACKCHANNEL_WORDS
            and (u.end - u.start) <= BACKCHANNEL_SECONDS)  # type: ignore[operator]


def _unfinished(u: Utterance) -> bool:
    text = u.text.rstrip()
    return bool(text) and (not text.endswith(_SENTENCE_END) or text.endswith(("...", "…", "-")))


def floor_changes(utterances: Sequence[Utterance]) -> list[tuple[Utterance, Utterance]]:
    """(previous, next) pairs where a different speaker starts: who had the floor, who took it.

    `previous` is the utterance of another speaker that ends last before `next` starts (or is
    still running), so a short "mm" in the middle does not hide who was really talking.
    """
    latest: dict[str, Utterance] = {}  # per speaker, the utterance that ends last so far
    pairs = []
    for u in _timed(utterances):
        others = [p for s, p in latest.items() if s != u.speaker]
        if others:
            prev = max(others, key=lambda p: (p.end, p.start))  # type: ignore[arg-type,return-value]
            own = latest.get(u.speaker)  # type: ignore[arg-type]
            # Only a change of floor: the other spoke after this speaker's own last words.
            if own is None or prev.end > own.end:  # type: ignore[operator]
                pairs.append((prev, u))
        held = latest.get(u.speaker)  # type: ignore[arg-type]
        if held is None or u.end >= held.end:  # type: ignore[operator]
            latest[u.speaker] = u  # type: ignore[index]
    return pairs


def patience(utterances: Sequence[Utterance]) -> dict[str, float | None]:
    """Per speaker: mean silence before they speak after another speaker stops (cut-in: 0)."""
    gaps: dict[str, list[float]] = defaultdict(list)
    for prev, u in floor_changes(utterances):
        gap = u.start - prev.end  # type: ignore[operator]
        if gap <= MAX_REPLY_GAP:
            gaps[u.speaker].append(max(0.0, gap))  # type: ignore[index]
    speakers = {u.speaker for u in _timed(utterances)}
    return {s: (round(sum(gaps[s]) / len(gaps[s]), 2) if gaps[s] else None)  # type: ignore[index]
            for s in speakers}


def role_patience(utterances: Sequence[Utterance], role: str, after: str) -> float | None:
    """Mean silence before a speaker with `role` replies to one with role `after`."""
    gaps = [max(0.0, u.start - prev.end) for prev, u in floor_changes(utterances)  # type: ignore[operator]
            if u.role == role and prev.role == after
            and u.start - prev.end <= MAX_REPLY_GAP]  # type: ignore[operator]
    return round(sum(gaps) / len(gaps), 2) if gaps else None


def overlaps_and_interruptions(
    utterances: Sequence[Utterance],
) -> tuple[dict[str, int], list[Interruption]]:
    """Overlaps per speaker (started before the other finished), and the interruptions among
    them plus the cut-ins: overlaps or quick starts after an unfinished sentence that are not a
    backchannel."""
    overlaps: dict[str, int] = defaultdict(int)
    found: list[Interruption] = []
    for prev, u in floor_changes(utterances):
        overlap = min(prev.end, u.end) - u.start  # type: ignore[operator]
        overlapped = u.start < prev.end - OVERLAP_TOLERANCE  # type: ignore[operator]
        if overlapped:
            overlaps[u.speaker] += 1  # type: ignore[index]
        if _is_backchannel(u):
            continue
        cut_in = (not overlapped and u.start - prev.end <= CUT_IN_GAP  # type: ignore[operator]
                  and _unfinished(prev))
        if overlapped or cut_in:
            found.append(Interruption(
                speaker=u.speaker, role=u.role, interrupted=prev.speaker,  # type: ignore[arg-type]
                at=round(u.start, 2), overlap=round(max(0.0, overlap) if overlapped else 0.0, 2),  # type: ignore[arg-type]
                evidence=[prev.id, u.id],
            ))
    return dict(overlaps), found


def timing(utterances: Sequence[Utterance], seconds: dict[str, float], words: dict[str, int],
           duration: float | None = None) -> Timing:
    """Everything above at once, for `compute_talk`."""
    timed = _timed(utterances)
    span = max([duration or 0.0] + [u.end for u in timed])  # type: ignore[list-item]
    overlaps, interruptions = overlaps_and_interruptions(timed)
    return Timing(
        duration=round(span, 2),
        silence_share=silence_share(timed, duration) or 0.0,
        words_per_minute={s: words_per_minute(words[s], seconds[s]) for s in words},
        patience=patience(timed),
        overlaps=overlaps,
        interruptions=interruptions,
    )
