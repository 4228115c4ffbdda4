"""HR's pages: the organisation's de-identified coaching figures (counts and medians, no name,
no text) and the legal career-interview calendar; as GET /v1/org/figures and /v1/org/legal."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from copilot.memory import legal
from copilot.memory import people as ppl
from copilot.memory.store import Store
from copilot.models import AccountRole
from web.render import page
from web.session import PageStore, reader

router = APIRouter(prefix="/hr")


def hr_home(request: Request, store: Store) -> Response:
    return page(request, "hr_home.html", figures=store.hr_figures(dt.date.today()))


@router.get("/legal", dependencies=[reader(AccountRole.HR)])
def legal_page(request: Request, store: PageStore) -> Response:
    day = dt.date.today()
    due = [d.model_copy(update={"person": person.name}) for person in ppl.list_all(store, day)
           for d in legal.schedule(person, day, store.settings)]
    return page(request, "hr_legal.html", deadlines=sorted(due, key=lambda d: (d.due, d.person)))
