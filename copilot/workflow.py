"""Analyse and remember a meeting: the one workflow behind `copilot analyze`, POST /v1/meetings,
the audio job runner, role reassignment and the coaching bench.

In order: the request's cheap checks (run when the `MeetingRequest` is built); a recording's
headers probed (a bad file fails in milliseconds, before anything is enrolled); the manager's
voiceprint enrolled from the request's sample, else loaded from the store; the open
commitments of earlier 1:1s fetched, so the critique can say whether they came back; the
meeting analysed (copilot.pipeline); next steps due "at our next 1:1" dated from the pair's
cadence; the analysis saved, then the enrolled voiceprint. A
recording in which nothing was said is not saved (NoSpeech): an empty meeting would count in
the cadence and close the agenda's "overdue 1:1" item.
`store=None` analyses without storing (`--no-save`): nothing is read or written, and a silent
recording is the empty analysis with its `no_speech` warning.

Pure analysis without a store stays in copilot.pipeline (`analyze_source`, `analyze_text`...).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from copilot.analyze.base import Extractor
from copilot.errors import InputError, NoSpeech
from copilot.models import Analysis, WarningCode
from copilot.pipeline import MeetingInput, Progress, analyze_source
from copilot.request import MeetingRequest
from copilot.settings import Settings

if TYPE_CHECKING:  # numpy and torch only for recordings, SQLAlchemy only when storing
    from copilot.ingest.speech import AudioEngines
    from copilot.ingest.voiceprint import Voiceprint
    from copilot.memory.store import Store

ENROLLING = "enrolling"  # the progress stage of a voice sample being enrolled (before decoding)


def remember_meeting(
    request: MeetingRequest,
    meeting: MeetingInput,
    *,
    store: Store | None,
    settings: Settings,
    progress: Progress | None = None,
    extractor: Extractor | None = None,
    audio: AudioEngines | None = None,
    replace: bool = False,
    on_enrolled: Callable[[Voiceprint], None] | None = None,
) -> Analysis:
    """Analyse `meeting` (a file `Path`, the text as a `str`, or a `Transcript`) and save it.

    `audio`: the audio engines (default: the real ones); `replace`: the meeting (the request's
    `meeting_id`) is stored already and is rewritten in one transaction; `on_enrolled`: called
    with the voiceprint enrolled from `request.manager_voice` once it is stored."""
    settings = request.settings_for(settings)
    engines, voiceprint, enrolled = None, None, False
    if _is_recording(meeting):
        from copilot.ingest.audio import probe_audio
        from copilot.ingest.speech import AudioEngines

        probe_audio(meeting, max_seconds=settings.audio.max_audio_seconds)  # type: ignore[arg-type]
        engines = audio or AudioEngines.from_settings(settings)
        voiceprint, enrolled = manager_voiceprint(request, store, engines, settings, progress)
        request = _usual_language(request, store, settings)
    elif request.manager_voice is not None:
        raise InputError("--manager-voice goes with a recording, not a transcript",
                         "drop --manager-voice, or analyse the audio file")
    previous = (store.open_next_steps(request.report, request.manager, before=request.date)
                if store is not None else None)
    analysis = analyze_source(meeting, request, settings=settings, extractor=extractor,
                              progress=progress, previous=previous, audio=engines,
                              voiceprint=voiceprint)
    if store is None:
        return analysis
    _refuse_silence(analysis)
    analysis = _dated_at_next_one_on_one(analysis, request, store, settings)
    store.save(analysis, replace=replace)
    if enrolled and voiceprint is not None and request.manager_voice is not None:
        store.save_voiceprint(request.manager, voiceprint, source=request.manager_voice.name)
        if on_enrolled is not None:
            on_enrolled(voiceprint)
    return analysis


def _usual_language(request: MeetingRequest, store: Store | None,
                    settings: Settings) -> MeetingRequest:
    """No language asked: the one of the pair's last 1:1s when they all agree (Whisper base
    mistakes noisy French for other languages; the pair rarely changes language)."""
    if store is None or request.lang != "auto" or settings.language != "auto":
        return request
    from copilot.ingest.hotwords import usual_language

    held = store.meetings_held(request.report, request.manager, before=request.date)[:5]
    language = usual_language([m.language for m in held])
    return request.model_copy(update={"lang": language}) if language else request


def _dated_at_next_one_on_one(analysis: Analysis, request: MeetingRequest, store: Store,
                              settings: Settings) -> Analysis:
    """Next steps due "before our next one-on-one" (the extraction keeps the phrase, no date:
    copilot.analyze.rules.dates.RELATIVE) get the next 1:1's date: this meeting's plus the
    median interval between the pair's 1:1s (`people.cadence`, the agenda's own rule).
    Without a known interval they keep only their phrase."""
    from copilot.analyze.rules.dates import is_relative
    from copilot.memory.people import cadence

    waiting = [s.due is None and is_relative(s.due_text) for s in analysis.next_steps]
    if not any(waiting):
        return analysis  # no store query for the usual meeting
    held = [m.date for m in store.meetings_held(request.report, request.manager,
                                                before=request.date)]
    next_day = cadence([*held, analysis.date], analysis.date, settings).expected_next
    if next_day is None:
        return analysis
    steps = [s.model_copy(update={"due": next_day}) if wait else s
             for s, wait in zip(analysis.next_steps, waiting, strict=True)]
    return analysis.model_copy(update={"next_steps": steps})


def _refuse_silence(analysis: Analysis) -> None:
    """Nothing heard: the warning becomes the error, before anything (voiceprint too) is saved."""
    silent = next((w for w in analysis.warnings if w.code == WarningCode.NO_SPEECH), None)
    if silent is not None and not analysis.utterances:
        raise NoSpeech(f"{silent.message.rstrip('.')}; nothing was saved", silent.suggestion)


def _is_recording(meeting: MeetingInput) -> bool:
    if not isinstance(meeting, Path):
        return False
    from copilot.ingest.audio import is_audio_file

    return is_audio_file(meeting)


def manager_voiceprint(request: MeetingRequest, store: Store | None, engines: AudioEngines,
                       settings: Settings, progress: Progress | None = None,
                       ) -> tuple[Voiceprint | None, bool]:
    """The manager's voiceprint and whether it was enrolled just now: from the request's
    sample (at most `settings.audio.voice_sample_max_seconds`), else the stored one, else None."""
    encoder = engines.encoder
    if encoder is None:
        return None, False
    if request.manager_voice is not None:
        from copilot.ingest.voiceprint import enroll

        if progress:
            progress(ENROLLING, 0.0)
        voiceprint = enroll(request.manager_voice, encoder,
                            max_seconds=settings.audio.voice_sample_max_seconds)
        if progress:
            progress(ENROLLING, 1.0)
        return voiceprint, True
    if store is None:
        return None, False
    # One made by the v1 encoder (Resemblyzer) still serves until the manager enrols again.
    return (store.load_voiceprint(request.manager, encoder.name)
            or store.load_voiceprint(request.manager)), False
