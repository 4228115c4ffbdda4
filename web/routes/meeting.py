"""One meeting: the manager's full view (audio, transcript with roles, items with their
evidence, warnings, notes, sharing, commitments), or the recap a report was shared."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import ExtractorDep, SettingsDep
from copilot.errors import NotFoundError
from copilot.memory import commitments as cm
from copilot.models import AccountRole, Analysis, AuditAction, Commitment, PrivateNotes, Sharing
from copilot.models.edits import ItemKind, StepEdit, TextEdit
from copilot.reassign import assign_roles
from copilot.reports.record import career_record_html
from web.render import SECURITY_HEADERS, clock, flash, gettext_of, page
from web.session import MEMBERS, PageStore, Reader, reader

router = APIRouter(prefix="/meetings")
_ANCHORS = {ItemKind.FACTS: "facts-h", ItemKind.FEEDBACK: "feedback-h",
            ItemKind.NEXT_STEPS: "next-steps", ItemKind.WARNINGS: "warnings-h"}
LEAD = reader(AccountRole.MANAGER, objects=True)


def _steps_commitments(analysis: Analysis, commitments: list[Commitment]
                       ) -> list[Commitment | None]:
    """The commitment each next step became (the same action and owner, in order)."""
    left = [c for c in commitments if c.meeting_id == analysis.id]
    found: list[Commitment | None] = []
    for step in analysis.next_steps:
        match = next((c for c in left if c.action == step.action and c.owner == step.owner),
                     None)
        if match is not None:
            left.remove(match)
        found.append(match)
    return found


def _has_recording(store, meeting_id: str) -> bool:
    try:
        store.recording(meeting_id)
    except NotFoundError:
        return False
    return True


def _back(meeting_id: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/meetings/{meeting_id}{anchor}", status_code=303)


@router.get("/{meeting_id}", dependencies=[reader(*MEMBERS, objects=True)])
def meeting_page(meeting_id: str, request: Request, principal: Reader,
                 store: PageStore) -> Response:
    if principal.role == AccountRole.REPORT:
        recap = store.recap(meeting_id)
        return page(request, "meeting_recap.html", recap=recap)
    analysis = store.get(meeting_id)
    store.audit(AuditAction.READ, "meeting", meeting_id, person=analysis.report)
    commitments = cm.list_commitments(store, analysis.report, manager=analysis.manager,
                                      status="all")
    times = {u.id: (u.start, clock(u.start)) for u in analysis.utterances
             if u.start is not None}
    speakers = list(dict.fromkeys(u.speaker for u in analysis.utterances if u.speaker))
    manager_speaker = next((u.speaker for u in analysis.utterances if u.role == "manager"), None)
    quoted = set(analysis.listening.evidence) if analysis.listening else set()
    return page(request, "meeting.html", a=analysis, times=times, speakers=speakers,
                steps=list(zip(analysis.next_steps, _steps_commitments(analysis, commitments),
                               strict=True)),
                sharing=store.sharing(meeting_id), notes=store.notes(meeting_id).text,
                recap=store.recap(meeting_id),
                has_audio=_has_recording(store, meeting_id), manager_speaker=manager_speaker,
                said={u.id: u.text for u in analysis.utterances if u.id in quoted})


@router.get("/{meeting_id}/record", dependencies=[LEAD])
def record_page(meeting_id: str, store: PageStore, settings: SettingsDep) -> Response:
    """The career review's written record, as GET /v1/meetings/{id}/record serves it, behind
    the pages' session: the manager who led the meeting; anyone else 404."""
    analysis = store.get(meeting_id)
    html = career_record_html(analysis, settings.home)
    store.audit(AuditAction.READ, "record", meeting_id, person=analysis.report)
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Cache-Control": "no-store",
                                       "Content-Security-Policy": _record_policy(html)})


def _record_policy(html: str) -> str:
    """The pages' policy, plus the record's own inline print styles (by their hash, so that
    no other inline style could run)."""
    digests = (base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
               for s in re.findall(r"<style>(.*?)</style>", html, re.DOTALL))
    styles = " ".join(f"'sha256-{d}'" for d in digests)
    return f"{SECURITY_HEADERS['Content-Security-Policy']}; style-src 'self' {styles}".strip()


@router.post("/{meeting_id}/roles", dependencies=[LEAD])
def fix_roles(meeting_id: str, request: Request, store: PageStore, settings: SettingsDep,
              extractor: ExtractorDep, manager: Annotated[str, Form(max_length=200)]
              ) -> Response:
    store.audit(AuditAction.CHANGE, "meeting", meeting_id, detail={"roles": True})
    assign_roles(store, meeting_id, manager, settings=settings, extractor=extractor)
    _ = gettext_of(request)
    return flash(_back(meeting_id, "#transcript"),
                 _("Roles saved: %(speaker)s is the manager.") % {"speaker": manager})


@router.post("/{meeting_id}/sharing", dependencies=[LEAD])
def share(meeting_id: str, request: Request, store: PageStore,
          recap: Annotated[bool, Form()] = False,
          transcript: Annotated[bool, Form()] = False) -> Response:
    saved = store.set_sharing(meeting_id, Sharing(recap=recap, transcript=transcript))
    store.audit(AuditAction.CHANGE, "meeting", meeting_id,
                detail={"share_recap": saved.recap, "share_transcript": saved.transcript})
    _ = gettext_of(request)
    text = (_("The recap and the transcript are shared.") if saved.transcript
            else _("The recap is shared.") if saved.recap else _("Nothing is shared."))
    return flash(_back(meeting_id, "#sharing"), text)


@router.post("/{meeting_id}/notes", dependencies=[LEAD])
def save_notes(meeting_id: str, request: Request, store: PageStore,
               text: Annotated[str, Form(max_length=100_000)] = "") -> Response:
    store.set_notes(meeting_id, PrivateNotes(text=text))
    _ = gettext_of(request)
    return flash(_back(meeting_id, "#notes"), _("Private notes saved."))


@router.post("/{meeting_id}/commitments/{commitment_id}", dependencies=[LEAD])
def close_commitment(meeting_id: str, commitment_id: int, request: Request, store: PageStore,
                     status: Annotated[str, Form(pattern="^(done|dropped|open)$")]
                     ) -> Response:
    action = {"done": "done", "dropped": "drop", "open": "reopen"}[status]
    cm.update(store, commitment_id, action)  # type: ignore[arg-type]
    _ = gettext_of(request)
    text = {"done": _("Marked done."), "dropped": _("Dropped."), "open": _("Reopened.")}[status]
    return flash(_back(meeting_id, "#next-steps"), text)


def _item_edit(kind: ItemKind, text: str | None, owner: str | None, action: str | None,
               due: str | None) -> TextEdit | StepEdit:
    """The form's fields as the API's bodies (the same validation: 422 when wrong)."""
    try:
        if kind == ItemKind.NEXT_STEPS:
            return StepEdit(owner=owner or None, action=action, due=due or None)
        return TextEdit(text=text or "")
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


@router.post("/{meeting_id}/items/{kind}/{index}", dependencies=[LEAD])
def edit_item(meeting_id: str, kind: ItemKind, index: Annotated[int, Path(ge=0, le=100_000)],
              request: Request, store: PageStore,
              text: Annotated[str | None, Form(max_length=4000)] = None,
              owner: Annotated[str | None, Form(max_length=200)] = None,
              action: Annotated[str | None, Form(max_length=4000)] = None,
              due: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    analysis = store.edit_item(meeting_id, kind, index, _item_edit(kind, text, owner, action, due))
    store.audit(AuditAction.CHANGE, "meeting", meeting_id, person=analysis.report,
                detail={"item": kind.value, "index": index, "deleted": False})
    _ = gettext_of(request)
    return flash(_back(meeting_id, f"#{_ANCHORS[kind]}"), _("Saved."))


@router.post("/{meeting_id}/items/{kind}/{index}/delete", dependencies=[LEAD])
def delete_item(meeting_id: str, kind: ItemKind,
                index: Annotated[int, Path(ge=0, le=100_000)], request: Request,
                store: PageStore) -> Response:
    analysis = store.edit_item(meeting_id, kind, index, None)
    store.audit(AuditAction.CHANGE, "meeting", meeting_id, person=analysis.report,
                detail={"item": kind.value, "index": index, "deleted": True})
    _ = gettext_of(request)
    return flash(_back(meeting_id, f"#{_ANCHORS[kind]}"), _("Deleted."))


@router.post("/{meeting_id}/delete", dependencies=[LEAD])
def delete_meeting(meeting_id: str, request: Request, store: PageStore) -> Response:
    store.delete(meeting_id)
    store.audit(AuditAction.DELETE, "meeting", meeting_id)
    _ = gettext_of(request)
    return flash(RedirectResponse("/", status_code=303), _("The meeting was deleted."))
