"""The home page: what each role opens first."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from copilot.memory import home as figures
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
    """The same figures as GET /v1/home: a few aggregate queries, whatever the history."""
    home = figures.manager_home(store, dt.date.today())
    overdue = [r for r in home.reports if r.overdue]
    return page(request, "home_manager.html", home=home, overdue=overdue,
                mine=sum(r.open_mine for r in home.reports),
                theirs=sum(r.open_theirs for r in home.reports))
