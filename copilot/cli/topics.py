"""`copilot topic add|list|drop`: topics submitted ahead of the next 1:1."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

from typing import Annotated

import typer
from rich.text import Text

from copilot.cli.common import JsonOpt, open_store, optional_date, print_models, stderr, stdout
from copilot.errors import InputError

app = typer.Typer(help="Topics submitted ahead of the next 1:1.", no_args_is_help=True)

PersonOpt = Annotated[str, typer.Option("--person", "--report", help="Whose 1:1.")]


@app.command("add")
def topic_add(
    text: Annotated[str, typer.Argument(help="The topic, in a few words.")],
    person: PersonOpt,
    by: Annotated[str | None, typer.Option("--by", help="Who submits it.")] = None,
    date: Annotated[str | None,
                    typer.Option("--date", help="Submitted on (default today).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Submit a topic for the next 1:1 with PERSON."""
    from copilot.memory import topics as tp
    from copilot.models import TopicIn

    if len(text) > 2000:
        raise InputError("the topic is too long", "keep it under 2000 characters")
    with open_store() as store:
        topic = tp.add(store, person, TopicIn(text=text or " ", submitted_by=by,
                                              date=optional_date(date)))
    if json_out:
        print_models(topic)
    else:
        stderr().print(f"topic {topic.id} added for {topic.person}", markup=False)


@app.command("list")
def topic_list(
    person: PersonOpt,
    status: Annotated[str,
                      typer.Option("--status", help="open, covered, dropped or all.")] = "open",
    json_out: JsonOpt = False,
) -> None:
    """Topics submitted for PERSON's 1:1s."""
    from copilot.memory import topics as tp

    if status not in ("open", "covered", "dropped", "all"):
        raise InputError(f"unknown status {status!r}", "use open, covered, dropped or all")
    with open_store() as store:
        found = tp.list_topics(store, person, status)
    if json_out:
        print_models(found)
        return
    for t in found:
        stdout().print(Text(f"  {t.id}  {t.submitted_on}  [{t.status}]  {t.text}"))
    if not found:
        stdout().print(Text("No topics.", style="dim"))


@app.command("drop")
def topic_drop(topic_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Drop a submitted topic."""
    from copilot.memory import topics as tp

    with open_store() as store:
        topic = tp.drop(store, topic_id)
    stderr().print(f"topic {topic.id} dropped", markup=False)
