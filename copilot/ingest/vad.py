"""Where the speech is: Silero VAD (shipped in faster-whisper) with options from settings.

Two sets of options are used. Transcription (faster-whisper's `vad_filter`, and the search
for speech to detect the language on) keeps faster-whisper's defaults: long pauses stay inside
a chunk so Whisper sees whole sentences. Diarization and voice embeddings want the opposite:
short pauses kept as boundaries, because that is where most turn changes happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot.ingest.audio import SAMPLE_RATE
from copilot.settings import Settings, defaults


@dataclass(frozen=True)
class VadParams:
    """Silero VAD options, named as in faster-whisper's `VadOptions`."""

    threshold: float
    min_speech_duration_ms: int
    min_silence_duration_ms: int
    speech_pad_ms: int

    @classmethod
    def for_transcription(cls, settings: Settings | None = None) -> VadParams:
        s = (settings or defaults()).audio
        return cls(s.whisper_vad_threshold, s.whisper_vad_min_speech_ms,
                   s.whisper_vad_min_silence_ms, s.whisper_vad_speech_pad_ms)

    @classmethod
    def for_diarization(cls, settings: Settings | None = None) -> VadParams:
        s = (settings or defaults()).audio
        return cls(s.diarize_vad_threshold, s.diarize_vad_min_speech_ms,
                   s.diarize_vad_min_silence_ms, s.diarize_vad_speech_pad_ms)

    def options(self):
        """faster-whisper's `VadOptions` (imported here: text-only use never loads it)."""
        from faster_whisper.vad import VadOptions

        return VadOptions(threshold=self.threshold,
                          min_speech_duration_ms=self.min_speech_duration_ms,
                          min_silence_duration_ms=self.min_silence_duration_ms,
                          speech_pad_ms=self.speech_pad_ms)


def speech_spans(samples: np.ndarray, params: VadParams) -> list[tuple[int, int]]:
    """(start, end) sample indexes of the speech in 16 kHz mono `samples`."""
    from faster_whisper.vad import get_speech_timestamps

    return [(c["start"], c["end"]) for c in get_speech_timestamps(samples, params.options())]


def speech_regions(samples: np.ndarray, params: VadParams) -> list[tuple[float, float]]:
    """(start, end) seconds of speech in 16 kHz mono `samples`."""
    return [(start / SAMPLE_RATE, end / SAMPLE_RATE)
            for start, end in speech_spans(samples, params)]
