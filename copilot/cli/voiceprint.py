"""`copilot voiceprint list|delete`: the managers' enrolled voiceprints (biometric data)."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import json
import sys
from typing import Annotated

import typer

from copilot.cli.common import JsonOpt, open_store, print_json, stdout

app = typer.Typer(help="The managers' enrolled voiceprints (biometric data).",
                  no_args_is_help=True)


def stored_voiceprints(store) -> list[dict]:
    """Who has a voiceprint: person, encoder, seconds of speech, when (not the vectors).
    The one query of the CLI; it becomes a store method with the audio store's move."""
    from sqlalchemy import select

    from copilot.audio_tables import VoiceprintRow
    from copilot.memory.tables import Person

    with store._session() as s:
        rows = s.execute(select(Person.name, VoiceprintRow.encoder, VoiceprintRow.seconds,
                                VoiceprintRow.updated_at)
                         .join(Person, VoiceprintRow.person_id == Person.id)
                         .order_by(Person.name_key)).all()
    return [{"person": n, "encoder": e, "seconds": sec, "updated_at": u.isoformat()}
            for n, e, sec, u in rows]


@app.command("list")
def voiceprint_list(json_out: JsonOpt = False) -> None:
    """Who has a stored voiceprint (not the vectors themselves)."""
    with open_store() as store:
        found = stored_voiceprints(store)
    if json_out:
        print_json(json.dumps(found, indent=2, ensure_ascii=False))
        return
    out = stdout()
    if not found:
        out.print("No voiceprint stored. Enrol one with `copilot analyze REC --manager "
                  "NAME --report NAME --manager-voice SAMPLE`.", markup=False)
    for row in found:
        out.print(f"{row['person']}: {row['encoder']}, {row['seconds']:.0f} s of speech, "
                  f"updated {row['updated_at'][:10]}", markup=False)


@app.command("delete")
def voiceprint_delete(
    person: Annotated[str, typer.Argument(metavar="NAME", help="Whose voiceprint.")],
) -> None:
    """Delete a person's voiceprint (their recordings are then matched by names, or by hand)."""
    from copilot.audio_store import delete_voiceprint

    with open_store() as store:
        delete_voiceprint(store, person)
    sys.stderr.write(f"deleted the voiceprint of {person}\n")
