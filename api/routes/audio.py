"""Background jobs over HTTP: recordings (and texts sent with `Prefer: respond-async`).

`POST /v1/meetings` (api/routes/meetings.py) hands an audio upload to `accept_audio`, which
writes it under COPILOT_STORAGE_DIR/uploads, records the job and answers 202 before any
decoding; a worker (copilot/jobs.py: a thread in this process, or a Celery worker when
COPILOT_BROKER_URL is set) runs the workflow. `GET /v1/jobs/{id}` reports the stage and
percent, then the meeting id. Roles are set afterwards with `POST /v1/meetings/{id}/roles`
(api/routes/meetings.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import ScopedStore, allow
from api.deps import open_store
from api.errors import responses
from copilot.errors import InputError, TooLarge
from copilot.ingest.audio import (
    AUDIO_EXTENSIONS,
    is_audio_path,
    looks_like_media_bytes,
    probe_audio,
)
from copilot.ingest.transcribe_openai import check_transcriber
from copilot.jobs import new_job_id
from copilot.models import Job
from copilot.models.vocabulary import AccountRole
from copilot.request import MeetingRequest
from copilot.settings_jobs import storage_root, upload_dir

router = APIRouter(prefix="/jobs", tags=["audio"])
_CHUNK = 1024 * 1024


class JobAccepted(BaseModel):
    job_id: str
    status_url: str = Field(description="Poll it: GET gives the stage, percent, then meeting_id.")
    warning: str | None = Field(default=None, description="Set when the job queue could not "
                                "be reached: the job is kept and starts once it is back.")

# The job row and the upload are durable when the broker refuses: a worker's sweep publishes
# the job once the broker is back, so the client is told so (202) rather than asked to send a
# recording of an hour again (503), which would also leave two jobs if the first one ran.
_NOT_QUEUED = ("accepted, but the job queue is unreachable: the job starts when it is back "
               "(a worker's sweep queues it)")


async def is_audio_upload(upload: UploadFile) -> bool:
    """By extension, or by content for a recording sent under another name."""
    if upload.filename and is_audio_path(upload.filename):
        return True
    head = await upload.read(12)
    await upload.seek(0)
    return looks_like_media_bytes(head)


async def _save(upload: UploadFile, target: Path, limit: int) -> None:
    """Copy the (spooled) upload to `target`, durably, refusing more than `limit` bytes."""
    partial = target.with_suffix(target.suffix + ".part")
    size = 0
    try:
        with partial.open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"the recording is too big (over {limit:,} bytes)",
                                   "cut it into parts, or raise COPILOT_MAX_AUDIO_BYTES")
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())  # on disk before the 202: a crash right after loses nothing
        if size == 0:
            raise InputError(f"{upload.filename or 'the recording'} is empty (0 bytes)",
                             "record or export the meeting again")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


async def _probe(path: Path, filename: str | None, max_seconds: float) -> None:
    try:
        await run_in_threadpool(probe_audio, path, max_seconds=max_seconds)
    except InputError as exc:  # name the file as the user sent it, not as stored
        raise type(exc)(exc.message.replace(path.name, filename or "the recording"),
                        exc.hint) from exc


def _suffix(filename: str | None, default: str = ".audio") -> str:
    suffix = Path(filename or "").suffix.lower()
    return suffix if suffix in AUDIO_EXTENSIONS else default


async def accept_audio(request: Request, meta, upload: UploadFile,
                       voice: UploadFile | None) -> JobAccepted:
    """Store the recording (and voice sample), record the job and queue it (the API answers
    202 with it, the new-1:1 page sends the browser to the job's progress page)."""
    state = request.app.state
    settings = state.settings
    # The cheap checks (people, date) before anything is written; the job builds it again.
    MeetingRequest(manager=meta.manager, report=meta.report, date=meta.date)
    if state.audio is None:  # a transcription server that may not be used: 503 now
        check_transcriber(settings)
    principal = request.state.principal
    store = (await run_in_threadpool(open_store, request.app)).acting_as(principal)
    await run_in_threadpool(store.check_may_lead, meta.manager)
    key = idempotency_key(request)
    if (earlier := await _sent_before(request, store, key)) is not None:
        return earlier
    job_id = new_job_id()
    folder = upload_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{job_id}{_suffix(upload.filename)}"
    voice_target = folder / f"{job_id}.voice{_suffix(voice.filename, '.wav')}" if voice else None
    job = None
    try:
        await _save(upload, target, settings.audio.max_audio_bytes)
        # Not audio, no sound track, cut-off header, too long: a 4xx now, not a failed job.
        await _probe(target, upload.filename, settings.audio.max_audio_seconds)
        if voice is not None and voice_target is not None:
            await _save(voice, voice_target, settings.audio.max_audio_bytes)
            await _probe(voice_target, voice.filename, settings.audio.voice_sample_max_seconds)
        params = _job_params(meta, principal)
        home = storage_root(settings)
        job = await run_in_threadpool(
            store.create_job, job_id, upload=str(target.relative_to(home)),
            voice_upload=str(voice_target.relative_to(home)) if voice_target else None,
            filename=upload.filename, params=params, idempotency_key=key)
    finally:
        if job is None or job.job_id != job_id:  # no job row, or the same key won a race
            target.unlink(missing_ok=True)  # nothing would ever clean these up
            if voice_target is not None:
                voice_target.unlink(missing_ok=True)
    if job.job_id != job_id:
        return _job_accepted(request, job.job_id)
    return await _queued(request, job_id, "audio")


async def _queued(request: Request, job_id: str, kind: str) -> JobAccepted:
    # Publishing to Redis may wait on the network (seconds when it is down): not on the loop.
    queued = await run_in_threadpool(request.app.state.jobs.submit, job_id, kind)
    return _job_accepted(request, job_id, None if queued else _NOT_QUEUED)


def _job_accepted(request: Request, job_id: str, warning: str | None = None) -> JobAccepted:
    status_url = str(request.url_for("get_job_status", job_id=job_id).path)
    return JobAccepted(job_id=job_id, status_url=status_url, warning=warning)


def _job_params(meta, principal) -> dict:
    """What the job needs to build its request; the principal: it saves the meeting as them."""
    return {"manager": meta.manager, "report": meta.report, "date": meta.date,
            "lang": meta.lang, "engine": meta.engine, "meeting_type": meta.meeting_type,
            "principal": principal.model_dump(mode="json")}


def idempotency_key(request: Request) -> str | None:
    """The client's `Idempotency-Key` header (the IETF httpapi draft): an upload sent again
    with the same key, after an answer that never arrived, gets the first job back."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip().strip('"')  # the draft sends it as a quoted structured-field string
    if not 1 <= len(key) <= 200 or not (key.isascii() and key.isprintable()):
        raise InputError("the Idempotency-Key header must be 1 to 200 printable ASCII "
                         "characters", "send one unique id per upload, e.g. a UUID")
    return key


async def _sent_before(request: Request, store, key: str | None) -> JobAccepted | None:
    """The job of an upload this user already sent with `key`: not stored or queued again
    (a lost message is the sweep's to republish)."""
    if key is None:
        return None
    job = await run_in_threadpool(store.job_for_key, key)
    return _job_accepted(request, job.job_id) if job is not None else None


def wants_async(request: Request) -> bool:
    """`Prefer: respond-async` (RFC 7240): the client would rather poll a job than wait."""
    prefs = request.headers.get("prefer", "")
    return any(p.split(";")[0].strip().lower() == "respond-async" for p in prefs.split(","))


async def accept_text(request: Request, meta, text: str, filename: str | None) -> JobAccepted:
    """A text analysed in the background (the `text` queue, never behind a recording): saved
    as an upload under the shared storage, recorded as a job, queued. The caller has checked
    the people, the date and who may lead."""
    settings = request.app.state.settings
    principal = request.state.principal
    store = (await run_in_threadpool(open_store, request.app)).acting_as(principal)
    key = idempotency_key(request)
    if (earlier := await _sent_before(request, store, key)) is not None:
        return earlier
    job_id = new_job_id()
    folder = upload_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{job_id}.txt"
    params = _job_params(meta, principal)
    job = None
    try:
        await run_in_threadpool(_write_durably, target, text.encode("utf-8", "surrogatepass"))
        job = await run_in_threadpool(
            store.create_job, job_id, upload=str(target.relative_to(storage_root(settings))),
            filename=filename, params=params, kind="text", idempotency_key=key)
    finally:
        if job is None or job.job_id != job_id:
            target.unlink(missing_ok=True)
    if job.job_id != job_id:
        return _job_accepted(request, job.job_id)
    return await _queued(request, job_id, "text")


def _write_durably(target: Path, data: bytes) -> None:
    partial = target.with_suffix(".part")
    with partial.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)


def accepted(job: JobAccepted, *, prefer: bool = False) -> JSONResponse:
    """The API's answer to an accepted job: 202, Location = the job to poll; `prefer`: the
    client asked for it (Preference-Applied, RFC 7240)."""
    headers = {"Location": job.status_url}
    if prefer:
        headers["Preference-Applied"] = "respond-async"
    return JSONResponse(job.model_dump(exclude_none=True), status_code=202, headers=headers)


@router.get("/{job_id}", dependencies=[allow(AccountRole.MANAGER, objects=True)],
            response_model=Job, name="get_job_status",
            responses=responses(404, 503))
def get_job_status(job_id: str, store: ScopedStore) -> Job:
    """Stage (queued, decoding, transcribing, diarizing, analysing, done, failed), percent,
    the error when it failed, and the meeting id when done."""
    return store.get_job(job_id)
