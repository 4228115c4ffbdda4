"""`copilot commitments list|show|done|drop|reopen`: commitments followed across meetings."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

from enum import Enum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from copilot.cli.common import JsonOpt, open_store, print_models, stderr, stdout
from copilot.models import Commitment

app = typer.Typer(help="Commitments followed across meetings.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="A commitment id.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")]


class Status(str, Enum):
    open = "open"
    done = "done"
    dropped = "dropped"
    all = "all"


def _why_closed(c: Commitment) -> str:
    e = c.closed_by
    if not e:
        return ""
    return (f"{e.source} {e.kind} in {e.meeting_id} {e.evidence}" if e.meeting_id
            else f"{e.source}: {e.reason or ''}")


def render_commitments(found: list[Commitment]) -> None:
    out = stdout()
    if not found:
        out.print(Text("No commitments.", style="dim"))
        return
    table = Table()
    for col in ("id", "status", "owner", "action", "due", "from", "why closed"):
        table.add_column(col)
    for c in found:
        table.add_row(str(c.id), c.status, Text(c.owner or "-"), Text(c.action),
                      c.due.isoformat() if c.due else "-",
                      f"{c.meeting_id} {c.meeting_date.isoformat()} {c.evidence}",
                      Text(_why_closed(c)))
    out.print(table)


@app.command("list")
def commitments_list(
    person: Annotated[str | None, typer.Option("--person", help="Only this person's.")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="Only this manager.")] = None,
    status: Annotated[Status, typer.Option("--status", help="Which ones.")] = Status.open,
    json_out: JsonOpt = False,
) -> None:
    """Commitments (open ones by default), oldest first, with why each closed one closed."""
    from copilot.memory import commitments as cm

    with open_store() as store:
        found = cm.list_commitments(store, person, manager=manager, status=status.value)
    print_models(found) if json_out else render_commitments(found)


@app.command("show")
def commitments_show(commitment_id: IdArg, json_out: JsonOpt = False) -> None:
    """One commitment with its whole history."""
    from copilot.memory import commitments as cm

    with open_store() as store:
        found = cm.get(store, commitment_id)
    if json_out:
        print_models(found)
        return
    render_commitments([found])
    for e in found.events:
        stdout().print(Text(f"  {e.kind} ({e.source}) meeting {e.meeting_id or '-'} "
                            f"{e.evidence} {e.reason or ''}"))


def _update(commitment_id: int, action: str, note: str | None, json_out: bool) -> None:
    from copilot.memory import commitments as cm

    with open_store() as store:
        found = cm.update(store, commitment_id, action, note)  # type: ignore[arg-type]
    if json_out:
        print_models(found)
    else:
        stderr().print(f"commitment {found.id} is now {found.status}", markup=False)


@app.command("done")
def commitments_done(commitment_id: IdArg, note: NoteOpt = None, json_out: JsonOpt = False):
    """Mark a commitment done by hand."""
    _update(commitment_id, "done", note, json_out)


@app.command("drop")
def commitments_drop(commitment_id: IdArg, note: NoteOpt = None, json_out: JsonOpt = False):
    """Drop a commitment (it will not be done, and should not come back)."""
    _update(commitment_id, "drop", note, json_out)


@app.command("reopen")
def commitments_reopen(commitment_id: IdArg, note: NoteOpt = None, json_out: JsonOpt = False):
    """Reopen a commitment closed by mistake (automatically or by hand)."""
    _update(commitment_id, "reopen", note, json_out)
