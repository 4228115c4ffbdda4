"""Meetings: analyse-and-store (POST), list, read, delete, and set the roles by hand.

POST takes either a file upload (multipart/form-data) or the text in JSON, because a browser
form uploads files while scripts and other services hold text. Both bodies are documented in
OpenAPI by hand (`openapi_extra`): FastAPI cannot declare two content types for one route.
"""

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import MEMBERS, ScopedStore, allow, limit_uploads
from api.deps import ExtractorDep, SettingsDep, TextsLang
from api.errors import TooLarge, responses
from api.routes.audio import (
    JobAccepted,
    accept_audio,
    accept_text,
    accepted,
    is_audio_upload,
    wants_async,
)
from copilot.analyze.texts import localize_analysis
from copilot.errors import UnsupportedFormat
from copilot.ingest.formats import decode_text
from copilot.memory.store import Store
from copilot.models import (
    Analysis,
    AuditAction,
    Engine,
    LanguageChoice,
    MeetingSummary,
    MeetingType,
)
from copilot.models.vocabulary import AccountRole
from copilot.reassign import assign_roles
from copilot.request import MeetingRequest, check_request_engine
from copilot.settings import Settings
from copilot.workflow import remember_meeting

router = APIRouter(prefix="/meetings", tags=["meetings"])

_Fields = TypeVar("_Fields", bound="MeetingFields")
# Room for the other fields and multipart/JSON framing around a transcript of the maximum size.
_FRAMING_BYTES = 64 * 1024


class MeetingFields(BaseModel):
    """Who and when; shared by both request bodies."""

    model_config = ConfigDict(extra="forbid")

    manager: str = Field(description="The manager's name.", examples=["Claire"])
    report: str = Field(description="The report's name.", examples=["Julien"])
    # A string, not a date: a bad date gets the same 400 and hint as in the CLI.
    date: str | None = Field(
        default=None, description="Meeting date, YYYY-MM-DD; default today.",
        examples=["2026-03-02"],
    )
    lang: LanguageChoice = Field(default=LanguageChoice.AUTO, description="Meeting language.")
    engine: Engine | None = Field(
        default=None, description="Extraction engine; default COPILOT_ENGINE. Another one only "
        "when listed in COPILOT_REQUEST_ENGINES (else 403 engine_not_enabled). llm and hybrid "
        "send the transcript to the configured COPILOT_LLM_* endpoint.")
    meeting_type: MeetingType = Field(
        default=MeetingType.ONE_ON_ONE, description="The kind of meeting: one_on_one, "
        "annual_review (entretien annuel) or career_review (entretien de parcours "
        "professionnel); its template says what it should cover (`coverage`).")


class RolesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    manager: str = Field(description="Speaker label of the manager.", examples=["SPEAKER_00"])
    report: str | None = Field(default=None, description="Speaker label of the report; "
                               "default: the other of two speakers.")


class MeetingText(MeetingFields):
    """JSON body: the transcript or notes as text."""

    transcript: str = Field(description="Transcript or notes, in any format copilot reads.")
    filename: str | None = Field(
        default=None, description="Original file name; its extension (.vtt, .srt, .json) "
        "tells the format, else it is sniffed.", examples=["meeting.vtt"],
    )


_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["file", "manager", "report"],
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "Transcript or notes file (.txt, .vtt, .srt, .json): 201 with "
                 "the analysis; or a recording (.wav .mp3 .m4a .ogg .opus .webm .flac .mp4): "
                 "202 with a job to poll."},
        "manager_voice": {"type": "string", "format": "binary",
                          "description": "Recordings only: 10-30 s of the manager alone, "
                          "enrolled as their voiceprint."},
        "manager": {"type": "string"},
        "report": {"type": "string"},
        "date": {"type": "string", "description": "YYYY-MM-DD; default today."},
        "lang": {"type": "string", "enum": ["auto", "fr", "en"], "default": "auto"},
        "engine": {"type": "string", "enum": [e.value for e in Engine],
                   "description": "Default: COPILOT_ENGINE; another one only when listed "
                   "in COPILOT_REQUEST_ENGINES."},
        "meeting_type": {"type": "string", "enum": [t.value for t in MeetingType],
                         "default": "one_on_one"},
    },
}
_REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
        "application/json": {"schema": MeetingText.model_json_schema()},
    },
}


def _invalid(exc: ValidationError) -> RequestValidationError:
    return RequestValidationError(
        [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
    )


def _check_length(request: Request, limit: int) -> None:
    """Refuse early from the Content-Length header, before reading anything."""
    try:
        declared = int(request.headers.get("content-length", "0"))
    except ValueError:
        return
    if declared > limit + _FRAMING_BYTES:
        raise _too_large(declared, limit)


def _too_large(size: int, limit: int) -> TooLarge:
    return TooLarge(
        f"the upload is too big ({size:,} bytes, the limit is {limit:,})",
        "send only the meeting transcript, or raise COPILOT_MAX_INPUT_BYTES",
    )


def _fields(parse: Callable[[], _Fields], settings: Settings) -> _Fields:
    """The body's fields (422 when invalid) and the engine they chose, checked (403) here for
    text and recordings alike, before anything is read further or written."""
    try:
        meta = parse()
    except ValidationError as exc:
        raise _invalid(exc) from None
    check_request_engine(settings, meta.engine)
    return meta


async def _read_json(request: Request, limit: int, settings: Settings, manager: str | None
                     ) -> tuple[MeetingFields, str, str | None]:
    chunks, size = [], 0
    async for chunk in request.stream():  # counted as it comes: no unbounded buffering
        size += len(chunk)
        if size > limit + _FRAMING_BYTES:
            raise _too_large(size, limit)
        chunks.append(chunk)
    body = _fields(partial(MeetingText.model_validate_json, b"".join(chunks)), settings)
    if manager is not None:
        body = body.model_copy(update={"manager": manager})
    if len(body.transcript.encode("utf-8", "surrogatepass")) > limit:
        raise _too_large(len(body.transcript.encode("utf-8", "surrogatepass")), limit)
    return body, body.transcript, body.filename


def _chosen(value: object) -> UploadFile | None:
    """The uploaded file, or None: a browser sends a file input left empty as a part with no
    file name and no bytes, which means "no file", not an empty recording."""
    if not isinstance(value, UploadFile) or (not value.filename and not value.size):
        return None
    return value


async def _read_multipart(request: Request, limit: int, settings: Settings, manager: str | None
                          ) -> tuple[MeetingFields, str | JobAccepted, str | None]:
    # max_files=2: a recording may come with a sample of the manager's voice.
    form = await request.form(max_files=2, max_fields=10)
    try:
        upload = _chosen(form.get("file"))
        fields = {k: v for k in ("manager", "report", "date", "lang", "engine", "meeting_type")
                  if isinstance(v := form.get(k), str)}
        if manager is not None:
            fields["manager"] = manager
        meta = _fields(partial(MeetingFields.model_validate, fields), settings)
        if not isinstance(upload, UploadFile):
            raise RequestValidationError(
                [{"loc": ("body", "file"), "msg": "Field required (a file upload)",
                  "type": "missing"}]
            )
        if await is_audio_upload(upload):  # a recording: a background job, 202
            voice = _chosen(form.get("manager_voice"))
            return meta, await accept_audio(request, meta, upload, voice), upload.filename
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise _too_large(len(data) if upload.size is None else upload.size, limit)
        return meta, decode_text(data), upload.filename
    finally:
        await form.close()


def _request(meta: MeetingFields, filename: str | None) -> MeetingRequest:
    """The workflow's request; building it checks the people and the date (400)."""
    return MeetingRequest(manager=meta.manager, report=meta.report, date=meta.date,
                          lang=meta.lang, engine=meta.engine, filename=filename,
                          source=filename or "api", meeting_type=meta.meeting_type)


@router.post(
    "", dependencies=[allow(AccountRole.MANAGER), Depends(limit_uploads)],
    status_code=201,
    response_model=Analysis,
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses={**responses(400, 403, 413, 415, 422, 502, 503), 202: {
        "description": "A recording (or a text with `Prefer: respond-async`), accepted: poll "
        "`status_url` (GET /v1/jobs/{id}).",
        "content": {"application/json": {"schema": {
            "type": "object", "required": ["job_id", "status_url"],
            "properties": {"job_id": {"type": "string"}, "status_url": {"type": "string"},
                           "warning": {"type": ["string", "null"]}}}}}}},
)
async def create_meeting(
    request: Request, settings: SettingsDep, store: ScopedStore, extractor: ExtractorDep
) -> Analysis:
    """Analyse a transcript or notes and store the result (201); a recording is accepted as
    a background job instead (202 with `job_id` and `status_url`), and so is a text sent with
    the header `Prefer: respond-async` (RFC 7240; the `text` queue). A job upload may carry
    `Idempotency-Key: <unique id>`: sent again with the same key (after an answer that never
    arrived), it gets the first job back instead of a second meeting.

    Send either `multipart/form-data` (a `file` plus `manager`, `report`, optional `date`,
    `lang`) or `application/json` (`transcript` text plus the same fields, optional `filename`).
    """
    result = await receive_meeting(request, settings, store, extractor)
    if isinstance(result, JobAccepted):
        return accepted(result, prefer=wants_async(request))
    return result


async def receive_meeting(request: Request, settings: Settings, store: Store, extractor: Any,
                          manager: str | None = None) -> Analysis | JobAccepted:
    """The body of POST /v1/meetings, read and acted on: a text analysed and stored, or a
    recording accepted as a job. The new-1:1 page calls it too, with `manager` = the signed-in
    manager (the form has no manager field)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limit = settings.max_input_bytes
    check_upload_length(request, settings)
    if media == "application/json":
        meta, text, filename = await _read_json(request, limit, settings, manager)
    elif media == "multipart/form-data":
        meta, text, filename = await _read_multipart(request, limit, settings, manager)
        if isinstance(text, JobAccepted):  # audio: accepted as a job
            return text
    else:
        raise UnsupportedFormat(
            f"cannot read a {media or 'missing'} content type",
            "send multipart/form-data (a file) or application/json (a transcript string)",
        )
    meeting = _request(meta, filename)  # the names are checked (422) before who leads
    await run_in_threadpool(store.check_may_lead, meeting.manager)
    if wants_async(request):  # Prefer: respond-async: a job on the text queue, 202
        return await accept_text(request, meta, text, filename)
    # Parsing and the NLP engine are CPU-bound: in the threadpool.
    analysis = await run_in_threadpool(
        partial(remember_meeting, meeting, text, store=store,
                settings=settings, extractor=extractor))
    await run_in_threadpool(store.audit, AuditAction.CREATE, "meeting", analysis.id,
                            person=analysis.report)
    return analysis


def check_upload_length(request: Request, settings: Settings) -> None:
    """413 from the Content-Length header alone, before anything is read (a page checks it
    before its CSRF check reads the form)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limit = settings.max_input_bytes
    # A multipart body may be a recording: its own, larger limit (checked again per file).
    _check_length(request, max(limit, settings.audio.max_audio_bytes)
                  if media == "multipart/form-data" else limit)


@router.get("", dependencies=[allow(*MEMBERS)],
            response_model=list[MeetingSummary], responses=responses(503))
def list_meetings(
    store: ScopedStore,
    report: Annotated[str | None, Query(description="Only meetings with this report.")] = None,
    manager: Annotated[str | None, Query(description="Only meetings with this manager.")] = None,
) -> list[MeetingSummary]:
    """Stored meetings, newest first. Names match whatever their case or accents."""
    return store.list(report=report, manager=manager)


@router.get("/{meeting_id}", dependencies=[allow(*MEMBERS, objects=True)],
            response_model=Analysis, responses=responses(404, 503))
def get_meeting(meeting_id: str, store: ScopedStore, lang: TextsLang = None) -> Analysis:
    """One stored meeting; its warnings and suggestions in `lang` (default the meeting's)."""
    analysis = store.get(meeting_id)
    store.audit(AuditAction.READ, "meeting", meeting_id, person=analysis.report)
    return localize_analysis(analysis, lang)


@router.delete(
    "/{meeting_id}", dependencies=[allow(*MEMBERS, objects=True)], status_code=204,
    response_class=Response, responses=responses(404, 503)
)
def delete_meeting(meeting_id: str, store: ScopedStore) -> Response:
    """Delete a meeting with its utterances, analysis and next steps."""
    store.delete(meeting_id)
    store.audit(AuditAction.DELETE, "meeting", meeting_id)
    return Response(status_code=204)


@router.post("/{meeting_id}/roles", dependencies=[allow(*MEMBERS, objects=True)],
             response_model=Analysis,
             responses=responses(400, 404, 422, 502, 503))
def assign_meeting_roles(meeting_id: str, body: RolesIn, settings: SettingsDep,
                         store: ScopedStore, extractor: ExtractorDep) -> Analysis:
    """Say which speaker is the manager (and the report); metrics, next-step owners and the
    critique are recomputed and the stored meeting is updated in one transaction."""
    store.audit(AuditAction.CHANGE, "meeting", meeting_id, detail={"roles": True})
    return assign_roles(store, meeting_id, body.manager, report=body.report, settings=settings,
                        extractor=extractor)
