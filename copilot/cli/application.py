"""The `copilot` Typer app: the one registration list, and `run()`, the one place where errors
become exit codes.

Contract other tools rely on:
- `--json` output is exactly one JSON document on stdout; progress and status go to stderr.
- A user's mistake (any `CopilotError`, or a usage error such as an unknown `--lang`) prints
  ONE line on stderr starting with `error: ` and exits 2, never a traceback.
- Ctrl-C exits 130 quietly; an unexpected exception prints `error: internal error: ...` and a
  hint to rerun with COPILOT_DEBUG=1 (which prints the traceback), and exits 1.
"""

import os
import sys
import traceback

import typer

try:  # Typer >= 0.2x ships its own copy of click; older releases use click itself.
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as _click_errors

from copilot.cli import (
    agenda,
    analyze,
    commitments,
    meetings,
    people,
    recap,
    report,
    retention,
    search,
    serve,
    tokens,
    topics,
    users,
    voiceprint,
    worker,
)
from copilot.errors import CopilotError

# In the order `copilot --help` lists them (Typer puts commands before groups).
COMMANDS = (
    ("analyze", analyze.analyze),
    ("agenda", agenda.agenda),
    ("serve", serve.serve),
    ("search", search.search),
    ("reindex", search.reindex),
    ("report", report.report),
    ("recap", recap.recap),
    ("worker", worker.worker),
)
GROUPS = (
    ("meetings", meetings.app),
    ("commitments", commitments.app),
    ("topic", topics.app),
    ("people", people.app),
    ("voiceprint", voiceprint.app),
    ("users", users.app),
    ("tokens", tokens.app),
    ("retention", retention.app),
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="copilot",
        help="Offline copilot for managers' one-to-ones: transcripts in; facts, feedback, "
        "next steps and coaching out.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name, command in COMMANDS:
        app.command(name)(command)
    for name, group in GROUPS:
        app.add_typer(group, name=name)
    return app


app = build_app()


def _fail(message: str) -> None:
    sys.stderr.write("error: " + " ".join(message.split()) + "\n")
    sys.stderr.flush()


def _debug_traceback() -> bool:
    if os.environ.get("COPILOT_DEBUG"):
        traceback.print_exc()
        return True
    return False


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit status; the one place where errors become exit codes."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="copilot", standalone_mode=False)
    except CopilotError as exc:
        _debug_traceback()
        _fail(exc.one_line())
        return 2
    except _click_errors.NoArgsIsHelpError as exc:
        exc.show()  # `copilot` alone: the help and exit 2, as click does
        return 2
    except _click_errors.UsageError as exc:
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        _fail(exc.format_message().rstrip(".") + "." + where)
        return 2
    except _click_errors.ClickException as exc:
        _fail(exc.format_message())
        return exc.exit_code
    except typer.Abort:
        _fail("aborted")
        return 1
    except KeyboardInterrupt:  # pragma: no cover - Typer turns it into Exit(130) first
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        hint = "" if _debug_traceback() else " (rerun with COPILOT_DEBUG=1 to see the traceback)"
        _fail(f"internal error: {type(exc).__name__}: {exc}{hint}")
        return 1
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (`copilot = "copilot.cli:main"`)."""
    sys.exit(run(argv))
