"""The home page: what each role opens first."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from copilot.memory import commitments as cm
from copilot.memory import legal
from copilot.memory import people as ppl
from copilot.models import AccountRole
from web.render import page
from web.routes.admin import admin_home
from web.routes.hr import hr_home
from web.routes.report import report_home
from web.session import PageStore, Reader, reader

router = APIRouter()


@router.get("/", dependencies=[reader(*AccountRole)])
def home(request: Request, principal: Reader, store: PageStore) -> Response:
    if principal.role == AccountRole.MANAGER:
        return manager_home(request, store)
    if principal.role == AccountRole.REPORT:
        return report_home(request, store)
    if principal.role == AccountRole.ADMIN:
        return admin_home(request, store)
    if principal.role == AccountRole.HR:
        return hr_home(request, store)
    return page(request, "home_other.html", title="")


def manager_home(request: Request, store) -> Response:
    day = dt.date.today()
    me = request.state.principal
    reports = [p for p in ppl.list_all(store, day) if p.name != me.name and p.meetings]
    open_steps = cm.list_commitments(store, None, status="open")
    mine = [c for c in open_steps if c.owner_role in ("manager", "both")]
    theirs = [c for c in open_steps if c.owner_role not in ("manager", "both")]
    deadlines = sorted((d.model_copy(update={"person": p.name})
                        for p in reports for d in legal.due_soon(p, day, store.settings)),
                       key=lambda d: d.due)
    overdue = [p for p in reports if p.cadence and p.cadence.overdue]
    return page(request, "home_manager.html", reports=reports, mine=mine, theirs=theirs,
                deadlines=deadlines, overdue=overdue)
