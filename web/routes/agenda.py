"""The agenda of the next 1:1 with one person: its items and where each comes from, topics
added ahead, commitments closed from it; printable, copyable as Markdown."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import PersonName
from copilot.memory import commitments as cm
from copilot.memory import people as ppl
from copilot.memory import topics as tp
from copilot.memory.agenda import build_agenda
from copilot.memory.markdown import agenda_markdown
from copilot.models import AccountRole, AuditAction, TopicIn
from copilot.validate import parse_date
from web.render import flash, gettext_of, page
from web.session import MEMBERS, PageStore, Reader, reader

router = APIRouter(prefix="/people")


def _agenda_url(name: str) -> str:
    from urllib.parse import quote

    return f"/people/{quote(name)}/agenda"


@router.get("/{name}/agenda", dependencies=[reader(*MEMBERS, objects=True)])
def agenda_page(name: PersonName, request: Request, principal: Reader, store: PageStore,
                date: str | None = None) -> Response:
    """A manager sees the agenda of their own 1:1s with `name`; a report only their own
    agenda, built from the meetings shared with them (the store's scope)."""
    manager = principal.name if principal.role == AccountRole.MANAGER else None
    if principal.role != AccountRole.MANAGER:
        ppl.find(store, name)  # someone else's agenda: 404
    day = parse_date(date) if date else dt.date.today()
    agenda = build_agenda(store, name, manager, day)  # its texts: the meetings' language
    return page(request, "agenda.html", agenda=agenda, markdown=agenda_markdown(agenda),
                is_manager=principal.role == AccountRole.MANAGER,
                moves=_moves([i.key for i in agenda.items]))


def _moves(keys: list[str]) -> list[dict[str, str]]:
    """For each item, the whole order after moving it up or down (what the form sends)."""
    out = []
    for i in range(len(keys)):
        orders = {}
        for name, j in (("up", i - 1), ("down", i + 1)):
            if 0 <= j < len(keys):
                swapped = list(keys)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                orders[name] = "\n".join(swapped)
        out.append(orders)
    return out


@router.post("/{name}/agenda/order", dependencies=[reader(AccountRole.MANAGER, objects=True)])
def order_agenda(name: PersonName, request: Request, store: PageStore,
                 keys: Annotated[str, Form(max_length=100_000)]) -> Response:
    """The same call as PUT /v1/people/{name}/agenda/order."""
    order = [k for k in keys.splitlines() if k.strip()]
    store.order_agenda(name, order)
    store.audit(AuditAction.CHANGE, "agenda", None, person=name, detail={"order": len(order)})
    _ = gettext_of(request)
    return flash(RedirectResponse(_agenda_url(name), status_code=303), _("Order saved."))


@router.post("/{name}/agenda/items/{key}/{action}",
             dependencies=[reader(AccountRole.MANAGER, objects=True)])
def hide_item(name: PersonName, key: Annotated[str, Path(max_length=200)],
              action: Annotated[str, Path(pattern="^(hide|restore)$")], request: Request,
              store: PageStore) -> Response:
    """The same calls as DELETE /v1/people/{name}/agenda/items/{key} and .../restore."""
    store.hide_agenda_item(name, key, hidden=action == "hide")
    store.audit(AuditAction.CHANGE, "agenda", None, person=name,
                detail={"hide" if action == "hide" else "restore": key})
    _ = gettext_of(request)
    return flash(RedirectResponse(_agenda_url(name), status_code=303),
                 _("Removed from this agenda.") if action == "hide" else _("Put back."))


@router.post("/{name}/topics", dependencies=[reader(*MEMBERS, objects=True)])
def add_topic(name: PersonName, request: Request, principal: Reader, store: PageStore,
              text: Annotated[str, Form(min_length=1, max_length=2000)],
              next: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    topic = tp.add(store, name, TopicIn(text=text, submitted_by=principal.name))
    _ = gettext_of(request)
    back = next if next and next.startswith("/") and not next.startswith("//") else None
    return flash(RedirectResponse(back or _agenda_url(topic.person), status_code=303),
                 _("Topic added to the next agenda."))


@router.post("/{name}/agenda/commitments/{commitment_id}",
             dependencies=[reader(AccountRole.MANAGER, objects=True)])
def close_from_agenda(name: PersonName, commitment_id: int, request: Request,
                      store: PageStore,
                      status: Annotated[str, Form(pattern="^(done|dropped)$")]) -> Response:
    cm.update(store, commitment_id, "done" if status == "done" else "drop")
    _ = gettext_of(request)
    return flash(RedirectResponse(_agenda_url(name), status_code=303),
                 _("Marked done.") if status == "done" else _("Dropped."))
