"""`copilot people set|show|list|export|erase`: person records, cadence, GDPR export and
erasure."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from copilot.cli.common import (
    JsonOpt,
    UiLangOpt,
    YesOpt,
    confirm,
    open_store,
    optional_date,
    print_models,
    stderr,
    stdout,
)
from copilot.errors import InputError
from copilot.models import PersonRecord, PersonUpdate

app = typer.Typer(help="People records, cadence, GDPR export and erasure.",
                  no_args_is_help=True)

NameArg = Annotated[str, typer.Argument()]


class ReviewKind(str, Enum):
    parcours = "parcours"
    recap = "recap"
    mid_career = "mid_career"
    pre_retirement = "pre_retirement"


def _check_record(country: str | None, birth_year: int | None, role: str | None) -> None:
    if role is not None and len(role) > 200:
        raise InputError("the role is longer than 200 characters", "give a shorter job title")
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise InputError(f"{country!r} is not a country code", "use two letters, e.g. FR")
    if birth_year is not None and not 1900 <= birth_year <= 2100:
        raise InputError(f"birth year {birth_year} is not plausible", "e.g. 1985")


@app.command("set")
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
        fields["hire_date"] = optional_date(hire_date)
    if review is not None:
        fields["career_review"] = CareerReview(date=optional_date(review),
                                               kind=review_kind.value)
    _check_record(country, birth_year, role)
    with open_store() as store:
        record = ppl.update(store, name, PersonUpdate(**fields))
    print_models(record) if json_out else render_person(record)


def render_person(record: PersonRecord) -> None:
    out = stdout()
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


@app.command("show")
def people_show(name: NameArg, json_out: JsonOpt = False, ui_lang: UiLangOpt = None) -> None:
    """A person's record, cadence and legal calendar."""
    import datetime as dt

    from copilot.memory import legal
    from copilot.memory import people as ppl

    with open_store() as store:
        record = ppl.get(store, name)
        config = store.settings
    if json_out:
        print_models(record)
        return
    render_person(record)
    # A person has no language of their own: the legal texts are English unless asked.
    for d in legal.schedule(record, dt.date.today(), config, lang=ui_lang or "en"):
        stdout().print(Text(f"  legal: {d.kind} due {d.due}{' OVERDUE' if d.overdue else ''}: "
                            f"{d.text}"))


@app.command("list")
def people_list(json_out: JsonOpt = False) -> None:
    """Everyone stored."""
    from copilot.memory import people as ppl

    with open_store() as store:
        found = ppl.list_all(store)
    if json_out:
        print_models(found)
        return
    for p in found:
        stdout().print(Text(f"  {p.name}  ({p.meetings} meetings)"))


@app.command("export")
def people_export(
    name: NameArg,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Everything stored about one person, as JSON (GDPR access and portability)."""
    from copilot.memory.export import export_person

    with open_store() as store:
        data = export_person(store, name).model_dump_json(indent=2)
    if out is None:
        sys.stdout.write(data + "\n")
        return
    try:
        out.write_text(data + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out} ({exc.strerror})", "choose another --out") from exc
    stderr().print(f"exported to {out}", markup=False)


@app.command("erase")
def people_erase(name: NameArg, yes: YesOpt = False) -> None:
    """Erase a person and every meeting they took part in, from every store (GDPR)."""
    from copilot.memory import people as ppl
    from copilot.memory.export import erase_person

    with open_store() as store:
        record = ppl.get(store, name)
        confirm(f"Erase {record.name} and their {record.meetings} meetings?",
                f"not erasing {record.name} without confirmation", yes=yes)
        report = erase_person(store, name)
    removed = ", ".join(f"{n} {kind}" for kind, n in report.removed.items() if n)
    stderr().print(f"erased {record.name}: {removed or 'nothing else'}", markup=False)
    for kept in report.kept:
        stderr().print(f"kept by design: {kept}", markup=False)
