"""Memory commands: commitments, topics, people, search, reindex, and the agenda's rendering.

Registered on the main app by `register(app)` (copilot/cli.py); errors go through cli.run like
every other command (a user's mistake: one `error:` line, exit 2).
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from copilot.errors import InputError
from copilot.models import Agenda, Commitment, PersonUpdate

commitments_app = typer.Typer(help="Commitments followed across meetings.", no_args_is_help=True)
topic_app = typer.Typer(help="Topics submitted ahead of the next 1:1.", no_args_is_help=True)
people_app = typer.Typer(help="People records, cadence, GDPR export and erasure.",
                         no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="A commitment id.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")]


class Status(str, Enum):
    open = "open"
    done = "done"
    dropped = "dropped"
    all = "all"


class ReviewKind(str, Enum):
    parcours = "parcours"
    recap = "recap"
    mid_career = "mid_career"
    pre_retirement = "pre_retirement"


def _store():
    from copilot.cli import _open_store, _settings  # the CLI's own settings and error mapping

    return _open_store(_settings())


def _out() -> Console:
    return Console(highlight=False)


def _dump(value) -> None:
    if isinstance(value, list):
        text = json.dumps([v.model_dump(mode="json") for v in value], indent=2, ensure_ascii=False)
    else:
        text = value.model_dump_json(indent=2)
    sys.stdout.write(text + "\n")


def _date(value: str | None):
    from copilot.pipeline import parse_date

    return parse_date(value) if value is not None else None


# -- agenda rendering (used by `copilot agenda`) --------------------------------------------


def render_agenda(console: Console, agenda: Agenda) -> None:
    from copilot.memory.markdown import TITLES, where

    who = agenda.report + (f" with {agenda.manager}" if agenda.manager else "")
    console.print(Text(f"Agenda for the 1:1 of {who}, {agenda.date.isoformat()}", style="bold"))
    c = agenda.cadence
    if c and c.last_meeting:
        usual = f", usual interval {c.median_interval_days:g} days" if c.median_interval_days else ""
        console.print(Text(f"  last 1:1 {c.last_meeting.isoformat()} ({c.days_since_last} days "
                           f"ago{usual})", style="dim"))
    if not agenda.items:
        console.print(Text("  Nothing open from earlier meetings.", style="dim"))
        return
    for item in agenda.items:
        line = Text("  - ")
        if item.overdue:
            line.append("OVERDUE ", style="bold red")
        line.append(f"[{TITLES[item.kind][1].lower()}] ", style="cyan")
        if item.kind == "open_commitment":
            line.append(item.owner or "(no owner)", style="bold")
            if item.manager_promise:
                line.append(" (your promise)", style="magenta")
            line.append(": ")
        line.append(item.text)
        if item.kind == "open_commitment" or item.due:
            line.append(f"  (due {item.due.isoformat()})" if item.due else "  (no due date)")
        source = where(item)
        if source:
            line.append(f"  {source}", style="dim")
        if item.detail and item.kind != "open_commitment":
            line.append(f"  {item.detail}", style="dim")
        console.print(line, soft_wrap=True)
        for e in item.updates:
            day = e.meeting_date.isoformat() if e.meeting_date else "?"
            ids = ", ".join(f"#{i}" for i in e.evidence)
            console.print(Text(f"      {e.kind} on {day} (meeting {e.meeting_id} {ids})",
                               style="yellow"), soft_wrap=True)


# -- commitments ------------------------------------------------------------------------------


def _commitments_table(found: list[Commitment]) -> None:
    out = _out()
    if not found:
        out.print(Text("No commitments.", style="dim"))
        return
    table = Table()
    for col in ("id", "status", "owner", "action", "due", "from", "why closed"):
        table.add_column(col)
    for c in found:
        why = ""
        if c.closed_by:
            e = c.closed_by
            why = (f"{e.source} {e.kind} in {e.meeting_id} {e.evidence}" if e.meeting_id
                   else f"{e.source}: {e.reason or ''}")
        table.add_row(str(c.id), c.status, Text(c.owner or "-"), Text(c.action),
                      c.due.isoformat() if c.due else "-",
                      f"{c.meeting_id} {c.meeting_date.isoformat()} {c.evidence}", Text(why))
    out.print(table)


@commitments_app.command("list")
def commitments_list(
    person: Annotated[str | None, typer.Option("--person", help="Only this person's.")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="Only this manager.")] = None,
    status: Annotated[Status, typer.Option("--status", help="Which ones.")] = Status.open,
    json_out: JsonOpt = False,
) -> None:
    """Commitments (open ones by default), oldest first, with why each closed one closed."""
    from copilot.memory import commitments as cm

    with _store() as store:
        found = cm.list_commitments(store, person, manager=manager, status=status.value)
    _dump(found) if json_out else _commitments_table(found)


@commitments_app.command("show")
def commitments_show(commitment_id: IdArg, json_out: JsonOpt = False) -> None:
    """One commitment with its whole history."""
    from copilot.memory import commitments as cm

    with _store() as store:
        found = cm.get(store, commitment_id)
    if json_out:
        _dump(found)
        return
    _commitments_table([found])
    for e in found.events:
        _out().print(Text(f"  {e.kind} ({e.source}) meeting {e.meeting_id or '-'} "
                          f"{e.evidence} {e.reason or ''}"))


def _update(commitment_id: int, action: str, note: str | None, json_out: bool) -> None:
    from copilot.memory import commitments as cm

    with _store() as store:
        found = cm.update(store, commitment_id, action, note)  # type: ignore[arg-type]
    if json_out:
        _dump(found)
    else:
        Console(stderr=True).print(f"commitment {found.id} is now {found.status}", markup=False)


@commitments_app.command("done")
def commitments_done(commitment_id: IdArg, note: NoteOpt = None, json_out: JsonOpt = False):
    """Mark a commitment done by hand."""
    _update(commitment_id, "done", note, json_out)


@commitments_app.command("drop")
def commitments_drop(commitment_id: IdArg, note: NoteOpt = None, json_out: JsonOpt = False):
    """Drop a commitment (it will not be done, and should not come back)."""
    _update(commitment_id, "drop", note, json_out)


@commitments_app.command("reopen")
def commitments_reopen(commitment_id: IdArg, note: NoteOpt = None, json_out: JsonOpt = False):
    """Reopen a commitment closed by mistake (automatically or by hand)."""
    _update(commitment_id, "reopen", note, json_out)


# -- topics -------------------------------------------------------------------------------------


@topic_app.command("add")
def topic_add(
    text: Annotated[str, typer.Argument(help="The topic, in a few words.")],
    person: Annotated[str, typer.Option("--person", "--report", help="Whose 1:1.")],
    by: Annotated[str | None, typer.Option("--by", help="Who submits it.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Submitted on (default today).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Submit a topic for the next 1:1 with PERSON."""
    from copilot.memory import topics as tp
    from copilot.models import TopicIn

    if len(text) > 2000:
        raise InputError("the topic is too long", "keep it under 2000 characters")
    with _store() as store:
        topic = tp.add(store, person, TopicIn(text=text or " ", submitted_by=by, date=_date(date)))
    if json_out:
        _dump(topic)
    else:
        Console(stderr=True).print(f"topic {topic.id} added for {topic.person}", markup=False)


@topic_app.command("list")
def topic_list(
    person: Annotated[str, typer.Option("--person", "--report", help="Whose 1:1.")],
    status: Annotated[str, typer.Option("--status", help="open, covered, dropped or all.")] = "open",
    json_out: JsonOpt = False,
) -> None:
    """Topics submitted for PERSON's 1:1s."""
    from copilot.memory import topics as tp

    if status not in ("open", "covered", "dropped", "all"):
        raise InputError(f"unknown status {status!r}", "use open, covered, dropped or all")
    with _store() as store:
        found = tp.list_topics(store, person, status)
    if json_out:
        _dump(found)
        return
    for t in found:
        _out().print(Text(f"  {t.id}  {t.submitted_on}  [{t.status}]  {t.text}"))
    if not found:
        _out().print(Text("No topics.", style="dim"))


@topic_app.command("drop")
def topic_drop(topic_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Drop a submitted topic."""
    from copilot.memory import topics as tp

    with _store() as store:
        topic = tp.drop(store, topic_id)
    Console(stderr=True).print(f"topic {topic.id} dropped", markup=False)


# -- people -------------------------------------------------------------------------------------


@people_app.command("set")
def people_set(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    role: Annotated[str | None, typer.Option("--role", help="Job title.")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="Their manager.")] = None,
    hire_date: Annotated[str | None, typer.Option("--hire-date", help="YYYY-MM-DD.")] = None,
    birth_year: Annotated[int | None, typer.Option("--birth-year", help="e.g. 1985.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO code, e.g. FR.")] = None,
    review: Annotated[str | None, typer.Option(
        "--career-review", help="Date of an entretien de parcours professionnel held.")] = None,
    review_kind: Annotated[ReviewKind, typer.Option("--review-kind")] = ReviewKind.parcours,
    json_out: JsonOpt = False,
) -> None:
    """Create or update a person record (only the options given change)."""
    from copilot.memory import people as ppl
    from copilot.models import CareerReview

    fields: dict = {k: v for k, v in (("role", role), ("manager", manager),
                                      ("birth_year", birth_year), ("country", country))
                    if v is not None}
    if hire_date is not None:
        fields["hire_date"] = _date(hire_date)
    if review is not None:
        fields["career_review"] = CareerReview(date=_date(review), kind=review_kind.value)
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise InputError(f"{country!r} is not a country code", "use two letters, e.g. FR")
    if birth_year is not None and not 1900 <= birth_year <= 2100:
        raise InputError(f"birth year {birth_year} is not plausible", "e.g. 1985")
    with _store() as store:
        record = ppl.update(store, name, PersonUpdate(**fields))
    _dump(record) if json_out else people_print(record)


def people_print(record) -> None:
    out = _out()
    out.print(Text(record.name, style="bold"))
    for label, value in (("role", record.role), ("manager", record.manager),
                         ("hire date", record.hire_date), ("birth year", record.birth_year),
                         ("country", record.country), ("meetings", record.meetings)):
        out.print(Text(f"  {label}: {value if value is not None else '-'}"))
    for r in record.career_reviews:
        out.print(Text(f"  career review: {r.date} ({r.kind})"))
    c = record.cadence
    if c and c.last_meeting:
        out.print(Text(f"  last 1:1: {c.last_meeting} ({c.days_since_last} days ago); average "
                       f"interval {c.average_interval_days or '-'} days"
                       + ("  OVERDUE" if c.overdue else "")))


@people_app.command("show")
def people_show(name: Annotated[str, typer.Argument()], json_out: JsonOpt = False) -> None:
    """A person's record, cadence and legal calendar."""
    from copilot.memory import legal
    from copilot.memory import people as ppl

    with _store() as store:
        record = ppl.get(store, name)
        settings = store.settings
    if json_out:
        _dump(record)
        return
    people_print(record)
    import datetime as dt

    for d in legal.schedule(record, dt.date.today(), settings):
        _out().print(Text(f"  legal: {d.kind} due {d.due}{' OVERDUE' if d.overdue else ''}: "
                          f"{d.text}"))


@people_app.command("list")
def people_list(json_out: JsonOpt = False) -> None:
    """Everyone stored."""
    from copilot.memory import people as ppl

    with _store() as store:
        found = ppl.list_all(store)
    if json_out:
        _dump(found)
        return
    for p in found:
        _out().print(Text(f"  {p.name}  ({p.meetings} meetings)"))


@people_app.command("export")
def people_export(
    name: Annotated[str, typer.Argument()],
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Everything stored about one person, as JSON (GDPR access and portability)."""
    from copilot.memory.export import export_person

    with _store() as store:
        data = export_person(store, name).model_dump_json(indent=2)
    if out is None:
        sys.stdout.write(data + "\n")
        return
    try:
        out.write_text(data + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out} ({exc.strerror})", "choose another --out") from exc
    Console(stderr=True).print(f"exported to {out}", markup=False)


@people_app.command("erase")
def people_erase(
    name: Annotated[str, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person and every meeting they took part in, from every store (GDPR)."""
    from copilot.memory import people as ppl
    from copilot.memory.export import erase_person

    with _store() as store:
        record = ppl.get(store, name)
        if not yes:
            if not sys.stdin.isatty():
                raise InputError(f"not erasing {record.name} without confirmation", "add --yes")
            typer.confirm(f"Erase {record.name} and their {record.meetings} meetings?",
                          abort=True, err=True)
        gone = erase_person(store, name)
    Console(stderr=True).print(f"erased {record.name} and {len(gone)} meetings", markup=False)


# -- search and reindex ---------------------------------------------------------------------


def search(
    query: Annotated[str, typer.Argument(help="Words or a question.")],
    person: Annotated[str | None, typer.Option("--person", help="Only this person's 1:1s.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date, YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Search past meetings by meaning and by words."""
    from copilot.memory.search import search as run_search

    with _store() as store:
        found = run_search(store, query, person, _date(since), limit)
    if not found.semantic:
        Console(stderr=True).print("warning: the vector index is unusable, keyword results "
                                   "only (run `copilot reindex`)", markup=False)
    if json_out:
        _dump(found)
        return
    out = _out()
    if not found.hits:
        out.print(Text("No match.", style="dim"))
    for h in found.hits:
        out.print(Text(f"{h.date}  {h.meeting_id} #{h.utterance_id}  {h.speaker or '-'}: ",
                       style="bold") + Text(h.text) + Text(f"  ({h.match})", style="dim"))


def reindex() -> None:
    """Rebuild the vector index and the automatic commitment tracking from the database."""
    from copilot.memory.export import reindex as run_reindex

    err = Console(stderr=True)
    with _store() as store, err.status("reindexing…") as status:
        n = run_reindex(store, lambda i, total: status.update(f"reindexing {i}/{total}…"))
    err.print(f"reindexed {n} meetings", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(commitments_app, name="commitments")
    app.add_typer(topic_app, name="topic")
    app.add_typer(people_app, name="people")
    app.command("search")(search)
    app.command("reindex")(reindex)
