"""Audio file -> `Transcript`: decode, transcribe, diarize, assign words to speakers.

Roles (which voice is the manager) are not decided here: utterances carry SPEAKER_00,
SPEAKER_01... and role None, for the roles step to fill in. When asked (a voiceprint is known
for the manager), each speaker's voice embedding comes back too, for that step to compare.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from copilot.errors import InputError
from copilot.ingest.audio import AudioInfo, load_audio
from copilot.ingest.campplus import CamppEncoder
from copilot.ingest.diarize import DiarizationParams, Diarizer, ResemblyzerDiarizer
from copilot.ingest.hallucination import GuardParams
from copilot.ingest.transcribe import (
    LANG_HINT,
    SUPPORTED_LANGUAGES,
    Transcriber,
    WhisperTranscriber,
)
from copilot.ingest.vad import VadParams
from copilot.ingest.voiceprint import SpeakerEncoder, speaker_voices
from copilot.ingest.word_assignment import assign_words
from copilot.models import Transcript, WarningCode
from copilot.settings import defaults

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
STAGES = ("decoding", "transcribing", "diarizing")
NO_SPEECH_WARNING = WarningCode.NO_SPEECH  # the pipeline warns when utterances come back empty


@dataclass
class AudioEngines:
    """The three audio engines, real by default; tests and the API pass fakes."""

    transcriber: Transcriber | None = None
    diarizer: Diarizer | None = None
    encoder: SpeakerEncoder | None = None

    @classmethod
    def from_settings(cls, settings) -> AudioEngines:
        """The real engines as configured (models load on first use, not here). A
        transcription server off this machine without its opt-in is a ConfigError here."""
        if settings.audio.transcriber == "openai":
            from copilot.ingest.transcribe_openai import OpenAITranscriber

            transcriber: Transcriber = OpenAITranscriber.from_settings(settings)
        else:
            transcriber = embedded_transcriber(settings)
        return cls(
            transcriber=transcriber,
            diarizer=make_diarizer(settings),
            encoder=CamppEncoder(vad=VadParams.for_diarization(settings)),
        )


def make_diarizer(settings) -> Diarizer:
    """The diarizer COPILOT_DIARIZER names (models load on first use)."""
    if settings.audio.diarizer == "resemblyzer":
        return ResemblyzerDiarizer(DiarizationParams.from_settings(settings))
    from copilot.ingest.diarize_v2 import SegmentationDiarizer, SegmentationParams

    return SegmentationDiarizer(SegmentationParams.from_settings(settings))


def embedded_transcriber(settings) -> WhisperTranscriber:
    """faster-whisper in this process, as COPILOT_WHISPER_* say (also what `copilot serve`
    answers POST /v1/audio/transcriptions with)."""
    audio = settings.audio
    return WhisperTranscriber(
        home=settings.home, model=audio.whisper_model, device=audio.whisper_device,
        compute_type=audio.whisper_compute_type, cpu_threads=audio.whisper_cpu_threads,
        beam_size=audio.whisper_beam_size, vad=VadParams.for_transcription(settings),
        guards=GuardParams.from_settings(settings), denoise_below_db=audio.whisper_denoise_below_db,
        denoise_filter=audio.whisper_denoise_filter)


@dataclass
class Recording:
    transcript: Transcript
    duration: float
    # Per speaker label, a unit voice embedding (only when an encoder was given).
    voices: dict[str, np.ndarray] = field(default_factory=dict)


def transcribe_audio(path: Path, **kwargs) -> Transcript:
    """`transcribe_recording` for callers that need the transcript only."""
    return transcribe_recording(path, **kwargs).transcript


def transcribe_recording(
    path: Path,
    *,
    home: Path,
    language: str | None,
    max_seconds: float | None = None,
    num_speakers: int = 2,
    progress: Progress | None = None,
    transcriber: Transcriber | None = None,
    diarizer: Diarizer | None = None,
    encoder: SpeakerEncoder | None = None,
) -> Recording:
    """Transcribe and diarize the recording at `path`; with `encoder`, embed each voice.

    `language` "fr"/"en" forces the language (Whisper base mistakes short or noisy French for
    other languages); None detects it and refuses anything but French and English. A silent
    recording is not an error: the transcript has no utterances and the caller warns.
    """
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InputError(f"language {language!r} is not supported", LANG_HINT)
    report = progress or (lambda stage, fraction: None)

    report("decoding", 0.0)
    audio = load_audio(path, max_seconds=max_seconds)
    report("decoding", 1.0)

    if audio.is_silent:
        log.warning("%s: silent recording, empty transcript", Path(path).name)
        for stage in STAGES[1:]:
            report(stage, 1.0)
        return Recording(_empty(language, audio.duration), audio.duration)

    report("transcribing", 0.0)
    result = (transcriber or WhisperTranscriber(home=home)).transcribe(
        audio.samples, language, lambda f: report("transcribing", f))
    report("transcribing", 1.0)
    chosen = language or result.language
    if not result.words:
        log.warning("%s: no speech recognised, empty transcript", Path(path).name)
        report("diarizing", 1.0)
        empty = _empty(chosen if chosen in SUPPORTED_LANGUAGES else None, audio.duration)
        return Recording(empty.model_copy(update={"doubtful": result.doubtful}),
                         audio.duration)
    if chosen not in SUPPORTED_LANGUAGES:  # a transcriber that does not check for us
        raise InputError(f"the recording seems to be in '{chosen}'; only French and English "
                         "are supported", LANG_HINT)
    turns, voices = _speakers(audio, diarizer or make_diarizer(defaults()), num_speakers, encoder,
                              report)
    transcript = Transcript(
        utterances=assign_words(result.words, turns),
        language=chosen,  # type: ignore[arg-type] - checked against SUPPORTED_LANGUAGES
        has_speakers=True,
        source_format="audio",
        language_detected=language is None,
        duration=round(audio.duration, 2),
        doubtful=result.doubtful,
    )
    return Recording(transcript, audio.duration, voices)


def _speakers(audio: AudioInfo, diarizer: Diarizer, num_speakers: int,
              encoder: SpeakerEncoder | None, report: Progress):
    """The diarizing stage: turns, and each speaker's voice when an encoder is given."""
    report("diarizing", 0.0)
    turns = diarizer.diarize(audio, max(1, num_speakers), lambda f: report("diarizing", f))
    voices = speaker_voices(audio.samples, turns, encoder) if encoder is not None else {}
    report("diarizing", 1.0)
    return turns, voices


def _empty(language: str | None, duration: float) -> Transcript:
    # Nothing was heard: the language is the forced one or a default that no analysis will read
    # (there are no utterances), and it was not detected.
    return Transcript(utterances=[], language=language or "en",  # type: ignore[arg-type]
                      has_speakers=True, source_format="audio", language_detected=False,
                      duration=round(duration, 2))
