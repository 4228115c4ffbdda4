"""The manager's edit of a meeting's recap (what the report reads): the summary and one
textarea per list, one item per line; a reset back to the generated recap. The same store calls
as PUT/DELETE /v1/meetings/{id}/recap, so the same checks (the manager who led it; 404 else).

A line the manager left as it was keeps its evidence (its utterance ids); a new or rewritten
line cites nothing, since the form has no way to say which words it comes from."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.errors import describe_validation
from copilot.errors import CopilotError, InputError
from copilot.models import AccountRole, AuditAction, MeetingRecap, NextStep, RecapContent
from web.render import flash, gettext_of, page
from web.session import PageStore, reader

router = APIRouter(prefix="/meetings")
LEAD = reader(AccountRole.MANAGER, objects=True)
LISTS = ("decisions", "carried_topics", "concerns")
_DUE = re.compile(r"\s*\[(\d{4}-\d{2}-\d{2})\]\s*$")
_OWNER = re.compile(r"^([^:]{1,80}):\s*(.+)$")
Lines = Annotated[str, Form(max_length=60_000)]


def step_line(step: NextStep) -> str:
    """A next step as one line of the form: "owner: action [YYYY-MM-DD]"."""
    line = f"{step.owner}: {step.action}" if step.owner else step.action
    return f"{line} [{step.due.isoformat()}]" if step.due else line


def form_values(recap: MeetingRecap) -> dict[str, str]:
    values = {name: "\n".join(i.text for i in getattr(recap, name)) for name in LISTS}
    return {**values, "summary": recap.summary or "",
            "next_steps": "\n".join(step_line(s) for s in recap.next_steps)}


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _step(line: str, before: dict[str, NextStep]) -> NextStep:
    if line in before:  # unchanged: its owner's role, its due words and its evidence stay
        return before[line]
    due: dt.date | None = None
    found = _DUE.search(line)
    if found:
        try:
            due = dt.date.fromisoformat(found.group(1))
        except ValueError:
            raise InputError(f"{found.group(1)!r} is not a date",
                             "write the due date as YYYY-MM-DD") from None
        line = line[:found.start()]
    owner = _OWNER.match(line)
    return NextStep(owner=owner.group(1).strip() if owner else None,
                    action=owner.group(2) if owner else line, due=due, evidence=[])


def content_of(values: dict[str, str], recap: MeetingRecap) -> RecapContent:
    """The form's text as the recap's content; InputError or ValidationError when wrong."""
    lists: dict[str, list[dict[str, object]]] = {}
    for name in LISTS:
        kept = {i.text: i.evidence for i in getattr(recap, name)}
        lists[name] = [{"text": line, "evidence": kept.get(line, [])}
                       for line in _lines(values[name])]
    before = {step_line(s): s for s in recap.next_steps}
    steps = [_step(line, before) for line in _lines(values["next_steps"])]
    return RecapContent.model_validate({"summary": values["summary"].strip() or None,
                                        "next_steps": steps, **lists})


def _form(request: Request, recap: MeetingRecap, values: dict[str, str], status: int = 200,
          error: str | None = None, hint: str | None = None) -> Response:
    return page(request, "recap_edit.html", status_code=status, recap=recap, values=values,
                error=error, hint=hint)


@router.get("/{meeting_id}/recap/edit", dependencies=[LEAD])
def edit_page(meeting_id: str, request: Request, store: PageStore) -> Response:
    recap = store.recap(meeting_id)
    return _form(request, recap, form_values(recap))


@router.post("/{meeting_id}/recap/edit", dependencies=[LEAD])
def save_edit(meeting_id: str, request: Request, store: PageStore, summary: Lines = "",
              decisions: Lines = "", next_steps: Lines = "", carried_topics: Lines = "",
              concerns: Lines = "") -> Response:
    recap = store.recap(meeting_id)
    values = {"summary": summary, "decisions": decisions, "next_steps": next_steps,
              "carried_topics": carried_topics, "concerns": concerns}
    _ = gettext_of(request)
    try:
        saved = store.set_recap(meeting_id, content_of(values, recap))
    except ValidationError as exc:  # what the form sent stays in it
        return _form(request, recap, values, 422, describe_validation(
            exc.errors(include_url=False)), _("one item per line, each under 2000 characters"))
    except CopilotError as exc:
        return _form(request, recap, values, exc.status_code, exc.message, exc.hint)
    store.audit(AuditAction.CHANGE, "recap", meeting_id, person=saved.report)
    return flash(RedirectResponse(f"/meetings/{meeting_id}#recap", status_code=303),
                 _("The recap is saved."))


@router.post("/{meeting_id}/recap/reset", dependencies=[LEAD])
def reset(meeting_id: str, request: Request, store: PageStore) -> Response:
    fresh = store.reset_recap(meeting_id)
    store.audit(AuditAction.CHANGE, "recap", meeting_id, person=fresh.report,
                detail={"reset": True})
    _ = gettext_of(request)
    return flash(RedirectResponse(f"/meetings/{meeting_id}#recap", status_code=303),
                 _("The recap is the generated one again."))
