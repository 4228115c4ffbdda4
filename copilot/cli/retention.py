"""`copilot retention apply`: the retention upkeep (copilot/memory/store/retention.py).

The server runs it at start and then every COPILOT_RETENTION_INTERVAL_MINUTES; this command
runs it once, for a home no server uses or from cron. Settings per organisation are set with
`PUT /v1/org/retention` (admins).
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import typer

from copilot.cli.common import JsonOpt, open_store, print_models, stdout

app = typer.Typer(help="Retention: delete recordings and transcripts past each organisation's "
                  "periods.", no_args_is_help=True)


@app.command("apply")
def retention_apply(json_out: JsonOpt = False) -> None:
    """Apply every organisation's retention now; prints what went (one line, or --json)."""
    with open_store() as store:
        report = store.apply_retention()
    if json_out:
        print_models(report)
        return
    stdout().print(report.line(), markup=False)
