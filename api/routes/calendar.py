"""The next 1:1 with a person as an .ics event, its agenda in the description."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth import MEMBERS, PrincipalDep, ScopedStore, allow
from api.deps import PersonName
from api.errors import responses
from copilot.memory import people as ppl
from copilot.memory.agenda import build_agenda
from copilot.memory.calendar import agenda_ics
from copilot.models import AccountRole
from copilot.validate import parse_date

router = APIRouter(prefix="/people", tags=["people"])


@router.get("/{name}/next.ics", dependencies=[allow(*MEMBERS, objects=True)],
            response_class=Response, responses={
                **responses(400, 404, 503),
                200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}})
def next_one_on_one_ics(
    name: PersonName, store: ScopedStore, principal: PrincipalDep,
    manager: Annotated[str | None, Query(description="Only meetings with this manager.")] = None,
    date: Annotated[str | None, Query(description="Date of the 1:1, YYYY-MM-DD; default the "
                                      "cadence's expected next one.")] = None,
    all_day: Annotated[bool, Query(description="An all-day event instead of 10:00, "
                                   "30 minutes.")] = False,
) -> Response:
    """An iCalendar (RFC 5545) event for the next 1:1 with this person, with its agenda; the
    same reader as the agenda (GET /v1/people/{name}/agenda)."""
    if principal.role != AccountRole.MANAGER:
        ppl.find(store, name)  # a report reads their own agenda only: others are 404
    today = dt.date.today()
    agenda = build_agenda(store, name, manager, parse_date(date) if date else today)
    body = agenda_ics(agenda, today=today, all_day=all_day)
    return Response(body, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="next-1on1.ics"'})
