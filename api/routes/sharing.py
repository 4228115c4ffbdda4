"""What a manager shares of a meeting with the report, their private notes, and the recap
the report reads. Who sees what is the store's decision (copilot/memory/store/scope.py): the
manager who led the meeting changes these; the report reads the recap once it is shared."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import MEMBERS, ScopedStore, allow
from api.errors import responses
from copilot.models import AuditAction, MeetingRecap, PrivateNotes, Sharing

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
            responses=responses(404, 503))
def get_recap(meeting_id: str, store: ScopedStore) -> MeetingRecap:
    """What the report reads: summary, facts, feedback and next steps, and the utterances
    when the transcript is shared. No `lang` parameter: the recap holds only what was said
    (the extractive summary quotes the meeting), no generated text to translate."""
    recap = store.recap(meeting_id)
    store.audit(AuditAction.READ, "recap", meeting_id, person=recap.report)
    return recap


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
