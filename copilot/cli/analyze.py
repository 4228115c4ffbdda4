"""`copilot analyze FILE`: a transcript, notes or a recording, analysed and stored.

The command builds the request and calls the workflow (copilot.workflow.remember_meeting);
what is here is how it looks. A text shows one status line; a recording a progress bar per
stage (decoding, transcribing, diarizing, analysing), all on stderr, so `--json` still prints
exactly one document on stdout.
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import time
from pathlib import Path
from typing import Annotated, Self

import typer
from rich.console import Console
from rich.markup import escape

from copilot.cli.common import (
    DateOpt,
    JsonOpt,
    UiLangOpt,
    open_store,
    print_json,
    settings,
    stderr,
    stdout,
)
from copilot.models import Analysis, Engine, LanguageChoice, MeetingType

PathArg = Annotated[Path, typer.Argument(
    help="Transcript or notes (.txt, .vtt, .srt, .json) or a recording (.wav .mp3 .m4a .ogg "
    ".webm .flac .mp4).")]
EngineOpt = Annotated[Engine | None, typer.Option(
    "--engine", help="rules (offline), llm or hybrid (the COPILOT_LLM_* endpoint); "
    "default COPILOT_ENGINE.")]
VoiceOpt = Annotated[Path | None, typer.Option(
    "--manager-voice", help="Recordings: 10-30 s of the manager speaking alone, enrolled "
    "as their voiceprint and reused for their later recordings.")]
TypeOpt = Annotated[MeetingType, typer.Option(
    "--type", help="The kind of meeting: one_on_one, annual_review (entretien annuel) or "
    "career_review (entretien de parcours professionnel); its template says what it should "
    "cover (COPILOT_HOME/templates/<type>.toml edits it).")]


def analyze(
    path: PathArg,
    manager: Annotated[str, typer.Option("--manager", help="The manager's name.")],
    report: Annotated[str, typer.Option("--report", help="The report's name.")],
    date: DateOpt = None,
    lang: Annotated[LanguageChoice, typer.Option(
        "--lang", help="Language of the meeting.")] = LanguageChoice.AUTO,
    json_out: JsonOpt = False,
    no_save: Annotated[bool, typer.Option("--no-save", help="Analyse without storing.")] = False,
    engine: EngineOpt = None,
    manager_voice: VoiceOpt = None,
    ui_lang: UiLangOpt = None,
    meeting_type: TypeOpt = MeetingType.ONE_ON_ONE,
) -> None:
    """Analyse a one-to-one transcript, notes or recording, and store the result."""
    from copilot.analyze.texts import localize_analysis
    from copilot.ingest.audio import is_audio_file
    from copilot.meeting_types import template_for
    from copilot.request import MeetingRequest
    from copilot.workflow import remember_meeting

    config = settings()
    # Cheap checks first (building the request), so a typo never waits for the models.
    request = MeetingRequest(manager=manager, report=report, date=date, lang=lang.value,
                             engine=engine.value if engine else None, manager_voice=manager_voice,
                             meeting_type=meeting_type)
    template_for(meeting_type, config.home)  # an unusable template file fails now, not after
    store = None if no_save else open_store(config)
    err = stderr()
    display = AudioDisplay(err, request, path) if is_audio_file(path) else TextDisplay(err, path)
    try:
        with display:
            analysis = remember_meeting(request, path, store=store, settings=config,
                                        progress=display, on_enrolled=display.enrolled)
    finally:
        if store is not None:
            store.close()
    display.summary(analysis)
    # Stored in the meeting's language; only what is shown is rendered in another one.
    analysis = localize_analysis(analysis, ui_lang)
    _show(analysis, saved=store is not None, json_out=json_out, err=err)


def _show(analysis: Analysis, *, saved: bool, json_out: bool, err: Console) -> None:
    from copilot.cli.render import render_analysis

    if json_out:
        print_json(analysis.model_dump_json(indent=2))
        if saved:
            err.print(f"saved as meeting {analysis.id}")
        return
    out = stdout()
    render_analysis(out, analysis)
    out.print()
    if saved:
        out.print(f"saved as meeting {analysis.id}  (`copilot meetings show {analysis.id}`)")
    else:
        out.print("not saved (--no-save)")


class TextDisplay:
    """One status line on stderr while a text is read and analysed."""

    def __init__(self, err: Console, path: Path) -> None:
        self.status = err.status(f"reading {escape(path.name)}…")

    def __enter__(self) -> Self:
        self.status.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.status.__exit__(*exc)

    def __call__(self, stage: str, fraction: float) -> None:
        if fraction < 1.0:
            self.status.update("loading language models and analysing…")

    def enrolled(self, voiceprint) -> None:  # texts have no voice sample
        pass

    def summary(self, analysis: Analysis) -> None:
        pass


class AudioDisplay:
    """A spinner while the voice sample is enrolled, then one progress bar per stage; the bars
    are transient (they vanish when done or failed, so an error stays the one line on stderr).
    After: the enrolled voiceprint, and how long each stage took."""

    def __init__(self, err: Console, request, path: Path) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from copilot.pipeline_audio import STAGES
        from copilot.workflow import ENROLLING

        self.err, self.request, self.path = err, request, path
        self.stages, self.enrolling = STAGES, ENROLLING
        self.bars = Progress(TextColumn("{task.description:<13}"), BarColumn(),
                             TaskProgressColumn(), TimeElapsedColumn(), console=err,
                             transient=True)
        self.tasks: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.status = None
        self.voiceprint = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self._stop_status()
        if self.tasks:  # never started: stopping would still print a blank line
            self.bars.stop()

    def __call__(self, stage: str, fraction: float) -> None:
        if stage == self.enrolling:
            self._enrolling(fraction)
            return
        if stage not in self.stages:
            return
        if not self.tasks:
            self.bars.start()
            self.tasks = {s: self.bars.add_task(s, total=100, start=False) for s in self.stages}
        for earlier in self.stages[: self.stages.index(stage)]:  # a skipped stage is done
            self.bars.update(self.tasks[earlier], completed=100)
        if stage not in self.started:
            self.started[stage] = time.perf_counter()
            self.bars.start_task(self.tasks[stage])
        self.bars.update(self.tasks[stage],
                         completed=round(100 * min(max(fraction, 0.0), 1.0)))

    def _enrolling(self, fraction: float) -> None:
        if fraction < 1.0 and self.status is None and self.request.manager_voice is not None:
            self.status = self.err.status(f"enrolling {self.request.manager}'s voice from "
                                          f"{self.request.manager_voice.name}…")
            self.status.start()
        elif fraction >= 1.0:
            self._stop_status()

    def _stop_status(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def enrolled(self, voiceprint) -> None:
        self.voiceprint = voiceprint  # said after the bars, where the note stays readable

    def summary(self, analysis: Analysis) -> None:
        if self.voiceprint is not None:
            self.err.print(f"voiceprint of {self.request.manager} enrolled "
                           f"({self.voiceprint.seconds:.0f} s of speech); later recordings "
                           "with this manager use it automatically", markup=False)
        done = [s for s in self.stages if s in self.started]
        marks = [self.started[s] for s in done] + [time.perf_counter()]
        spent = ", ".join(f"{s} {b - a:.1f} s"
                          for s, a, b in zip(done, marks, marks[1:], strict=False))
        length = analysis.talk.duration if analysis.talk and analysis.talk.duration else None
        self.err.print(f"analysed {self.path.name}"
                       + (f" ({length:.0f} s of audio)" if length else "")
                       + f" in {marks[-1] - marks[0]:.1f} s: {spent}", markup=False)
