"""`copilot recap MEETING_ID [--markdown|--json] [--edit FILE|--reset]`: a meeting's recap
(compte rendu), in the meeting's language; the manager's edit of it, and back to the generated
one. The same recap as GET /v1/meetings/{id}/recap: never the coaching nor the private notes."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import sys
from pathlib import Path
from typing import Annotated

import typer

from copilot.cli.common import JsonOpt, open_store, print_json
from copilot.errors import InputError


def recap(
    meeting_id: Annotated[str, typer.Argument(metavar="MEETING_ID", help="A meeting id.")],
    markdown: Annotated[bool, typer.Option("--markdown",
                                           help="Print Markdown (the default).")] = False,
    json_out: JsonOpt = False,
    edit: Annotated[Path | None, typer.Option(
        "--edit", metavar="FILE", help="Store this JSON as the recap (the fields of "
        "`--json`: summary, decisions, next_steps, carried_topics, concerns).")] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Forget the edit: back to the "
                                        "generated recap.")] = False,
) -> None:
    """The recap of meeting MEETING_ID: decisions, next steps, topics carried to next time,
    the report's concerns and the summary."""
    from copilot.memory import recap as recap_text

    if json_out and markdown:
        raise InputError("--json and --markdown exclude each other", "choose one")
    if edit is not None and reset:
        raise InputError("--edit and --reset exclude each other", "choose one")
    content = _read_edit(edit) if edit is not None else None
    with open_store() as store:
        if content is not None:
            found = store.set_recap(meeting_id, content)
        elif reset:
            found = store.reset_recap(meeting_id)
        else:
            found = store.recap(meeting_id)
    if json_out:
        print_json(found.model_dump_json(indent=2))
    else:
        sys.stdout.write(recap_text.markdown(found))
        sys.stdout.flush()


def _read_edit(path: Path):
    """The edited recap from a JSON file (what `--json` printed, changed); InputError when it
    cannot be read or is not a recap."""
    from pydantic import ValidationError

    from copilot.models import RecapContent

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc.__class__.__name__}",
                         "give a UTF-8 JSON file") from None
    try:
        return RecapContent.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise InputError(f"{path} is not a recap: {where}: {first['msg']}",
                         "start from `copilot recap ID --json`") from None
