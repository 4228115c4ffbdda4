"""The manager's edits of the agenda for the next 1:1: hide an item, restore it, order the
items. Kept per (manager, report) by item `key`; the agenda (GET /v1/people/{name}/agenda)
applies them. Adding a topic is POST /v1/people/{name}/topics."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import MEMBERS, ScopedStore, allow
from api.deps import PersonName
from api.errors import responses
from copilot.memory.agenda import build_agenda
from copilot.models import Agenda, AuditAction
from copilot.models.edits import AgendaOrder

router = APIRouter(prefix="/people", tags=["people"])
Key = Annotated[str, Path(min_length=1, max_length=200,
                          description="An item's `key` in the agenda.")]


def _changed(store: ScopedStore, name: str, what: dict) -> Agenda:
    store.audit(AuditAction.CHANGE, "agenda", None, person=name, detail=what)
    return build_agenda(store, name)


@router.put("/{name}/agenda/order", dependencies=[allow(*MEMBERS, objects=True)],
            response_model=Agenda, responses=responses(400, 404, 422, 503))
def order_agenda(name: PersonName, body: AgendaOrder, store: ScopedStore) -> Agenda:
    """Put these items first, in this order; items not named (new ones too) follow in the
    agenda's own order. Their manager only. Returns the agenda."""
    store.order_agenda(name, body.keys)
    return _changed(store, name, {"order": len(body.keys)})


@router.delete("/{name}/agenda/items/{key}", dependencies=[allow(*MEMBERS, objects=True)],
               response_model=Agenda, responses=responses(400, 404, 503))
def hide_agenda_item(name: PersonName, key: Key, store: ScopedStore) -> Agenda:
    """Take an item off the agenda (it moves to `hidden`). Their manager only."""
    store.hide_agenda_item(name, key)
    return _changed(store, name, {"hidden": key})


@router.post("/{name}/agenda/items/{key}/restore",
             dependencies=[allow(*MEMBERS, objects=True)],
             response_model=Agenda, responses=responses(400, 404, 503))
def restore_agenda_item(name: PersonName, key: Key, store: ScopedStore) -> Agenda:
    """Put a hidden item back on the agenda. Their manager only."""
    store.hide_agenda_item(name, key, hidden=False)
    return _changed(store, name, {"restored": key})
