"""Audio in the CLI: `copilot analyze REC` with progress bars, voiceprints, assign-roles.

Progress bars go to stderr (one per stage: decoding, transcribing, diarizing, analysing), so
`--json` still prints exactly one document on stdout.
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from copilot.models import Analysis
from copilot.settings import Settings

voiceprint_app = typer.Typer(help="The managers' enrolled voiceprints (biometric data).",
                             no_args_is_help=True)

STAGES = ("decoding", "transcribing", "diarizing", "analysing")


def analyze_audio(path: Path, *, manager: str, report: str, day: dt.date, lang: str,
                  settings: Settings, store, manager_voice: Path | None, err: Console,
                  previous=None, audio=None) -> Analysis:
    """Enrol the voice sample (stored unless --no-save), else reuse the manager's stored
    voiceprint, and analyse the recording with a progress bar per stage."""
    from copilot.ingest.audio import probe_audio
    from copilot.ingest.speech import AudioEngines
    from copilot.ingest.voiceprint import enroll
    from copilot.pipeline import analyze_path

    # A bad file fails here, in milliseconds: one error line, no bars, nothing enrolled.
    probe_audio(path, max_seconds=settings.max_audio_seconds)
    engines = audio or AudioEngines.from_settings(settings)
    voiceprint = None
    if manager_voice is not None and engines.encoder is not None:
        with err.status(f"enrolling {manager}'s voice from {manager_voice.name}…"):
            voiceprint = enroll(manager_voice, engines.encoder,
                                max_seconds=settings.max_audio_seconds)
        if store is not None:
            store.save_voiceprint(manager, voiceprint, source=manager_voice.name)
            err.print(f"voiceprint of {manager} enrolled ({voiceprint.seconds:.0f} s of speech); "
                      "later recordings with this manager use it automatically", markup=False)
    elif store is not None and engines.encoder is not None:
        voiceprint = store.load_voiceprint(manager, engines.encoder.name)
    columns = (TextColumn("{task.description:<13}"), BarColumn(), TaskProgressColumn(),
               TimeElapsedColumn())
    started: dict[str, float] = {}
    # transient: the bars vanish when done or failed, so an error stays the one line on stderr
    with Progress(*columns, console=err, transient=True) as bars:
        tasks = {stage: bars.add_task(stage, total=100, start=False) for stage in STAGES}

        def progress(stage: str, fraction: float) -> None:
            task = tasks.get(stage)
            if task is None:
                return
            for earlier in STAGES[: STAGES.index(stage)]:  # a skipped stage (silence) is done
                bars.update(tasks[earlier], completed=100)
            if stage not in started:
                started[stage] = time.perf_counter()
                bars.start_task(task)
            bars.update(task, completed=round(100 * min(max(fraction, 0.0), 1.0)))

        analysis = analyze_path(path, manager=manager, report=report, date=day, lang=lang,
                                settings=settings, progress=progress, previous=previous,
                                audio=engines, voiceprint=voiceprint)
    marks = [started[s] for s in STAGES if s in started] + [time.perf_counter()]
    spent = ", ".join(f"{s} {b - a:.1f} s" for s, a, b in zip(
        [s for s in STAGES if s in started], marks, marks[1:], strict=False))
    length = analysis.talk.duration if analysis.talk and analysis.talk.duration else None
    err.print(f"analysed {path.name}" + (f" ({length:.0f} s of audio)" if length else "")
              + f" in {marks[-1] - marks[0]:.1f} s: {spent}", markup=False)
    return analysis


def assign_roles_command(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="A meeting id.")],
    manager: Annotated[str, typer.Option("--manager", help="Speaker label of the manager, "
                                         "e.g. SPEAKER_00 (see the roles_unknown warning).")],
    report: Annotated[str | None, typer.Option(
        "--report", help="Speaker label of the report (default: the other of two).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Say which speaker is the manager; metrics, owners and critique are recomputed."""
    from copilot.cli import _open_store, _print_json, _settings, _stdout
    from copilot.cli_render import render_analysis
    from copilot.reassign import assign_roles

    settings = _settings()
    with _open_store(settings) as store:
        analysis = assign_roles(store, meeting_id, manager, report=report, settings=settings)
    if json_out:
        _print_json(analysis.model_dump_json(indent=2))
    else:
        render_analysis(_stdout(), analysis)


@voiceprint_app.command("list")
def voiceprint_list(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Who has a stored voiceprint (not the vectors themselves)."""
    from copilot.cli import _open_store, _print_json, _settings, _stdout

    with _open_store(_settings()) as store:
        rows = store.list_voiceprints()
    found = [{"person": v.person, "encoder": v.encoder, "seconds": v.seconds,
              "updated_at": v.updated_at.isoformat()} for v in rows]
    if json_out:
        _print_json(json.dumps(found, indent=2, ensure_ascii=False))
    elif not found:
        _stdout().print("No voiceprint stored. Enrol one with `copilot analyze REC --manager "
                        "NAME --report NAME --manager-voice SAMPLE`.", markup=False)
    else:
        for row in found:
            _stdout().print(f"{row['person']}: {row['encoder']}, {row['seconds']:.0f} s of speech, "
                            f"updated {row['updated_at'][:10]}", markup=False)


@voiceprint_app.command("delete")
def voiceprint_delete(
    person: Annotated[str, typer.Argument(metavar="NAME", help="Whose voiceprint.")],
) -> None:
    """Delete a person's voiceprint (their recordings are then matched by names, or by hand)."""
    from copilot.cli import _open_store, _settings

    with _open_store(_settings()) as store:
        store.delete_voiceprint(person)
    sys.stderr.write(f"deleted the voiceprint of {person}\n")


def register(app: typer.Typer, meetings_app: typer.Typer) -> None:
    meetings_app.command("assign-roles")(assign_roles_command)
    app.add_typer(voiceprint_app, name="voiceprint")
