"""The written record of a career review: GET /v1/meetings/{id}/record (printable HTML).

Read like the meeting itself (the same policy and store scope as GET /v1/meetings/{id}): the
manager who led it reads it; a meeting of someone else is 404. The employee's copy is the
printed, signed page the manager hands over (the law's "copie remise au salarié"). A meeting
that is not a career review answers 409 `wrong_meeting_type`.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.auth import MEMBERS, ScopedStore, allow
from api.deps import SettingsDep
from api.errors import responses
from copilot.models import AuditAction
from copilot.reports.record import career_record_html

router = APIRouter(prefix="/meetings", tags=["meetings"])


@router.get("/{meeting_id}/record", dependencies=[allow(*MEMBERS, objects=True)],
            response_class=HTMLResponse,
            responses={**responses(404, 409, 503),
                       200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
def get_record(meeting_id: str, store: ScopedStore, settings: SettingsDep) -> HTMLResponse:
    """The career review's written record, in the meeting's language: the people, the date,
    each legal section with what was said (quoted, with utterance ids), the employee's wishes,
    the next steps and the signatures. Printable (print CSS)."""
    analysis = store.get(meeting_id)
    page = career_record_html(analysis, settings.home)
    store.audit(AuditAction.READ, "record", meeting_id, person=analysis.report)
    return HTMLResponse(page)
