"""A manager's people pages: everyone they have 1:1s with (cadence, legal deadlines due soon),
one person's record (edit), cadence, legal calendar and meetings, the GDPR export and the
erasure (after typing the name). The same calls as /v1/people; another manager's people, like
names never seen, are not found."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import PersonName
from copilot.errors import InputError
from copilot.memory import legal
from copilot.memory import people as ppl
from copilot.memory.export import erase_person, export_person
from copilot.models import AccountRole, AuditAction, PersonUpdate
from copilot.text import name_key
from copilot.validate import parse_date
from web.render import flash, gettext_of, page
from web.session import PageStore, Reader, reader

router = APIRouter(prefix="/people")
MANAGER = reader(AccountRole.MANAGER)
PERSON = reader(AccountRole.MANAGER, objects=True)


@router.get("", dependencies=[MANAGER])
def people_page(request: Request, principal: Reader, store: PageStore) -> Response:
    day = dt.date.today()
    people = [p for p in ppl.list_all(store, day) if name_key(p.name) != name_key(
        principal.name or "")]
    soon = {p.name: legal.due_soon(p, day, store.settings) for p in people}
    return page(request, "people.html", people=people, soon=soon)


@router.get("/{name}", dependencies=[PERSON])
def person_page(request: Request, name: PersonName, store: PageStore) -> Response:
    return _person(request, name, store)


def _person(request: Request, name: str, store, status_code: int = 200,
            error: str | None = None) -> Response:
    day = dt.date.today()
    record = ppl.get(store, name, day)
    return page(request, "person.html", status_code=status_code, person=record, error=error,
                deadlines=legal.schedule(record, day, store.settings),
                meetings=store.list(report=record.name))


def _change(role: str, hire_date: str, country: str) -> PersonUpdate:
    """The form's fields as a PATCH: every field is sent, an empty one clears it."""
    try:
        return PersonUpdate(role=role.strip() or None,
                            hire_date=parse_date(hire_date) if hire_date.strip() else None,
                            country=country.strip() or None)
    except ValidationError:
        raise InputError(f"{country.strip()!r} is not a country code",
                         "use the two letters of ISO 3166, e.g. FR") from None


@router.post("/{name}", dependencies=[PERSON])
def edit_person(request: Request, name: PersonName, store: PageStore,
                role: Annotated[str, Form(max_length=200)] = "",
                hire_date: Annotated[str, Form(max_length=20)] = "",
                country: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Like PATCH /v1/people/{name}."""
    ppl.get(store, name)  # someone not seen: 404 before anything is written
    try:
        change = _change(role, hire_date, country)
        record = ppl.update(store, name, change)
    except InputError as exc:
        return _person(request, name, store, status_code=400,
                           error=f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
    store.audit(AuditAction.CHANGE, "person", record.name, person=record.name,
                detail={"fields": ",".join(sorted(change.model_fields_set))})
    _ = gettext_of(request)
    return flash(RedirectResponse(f"/people/{quote(record.name)}", status_code=303),
                 _("The record of %(name)s is saved.") % {"name": record.name})


@router.get("/{name}/export", dependencies=[PERSON])
def export(name: PersonName, store: PageStore) -> Response:
    """A download of what GET /v1/people/{name}/export answers."""
    exported = export_person(store, name)
    store.audit(AuditAction.EXPORT, "person", exported.person.name, person=exported.person.name)
    body = json.dumps(exported.model_dump(mode="json"), ensure_ascii=False, indent=2)
    filename = quote(f"{exported.person.name}-export.json")
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f"attachment; filename=\"export.json\"; filename*=UTF-8''{filename}",
        "Cache-Control": "no-store"})


@router.get("/{name}/erase", dependencies=[PERSON])
def erase_form(request: Request, name: PersonName, store: PageStore) -> Response:
    return _erase_form(request, name, store)


def _erase_form(request: Request, name: str, store, status_code: int = 200,
                error: str | None = None) -> Response:
    record = ppl.get(store, name)
    store.check_may_change_person(record.name)  # only who may erase sees the button
    return page(request, "person_erase.html", status_code=status_code, person=record,
                error=error)


@router.post("/{name}/erase", dependencies=[PERSON])
def erase(request: Request, name: PersonName, store: PageStore,
          confirm: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Like DELETE /v1/people/{name}, once the name is typed again."""
    record = ppl.get(store, name)
    _ = gettext_of(request)
    if name_key(" ".join(confirm.split())) != name_key(record.name):
        return _erase_form(request, name, store, status_code=400,
                          error=_("Type the name exactly to confirm: nothing was erased."))
    report = erase_person(store, record.name)
    store.audit(AuditAction.ERASE, "person", None,
                detail={"meetings": len(report.meetings)})  # no name: it is erased
    kinds = _kinds(_)
    removed = ", ".join(f"{kinds.get(kind, kind)}: {count}"
                        for kind, count in report.removed.items() if count)
    return flash(RedirectResponse("/", status_code=303),
                 _("%(name)s is erased. Removed: %(removed)s.")
                 % {"name": record.name, "removed": removed or _("nothing else")})


def _kinds(_) -> dict[str, str]:
    """The words of ErasureReport.removed's keys."""
    return {"meetings": _("meetings"), "utterances": _("transcript lines"),
            "commitments": _("commitments"), "signals": _("signals"), "topics": _("topics"),
            "jobs": _("jobs"), "voiceprints": _("voiceprints"), "uploads": _("uploaded files"),
            "vectors": _("search index entries"),
            "audit_entries_blanked": _("audit entries made anonymous"),
            "vector_log_entries": _("search log entries"),
            "vector_files_scrubbed": _("search index files cleaned")}
