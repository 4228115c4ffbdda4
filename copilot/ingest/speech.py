"""Audio file -> `Transcript`: decode, transcribe, diarize, assign words to speakers.

Roles (which voice is the manager) are not decided here: utterances carry SPEAKER_00,
SPEAKER_01... and role None, for the roles step to fill in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from copilot.errors import InputError
from copilot.ingest.audio import DEFAULT_MAX_SECONDS, load_audio
from copilot.ingest.diarize import Diarizer, ResemblyzerDiarizer, assign_words
from copilot.ingest.transcribe import (
    LANG_HINT,
    SUPPORTED_LANGUAGES,
    Transcriber,
    WhisperTranscriber,
)
from copilot.models import Transcript

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
STAGES = ("decoding", "transcribing", "diarizing")
NO_SPEECH_WARNING = "no_speech"  # Warning.code the pipeline adds when utterances come back empty


def transcribe_audio(
    path: Path,
    *,
    home: Path,
    language: str | None,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    num_speakers: int = 2,
    progress: Progress | None = None,
    transcriber: Transcriber | None = None,
    diarizer: Diarizer | None = None,
) -> Transcript:
    """Transcribe and diarize the recording at `path`.

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
        return _empty(language)

    transcriber = transcriber or WhisperTranscriber(home=home)
    report("transcribing", 0.0)
    result = transcriber.transcribe(audio.samples, language,
                                    lambda f: report("transcribing", f))
    report("transcribing", 1.0)
    chosen = language or result.language
    if not result.words:
        log.warning("%s: no speech recognised, empty transcript", Path(path).name)
        report("diarizing", 1.0)
        return _empty(chosen if chosen in SUPPORTED_LANGUAGES else None)
    if chosen not in SUPPORTED_LANGUAGES:  # a transcriber that does not check for us
        raise InputError(f"the recording seems to be in '{chosen}'; only French and English "
                         "are supported", LANG_HINT)

    diarizer = diarizer or ResemblyzerDiarizer()
    report("diarizing", 0.0)
    turns = diarizer.diarize(audio, max(1, num_speakers), lambda f: report("diarizing", f))
    report("diarizing", 1.0)

    return Transcript(
        utterances=assign_words(result.words, turns),
        language=chosen,  # type: ignore[arg-type] - checked against SUPPORTED_LANGUAGES
        has_speakers=True,
        source_format="audio",
        language_detected=language is None,
    )


def _empty(language: str | None) -> Transcript:
    # Nothing was heard: the language is the forced one or a default that no analysis will read
    # (there are no utterances), and it was not detected.
    return Transcript(utterances=[], language=language or "en",  # type: ignore[arg-type]
                      has_speakers=True, source_format="audio", language_detected=False)
