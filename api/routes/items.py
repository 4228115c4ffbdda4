"""The manager's corrections of one analysis item: edit (PATCH) or delete it. The stored
analysis and what is derived from it (a next step's commitment) change together
(copilot/memory/store/items.py)."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import MEMBERS, ScopedStore, allow
from api.errors import responses
from copilot.models import Analysis, AuditAction
from copilot.models.edits import ItemKind, StepEdit, TextEdit

router = APIRouter(prefix="/meetings", tags=["meetings"])
Index = Annotated[int, Path(ge=0, le=100_000, description="Position in the list, from 0.")]


def _audit(store: ScopedStore, analysis: Analysis, kind: ItemKind, index: int,
           deleted: bool) -> None:
    store.audit(AuditAction.CHANGE, "meeting", analysis.id, person=analysis.report,
                detail={"item": kind.value, "index": index, "deleted": deleted})


@router.patch("/{meeting_id}/items/{kind}/{index}",
              dependencies=[allow(*MEMBERS, objects=True)], response_model=Analysis,
              responses=responses(404, 422, 503))
def edit_item(meeting_id: str, kind: ItemKind, index: Index, body: TextEdit | StepEdit,
              store: ScopedStore) -> Analysis:
    """Rewrite one item: facts, feedback and warnings take `{"text"}`, next steps
    `{"owner", "action", "due"}` (the fields sent change; its commitment changes with it).
    The manager who led the meeting only."""
    analysis = store.edit_item(meeting_id, kind, index, body)
    _audit(store, analysis, kind, index, deleted=False)
    return analysis


@router.delete("/{meeting_id}/items/{kind}/{index}",
               dependencies=[allow(*MEMBERS, objects=True)], response_model=Analysis,
               responses=responses(404, 503))
def delete_item(meeting_id: str, kind: ItemKind, index: Index, store: ScopedStore) -> Analysis:
    """Remove one item; a next step's commitment is removed with it. Returns the analysis."""
    analysis = store.edit_item(meeting_id, kind, index, None)
    _audit(store, analysis, kind, index, deleted=True)
    return analysis
