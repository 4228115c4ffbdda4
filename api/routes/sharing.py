"""What a manager shares of a meeting with the report, their private notes, and the recap
the report reads (and the manager edits). Who sees what is the store's decision
(copilot/memory/store/scope.py): the manager who led the meeting changes these; the report
reads the recap once it is shared."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.auth import MEMBERS, ScopedStore, allow
from api.errors import responses
from copilot.memory import recap as recap_text
from copilot.models import AuditAction, MeetingRecap, PrivateNotes, RecapContent, Sharing

router = APIRouter(prefix="/meetings", tags=["sharing"])
_OBJECT = [allow(*MEMBERS, objects=True)]


@router.get("/{meeting_id}/sharing", dependencies=_OBJECT, response_model=Sharing,
            responses=responses(404, 503))
def get_sharing(meeting_id: str, store: ScopedStore) -> Sharing:
    return store.sharing(meeting_id)


@router.put("/{meeting_id}/sharing", dependencies=_OBJECT, response_model=Sharing,
            responses=responses(403, 404, 422, 503))
def set_sharing(meeting_id: str, sharing: Sharing, store: ScopedStore) -> Sharing:
    """Share the recap (facts, feedback, next steps) and optionally the transcript with the
    report. Never the coaching, never the private notes."""
    shared = store.set_sharing(meeting_id, sharing)
    store.audit(AuditAction.SHARE, "meeting", meeting_id, detail=shared.model_dump())
    return shared


@router.get("/{meeting_id}/recap", dependencies=_OBJECT, response_model=MeetingRecap,
            responses={**responses(404, 503), 200: {"content": {
                "text/markdown": {"schema": {"type": "string"}}}}})
def get_recap(meeting_id: str, store: ScopedStore,
              fmt: Annotated[Literal["json", "markdown"], Query(alias="format",
                  description="markdown: the recap as text/markdown, in the meeting's "
                  "language.")] = "json") -> MeetingRecap | Response:
    """The recap (compte rendu): summary, decisions, next steps with owners and dates, topics
    carried to next time, the report's concerns, facts and feedback, and the utterances when
    the transcript is shared; the manager's edit when there is one. The manager who led the
    meeting reads it, the report once it is shared. Never the coaching nor the private notes.
    No `lang` parameter: it is in the meeting's language and quotes what was said."""
    recap = store.recap(meeting_id)
    store.audit(AuditAction.READ, "recap", meeting_id, person=recap.report)
    if fmt == "markdown":
        return Response(recap_text.markdown(recap), media_type="text/markdown; charset=utf-8")
    return recap


@router.put("/{meeting_id}/recap", dependencies=_OBJECT, response_model=MeetingRecap,
            responses=responses(400, 403, 404, 422, 503))
def edit_recap(meeting_id: str, content: RecapContent, store: ScopedStore) -> MeetingRecap:
    """The manager's edit of the recap (what the report will read): it replaces the
    generated content until reset. Evidence ids must be the meeting's utterances."""
    saved = store.set_recap(meeting_id, content)
    store.audit(AuditAction.CHANGE, "recap", meeting_id, person=saved.report)
    return saved


@router.delete("/{meeting_id}/recap", dependencies=_OBJECT, response_model=MeetingRecap,
               responses=responses(403, 404, 503))
def reset_recap(meeting_id: str, store: ScopedStore) -> MeetingRecap:
    """Forget the manager's edit: the recap is the generated one again."""
    fresh = store.reset_recap(meeting_id)
    store.audit(AuditAction.CHANGE, "recap", meeting_id, person=fresh.report,
                detail={"reset": True})
    return fresh


@router.get("/{meeting_id}/notes", dependencies=_OBJECT, response_model=PrivateNotes,
            responses=responses(403, 404, 503))
def get_notes(meeting_id: str, store: ScopedStore) -> PrivateNotes:
    """The manager's private notes: never shown to the report, never sent to an LLM."""
    return store.notes(meeting_id)


@router.put("/{meeting_id}/notes", dependencies=_OBJECT, response_model=PrivateNotes,
            responses=responses(403, 404, 422, 503))
def set_notes(meeting_id: str, notes: PrivateNotes, store: ScopedStore) -> PrivateNotes:
    saved = store.set_notes(meeting_id, notes)
    store.audit(AuditAction.CHANGE, "notes", meeting_id)
    return saved
