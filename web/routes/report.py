"""A report's pages: the 1:1s their manager shared (recap, next steps, the transcript when
shared), a link to the next agenda, and topics submitted ahead. Nothing of the coaching,
the private notes or the warnings: the store's recap never holds them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from copilot.memory import topics as tp
from copilot.memory.store import Store
from copilot.models import AccountRole, AuditAction, Principal, TopicIn
from web.render import flash, gettext_of, page
from web.session import PageStore, Reader, reader

router = APIRouter()


def person_name(store: Store, principal: Principal) -> str:
    """The people record this user is (its name, as meetings spell it)."""
    return store.user(principal.email).person or principal.name or ""


def report_home(request: Request, store: Store) -> Response:
    me = person_name(store, request.state.principal)
    recaps = []
    for meeting in store.list():
        recap = store.recap(meeting.id)  # what GET /v1/meetings/{id}/recap answers
        store.audit(AuditAction.READ, "recap", meeting.id, person=recap.report)
        recaps.append(recap)
    topics = tp.list_topics(store, me) if me else []
    return page(request, "report_home.html", recaps=recaps, me=me, topics=topics)


@router.post("/topics", dependencies=[reader(AccountRole.REPORT)])
def submit_topic(request: Request, principal: Reader, store: PageStore,
                 text: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    me = person_name(store, principal)
    topic = tp.add(store, me, TopicIn(text=text, submitted_by=me))
    _ = gettext_of(request)
    return flash(RedirectResponse("/", status_code=303),
                 _("Topic added for your next 1:1: %(text)s") % {"text": topic.text})
