"""What operations read from the database: is it there, and how many jobs in each state."""

from __future__ import annotations

from sqlalchemy import case, func, select, text

from copilot.memory.store.base import StoreBase
from copilot.memory.store.tables import JobRow

# Job stages (copilot/jobs.py) as the states a dashboard counts.
JOB_STATES = ("queued", "running", "done", "failed")


class OpsStore(StoreBase):
    """Readiness and the job gauges of /metrics."""

    def ping(self) -> None:
        """One round trip to the database; StoreError when it does not answer."""
        with self._session() as s:
            s.execute(text("SELECT 1"))

    def job_counts(self) -> dict[tuple[str, str], int]:
        """(queue, state) -> jobs, every organisation's, in one aggregate query; the queue is
        the job's kind (audio, text), the state queued / running / done / failed."""
        state = case((JobRow.stage.in_(("queued", "done", "failed")), JobRow.stage),
                     else_="running")
        with self._session() as s:
            rows = s.execute(select(JobRow.kind, state, func.count())
                             .group_by(JobRow.kind, state)).all()
        return {(kind, st): n for kind, st, n in rows}
