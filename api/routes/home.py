"""The signed-in manager's home in figures (the web home page reads the same function)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import ScopedStore, allow
from api.errors import responses
from copilot.memory.home import manager_home
from copilot.models import AccountRole
from copilot.models.home import ManagerHome
from copilot.validate import parse_date

router = APIRouter(tags=["people"])


@router.get("/home", dependencies=[allow(AccountRole.MANAGER)], response_model=ManagerHome,
            responses=responses(400, 503))
def get_home(store: ScopedStore, date: Annotated[
        str | None, Query(description="As of this day, YYYY-MM-DD (default today).")] = None,
             ) -> ManagerHome:
    """Your reports (last and expected next 1:1, overdue ones first, open commitments by side:
    yours and theirs) and their legal interview deadlines."""
    return manager_home(store, parse_date(date))
