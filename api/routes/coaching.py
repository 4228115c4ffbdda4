"""Per-manager coaching: the report of every stored 1:1, as JSON or as the self-contained HTML
page that `copilot report` writes."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.auth import PrincipalDep, ScopedStore, allow
from api.deps import PersonName, SettingsDep, TextsLang
from api.errors import responses
from copilot.errors import NotFoundError
from copilot.models import CoachingReport
from copilot.models.vocabulary import AccountRole
from copilot.text import name_key
from copilot.validate import parse_date

router = APIRouter(prefix="/managers", tags=["coaching"])


@router.get(
    "/{name}/coaching", dependencies=[allow(AccountRole.MANAGER, objects=True)],
    response_model=CoachingReport,
    responses={**responses(400, 404, 503),
               200: {"content": {"text/html": {}}, "description": "The report (JSON or HTML)."}},
)
async def get_coaching(
    name: PersonName,
    store: ScopedStore,
    principal: PrincipalDep,
    settings: SettingsDep,
    since: Annotated[str | None,
                     Query(description="Only meetings on or after, YYYY-MM-DD.")] = None,
    as_of: Annotated[str | None,
                     Query(description="Date the report is for (default today).")] = None,
    format: Annotated[Literal["json", "html"],
                      Query(description="json, or the HTML page.")] = "json",
    lang: TextsLang = None,
):
    """Listening ratio, longest monologue, open questions, feedback about the person,
    follow-through (the manager's promises vs the reports'), cadence and trends; every warning
    cites meeting ids and utterance ids. 404 when the manager has no stored meeting. Its
    warnings are in `lang` (default: the language most of the meetings were held in)."""
    from copilot.reports.coaching import load_report

    if principal.name is None or name_key(name) != name_key(principal.name):
        raise NotFoundError(f"no coaching report of {name!r} for you", "ask for your own")
    first = parse_date(since) if since else None
    day = parse_date(as_of)
    # Reading 200 meetings and drawing plots is CPU work: off the event loop.
    report, analyses = await run_in_threadpool(load_report, store, name, first, day, settings,
                                               lang)
    if format == "json":
        return report
    from copilot.reports.render import make_plots, render_html

    by_id = {a.id: a for a in analyses}
    images = await run_in_threadpool(make_plots, report, by_id, settings)
    return HTMLResponse(render_html(report, by_id, images))
