"""Background analyses: the job table's rules, one function that runs a job, and the in-process
runner used when no broker is configured.

The API answers a recording (and a text sent with `Prefer: respond-async`) at once (202) and a
worker runs it. The `jobs` table is the truth, not the worker's memory: the upload is on disk
under COPILOT_STORAGE_DIR/uploads before the job row exists, every stage change is written,
and a sweep resumes the jobs a dead process left behind (or fails them clearly when their
upload is gone). `run_job` is the one way a job runs, whether `JobRunner` (threads inside an
API process) or a Celery worker (copilot/queue.py) delivered it: it claims the row atomically,
so a job handed out twice runs once, and a job whose meeting is stored already (job id =
meeting id) ends as done without a second meeting.

In-process: one thread for recordings (transcription already uses every core, two at once
would only share them) and one for texts, so a pasted transcript never waits behind a
recording.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import socket
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Self

from copilot.analyze.base import Extractor
from copilot.errors import CopilotError, EngineError, InputError, StoreError, TranscriberDown
from copilot.jobs_run import Progress, analyse
from copilot.logs import job_context
from copilot.memory.store import Store
from copilot.memory.store.jobs import worker_id
from copilot.memory.store.records import ActiveJob, JobClaim, utcnow
from copilot.settings import Settings
from copilot.settings_jobs import storage_root, upload_dir

__all__ = ["JobRunner", "judge", "new_job_id", "run_job", "upload_dir", "worker_id"]

log = logging.getLogger("copilot.jobs")

STALE_AFTER = 600.0  # seconds without a heartbeat before a job's holder counts as dead
HEARTBEAT = 30.0  # a running job's row is touched this often, whatever the engine reports
QUEUES = ("audio", "text")  # a job's kind is the name of its queue


def _alive(worker: str | None) -> bool:
    """Whether the process that holds a job still runs (same host: by pid)."""
    if not worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine: judged by how fresh the job row is (STALE_AFTER)
    if pid == str(os.getpid()):
        return False  # a row with our pid at a sweep is from an earlier process with that pid
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def held(job: ActiveJob) -> bool:
    """A running job whose holder is alive and has written its heartbeat lately: not ours."""
    fresh = (utcnow() - job.updated_at).total_seconds() < STALE_AFTER
    return fresh and _alive(job.worker)


def new_job_id() -> str:
    # Also the id of the meeting it produces: uploads named after it are deleted with it.
    return uuid.uuid4().hex[:12]


def error_dict(exc: BaseException, stored: str | None = None, sent: str | None = None) -> dict:
    """The job's error JSON; `stored` (the upload's file name on disk) reads as `sent`."""
    if isinstance(exc, CopilotError):
        found = exc.to_dict()
        if stored and sent:
            found["message"] = found["message"].replace(stored, sent)
        return found
    return {"code": "internal_error", "message": f"internal error ({type(exc).__name__})",
            "hint": "see the server log"}


def judge(job: ActiveJob, settings: Settings, *, broker: bool) -> dict | None:
    """What a sweep does with one active job: None leaves it (to its live holder, or to the
    message the broker still holds); else the columns that resume or fail it.

    `broker=False` (an API process starting): a queued job is resumed unless the live process
    that accepted it is on this host. `broker=True` (a worker's periodic sweep): a queued job
    is republished only when its message may be lost: never published (the API died between
    commit and publish, or the broker was down) for a sweep interval, or published longer ago
    than the visibility timeout (Redis lost it, or redelivers it anyway: a second delivery of
    a finished job is acknowledged and ignored)."""
    now = utcnow()
    if job.stage == "queued":
        if not broker:
            fresh = (now - job.updated_at).total_seconds() < STALE_AFTER
            if _alive(job.worker) and (fresh or job.worker.startswith(socket.gethostname())):
                return None
        elif not _message_lost(job, settings, now):
            return None
    elif held(job):
        return None
    taken = {"updated_at": now, "worker": worker_id()}
    if not (storage_root(settings) / job.upload).is_file():
        return taken | {"stage": "failed", "finished_at": now, "error": {
            "code": "upload_lost", "message": "the server stopped while this job ran and "
            "its upload is gone", "hint": "send the recording or text again"}}
    if job.stage != "queued" and job.attempts >= settings.queue.job_max_attempts:
        return taken | {"stage": "failed", "finished_at": now, "error": {
            "code": "job_interrupted", "message": f"the worker stopped {job.attempts} "
            "times while analysing this job",
            "hint": "check the worker log (memory?) and upload it again"}}
    return taken | {"stage": "queued", "percent": 0.0, "published_at": now}


def _message_lost(job: ActiveJob, settings: Settings, now: dt.datetime) -> bool:
    if job.published_at is None:
        since = job.created_at or job.updated_at
        return (now - since).total_seconds() > settings.queue.job_sweep_interval
    return (now - job.published_at).total_seconds() > settings.queue.job_visibility_timeout


def transient(exc: BaseException, engine: str | None) -> bool:
    """Worth another attempt: the database or a file system hiccuped, a connection dropped,
    a remote LLM endpoint or transcription server failed. The offline rules engine failing
    is a bug: no retry."""
    if isinstance(exc, InputError):
        return False
    if isinstance(exc, (StoreError, OSError, TranscriberDown)):
        return True
    return isinstance(exc, EngineError) and engine in ("llm", "hybrid")


class Outcome:
    """What `run_job` did: "done", "failed", "over" (nothing to do), "busy" (held by another
    live worker: try again later), "retry" (a transient error: again after `delay` s)."""

    def __init__(self, status: str, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay

    def __repr__(self) -> str:
        return f"Outcome({self.status!r}, {self.delay})"


def run_job(store: Store, settings: Settings, job_id: str, *, extractor: Extractor | None = None,
            audio=None) -> Outcome:
    """Run one job to done, failed or a retry; never raises for the job's own errors. Every
    line logged meanwhile carries its id (copilot/logs.py)."""
    with job_context(job_id):
        return _run_claimed(store, settings, job_id, extractor, audio)


def _run_claimed(store: Store, settings: Settings, job_id: str, extractor: Extractor | None,
                 audio) -> Outcome:
    claim = store.start_job(job_id, worker_id(), held)
    if claim.status != "run":
        return Outcome(claim.status)
    root = storage_root(settings)
    if claim.meeting_saved:  # an earlier run saved it and died before saying so
        log.info("job=%s meeting already stored: done", job_id)
        return _done(store, job_id, claim, root)
    engine = (claim.params or {}).get("engine") or settings.engine.value
    beat = _Heartbeat(store, job_id)
    progress = Progress(store, job_id, claim.kind)  # also times the stages (copilot/metrics)
    try:
        with beat:
            analyse(store, settings, job_id, claim, root, progress, extractor=extractor,
                    audio=audio)
    except Exception as exc:  # noqa: BLE001 - any error of the job's own becomes its state
        outcome = _failed(store, settings, job_id, claim, root, exc, engine)
        progress.finish(outcome.status)
        return outcome
    log.info("job=%s done (attempt %d)", job_id, claim.attempts)
    progress.finish("done")
    return _done(store, job_id, claim, root)


def _done(store: Store, job_id: str, claim: JobClaim, root: Path) -> Outcome:
    store.update_job(job_id, stage="done", percent=100.0, meeting_id=job_id,
                     finished_at=utcnow(), error=None)
    if claim.voice_upload:
        (root / claim.voice_upload).unlink(missing_ok=True)  # enrolled: the sample is not kept
    if claim.kind == "text":
        (root / claim.upload).unlink(missing_ok=True)  # the transcript is in the database
    return Outcome("done")


def _failed(store: Store, settings: Settings, job_id: str, claim: JobClaim, root: Path,
            exc: Exception, engine: str | None) -> Outcome:
    params = claim.params or {}
    error = error_dict(exc, Path(claim.upload).name, params.get("filename"))
    if transient(exc, engine) and claim.attempts < settings.queue.job_max_attempts:
        delay = settings.queue.job_retry_backoff * 2 ** (claim.attempts - 1)
        log.warning("job=%s attempt %d: %s; again in %.0f s", job_id, claim.attempts,
                    error["message"], delay)
        store.update_job(job_id, stage="queued", percent=0.0, error=error,
                         published_at=utcnow())
        return Outcome("retry", delay)
    if not isinstance(exc, CopilotError):
        log.error("job=%s failed", job_id, exc_info=exc)
    else:
        log.info("job=%s failed: %s", job_id, exc.one_line())
    store.update_job(job_id, stage="failed", finished_at=utcnow(), error=error)
    if isinstance(exc, InputError):  # an unusable file: nothing to retry it with
        for rel in (claim.upload, claim.voice_upload):
            if rel:
                (root / rel).unlink(missing_ok=True)
    return Outcome("failed")


class _Heartbeat:
    """Touches the running job's row every HEARTBEAT seconds, so a sweep tells a long silent
    stage (diarizing an hour) from a dead worker."""

    def __init__(self, store: Store, job_id: str) -> None:
        self.store, self.job_id = store, job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="copilot-beat")

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5.0)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            try:
                self.store.update_job(self.job_id)
            except CopilotError as exc:
                log.warning("job=%s heartbeat: %s", self.job_id, exc.one_line())


class JobRunner:
    """Threads inside an API process, one per queue, running jobs in order; `submit` after the
    row is committed."""

    def __init__(self, get_store: Callable[[], Store], settings: Settings, *,
                 extractor: Extractor | None = None, audio=None) -> None:
        self.get_store = get_store
        self.settings = settings
        self.extractor = extractor
        self.audio = audio  # AudioEngines, or None for the real ones (built on first job)
        self._queues: dict[str, queue.Queue[str | None]] = {q: queue.Queue() for q in QUEUES}
        self._threads: list[threading.Thread] = []

    def start(self, recover: bool = True) -> None:
        for name in QUEUES:
            thread = threading.Thread(target=self._loop, args=(name,), daemon=True,
                                      name=f"copilot-jobs-{name}")
            self._threads.append(thread)
        self._recovering = recover  # done by the audio thread first: no wait in the lifespan
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the threads to stop after the current job; a job cut short is resumed at the
        next start (its row says so), so not waiting longer loses nothing."""
        for q in self._queues.values():
            q.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def submit(self, job_id: str, kind: str = "audio") -> bool:
        self._queues[kind if kind in self._queues else "audio"].put(job_id)
        return True

    def _recover(self) -> None:
        try:
            for job_id, kind in self.recover():
                self.submit(job_id, kind)
        except CopilotError as exc:  # a broken database: jobs wait for the next start
            log.error("could not recover jobs: %s", exc.one_line())

    def recover(self) -> list[tuple[str, str]]:
        """Jobs left queued or running by a dead process: resumed when their upload is still
        there, failed when it is not (or after the last attempt). Returns (id, kind)."""
        resumed = self.get_store().recover_jobs(
            lambda job: judge(job, self.settings, broker=False))
        if resumed:
            log.info("resuming %d interrupted job(s): %s", len(resumed),
                     ", ".join(i for i, _ in resumed))
        return resumed

    def _loop(self, name: str) -> None:
        if name == "audio" and self._recovering:
            self._recover()
        while (job_id := self._queues[name].get()) is not None:
            try:
                outcome = self.run(job_id)
            except Exception:
                log.exception("job=%s crashed the runner", job_id)
                continue
            if outcome.status == "retry":
                timer = threading.Timer(outcome.delay, self.submit, (job_id, name))
                timer.daemon = True
                timer.start()

    def run(self, job_id: str) -> Outcome:
        return run_job(self.get_store(), self.settings, job_id, extractor=self.extractor,
                       audio=self.audio)

