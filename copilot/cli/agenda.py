"""`copilot agenda`: the suggested agenda for the next 1:1 with a report."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import sys
from typing import Annotated

import typer

from copilot.cli.common import DateOpt, JsonOpt, UiLangOpt, open_store, print_json, stdout
from copilot.errors import InputError
from copilot.models import MeetingType


def agenda(
    report: Annotated[str, typer.Option("--report", help="Who the next 1:1 is with.")],
    manager: Annotated[
        str | None, typer.Option("--manager", help="Only meetings with this manager.")
    ] = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    ui_lang: UiLangOpt = None,
    meeting_type: Annotated[MeetingType | None, typer.Option(
        "--type", help="The coming meeting's type: its template's sections are added "
        "(one_on_one, annual_review, career_review: the legal content).")] = None,
) -> None:
    """Suggested agenda for the next 1:1: open commitments of both sides, deferred and submitted
    topics, recurring blockers, areas not covered, questions, legal deadlines, cadence."""
    from copilot.cli.render import render_agenda
    from copilot.memory.agenda import build_agenda
    from copilot.validate import parse_date

    if json_out and markdown:
        raise InputError("--json and --markdown exclude each other", "choose one")
    day = parse_date(date)
    with open_store() as store:
        result = build_agenda(store, report, manager, day,
                              lang=ui_lang.value if ui_lang else None,
                              meeting_type=meeting_type)
    if json_out:
        print_json(result.model_dump_json(indent=2))
    elif markdown:
        from copilot.memory.markdown import agenda_markdown

        sys.stdout.write(agenda_markdown(result))
    else:
        render_agenda(stdout(), result)
