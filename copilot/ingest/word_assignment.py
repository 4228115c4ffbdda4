"""Words to utterances: each word goes to the speaker whose turns cover most of it, and words
are grouped into one utterance per speaker change or long pause.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from copilot.ingest.diarize import Turn
from copilot.ingest.transcribe import Word
from copilot.models import Utterance

UTTERANCE_PAUSE = 1.5  # seconds of silence inside one speaker's speech that start a new utterance


def speaker_of(word: Word, turns: Sequence[Turn], starts: np.ndarray | None = None) -> str | None:
    """The speaker whose turns overlap `word` most; the nearest turn when none overlaps."""
    if not turns:
        return None
    starts = starts if starts is not None else np.array([t.start for t in turns])
    # Whisper stretches the first word after a pause back over the pause ("Par" lasting 0.86 s,
    # starting under the previous speaker's last syllable): only the plausible length of the
    # word, counted back from its end, is compared with the turns.
    start = max(word.start, word.end - (0.15 + 0.09 * len(word.text.strip())))
    hi = int(np.searchsorted(starts, word.end, side="right"))
    overlap: dict[str, float] = {}
    for t in turns[max(0, hi - 8) : hi]:  # overlapping turns start just before the word ends
        o = min(t.end, word.end) - max(t.start, start)
        if o > 0:
            overlap[t.speaker] = overlap.get(t.speaker, 0.0) + o
    if overlap:
        return max(overlap, key=overlap.__getitem__)
    mid = (start + word.end) / 2
    lo = max(0, hi - 8)
    nearest = min(turns[lo : hi + 1] or turns,
                  key=lambda t: 0.0 if t.start <= mid <= t.end else min(abs(t.start - mid),
                                                                         abs(t.end - mid)))
    return nearest.speaker


def assign_words(words: Sequence[Word], turns: Sequence[Turn], *,
                 pause: float = UTTERANCE_PAUSE) -> list[Utterance]:
    """Group words into utterances: a new one at each speaker change or pause > `pause` s."""
    turns = sorted(turns, key=lambda t: t.start)
    starts = np.array([t.start for t in turns])
    groups: list[tuple[str | None, list[Word]]] = []
    for word in words:
        if groups and not any(ch.isalnum() for ch in word.text):
            groups[-1][1].append(word)  # a lone " ?" closes the previous word's sentence
            continue
        speaker = speaker_of(word, turns, starts)
        if groups and groups[-1][0] == speaker and word.start - groups[-1][1][-1].end <= pause:
            groups[-1][1].append(word)
        else:
            groups.append((speaker, [word]))
    utterances = []
    for speaker, group in groups:
        text = " ".join("".join(w.text for w in group).split())
        if text:
            utterances.append(Utterance(id=len(utterances) + 1, speaker=speaker,
                                        start=round(group[0].start, 2),
                                        end=round(group[-1].end, 2), text=text))
    return utterances
