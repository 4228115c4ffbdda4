"""The `copilot` command line (Typer + rich).

Contract other tools rely on:
- `--json` output is exactly one JSON document on stdout; progress and status go to stderr.
- A user's mistake (any `CopilotError`, or a usage error such as an unknown `--lang`) prints
  ONE line on stderr starting with `error: ` and exits 2, never a traceback.
- Ctrl-C exits 130 quietly; an unexpected exception prints `error: internal error: ...` and a
  hint to rerun with COPILOT_DEBUG=1 (which prints the traceback), and exits 1.
All of that lives in one place: `run()`, around the Typer app.
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import os
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

try:  # Typer >= 0.2x ships its own copy of click; older releases use click itself.
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as _click_errors

from copilot.errors import ConfigError, CopilotError, InputError
from copilot.settings import Settings, get_settings

app = typer.Typer(
    name="copilot",
    help="Offline copilot for managers' one-to-ones: transcripts in; facts, feedback, "
    "next steps and coaching out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
meetings_app = typer.Typer(help="List, show and delete stored meetings.", no_args_is_help=True)
app.add_typer(meetings_app, name="meetings")


class Lang(str, Enum):
    auto = "auto"
    fr = "fr"
    en = "en"


class Engine(str, Enum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Meeting date, YYYY-MM-DD (default: today).")
]


def _stdout() -> Console:
    # Built per call, not at import: tests swap sys.stdout, and rich binds it on creation.
    return Console(highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "COPILOT_" + "_".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"{name} is invalid: {first['msg']}", f"fix or unset {name}") from None


def _print_json(text: str) -> None:
    sys.stdout.write(text.rstrip("\n") + "\n")
    sys.stdout.flush()


def _open_store(settings: Settings):
    from copilot.memory.store import Store  # SQLAlchemy + Alembic only for commands that store

    return Store.open(settings)


@app.command()
def analyze(
    path: Annotated[Path, typer.Argument(help="Transcript or notes (.txt, .vtt, .srt, .json) "
                                         "or a recording (.wav .mp3 .m4a .ogg .webm .flac .mp4).")],
    manager: Annotated[str, typer.Option("--manager", help="The manager's name.")],
    report: Annotated[str, typer.Option("--report", help="The report's name.")],
    date: DateOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the meeting.")] = Lang.auto,
    json_out: JsonOpt = False,
    no_save: Annotated[bool, typer.Option("--no-save", help="Analyse without storing.")] = False,
    engine: Annotated[Engine | None, typer.Option(
        "--engine", help="rules (offline), llm or hybrid (the COPILOT_LLM_* endpoint); "
        "default COPILOT_ENGINE.")] = None,
    manager_voice: Annotated[Path | None, typer.Option(
        "--manager-voice", help="Recordings: 10-30 s of the manager speaking alone, enrolled "
        "as their voiceprint and reused for their later recordings.")] = None,
) -> None:
    """Analyse a one-to-one transcript, notes or recording, and store the result."""
    from copilot.cli_render import render_analysis
    from copilot.pipeline import analyze_path, check_people, parse_date

    settings = _settings()
    if engine is not None:
        settings = settings.model_copy(update={"engine": engine.value})
    # Cheap checks first, so a typo never waits for the language models to load.
    manager, report = check_people(manager, report)
    day = parse_date(date)
    store = None if no_save else _open_store(settings)
    err = _stderr()
    from copilot.ingest.audio import is_audio_file

    try:
        if is_audio_file(path):  # audio (issue 3): progress bars per stage, voiceprints
            from copilot.cli_audio import analyze_audio

            analysis = analyze_audio(
                path, manager=manager, report=report, day=day, lang=lang.value,
                settings=settings, store=store, manager_voice=manager_voice, err=err,
                previous=store.open_next_steps(report, manager, before=day) if store else None)
        elif manager_voice is not None:
            raise InputError("--manager-voice goes with a recording, not a transcript",
                             "drop --manager-voice, or analyse the audio file")
        else:
            with err.status(f"reading {escape(path.name)}…") as status:

                def progress(stage: str, fraction: float) -> None:
                    if fraction < 1.0:
                        status.update("loading language models and analysing…")

                analysis = analyze_path(
                    path, manager=manager, report=report, date=day, lang=lang.value,
                    settings=settings, progress=progress,
                    # Open commitments of earlier 1:1s: the critique checks they came back.
                    previous=store.open_next_steps(report, manager, before=day) if store else None,
                )
        if store is not None:
            store.save(analysis)
    finally:
        if store is not None:
            store.close()

    if json_out:
        _print_json(analysis.model_dump_json(indent=2))
        if store is not None:
            err.print(f"saved as meeting {analysis.id}")
        return
    out = _stdout()
    render_analysis(out, analysis)
    out.print()
    if store is not None:
        out.print(f"saved as meeting {analysis.id}  (`copilot meetings show {analysis.id}`)")
    else:
        out.print("not saved (--no-save)")


@app.command()
def agenda(
    report: Annotated[str, typer.Option("--report", help="Who the next 1:1 is with.")],
    manager: Annotated[
        str | None, typer.Option("--manager", help="Only meetings with this manager.")
    ] = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
) -> None:
    """Suggested agenda for the next 1:1: open commitments of both sides, deferred and submitted
    topics, recurring blockers, areas not covered, questions, legal deadlines, cadence."""
    from copilot.cli_memory import render_agenda
    from copilot.memory.agenda import build_agenda
    from copilot.pipeline import parse_date

    if json_out and markdown:
        raise InputError("--json and --markdown exclude each other", "choose one")
    day = parse_date(date)
    with _open_store(_settings()) as store:
        result = build_agenda(store, report, manager, day)
    if json_out:
        _print_json(result.model_dump_json(indent=2))
    elif markdown:
        from copilot.memory.markdown import agenda_markdown

        sys.stdout.write(agenda_markdown(result))
    else:
        render_agenda(_stdout(), result)


@meetings_app.command("list")
def meetings_list(
    report: Annotated[str | None, typer.Option("--report", help="Only this report.")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="Only this manager.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Stored meetings, newest first."""
    import json

    from copilot.cli_render import render_meetings

    with _open_store(_settings()) as store:
        found = store.list(report=report, manager=manager)
    if json_out:
        _print_json(json.dumps([m.model_dump(mode="json") for m in found], indent=2,
                               ensure_ascii=False))
    else:
        render_meetings(_stdout(), found)


@meetings_app.command("show")
def meetings_show(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="A meeting id.")],
    json_out: JsonOpt = False,
) -> None:
    """Show a stored meeting's analysis."""
    from copilot.cli_render import render_analysis

    with _open_store(_settings()) as store:
        analysis = store.get(meeting_id)
    if json_out:
        _print_json(analysis.model_dump_json(indent=2))
    else:
        render_analysis(_stdout(), analysis)


@meetings_app.command("delete")
def meetings_delete(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="A meeting id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a stored meeting, with its next steps."""
    with _open_store(_settings()) as store:
        store.get(meeting_id)  # an unknown id fails before we ask anything
        if not yes:
            if not sys.stdin.isatty():
                # A script piping into us cannot answer; deleting silently would be worse.
                raise InputError(f"not deleting {meeting_id} without confirmation", "add --yes")
            typer.confirm(f"Delete meeting {meeting_id}?", abort=True, err=True)
        store.delete(meeting_id)
    _stderr().print(f"deleted meeting {meeting_id}", markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    _settings()  # a bad setting is one clear line here, not a traceback inside uvicorn
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port)


__import__("copilot.cli_memory").cli_memory.register(app)  # memory commands (issue 4)
__import__("copilot.cli_report").cli_report.register(app)  # `copilot report` (issue 5)
__import__("copilot.cli_audio").cli_audio.register(app, meetings_app)  # audio (issue 3)


def _fail(message: str) -> None:
    sys.stderr.write("error: " + " ".join(message.split()) + "\n")
    sys.stderr.flush()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit status; the one place where errors become exit codes."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="copilot", standalone_mode=False)
    except CopilotError as exc:
        if os.environ.get("COPILOT_DEBUG"):
            traceback.print_exc()
        _fail(exc.one_line())
        return 2
    except _click_errors.NoArgsIsHelpError as exc:
        exc.show()  # `copilot` alone: the help and exit 2, as click does
        return 2
    except _click_errors.UsageError as exc:
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        _fail(exc.format_message().rstrip(".") + "." + where)
        return 2
    except _click_errors.ClickException as exc:
        _fail(exc.format_message())
        return exc.exit_code
    except typer.Abort:
        _fail("aborted")
        return 1
    except KeyboardInterrupt:  # pragma: no cover - Typer turns it into Exit(130) first
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("COPILOT_DEBUG"):
            traceback.print_exc()
            hint = ""
        else:
            hint = " (rerun with COPILOT_DEBUG=1 to see the traceback)"
        _fail(f"internal error: {type(exc).__name__}: {exc}{hint}")
        return 1
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (`copilot = "copilot.cli:main"`)."""
    sys.exit(run(argv))


if __name__ == "__main__":
    main()
