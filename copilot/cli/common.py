"""What every command shares: settings, the store, the two consoles, JSON printing, the
confirmation of destructive commands, and the options declared once (`--json`, `--date`,
`--yes`, `--ui-lang`).

Settings and the store are opened per command, never at import: `copilot --help` touches
neither, and a bad COPILOT_* variable is one `error:` line (a ConfigError), not a traceback.
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from copilot.errors import ConfigError, InputError
from copilot.models import Language
from copilot.settings import Settings, env_name, get_settings

JSON_HELP = "Print one JSON document on stdout."


def json_option(text: str = JSON_HELP):
    """The `--json` flag; another `text` where the document is not all the command prints."""
    return Annotated[bool, typer.Option("--json", help=text)]


JsonOpt = json_option()
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Meeting date, YYYY-MM-DD (default: today).")
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
UiLangOpt = Annotated[Language | None, typer.Option(
    "--ui-lang", help="Language of the analysis' own texts (warnings, suggestions, agenda "
    "items); default: the meeting's. The words said are never translated.")]


def stdout() -> Console:
    # Built per call, not at import: tests swap sys.stdout, and rich binds it on creation.
    return Console(highlight=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        name = env_name(exc)
        raise ConfigError(f"{name} is invalid: {exc.errors()[0]['msg']}",
                          f"fix or unset {name}") from None


def open_store(config: Settings | None = None):
    """The store (a context manager), from `config` or the environment's settings."""
    from copilot.memory.store import Store  # SQLAlchemy + Alembic only for commands that store

    return Store.open(config or settings())


def print_json(text: str) -> None:
    sys.stdout.write(text.rstrip("\n") + "\n")
    sys.stdout.flush()


def print_models(value: BaseModel | list) -> None:
    """One model, or a list of them, as one JSON document on stdout."""
    if isinstance(value, list):
        print_json(json.dumps([v.model_dump(mode="json") for v in value], indent=2,
                              ensure_ascii=False))
    else:
        print_json(value.model_dump_json(indent=2))


def optional_date(value: str | None) -> dt.date | None:
    from copilot.validate import parse_date

    return parse_date(value) if value is not None else None


def confirm(question: str, refusal: str, *, yes: bool) -> None:
    """Ask before a destructive command, unless --yes. A script piping into us cannot answer,
    and going on silently would be worse: `refusal` (an InputError) instead."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError(refusal, "add --yes")
    typer.confirm(question, abort=True, err=True)
