"""`copilot report`: the coaching report of one manager, written as files.

    copilot report --manager Claire [--since 2026-01-01] [--out DIR] [--json]

writes DIR/report.html (self-contained, plots inlined), DIR/report.md and DIR/images/*.png, and
prints the path of report.html (or, with --json, the report as one JSON document).
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from copilot.cli.common import (
    json_option,
    open_store,
    optional_date,
    print_json,
    settings,
)
from copilot.errors import InputError
from copilot.models import Language
from copilot.text import name_key


def _default_out(manager: str) -> Path:
    slug = "-".join(name_key(manager).replace("/", " ").split()) or "manager"
    return Path(f"coaching-{slug}")


def report(
    manager: Annotated[str, typer.Option("--manager", help="Whose 1:1s to report on.")],
    since: Annotated[str | None, typer.Option(
        "--since", help="Only meetings on or after this date, YYYY-MM-DD.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for report.html, report.md and images/ "
        "(default: ./coaching-<manager>).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date the report is made for (default today): what is overdue.")] = None,
    json_out: json_option("Print the report as JSON too.") = False,
    ui_lang: Annotated[Language | None, typer.Option(
        "--ui-lang", help="Language of the report's warnings and suggestions; default: the "
        "language most of the meetings were held in.")] = None,
) -> None:
    """Coaching report for a manager: trends, follow-through, cadence, plots; every warning
    links to the words it rests on."""
    from copilot.reports.coaching import load_report
    from copilot.reports.render import write_report

    if not manager.strip():
        raise InputError("--manager is empty", "e.g. --manager Claire")
    first = optional_date(since) if since else None
    day = optional_date(as_of) if as_of else dt.date.today()
    folder = out or _default_out(manager)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file, not a folder", "give --out a folder path")
    config = settings()
    with open_store(config) as store:
        result, analyses = load_report(store, manager, first, day, config,
                                        lang=ui_lang.value if ui_lang else None)
    try:
        page = write_report(result, analyses, config, folder)
    except OSError as exc:
        raise InputError(f"cannot write the report into {folder} ({exc.strerror or exc})",
                         "choose a writable folder with --out") from exc
    if json_out:
        print_json(result.model_dump_json(indent=2))
        sys.stderr.write(f"{page}\n")
    else:
        sys.stdout.write(f"{page}\n")
