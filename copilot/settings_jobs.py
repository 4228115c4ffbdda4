"""Settings of background jobs: the queue group (`settings.queue`, built by copilot/settings.py)
and where their files live (`storage_root`, `upload_dir`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Storage(Protocol):  # copilot.settings.Settings (which imports this module)
    @property
    def home(self) -> Path: ...
    @property
    def storage_dir(self) -> Path | None: ...


class QueueSettings(BaseSettings):
    """Background jobs (copilot/jobs.py, copilot/queue.py): Celery workers on a Redis broker
    when COPILOT_BROKER_URL is set, else one runner inside each API process."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    broker_url: str | None = Field(default=None, description="Redis URL of the job queue, e.g. "
                                   "redis://127.0.0.1:6379/0; unset: jobs run in the API process.")
    # Redis hands an unacknowledged job to another worker after this long: longer than the
    # longest transcription, or a slow job would run twice (the job row stops the second run).
    job_visibility_timeout: int = Field(default=3600, ge=10, description="Seconds before Redis "
                                        "redelivers a job a worker took and never finished.")
    job_max_attempts: int = Field(default=3, ge=1, description="Runs of a job (crashes and "
                                  "transient errors) before it is failed for good.")
    job_retry_backoff: float = Field(default=10.0, ge=0, description="Seconds before the first "
                                     "retry of a transient error; doubled at each retry.")
    job_sweep_interval: float = Field(default=30.0, gt=0, description="Seconds between a "
                                      "worker's sweeps for jobs of dead workers or lost messages.")


def storage_root(settings: _Storage) -> Path:
    """What the jobs' upload paths are relative to: COPILOT_STORAGE_DIR, else COPILOT_HOME.
    Every API process and worker must see the same folder (a shared volume)."""
    return Path(settings.storage_dir or settings.home)


def upload_dir(settings: _Storage) -> Path:
    """Uploads waiting for their job, and the recordings kept after it."""
    return storage_root(settings) / "uploads"
