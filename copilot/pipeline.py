"""Pure analysis: a transcript, a text or a file in, an `Analysis` out. Nothing is stored.

The layout of the path from a request to the store, one module per step:

    copilot.validate        check_people, parse_date: the cheap checks
    copilot.request         MeetingRequest (who, when, language, engine, source, voice sample)
    copilot.pipeline        analyze(transcript, request) and analyze_source(file or text,
                            request): pure analysis, for the eval and anything that only reads
    copilot.pipeline_audio  recording -> transcript and roles (numpy, torch: only for audio)
    copilot.workflow        remember_meeting(request, ...): open commitments, voiceprint,
                            analyse, save. Every front end (CLI, API, jobs, reassignment,
                            bench) goes through it.

`analyze_transcript`, `analyze_text` and `analyze_path` are the same pure analysis with the
request's fields given as keywords (`manager=`, `report=`, `date=`, `lang=`, `filename=`...),
for scripts, tests and the eval harnesses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copilot.analyze.balance import compute_balance
from copilot.analyze.base import Extractor, MeetingContext
from copilot.analyze.coverage import section_coverage
from copilot.analyze.critique import PriorStep, Signals, critique
from copilot.analyze.listening import listening
from copilot.analyze.roles import RoleDecision, apply_roles, decide_roles
from copilot.analyze.summary import extractive_summary
from copilot.analyze.talk import compute_talk
from copilot.analyze.texts import make_warning
from copilot.errors import InputError
from copilot.meeting_types import MeetingTemplate, template_for
from copilot.models import (
    Analysis,
    EngineRun,
    Extraction,
    Talk,
    Transcript,
    Warning,
    WarningCode,
)
from copilot.request import MeetingRequest
from copilot.settings import Settings, get_settings

if TYPE_CHECKING:  # audio engines import numpy; text-only use never loads them
    from copilot.ingest.speech import AudioEngines
    from copilot.ingest.voiceprint import Voiceprint

Progress = Callable[[str, float], None]
MeetingInput = Path | str | Transcript  # a file, the text itself, or a parsed transcript


@lru_cache(maxsize=2)
def _rules_engine() -> Extractor:
    # Imported here: loading spaCy models costs seconds, paid once per process and only
    # by commands that analyse.
    from copilot.analyze.rules.engine import RulesExtractor

    return RulesExtractor()


def get_extractor(settings: Settings) -> Extractor:
    if settings.engine == "rules":
        return _rules_engine()
    if settings.engine in ("llm", "hybrid"):
        from copilot.analyze.llm import build_extractor  # openai/langchain only when asked for

        return build_extractor(settings, _rules_engine)
    raise InputError(f"unknown engine {settings.engine!r}", "use rules, llm or hybrid")


def analyze(
    transcript: Transcript,
    request: MeetingRequest,
    *,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    progress: Progress | None = None,
    previous: Sequence[PriorStep] | None = None,
    roles: RoleDecision | None = None,
) -> Analysis:
    """`previous`: commitments still open from earlier 1:1s (the store's `open_next_steps`),
    so the critique can say whether this meeting came back to them. Roles: the request's, set
    by hand, else `roles` (a voiceprint's decision), else from the labels or names said."""
    settings = request.settings_for(settings or get_settings())
    if not transcript.utterances and transcript.source_format == "audio":
        return silent_analysis(transcript, request)  # nothing was heard: warn, not fail
    if not transcript.utterances:
        raise InputError("the transcript has no text", "check the file: it holds no utterance")
    if request.roles is not None:
        roles = RoleDecision(dict(request.roles), "manual")
    if transcript.has_speakers:
        roles = roles or decide_roles(transcript, request.manager, request.report)
        transcript = apply_roles(transcript, roles.roles)
    # The organisation's template (COPILOT_HOME/templates/<type>.toml) or the built-in one,
    # read before the engine runs: a bad file fails in milliseconds.
    template = template_for(request.meeting_type, settings.home)
    if progress:
        progress("analysing", 0.0)
    engine = extractor or get_extractor(settings)
    extraction = engine.extract(transcript, MeetingContext(
        date=request.date, manager=request.manager, report=request.report))
    talk = _talk(transcript, extraction, roles)
    signals = _signals(transcript, template)
    warnings = critique(transcript, talk, extraction, settings, request.manager,
                        request.report, previous=previous, signals=signals)
    warnings += roles.warnings if roles is not None else []
    warnings += extraction.warnings  # the engine's own (an LLM fallback, dropped items)
    warnings += doubtful_warnings(transcript)
    if extraction.summary is None:  # engines without a model get an extractive summary
        summary = extractive_summary(transcript, extraction)
        extraction = extraction.model_copy(update={"summary": summary[0],
                                                   "summary_evidence": summary[1]})
    if progress:
        progress("analysing", 1.0)
    return _analysis(request, transcript, extraction, talk, warnings,
                     extraction.run or EngineRun(engine=engine.name), signals)


def _signals(transcript: Transcript, template: MeetingTemplate) -> Signals:
    """What the coaching checks read besides the extraction: the manager's reflections, the
    kinds of talk and what the meeting covered of its type's template."""
    return Signals(listening=listening(transcript), balance=compute_balance(transcript),
                   template=template, coverage=section_coverage(
                       transcript.utterances, template, transcript.language))


def _talk(transcript: Transcript, extraction: Extraction,
          roles: RoleDecision | None) -> Talk | None:
    if not transcript.has_speakers:
        return None
    talk = compute_talk(transcript.utterances, extraction.questions, transcript.duration)
    if roles is not None and roles.source:
        talk = talk.model_copy(update={"roles_source": roles.source,
                                       "roles_evidence": roles.evidence})
    return talk


def _analysis(request: MeetingRequest, transcript: Transcript, extraction: Extraction,
              talk: Talk | None, warnings: list[Warning], run: EngineRun,
              signals: Signals | None = None) -> Analysis:
    signals = signals or Signals()
    return Analysis(
        id=request.meeting_id or uuid.uuid4().hex[:12],
        date=request.date,
        language=transcript.language,
        manager=request.manager,
        report=request.report,
        source=request.stored_source,
        source_format=transcript.source_format,
        engine=run.engine,
        meeting_type=request.meeting_type,
        utterances=transcript.utterances,
        talk=talk,
        listening=signals.listening,
        questions=extraction.questions,
        facts=extraction.facts,
        feedback=extraction.feedback,
        next_steps=extraction.next_steps,
        warnings=warnings,
        balance=list(signals.balance),
        coverage=list(signals.coverage),
        summary=extraction.summary,
        summary_evidence=extraction.summary_evidence,
        model=run.model,
        prompt_version=run.prompt_version,
        privacy=run.privacy,
        usage=run.usage,
        dropped=run.dropped,
    )


def silent_analysis(transcript: Transcript, request: MeetingRequest) -> Analysis:
    """A recording in which nothing was said: an empty analysis that says so, not an error."""
    return Analysis(
        id=request.meeting_id or uuid.uuid4().hex[:12], date=request.date,
        language=transcript.language, manager=request.manager, report=request.report,
        source=request.stored_source, source_format="audio", engine="none",
        meeting_type=request.meeting_type, utterances=[], talk=None,
        warnings=[make_warning(WarningCode.NO_SPEECH, transcript.language, {
            "seconds": round(transcript.duration) if transcript.duration else None}),
            *doubtful_warnings(transcript)],
    )


def doubtful_warnings(transcript: Transcript) -> list[Warning]:
    """One warning per stretch of a recording whose text was dropped as likely invented; its
    words are not in any utterance, so the evidence is the time span (params start/end)."""
    return [make_warning(WarningCode.TRANSCRIPTION_DOUBTFUL, transcript.language, {
        "start": round(span.start, 1), "end": round(span.end, 1), "reason": span.reason})
        for span in transcript.doubtful]


def analyze_source(
    meeting: MeetingInput,
    request: MeetingRequest,
    *,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    progress: Progress | None = None,
    previous: Sequence[PriorStep] | None = None,
    audio: AudioEngines | None = None,
    voiceprint: Voiceprint | None = None,
) -> Analysis:
    """A transcript; the text itself (a `str`, parsed by its `request.filename`); or a file
    (a `Path`): a transcript, notes or, by extension or content, a recording. `audio`: the
    audio engines (default: the real ones from settings); `voiceprint`: the manager's."""
    settings = settings or get_settings()
    roles = None
    if isinstance(meeting, str):
        from copilot.ingest.formats import parse_text

        transcript = parse_text(meeting, filename=request.filename, lang=request.lang)
    elif isinstance(meeting, Transcript):
        transcript = meeting
    else:
        transcript, roles, request = _read_path(Path(meeting), request, settings, audio,
                                                voiceprint, progress)
    return analyze(transcript, request, settings=settings, extractor=extractor,
                   progress=progress, previous=previous, roles=roles)


def _read_path(path: Path, request: MeetingRequest, settings: Settings,
               audio: AudioEngines | None, voiceprint: Voiceprint | None,
               progress: Progress | None,
               ) -> tuple[Transcript, RoleDecision | None, MeetingRequest]:
    from copilot.ingest.audio import is_audio_file
    from copilot.ingest.formats import read_file

    if request.source is None:
        request = request.model_copy(update={"source": path.name})
    if is_audio_file(path):
        from copilot.pipeline_audio import transcribe_meeting  # faster-whisper, torch: only here

        transcript, roles = transcribe_meeting(path, request, settings, audio=audio,
                                               voiceprint=voiceprint, progress=progress)
        return transcript, roles, request
    return read_file(path, lang=request.lang, max_bytes=settings.max_input_bytes), None, request


# -- the same analysis, the request's fields as keywords (scripts, tests, eval) -------------


def analyze_transcript(transcript: Transcript, *, settings: Settings | None = None,
                       extractor: Extractor | None = None,
                       previous: Sequence[PriorStep] | None = None, **request: Any) -> Analysis:
    return analyze(transcript, MeetingRequest(**request), settings=settings,
                   extractor=extractor, previous=previous)


def analyze_text(text: str, *, settings: Settings | None = None,
                 extractor: Extractor | None = None,
                 previous: Sequence[PriorStep] | None = None, **request: Any) -> Analysis:
    return analyze_source(text, MeetingRequest(**request), settings=settings,
                          extractor=extractor, previous=previous)


def analyze_path(path: Path | str, *, settings: Settings | None = None,
                 extractor: Extractor | None = None, progress: Progress | None = None,
                 previous: Sequence[PriorStep] | None = None, audio: AudioEngines | None = None,
                 voiceprint: Voiceprint | None = None, **request: Any) -> Analysis:
    return analyze_source(Path(path), MeetingRequest(**request), settings=settings,
                          extractor=extractor, progress=progress, previous=previous,
                          audio=audio, voiceprint=voiceprint)
