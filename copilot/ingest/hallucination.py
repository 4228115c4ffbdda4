"""Hallucination guards for Whisper: decoding options that make it give up on noise, and a
check of what it wrote afterwards.

Whisper base, fed street noise or wind between two sentences, writes text nobody said: one phrase
looped ("merci. merci. merci..."), credits of subtitles, or a flood of words in two seconds. The
decoding options (no-speech and log-prob thresholds, a short temperature fallback, no carried
text) stop most of it at the source; what still comes out is judged segment by segment here, and
doubtful stretches are dropped and reported (start, end, why) instead of being analysed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from copilot.models.transcript import DoubtfulSpan

if TYPE_CHECKING:
    from copilot.settings import Settings

_WORD = re.compile(r"[\w'’-]+")
MAX_NGRAM = 8  # longest phrase looked for in repetitions (a looped sentence is rarely longer)


@dataclass(frozen=True)
class GuardParams:
    """Decoding thresholds passed to faster-whisper and the doubt checks run on its output."""

    enabled: bool = True
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4)
    # A phrase repeated back to back this many times, over at least `repeat_min_words` words,
    # is a decoding loop: people repeat "non, non, non", not a sentence four times.
    max_repeats: int = 4
    repeat_min_words: int = 8
    max_compression: float = 2.4  # still above the fallback threshold after the last retry
    doubt_logprob: float = -1.0  # with `doubt_no_speech`: confident it is not speech
    doubt_no_speech: float = 0.5
    max_words_per_second: float = 6.5  # fast French is ~4-5 words/s
    min_words_rate_check: int = 6  # a rate over fewer words says nothing (timestamps are coarse)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> GuardParams:
        from copilot.settings import get_settings

        s = (settings or get_settings()).audio
        return cls(
            enabled=s.whisper_guards, no_speech_threshold=s.whisper_no_speech_threshold,
            log_prob_threshold=s.whisper_log_prob_threshold,
            compression_ratio_threshold=s.whisper_compression_ratio_threshold,
            temperatures=tuple(s.whisper_temperatures), max_repeats=s.whisper_max_repeats,
            # what the decoder retries on is what is still doubtful after its last retry
            max_compression=s.whisper_compression_ratio_threshold,
            doubt_logprob=s.whisper_log_prob_threshold,
            max_words_per_second=s.whisper_max_words_per_second,
        )

    def decode_options(self) -> dict[str, object]:
        """Keyword arguments of faster-whisper's `transcribe` (empty when the guards are off:
        its own defaults, a fallback up to temperature 1.0)."""
        if not self.enabled:
            return {}
        return {
            "no_speech_threshold": self.no_speech_threshold,
            "log_prob_threshold": self.log_prob_threshold,
            "compression_ratio_threshold": self.compression_ratio_threshold,
            "temperature": list(self.temperatures),
        }


@dataclass(frozen=True)
class SegmentInfo:
    """What the checks read of one decoded segment (faster-whisper's, or built by a test)."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    compression_ratio: float = 1.0
    no_speech_prob: float = 0.0
    words: tuple = ()  # the engine's word objects, passed through untouched

    @classmethod
    def of(cls, segment) -> SegmentInfo:
        return cls(float(segment.start), float(segment.end), segment.text,
                   float(segment.avg_logprob), float(segment.compression_ratio),
                   float(segment.no_speech_prob), tuple(segment.words or ()))


@dataclass
class Screened:
    kept: list[SegmentInfo] = field(default_factory=list)
    doubtful: list[DoubtfulSpan] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text)]


def longest_loop(words: Sequence[str], max_n: int = MAX_NGRAM, min_repeats: int = 2
                 ) -> tuple[int, int, int]:
    """(start index, phrase length n, repeats) of the longest run (by words covered) of one
    phrase said at least `min_repeats` times back to back; (0, 0, 0) when there is none."""
    best = (0, 0, 0)
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= len(words):
            repeats = 1
            while words[i + repeats * n : i + (repeats + 1) * n] == words[i : i + n]:
                repeats += 1
            if repeats >= min_repeats and repeats * n > best[1] * best[2]:
                best = (i, n, repeats)
            i += max(1, (repeats - 1) * n) if repeats > 1 else 1
    return best


def _segment_reason(seg: SegmentInfo, params: GuardParams) -> str | None:
    if seg.compression_ratio > params.max_compression:
        return "compression"
    if seg.avg_logprob < params.doubt_logprob and seg.no_speech_prob > params.doubt_no_speech:
        return "no_speech"
    count = len(tokens(seg.text))
    rate = count / max(seg.end - seg.start, 0.5)
    if count >= params.min_words_rate_check and rate > params.max_words_per_second:
        return "word_rate"
    return None


def judge(segments: Sequence[SegmentInfo], params: GuardParams) -> list[str | None]:
    """Per segment, why it is doubtful or None. Repetition is looked for across segments: a loop
    is often one short segment ("Merci.") written again and again."""
    reasons = [_segment_reason(s, params) for s in segments]
    owner: list[int] = []
    words: list[str] = []
    for index, seg in enumerate(segments):
        toks = tokens(seg.text)
        words += toks
        owner += [index] * len(toks)
    while True:
        start, n, repeats = longest_loop(words, min_repeats=params.max_repeats)
        if n * repeats < params.repeat_min_words:
            break
        for i in range(start, start + n * repeats):
            reasons[owner[i]] = reasons[owner[i]] or "repetition"
        del words[start : start + n * repeats]  # look for another loop in what is left
        del owner[start : start + n * repeats]
    return reasons


def screen(segments: Iterable[SegmentInfo], params: GuardParams, offset: float = 0.0
           ) -> Screened:
    """Segments to keep, and the doubtful stretches (adjacent ones merged) in recording time."""
    segments = list(segments)
    if not params.enabled:
        return Screened(kept=segments)
    out = Screened()
    previous_doubtful = False
    for seg, reason in zip(segments, judge(segments, params), strict=True):
        if not tokens(seg.text):  # " ..." on noise: nothing to analyse, nothing to warn about
            continue
        if reason is None:
            out.kept.append(seg)
            previous_doubtful = False
            continue
        start, end = round(seg.start + offset, 2), round(seg.end + offset, 2)
        if previous_doubtful:  # one stretch of invented text, one warning
            last = out.doubtful[-1]
            out.doubtful[-1] = last.model_copy(update={"end": max(last.end, end)})
        else:
            out.doubtful.append(DoubtfulSpan(start=start, end=end, reason=reason))
        previous_doubtful = True
    return out
