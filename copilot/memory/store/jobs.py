"""The `jobs` table: background analyses of recordings (copilot/jobs.py runs them).

The table is the truth, not a worker's memory: every stage change is written, and a server
that restarts finds the jobs a dead process left behind (`recover_jobs`).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from copilot.errors import NotFoundError
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import ActiveJob, utcnow
from copilot.memory.store.tables import JobRow
from copilot.models import Job, JobError

ACTIVE = ("queued", "decoding", "transcribing", "diarizing", "analysing")


def worker_id() -> str:
    """This process as the holder of a job: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns: they were written in UTC."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _job(row: JobRow) -> Job:
    return Job(job_id=row.id, stage=row.stage, percent=round(row.percent, 1),  # type: ignore[arg-type]
               error=JobError(**row.error) if row.error else None, meeting_id=row.meeting_id,
               filename=row.filename, attempts=row.attempts, created_at=row.created_at,
               updated_at=row.updated_at)


class JobStore(StoreBase):
    """Creating, reading, claiming and updating jobs."""

    def create_job(self, job_id: str, *, upload: str, filename: str | None, params: dict,
                   voice_upload: str | None = None) -> Job:
        """A queued job held by this process. `upload` and `voice_upload`: paths relative to
        COPILOT_HOME; `params`: manager, report, date, lang, engine."""
        with self._session(write=True) as s:
            row = JobRow(id=job_id, kind="audio", stage="queued", percent=0.0, upload=upload,
                         voice_upload=voice_upload, filename=filename, params=params,
                         worker=worker_id(), attempts=0, user_id=self.principal.user_id)
            s.add(row)
            s.flush()
            return _job(row)

    def get_job(self, job_id: str) -> Job:
        with self._session() as s:
            row = s.get(JobRow, job_id)
            if row is None or not (self.principal.is_owner
                                   or row.user_id == self.principal.user_id):
                raise NotFoundError(f"no job with id {job_id!r}", "use the job_id POST returned")
            return _job(row)

    def update_job(self, job_id: str, **fields: Any) -> None:
        """Set columns of a job (stage, percent, error, meeting_id, finished_at, ...) and its
        updated_at; a job that is gone is left gone."""
        with self._session(write=True) as s:
            row = s.get(JobRow, job_id)
            if row is not None:
                for key, value in fields.items():
                    setattr(row, key, value)
                row.updated_at = utcnow()

    def start_job(self, job_id: str, worker: str) -> tuple[str, str | None, dict] | None:
        """Claim an active job for `worker` (one more attempt). Returns (upload, voice_upload,
        params with the upload's original "filename"), or None when the job is gone or no
        longer active."""
        with self._session(write=True) as s:
            row = s.get(JobRow, job_id)
            if row is None or row.stage not in ACTIVE:
                return None
            row.attempts += 1
            row.worker, row.updated_at = worker, utcnow()
            params = dict(row.params)
            params["filename"] = row.filename
            return row.upload, row.voice_upload, params

    def recover_jobs(self, judge: Callable[[ActiveJob], dict[str, Any] | None]) -> list[str]:
        """Hand every active job, oldest first, to `judge` in one transaction: None leaves the
        job alone, a dict sets those columns. Returns the ids judged back to "queued"."""
        resumed = []
        with self._session(write=True) as s:
            rows = s.scalars(select(JobRow).where(JobRow.stage.in_(ACTIVE))
                             .order_by(JobRow.created_at)).all()
            for row in rows:
                fields = judge(ActiveJob(id=row.id, stage=row.stage, worker=row.worker,
                                         upload=row.upload, attempts=row.attempts,
                                         updated_at=_aware(row.updated_at)))
                if fields is None:
                    continue
                for key, value in fields.items():
                    setattr(row, key, value)
                if row.stage == "queued":
                    resumed.append(row.id)
        return resumed
