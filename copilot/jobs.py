"""Background analysis of recordings: the job table and an in-process worker thread.

The API answers an audio upload at once (202) and the worker transcribes it. The `jobs` table
is the truth, not the worker's memory: the upload is on disk under COPILOT_HOME/uploads before
the job row exists, every stage change is written, and a server that restarts resumes the jobs
a dead process left behind (or fails them clearly when their upload is gone). One worker thread
per process: transcription already uses every core, two at once would only share them. To
scale out, the same table and functions sit behind an established queue (Celery on Redis),
never a home-made one.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from copilot import metrics
from copilot.analyze.base import Extractor
from copilot.errors import CopilotError, InputError
from copilot.logs import job_context
from copilot.memory.store import Store
from copilot.memory.store.jobs import worker_id
from copilot.memory.store.records import ActiveJob, utcnow
from copilot.models import Principal
from copilot.settings import Settings

log = logging.getLogger("copilot.jobs")

# Share of the progress bar each stage ends at: transcription is most of the time (measured).
STAGE_END = {"queued": 0.0, "decoding": 5.0, "transcribing": 70.0, "diarizing": 90.0,
             "analysing": 100.0}
_STAGE_START = {"decoding": 0.0, "transcribing": 5.0, "diarizing": 70.0, "analysing": 90.0}
MAX_ATTEMPTS = 3  # a recording that killed the server this often is failed, not retried again
STALE_AFTER = 600.0  # seconds without news from another host's worker before it counts as dead
UPLOADS = "uploads"


def _alive(worker: str | None) -> bool:
    """Whether the process that holds a job still runs (same host: by pid)."""
    if not worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine: judged by how fresh the job row is (STALE_AFTER)
    if pid == str(os.getpid()):
        return False  # a row with our pid at startup is from an earlier process with that pid
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def upload_dir(settings: Settings) -> Path:
    return Path(settings.home) / UPLOADS


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


class JobRunner:
    """One daemon thread running queued jobs in order; `submit` after the row is committed."""

    def __init__(self, get_store: Callable[[], Store], settings: Settings, *,
                 extractor: Extractor | None = None, audio=None) -> None:
        self.get_store = get_store
        self.settings = settings
        self.extractor = extractor
        self.audio = audio  # AudioEngines, or None for the real ones (built on first job)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self, recover: bool = True) -> None:
        self._thread = threading.Thread(target=self._loop, args=(recover,), daemon=True,
                                        name="copilot-jobs")
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop after the current job; a job cut short is resumed at the next
        start (its row says so), so not waiting longer loses nothing."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def _loop(self, recover: bool) -> None:
        if recover:
            try:
                for job_id in self.recover():
                    self._queue.put(job_id)
            except CopilotError as exc:  # a broken database: jobs wait for the next start
                log.error("could not recover jobs: %s", exc.one_line())
        while (job_id := self._queue.get()) is not None:
            try:
                self.run(job_id)
            except Exception:
                log.exception("job %s crashed the runner", job_id)

    def recover(self) -> list[str]:
        """Jobs left queued or running by a dead process: resumed when their upload is still
        there, failed when it is not (or after MAX_ATTEMPTS starts). Returns the resumed ids."""
        resumed = self.get_store().recover_jobs(self._judge)
        if resumed:
            log.info("resuming %d interrupted job(s): %s", len(resumed), ", ".join(resumed))
        return resumed

    def _judge(self, job: ActiveJob) -> dict | None:
        """What `recover` does with one active job: None leaves it to the live server that
        owns it; else the columns that resume or fail it, taken over by this process."""
        fresh = (utcnow() - job.updated_at).total_seconds() < STALE_AFTER
        if _alive(job.worker) and (fresh or job.worker.startswith(socket.gethostname())):
            return None
        taken = {"updated_at": utcnow(), "worker": worker_id()}
        if not (Path(self.settings.home) / job.upload).is_file():
            return taken | {"stage": "failed", "finished_at": utcnow(), "error": {
                "code": "upload_lost", "message": "the server stopped while this job ran and "
                "its upload is gone", "hint": "upload the recording again"}}
        if job.attempts >= MAX_ATTEMPTS:
            return taken | {"stage": "failed", "finished_at": utcnow(), "error": {
                "code": "job_interrupted", "message": f"the server stopped {job.attempts} "
                "times while analysing this recording",
                "hint": "check the server log (memory?) and upload it again"}}
        return taken | {"stage": "queued", "percent": 0.0}

    def run(self, job_id: str) -> None:
        """Run one job to done or failed; never raises for the job's own errors. Every line
        logged meanwhile carries its id (copilot/logs.py)."""
        with job_context(job_id):
            self._run(job_id)

    def _run(self, job_id: str) -> None:
        store = self.get_store()
        claimed = store.start_job(job_id, worker_id())
        if claimed is None:
            return
        upload, voice, params = claimed
        home = Path(self.settings.home)
        progress = _Progress(store, job_id)
        try:
            meeting_id = self._analyse(store, job_id, home / upload,
                                       home / voice if voice else None, params, progress)
        except Exception as exc:
            progress.finish("failed")
            if not isinstance(exc, CopilotError):
                log.exception("job %s failed", job_id)
            store.update_job(job_id, stage="failed", finished_at=utcnow(),
                             error=error_dict(exc, Path(upload).name, params.get("filename")))
            if isinstance(exc, InputError):  # an unusable file: nothing to retry it with
                for rel in (upload, voice):
                    if rel:
                        (home / rel).unlink(missing_ok=True)
            return
        progress.finish("done")
        store.update_job(job_id, stage="done", percent=100.0, meeting_id=meeting_id,
                         finished_at=utcnow(), error=None)
        if voice:
            (home / voice).unlink(missing_ok=True)  # enrolled: the sample itself is not kept

    def _analyse(self, store: Store, job_id: str, path: Path, voice: Path | None,
                 params: dict, progress: _Progress) -> str:
        from copilot.request import MeetingRequest
        from copilot.workflow import remember_meeting

        if params.get("principal"):  # the uploader: the meeting is saved as theirs
            store = store.acting_as(Principal.model_validate(params["principal"]))
            progress.store = store
        progress("decoding", 0.0)
        request = MeetingRequest(
            manager=params["manager"], report=params["report"], date=params.get("date"),
            lang=params.get("lang") or "auto", engine=params.get("engine") or None,
            source=params.get("filename") or path.name, manager_voice=voice, meeting_id=job_id)
        analysis = remember_meeting(request, path, store=store, settings=self.settings,
                                    progress=progress, extractor=self.extractor, audio=self.audio)
        return analysis.id


class _Progress:
    """Writes stage changes at once and percent at most twice a second; times each stage
    (copilot/metrics.py)."""

    def __init__(self, store: Store, job_id: str, queue: str = "audio") -> None:
        self.store, self.job_id, self.queue = store, job_id, queue
        self.stage, self.last, self.began = "", 0.0, time.monotonic()

    def finish(self, outcome: str) -> None:
        """The job ended (done, failed): the last stage's time, and the outcome."""
        if self.stage:
            metrics.observe_stage(self.queue, self.stage, time.monotonic() - self.began)
            self.stage = ""
        metrics.job_finished(self.queue, outcome)

    def __call__(self, stage: str, fraction: float) -> None:
        if stage not in _STAGE_START:
            return
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.5 and fraction < 1.0:
            return
        if stage != self.stage:
            if self.stage:
                metrics.observe_stage(self.queue, self.stage, now - self.began)
            self.began = now
        self.stage, self.last = stage, now
        start, end = _STAGE_START[stage], STAGE_END[stage]
        percent = start + (end - start) * min(max(fraction, 0.0), 1.0)
        self.store.update_job(self.job_id, stage=stage, percent=round(min(percent, 99.0), 1))

