"""Per-person views: the agenda for the next 1:1, person records, submitted topics, the legal
calendar, and GDPR export / erasure."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from api.auth import MEMBERS, PEOPLE, PrincipalDep, ScopedStore, allow
from api.deps import PersonName, TextsLang
from api.errors import responses
from copilot.memory import legal
from copilot.memory import people as ppl
from copilot.memory import topics as tp
from copilot.memory.agenda import build_agenda
from copilot.memory.export import erase_person, export_person
from copilot.memory.markdown import agenda_markdown
from copilot.models import (
    AccountRole,
    Agenda,
    AuditAction,
    ErasureReport,
    LegalDeadline,
    MeetingType,
    PersonExport,
    PersonRecord,
    PersonUpdate,
    Topic,
    TopicIn,
)
from copilot.validate import parse_date

router = APIRouter(prefix="/people", tags=["people"])


@router.get(
    "/{name}/agenda", dependencies=[allow(*MEMBERS, objects=True)],
    response_model=Agenda,
    responses={**responses(400, 503),
               200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}},
)
def get_agenda(
    name: PersonName,
    store: ScopedStore,
    principal: PrincipalDep,
    manager: Annotated[str | None, Query(description="Only meetings with this manager.")] = None,
    date: Annotated[
        str | None, Query(description="Date of the coming 1:1, YYYY-MM-DD (default today).")
    ] = None,
    format: Annotated[Literal["json", "markdown"], Query(description="json or markdown.")] = "json",
    lang: TextsLang = None,
    meeting_type: Annotated[MeetingType | None, Query(
        alias="type", description="The coming meeting's type: its template's sections "
        "become items (`template_section`); a career_review's are the legal content.")] = None,
):
    """The agenda for the next 1:1 with this person, from meetings before `date`: open
    commitments (overdue first), submitted and deferred topics, recurring blockers, areas not
    covered, suggested questions, legal deadlines, cadence. Item kinds are listed in the
    `AgendaItem` schema.

    A name never seen gives an empty agenda (a new report has no history yet), not a 404.
    The items' own texts are in `lang` (default: the language of the last meeting).
    """
    if principal.role != AccountRole.MANAGER:
        ppl.find(store, name)  # a report reads their own agenda only: others are 404
    agenda = build_agenda(store, name, manager, parse_date(date), lang=lang,
                          meeting_type=meeting_type)
    if format == "markdown":
        return PlainTextResponse(agenda_markdown(agenda), media_type="text/markdown")
    return agenda


@router.get("", dependencies=[allow(*PEOPLE)],
            response_model=list[PersonRecord], responses=responses(503))
def list_people(store: ScopedStore) -> list[PersonRecord]:
    return ppl.list_all(store)


@router.get("/{name}", dependencies=[allow(*PEOPLE, objects=True)],
            response_model=PersonRecord, responses=responses(404, 503))
def get_person(name: PersonName, store: ScopedStore) -> PersonRecord:
    """A person's record with their 1:1 cadence (days since the last one, usual interval)."""
    return ppl.get(store, name)


@router.patch("/{name}", dependencies=[allow(*PEOPLE, objects=True)],
              response_model=PersonRecord, responses=responses(400, 404, 422, 503))
def set_person(name: PersonName, change: PersonUpdate, store: ScopedStore) -> PersonRecord:
    """Create or update a person record; only the fields sent change."""
    record = ppl.update(store, name, change)
    store.audit(AuditAction.CHANGE, "person", record.name, person=record.name,
                detail={"fields": ",".join(sorted(change.model_fields_set))})
    return record


@router.get("/{name}/legal", dependencies=[allow(*PEOPLE, objects=True)],
            response_model=list[LegalDeadline], responses=responses(400, 404, 503))
def get_legal(
    name: PersonName, store: ScopedStore,
    date: Annotated[str | None, Query(description="As of this date (default today).")] = None,
) -> list[LegalDeadline]:
    """French entretien de parcours professionnel obligations not yet met (empty outside
    France or without a hire date)."""
    day = parse_date(date)
    return legal.schedule(ppl.get(store, name, day), day, store.settings)


@router.post("/{name}/topics", dependencies=[allow(*MEMBERS, objects=True)],
             status_code=201, response_model=Topic,
             responses=responses(400, 404, 422, 503))
def add_topic(name: PersonName, topic: TopicIn, store: ScopedStore) -> Topic:
    """Submit a topic for the next 1:1 with this person."""
    return tp.add(store, name, topic)


@router.get("/{name}/topics", dependencies=[allow(*MEMBERS, objects=True)],
            response_model=list[Topic], responses=responses(404, 503))
def list_topics(
    name: PersonName, store: ScopedStore,
    status: Literal["open", "covered", "dropped", "all"] = "open",
) -> list[Topic]:
    ppl.find(store, name)  # someone the caller does not see: 404, like a name never seen
    return tp.list_topics(store, name, status)


@router.get("/{name}/export", dependencies=[allow(*MEMBERS, objects=True)],
            response_model=PersonExport, responses=responses(404, 503))
def export(name: PersonName, store: ScopedStore) -> PersonExport:
    """Everything stored about this person (GDPR access and portability)."""
    exported = export_person(store, name)
    store.audit(AuditAction.EXPORT, "person", exported.person.name, person=exported.person.name)
    return exported


@router.delete("/{name}", dependencies=[allow(*MEMBERS, objects=True)],
               response_model=ErasureReport, responses=responses(404, 422, 503))
def erase(name: PersonName, store: ScopedStore) -> ErasureReport:
    """Erase this person and every meeting they took part in, their jobs, uploads,
    voiceprints and vectors, from every store (GDPR); says what was removed and what is kept."""
    ppl.get(store, name)
    report = erase_person(store, name)
    store.audit(AuditAction.ERASE, "person", None,
                detail={"meetings": len(report.meetings)})  # no name: it is erased
    return report
