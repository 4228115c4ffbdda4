"""The audio half of the pipeline: recording -> transcript -> roles -> the same analysis as text.

Kept apart from copilot.pipeline so that text-only use never imports numpy, torch or
faster-whisper. Progress stages, in order: decoding, transcribing, diarizing, analysing.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path

from copilot.analyze.base import Extractor
from copilot.analyze.critique import PriorStep
from copilot.analyze.roles import RoleDecision, decide_roles
from copilot.ingest.speech import NO_SPEECH_WARNING, AudioEngines, Recording, transcribe_recording
from copilot.ingest.voiceprint import Voiceprint, match_voice
from copilot.models import Analysis, Transcript, Warning
from copilot.pipeline import Progress, analyze_transcript, parse_date
from copilot.settings import Settings

log = logging.getLogger(__name__)

STAGES = ("decoding", "transcribing", "diarizing", "analysing")


def analyze_recording(
    path: Path,
    *,
    manager: str,
    report: str,
    date: str | dt.date | None,
    lang: str,
    settings: Settings,
    extractor: Extractor | None = None,
    progress: Progress | None = None,
    previous: Sequence[PriorStep] | None = None,
    audio: AudioEngines | None = None,
    voiceprint: Voiceprint | None = None,
) -> Analysis:
    engines = audio or AudioEngines.from_settings(settings)
    encoder = engines.encoder if voiceprint is not None else None
    if encoder is not None and voiceprint is not None and voiceprint.encoder != encoder.name:
        log.warning("voiceprint made by %s, engine is %s: not comparable, ignored",
                    voiceprint.encoder, encoder.name)
        encoder = None
    language = None if lang == "auto" else lang
    if language is None and settings.language != "auto":
        language = settings.language
    recording = transcribe_recording(
        path, home=settings.home, language=language, max_seconds=settings.max_audio_seconds,
        num_speakers=settings.num_speakers, progress=progress, transcriber=engines.transcriber,
        diarizer=engines.diarizer, encoder=encoder)
    roles = voice_roles(recording, voiceprint, settings, manager, report) if encoder else None
    return analyze_transcript(
        recording.transcript, manager=manager, report=report, date=date, settings=settings,
        extractor=extractor, source=path.name, progress=progress, previous=previous,
        roles=roles)


def voice_roles(recording: Recording, voiceprint: Voiceprint | None, settings: Settings,
                manager: str, report: str) -> RoleDecision | None:
    """Roles from the manager's voiceprint; when no voice matches, what was said decides
    (None lets the pipeline do that), with a warning giving the similarities."""
    transcript = recording.transcript
    if voiceprint is None or not recording.voices:
        return None
    match = match_voice(recording.voices, voiceprint, threshold=settings.voiceprint_threshold,
                        margin=settings.voiceprint_margin)
    speakers = transcript.speakers
    if match.speaker is not None and match.speaker in speakers:
        roles = {match.speaker: "manager"}
        if len(speakers) == 2:
            roles[next(s for s in speakers if s != match.speaker)] = "report"
        return RoleDecision(roles, "voiceprint")  # type: ignore[arg-type]
    scores = ", ".join(f"{s} {v:.2f}" for s, v in sorted(match.scores.items()))
    fallback = decide_roles(transcript, manager, report)
    fallback.warnings.append(Warning(
        code="voiceprint_no_match",
        message=f"No voice in the recording is clearly {manager}'s enrolled voice (similarity "
        f"{scores}; needs {settings.voiceprint_threshold:.2f} and a lead of "
        f"{settings.voiceprint_margin:.2f}).",
        suggestion="Check the roles; enrol a longer, cleaner sample with --manager-voice, or "
        "set them with `copilot meetings assign-roles`.",
    ))
    return fallback


def silent_analysis(transcript: Transcript, *, manager: str, report: str, day: dt.date,
                    source: str | None, meeting_id: str | None = None) -> Analysis:
    """A recording in which nothing was said: an empty analysis that says so, not an error."""
    seconds = f" of {transcript.duration:.0f} s" if transcript.duration else ""
    return Analysis(
        id=meeting_id or uuid.uuid4().hex[:12], date=parse_date(day), language=transcript.language,
        manager=manager, report=report, source=source, source_format="audio", engine="none",
        utterances=[], talk=None,
        warnings=[Warning(
            code=NO_SPEECH_WARNING,
            message=f"No speech was found in the recording{seconds}: nothing to analyse.",
            suggestion="Check that the right file was sent and that the microphone was on.",
        )],
    )
