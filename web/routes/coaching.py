"""The signed-in manager's coaching: the report across their 1:1s, its plots and trends, each
warning linking to its meeting and evidence."""

from __future__ import annotations

import base64
import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import SettingsDep
from copilot.errors import NotFoundError
from copilot.models import AccountRole
from copilot.validate import parse_date
from web.render import page
from web.session import PageStore, Reader, reader

router = APIRouter()


@router.get("/coaching", dependencies=[reader(AccountRole.MANAGER)])
def coaching_page(request: Request, principal: Reader, store: PageStore,
                  settings: SettingsDep, since: str | None = None) -> Response:
    from copilot.reports.coaching import load_report
    from copilot.reports.render import make_plots

    first = parse_date(since) if since else None
    try:
        report, analyses = load_report(store, principal.name or "", first, dt.date.today(),
                                       settings)
    except NotFoundError:
        return page(request, "coaching.html", report=None)
    by_id = {a.id: a for a in analyses}
    images = {name: base64.b64encode(png).decode("ascii")
              for name, png in make_plots(report, by_id, settings).items()}
    return page(request, "coaching.html", report=report, images=images, since=since or "")
