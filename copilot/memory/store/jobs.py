"""The `jobs` table: background analyses (copilot/jobs.py runs them, in-process or in Celery
workers, copilot/queue.py).

The table is the truth, not a worker's or a broker's memory: every stage change is written, a
claim is atomic (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, BEGIN IMMEDIATE on SQLite)
so one delivery runs a job however often the broker hands it out, and a sweep finds the jobs a
dead process left behind (`recover_jobs`).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from copilot.errors import NotFoundError
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import ActiveJob, JobClaim, utcnow
from copilot.memory.store.tables import JobRow, Meeting
from copilot.models import Job, JobError

ACTIVE = ("queued", "decoding", "transcribing", "diarizing", "analysing")
_FIRST_STAGE = {"audio": "decoding", "text": "analysing"}  # what a claimed job is doing


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
                   voice_upload: str | None = None, kind: str = "audio",
                   idempotency_key: str | None = None) -> Job:
        """A queued job held by this process. `upload` and `voice_upload`: paths relative to
        COPILOT_STORAGE_DIR; `params`: manager, report, date, lang, engine. With an
        `idempotency_key` this user already sent, nothing is created: the earlier job is
        returned (its id tells the caller), even when both uploads race."""
        with self._session(write=True) as s:
            row = JobRow(id=job_id, kind=kind, stage="queued", percent=0.0, upload=upload,
                         voice_upload=voice_upload, filename=filename, params=params,
                         worker=worker_id(), attempts=0, user_id=self.principal.user_id,
                         idempotency_key=idempotency_key)
            try:
                with s.begin_nested():  # a savepoint: the session outlives a refused insert
                    s.add(row)
            except IntegrityError:
                earlier = self._keyed(s, idempotency_key) if idempotency_key else None
                if earlier is None:
                    raise
                return _job(earlier)
            return _job(row)

    def job_for_key(self, idempotency_key: str) -> Job | None:
        """The job this user created with that Idempotency-Key, if any."""
        with self._session() as s:
            row = self._keyed(s, idempotency_key)
            return _job(row) if row is not None else None

    def _keyed(self, s, idempotency_key: str) -> JobRow | None:
        return s.scalar(select(JobRow).where(JobRow.user_id == self.principal.user_id,
                                             JobRow.idempotency_key == idempotency_key))

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

    def start_job(self, job_id: str, worker: str,
                  held: Callable[[ActiveJob], bool] | None = None) -> JobClaim:
        """Claim an active job for `worker` (one more attempt), unless `held` says another live
        worker runs it ("busy"); "over" when the job is gone or no longer active. The claimed
        job's params carry the upload's original "filename"."""
        with self._session(write=True) as s:
            row = s.scalars(select(JobRow).where(JobRow.id == job_id)
                            .with_for_update(skip_locked=True)).first()
            if row is None:  # gone, or (PostgreSQL) locked by a worker claiming it right now
                return JobClaim("busy" if s.get(JobRow, job_id) is not None else "over")
            if row.stage not in ACTIVE:
                return JobClaim("over")
            if row.stage != "queued" and row.worker != worker and held is not None \
                    and held(_active(row)):
                return JobClaim("busy")
            row.attempts += 1
            row.worker, row.updated_at = worker, utcnow()
            row.stage = _FIRST_STAGE.get(row.kind, "decoding")
            params = dict(row.params)
            params["filename"] = row.filename
            saved = s.get(Meeting, job_id) is not None
            return JobClaim("run", row.kind, row.upload, row.voice_upload, params, row.attempts,
                            saved)

    def recover_jobs(self, judge: Callable[[ActiveJob], dict[str, Any] | None]
                     ) -> list[tuple[str, str]]:
        """Hand every active job, oldest first, to `judge` in one transaction: None leaves the
        job alone, a dict sets those columns. Returns (id, kind) of the jobs judged back to
        "queued". Rows another worker is claiming right now are skipped (PostgreSQL)."""
        resumed = []
        with self._session(write=True) as s:
            rows = s.scalars(select(JobRow).where(JobRow.stage.in_(ACTIVE))
                             .order_by(JobRow.created_at)
                             .with_for_update(skip_locked=True)).all()
            for row in rows:
                fields = judge(_active(row))
                if fields is None:
                    continue
                for key, value in fields.items():
                    setattr(row, key, value)
                if row.stage == "queued":
                    resumed.append((row.id, row.kind))
        return resumed


def _active(row: JobRow) -> ActiveJob:
    return ActiveJob(id=row.id, stage=row.stage, worker=row.worker, upload=row.upload,
                     attempts=row.attempts, updated_at=_aware(row.updated_at), kind=row.kind,
                     created_at=_aware(row.created_at),
                     published_at=_aware(row.published_at) if row.published_at else None)
