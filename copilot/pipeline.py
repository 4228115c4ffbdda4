"""ingest -> analyze: the one path every front end (CLI, API, eval, bench) goes through.

Storing is the caller's choice (`copilot.memory.store.Store.save`), so the eval and the bench
analyse without touching the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from copilot.analyze.base import Extractor, MeetingContext
from copilot.analyze.critique import PriorStep, critique
from copilot.analyze.roles import RoleDecision, apply_roles, decide_roles
from copilot.analyze.summary import extractive_summary
from copilot.analyze.talk import compute_talk
from copilot.errors import InputError
from copilot.models import Analysis, EngineRun, Transcript
from copilot.settings import Settings, get_settings
from copilot.text import name_key

if TYPE_CHECKING:  # audio engines import numpy; text-only use never loads them
    from copilot.ingest.speech import AudioEngines
    from copilot.ingest.voiceprint import Voiceprint

Progress = Callable[[str, float], None]


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


def check_people(manager: str, report: str) -> tuple[str, str]:
    manager, report = manager.strip(), report.strip()
    if not manager or not report:
        raise InputError("both --manager and --report names are needed", "e.g. --manager Claire --report Julien")
    if name_key(manager) == name_key(report):
        raise InputError("the manager and the report are the same person", "check --manager and --report")
    return manager, report


def parse_date(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{value!r} is not a date", "use YYYY-MM-DD, e.g. 2026-03-02") from None


def analyze_transcript(
    transcript: Transcript,
    *,
    manager: str,
    report: str,
    date: str | dt.date | None = None,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    source: str | None = None,
    progress: Progress | None = None,
    previous: Sequence[PriorStep] | None = None,
    roles: RoleDecision | None = None,
    meeting_id: str | None = None,
) -> Analysis:
    """`previous`: commitments still open from earlier 1:1s (the store's `open_next_steps`),
    so the critique can say whether this meeting came back to them. `roles`: decided by the
    caller (a voiceprint, assign-roles); default: from the labels, else from names said.
    `meeting_id`: keep this id (re-analysing a stored meeting)."""
    settings = settings or get_settings()
    manager, report = check_people(manager, report)
    day = parse_date(date)
    if not transcript.utterances and transcript.source_format == "audio":
        from copilot.pipeline_audio import silent_analysis  # nothing was heard: warn, not fail

        return silent_analysis(transcript, manager=manager, report=report, day=day,
                               source=source, meeting_id=meeting_id)
    if not transcript.utterances:
        raise InputError("the transcript has no text", "check the file: it holds no utterance")
    if transcript.has_speakers:
        roles = roles or decide_roles(transcript, manager, report)
        transcript = apply_roles(transcript, roles.roles)
    if progress:
        progress("analysing", 0.0)
    engine = extractor or get_extractor(settings)
    extraction = engine.extract(transcript, MeetingContext(date=day, manager=manager, report=report))
    talk = (compute_talk(transcript.utterances, extraction.questions, transcript.duration)
            if transcript.has_speakers else None)
    if talk is not None and roles is not None and roles.source:
        talk = talk.model_copy(update={"roles_source": roles.source,
                                       "roles_evidence": roles.evidence})
    warnings = critique(transcript, talk, extraction, settings, manager, report, previous=previous)
    warnings += roles.warnings if roles is not None else []
    warnings += extraction.warnings  # the engine's own (an LLM fallback, dropped items)
    run = extraction.run or EngineRun(engine=engine.name)
    summary, summary_evidence = extraction.summary, extraction.summary_evidence
    if summary is None:  # engines without a model get an extractive summary
        summary, summary_evidence = extractive_summary(transcript, extraction)
    if progress:
        progress("analysing", 1.0)
    return Analysis(
        id=meeting_id or uuid.uuid4().hex[:12],
        date=day,
        language=transcript.language,
        manager=manager,
        report=report,
        source=source,
        source_format=transcript.source_format,
        engine=run.engine,
        utterances=transcript.utterances,
        talk=talk,
        questions=extraction.questions,
        facts=extraction.facts,
        feedback=extraction.feedback,
        next_steps=extraction.next_steps,
        warnings=warnings,
        summary=summary,
        summary_evidence=summary_evidence,
        model=run.model,
        prompt_version=run.prompt_version,
        privacy=run.privacy,
        usage=run.usage,
        dropped=run.dropped,
    )


def analyze_text(
    text: str,
    *,
    manager: str,
    report: str,
    date: str | dt.date | None = None,
    lang: str = "auto",
    filename: str | None = None,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    previous: Sequence[PriorStep] | None = None,
) -> Analysis:
    from copilot.ingest.formats import parse_text

    transcript = parse_text(text, filename=filename, lang=lang)
    return analyze_transcript(
        transcript, manager=manager, report=report, date=date, settings=settings,
        extractor=extractor, source=filename, previous=previous,
    )


def analyze_path(
    path: Path,
    *,
    manager: str,
    report: str,
    date: str | dt.date | None = None,
    lang: str = "auto",
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    progress: Progress | None = None,
    previous: Sequence[PriorStep] | None = None,
    audio: AudioEngines | None = None,
    voiceprint: Voiceprint | None = None,
) -> Analysis:
    """A transcript, notes or (by extension or content) a recording. `audio`: the engines
    (default: the real ones from settings); `voiceprint`: the manager's, to tell their voice."""
    from copilot.ingest.audio import is_audio_file
    from copilot.ingest.formats import read_file

    settings = settings or get_settings()
    check_people(manager, report)
    parse_date(date)  # a wrong date fails before any slow work
    if is_audio_file(Path(path)):
        from copilot.pipeline_audio import analyze_recording  # faster-whisper, torch: only here

        return analyze_recording(
            Path(path), manager=manager, report=report, date=date, lang=lang, settings=settings,
            extractor=extractor, progress=progress, previous=previous, audio=audio,
            voiceprint=voiceprint)
    transcript = read_file(Path(path), lang=lang, max_bytes=settings.max_input_bytes)
    return analyze_transcript(
        transcript, manager=manager, report=report, date=date, settings=settings,
        extractor=extractor, source=Path(path).name, progress=progress, previous=previous,
    )
