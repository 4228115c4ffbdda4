"""`copilot search` and `copilot reindex`: past meetings by meaning and by words, and the
index rebuilt from the database."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

from typing import Annotated

import typer
from rich.text import Text

from copilot.cli.common import JsonOpt, open_store, optional_date, print_models, stderr, stdout


def search(
    query: Annotated[str, typer.Argument(help="Words or a question.")],
    person: Annotated[str | None,
                      typer.Option("--person", help="Only this person's 1:1s.")] = None,
    since: Annotated[str | None,
                     typer.Option("--since", help="From this date, YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Search past meetings by meaning and by words."""
    from copilot.memory.search import search as run_search

    with open_store() as store:
        found = run_search(store, query, person, optional_date(since), limit)
    if not found.semantic:
        why = found.warning or ("the vector index is unusable, keyword results only (run "
                                "`copilot reindex`)")
        stderr().print(f"warning: {why}", markup=False)
    if json_out:
        print_models(found)
        return
    out = stdout()
    if not found.hits:
        out.print(Text("No match.", style="dim"))
    for h in found.hits:
        out.print(Text(f"{h.date}  {h.meeting_id} #{h.utterance_id}  {h.speaker or '-'}: ",
                       style="bold") + Text(h.text) + Text(f"  ({h.match})", style="dim"))


def reindex() -> None:
    """Rebuild the vector index and the automatic commitment tracking from the database."""
    from copilot.memory.export import reindex as run_reindex

    err = stderr()
    with open_store() as store, err.status("reindexing…") as status:
        n = run_reindex(store, lambda i, total: status.update(f"reindexing {i}/{total}…"))
    err.print(f"reindexed {n} meetings", markup=False)
