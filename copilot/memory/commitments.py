"""Commitments: every next step, followed across meetings (list, show, done / drop / reopen).

The store keeps each commitment with its events (copilot/memory/store/commitments.py); a manual
update is an event too (source "manual"), so the history is never rewritten and
`copilot reindex` keeps every decision a person made.
"""

from __future__ import annotations

from typing import Literal

from copilot.errors import InputError, NotFoundError
from copilot.memory.store import Store
from copilot.models import Commitment

StatusFilter = Literal["open", "done", "dropped", "all"]
Action = Literal["done", "drop", "reopen"]
_HINT = "run `copilot commitments list --status all` to see the commitment ids"
_NOTE_MAX = 2000


def list_commitments(store: Store, person: str | None = None, *, manager: str | None = None,
                     status: StatusFilter = "open") -> list[Commitment]:
    return store.commitments(person=person, manager=manager, status=status,
                             include_superseded=status == "all")


def get(store: Store, commitment_id: int) -> Commitment:
    found = store.commitments(ids=[commitment_id], status="all", include_superseded=True)
    if not found:
        raise NotFoundError(f"no commitment with id {commitment_id}", _HINT)
    return found[0]


def update(store: Store, commitment_id: int, action: Action, note: str | None = None) -> Commitment:
    """Close (done / drop) or reopen a commitment by hand; the note says why."""
    kind = {"done": "done", "drop": "dropped", "reopen": "reopened"}.get(action)
    if kind is None:
        raise InputError(f"unknown update {action!r}", "use done, drop or reopen")
    if note is not None and len(note) > _NOTE_MAX:
        raise InputError("the note is too long", f"keep it under {_NOTE_MAX} characters")
    if not store.add_manual_event(commitment_id, kind, note or "set by hand"):
        raise NotFoundError(f"no commitment with id {commitment_id}", _HINT)
    return get(store, commitment_id)
