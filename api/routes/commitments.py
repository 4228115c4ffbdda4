"""Commitments followed across meetings: list, read, close or reopen by hand."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import MEMBERS, ScopedStore, allow
from api.errors import responses
from copilot.memory import commitments as cm
from copilot.models import Commitment

router = APIRouter(prefix="/commitments", tags=["memory"])


@router.get("", dependencies=[allow(*MEMBERS)],
            response_model=list[Commitment], responses=responses(503))
def list_commitments(
    store: ScopedStore,
    person: Annotated[str | None, Query(description="Someone's (as report or owner).")] = None,
    manager: Annotated[str | None, Query(description="Only with this manager.")] = None,
    status: Literal["open", "done", "dropped", "all"] = "open",
) -> list[Commitment]:
    """Commitments, oldest first; closed ones carry `closed_by` (evidence, meeting, score)."""
    return cm.list_commitments(store, person, manager=manager, status=status)


@router.get("/{commitment_id}", dependencies=[allow(*MEMBERS, objects=True)],
            response_model=Commitment, responses=responses(404, 503))
def get_commitment(commitment_id: int, store: ScopedStore) -> Commitment:
    return cm.get(store, commitment_id)


class CommitmentChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["done", "dropped", "open"] = Field(description="open reopens it.")
    note: str | None = Field(default=None, max_length=2000, description="Why.")


@router.patch("/{commitment_id}", dependencies=[allow(*MEMBERS, objects=True)],
              response_model=Commitment,
              responses=responses(400, 404, 422, 503))
def change_commitment(commitment_id: int, change: CommitmentChange,
                      store: ScopedStore) -> Commitment:
    """Close (done / dropped) or reopen a commitment by hand; kept in its history."""
    action = {"done": "done", "dropped": "drop", "open": "reopen"}[change.status]
    return cm.update(store, commitment_id, action, change.note)  # type: ignore[arg-type]
