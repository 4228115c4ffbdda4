"""`copilot meetings list|show|delete|assign-roles|record`: the stored meetings."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from copilot.cli.common import (
    JsonOpt,
    UiLangOpt,
    YesOpt,
    confirm,
    open_store,
    print_json,
    settings,
    stderr,
    stdout,
)
from copilot.errors import InputError

app = typer.Typer(help="List, show and delete stored meetings.", no_args_is_help=True)

MeetingArg = Annotated[str, typer.Argument(metavar="ID", help="A meeting id.")]


@app.command("list")
def meetings_list(
    report: Annotated[str | None, typer.Option("--report", help="Only this report.")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="Only this manager.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Stored meetings, newest first."""
    from copilot.cli.render import render_meetings

    with open_store() as store:
        found = store.list(report=report, manager=manager)
    if json_out:
        print_json(json.dumps([m.model_dump(mode="json") for m in found], indent=2,
                              ensure_ascii=False))
    else:
        render_meetings(stdout(), found)


@app.command("show")
def meetings_show(meeting_id: MeetingArg, json_out: JsonOpt = False,
                  ui_lang: UiLangOpt = None) -> None:
    """Show a stored meeting's analysis."""
    from copilot.analyze.texts import localize_analysis
    from copilot.cli.render import render_analysis

    with open_store() as store:
        analysis = localize_analysis(store.get(meeting_id), ui_lang)
    if json_out:
        print_json(analysis.model_dump_json(indent=2))
    else:
        render_analysis(stdout(), analysis)


@app.command("record")
def meetings_record(
    meeting_id: MeetingArg,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the HTML to this file (default: stdout).")] = None,
) -> None:
    """The written record of a career review (printable HTML, in the meeting's language)."""
    from copilot.reports.record import career_record_html

    config = settings()
    with open_store(config) as store:
        page = career_record_html(store.get(meeting_id), config.home)
    if out is None:
        sys.stdout.write(page)
        return
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}", "choose another --out") from None
    stderr().print(f"record of meeting {meeting_id} written to {out}", markup=False)


@app.command("delete")
def meetings_delete(meeting_id: MeetingArg, yes: YesOpt = False) -> None:
    """Delete a stored meeting, with its next steps."""
    with open_store() as store:
        store.get(meeting_id)  # an unknown id fails before we ask anything
        confirm(f"Delete meeting {meeting_id}?",
                f"not deleting {meeting_id} without confirmation", yes=yes)
        store.delete(meeting_id)
    stderr().print(f"deleted meeting {meeting_id}", markup=False)


@app.command("assign-roles")
def assign_roles(
    meeting_id: MeetingArg,
    manager: Annotated[str, typer.Option("--manager", help="Speaker label of the manager, "
                                         "e.g. SPEAKER_00 (see the roles_unknown warning).")],
    report: Annotated[str | None, typer.Option(
        "--report", help="Speaker label of the report (default: the other of two).")] = None,
    json_out: JsonOpt = False,
    ui_lang: UiLangOpt = None,
) -> None:
    """Say which speaker is the manager; metrics, owners and critique are recomputed."""
    from copilot.analyze.texts import localize_analysis
    from copilot.cli.render import render_analysis
    from copilot.reassign import assign_roles as reassign

    config = settings()
    with open_store(config) as store:
        analysis = reassign(store, meeting_id, manager, report=report, settings=config)
    analysis = localize_analysis(analysis, ui_lang)
    if json_out:
        print_json(analysis.model_dump_json(indent=2))
    else:
        render_analysis(stdout(), analysis)
