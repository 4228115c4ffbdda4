"""The new-1:1 page: upload (or record) a meeting, then follow the recording's job.

The form posts to the same function as POST /v1/meetings (api.routes.meetings.receive_meeting),
with the signed-in manager as the manager: a text is analysed at once (303 to the meeting), a
recording becomes a job (303 to its progress page, which polls GET /v1/jobs/{id} from JS and
can be reloaded, since the job id is in its URL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from api.auth import rate_limits
from api.deps import ExtractorDep, SettingsDep
from api.errors import describe_validation
from api.routes.audio import JobAccepted
from api.routes.meetings import check_upload_length, receive_meeting
from copilot.errors import CopilotError
from copilot.memory import people as ppl
from copilot.models import AccountRole, JobStage
from web.render import flash, gettext_of, page
from web.session import PageStore, Reader, reader

router = APIRouter()
FIELDS = ("report", "date", "lang", "meeting_type")
# The stages a recording goes through, in order (the progress page lists them).
STAGES = (JobStage.DECODING, JobStage.TRANSCRIBING, JobStage.DIARIZING, JobStage.ANALYSING)


def _length(request: Request, settings: SettingsDep) -> None:
    # Before the CSRF check reads the form: an oversized body is refused unread.
    check_upload_length(request, settings)


def _limit(request: Request, principal: Reader) -> None:
    rate_limits(request).hit(request.app.state.settings.server.upload_rate, "upload",
                             str(principal.user_id))


def stage_labels(request: Request) -> dict[str, str]:
    _ = gettext_of(request)
    return {JobStage.QUEUED: _("Waiting to start"), JobStage.DECODING: _("Decoding the audio"),
            JobStage.TRANSCRIBING: _("Transcribing"), JobStage.DIARIZING: _("Telling the "
                                                                            "voices apart"),
            JobStage.ANALYSING: _("Analysing"), JobStage.DONE: _("Done"),
            JobStage.FAILED: _("Failed")}


def _form(request: Request, store: Any, values: dict[str, str], status: int = 200,
          error: str | None = None, hint: str | None = None) -> Response:
    me = request.state.principal
    reports = sorted(p.name for p in ppl.list_all(store, dt.date.today()) if p.name != me.name)
    return page(request, "new_meeting.html", status_code=status, values=values, error=error,
                hint=hint, reports=reports)


@router.get("/meetings/new", dependencies=[reader(AccountRole.MANAGER)])
def new_meeting(request: Request, _principal: Reader, store: PageStore,
                report: str = "") -> Response:
    values = {"report": report, "date": dt.date.today().isoformat(), "lang": "auto",
              "meeting_type": "one_on_one"}
    return _form(request, store, values)


@router.post("/meetings/new",
             dependencies=[Depends(_length), reader(AccountRole.MANAGER), Depends(_limit)])
async def create_meeting_page(request: Request, principal: Reader, store: PageStore,
                              settings: SettingsDep, extractor: ExtractorDep) -> Response:
    form = await request.form()  # already read (and cached) by the CSRF check
    values = {k: v if isinstance(v := form.get(k), str) else "" for k in FIELDS}
    try:
        result = await receive_meeting(request, settings, store, extractor,
                                       manager=principal.name)
    except CopilotError as exc:
        return _form(request, store, values, exc.status_code, exc.message, exc.hint)
    except RequestValidationError as exc:
        _ = gettext_of(request)
        return _form(request, store, values, 422, describe_validation(exc.errors()),
                     _("choose a file and fill in the report's name"))
    if isinstance(result, JobAccepted):
        return RedirectResponse(f"/jobs/{result.job_id}", status_code=303)
    _ = gettext_of(request)
    return flash(RedirectResponse(f"/meetings/{result.id}", status_code=303),
                 _("The 1:1 with %(name)s is analysed.") % {"name": result.report})


@router.get("/jobs/{job_id}", dependencies=[reader(AccountRole.MANAGER, objects=True)])
def job_progress(request: Request, job_id: str, store: PageStore) -> Response:
    job = store.get_job(job_id)
    if job.stage == JobStage.DONE and job.meeting_id:  # a reload after the end
        return RedirectResponse(f"/meetings/{job.meeting_id}", status_code=303)
    labels = stage_labels(request)
    reached = STAGES.index(job.stage) if job.stage in STAGES else -1
    return page(request, "job.html", job=job, labels=labels, stages=STAGES, reached=reached,
                title=labels[job.stage])
