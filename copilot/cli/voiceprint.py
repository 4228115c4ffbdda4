"""`copilot voiceprint list|delete`: the managers' enrolled voiceprints (biometric data)."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import json
import sys
from typing import Annotated

import typer

from copilot.cli.common import JsonOpt, open_store, print_json, stdout

app = typer.Typer(help="The managers' enrolled voiceprints (biometric data).",
                  no_args_is_help=True)


@app.command("list")
def voiceprint_list(json_out: JsonOpt = False) -> None:
    """Who has a stored voiceprint (not the vectors themselves)."""
    with open_store() as store:
        found = store.list_voiceprints()
    if json_out:
        print_json(json.dumps([v.model_dump(mode="json") for v in found], indent=2,
                              ensure_ascii=False))
        return
    out = stdout()
    if not found:
        out.print("No voiceprint stored. Enrol one with `copilot analyze REC --manager "
                  "NAME --report NAME --manager-voice SAMPLE`.", markup=False)
    for row in found:
        out.print(f"{row.person}: {row.encoder}, {row.seconds:.0f} s of speech, "
                  f"updated {row.updated_at.date().isoformat()}", markup=False)


@app.command("delete")
def voiceprint_delete(
    person: Annotated[str, typer.Argument(metavar="NAME", help="Whose voiceprint.")],
) -> None:
    """Delete a person's voiceprint (their recordings are then matched by names, or by hand)."""
    with open_store() as store:
        store.delete_voiceprint(person)
    sys.stderr.write(f"deleted the voiceprint of {person}\n")
