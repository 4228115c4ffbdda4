"""Search over past meetings, by meaning and by words."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import MEMBERS, ScopedStore, allow
from api.errors import responses
from copilot.memory.search import search as run_search
from copilot.models import SearchResults
from copilot.validate import parse_date

router = APIRouter(prefix="/search", tags=["memory"])


@router.get("", dependencies=[allow(*MEMBERS)],
            response_model=SearchResults, responses=responses(400, 503))
def search(
    store: ScopedStore,
    q: Annotated[str, Query(description="Words or a question.", max_length=500)],
    person: Annotated[str | None, Query(description="Only 1:1s with this person.")] = None,
    since: Annotated[str | None, Query(description="From this date, YYYY-MM-DD.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> SearchResults:
    """Semantic plus keyword search over past meetings; each hit has its meeting, date,
    speaker and utterance id."""
    return run_search(store, q, person, parse_date(since) if since else None, limit)
