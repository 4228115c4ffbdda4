"""Per-person views: the agenda for the next 1:1."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import StoreDep
from api.errors import responses
from copilot.memory.agenda import build_agenda
from copilot.models import Agenda
from copilot.pipeline import parse_date

router = APIRouter(prefix="/people", tags=["people"])


@router.get("/{name}/agenda", response_model=Agenda, responses=responses(400, 503))
def get_agenda(
    name: str,
    store: StoreDep,
    manager: Annotated[str | None, Query(description="Only meetings with this manager.")] = None,
    date: Annotated[
        str | None, Query(description="Date of the coming 1:1, YYYY-MM-DD (default today).")
    ] = None,
) -> Agenda:
    """Commitments still open from meetings with this person before `date`.

    A name never seen gives an empty agenda (a new report has no history yet), not a 404.
    """
    return build_agenda(store, name, manager, parse_date(date))
