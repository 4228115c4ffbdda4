"""The audio half of the analysis: recording -> transcript and roles, then the same analysis as
text (copilot.pipeline, which imports this module only for recordings).

Kept apart so that text-only use never imports numpy, torch or faster-whisper; it imports
nothing from copilot.pipeline. Progress stages, in order: decoding, transcribing, diarizing,
then the pipeline's analysing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from copilot.analyze.roles import RoleDecision, decide_roles
from copilot.analyze.texts import make_warning
from copilot.ingest.hotwords import names_prompt
from copilot.ingest.speech import AudioEngines, Recording, transcribe_recording
from copilot.ingest.vad import VadParams
from copilot.ingest.voiceprint import Voiceprint, encoder_named, match_limits, match_voice
from copilot.models import Transcript, WarningCode
from copilot.request import MeetingRequest
from copilot.settings import Settings

log = logging.getLogger(__name__)

STAGES = ("decoding", "transcribing", "diarizing", "analysing")


def transcribe_meeting(
    path: Path,
    request: MeetingRequest,
    settings: Settings,
    *,
    audio: AudioEngines | None = None,
    voiceprint: Voiceprint | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[Transcript, RoleDecision | None]:
    """The recording's transcript, and the roles the manager's voiceprint decides (None: let
    the analysis decide from labels or names said)."""
    engines = audio or AudioEngines.from_settings(settings)
    encoder = engines.encoder if voiceprint is not None else None
    if encoder is not None and voiceprint is not None and voiceprint.encoder != encoder.name:
        # A voiceprint enrolled with the v1 encoder is matched with that encoder.
        older = encoder_named(voiceprint.encoder, VadParams.for_diarization(settings))
        if older is None:
            log.warning("voiceprint made by %s, engine is %s: not comparable, ignored",
                        voiceprint.encoder, encoder.name)
        encoder = older
    language = None if request.lang == "auto" else request.lang
    if language is None and settings.language != "auto":
        language = settings.language
    recording = transcribe_recording(
        path, home=settings.home, language=language,
        max_seconds=settings.audio.max_audio_seconds, num_speakers=settings.audio.num_speakers,
        progress=progress, transcriber=_primed(engines.transcriber, request, settings),
        diarizer=engines.diarizer, encoder=encoder)
    roles = (voice_roles(recording, voiceprint, settings, request.manager, request.report)
             if encoder else None)
    return recording.transcript, roles


def _primed(transcriber, request: MeetingRequest, settings: Settings):
    """The transcriber primed with the meeting's names, when it takes hotwords (Whisper)."""
    prime = getattr(transcriber, "with_hotwords", None)
    if prime is None or settings.audio.whisper_hotwords != "names":
        return transcriber
    return prime(names_prompt([request.manager, request.report]))


def voice_roles(recording: Recording, voiceprint: Voiceprint | None, settings: Settings,
                manager: str, report: str) -> RoleDecision | None:
    """Roles from the manager's voiceprint; when no voice matches, what was said decides
    (None lets the pipeline do that), with a warning giving the similarities."""
    transcript = recording.transcript
    if voiceprint is None or not recording.voices:
        return None
    threshold, margin = match_limits(voiceprint.encoder, settings.audio.voiceprint_threshold,
                                     settings.audio.voiceprint_margin)
    match = match_voice(recording.voices, voiceprint, threshold=threshold, margin=margin)
    speakers = transcript.speakers
    if match.speaker is not None and match.speaker in speakers:
        roles = {match.speaker: "manager"}
        if len(speakers) == 2:
            roles[next(s for s in speakers if s != match.speaker)] = "report"
        return RoleDecision(roles, "voiceprint")  # type: ignore[arg-type]
    scores = ", ".join(f"{s} {v:.2f}" for s, v in sorted(match.scores.items()))
    fallback = decide_roles(transcript, manager, report)
    fallback.warnings.append(make_warning(WarningCode.VOICEPRINT_NO_MATCH, transcript.language, {
        "manager": manager, "scores": scores,
        "threshold": f"{threshold:.2f}", "margin": f"{margin:.2f}"}))
    return fallback
