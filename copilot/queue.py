"""Jobs on Celery with Redis as the broker, when COPILOT_BROKER_URL is set.

Celery rather than a home-made queue or RQ/Dramatiq: late acknowledgement with
`task_reject_on_worker_lost` gives a job back to the queue when the worker process running it
dies (kill -9, out of memory), Redis redelivers an unacknowledged message after the visibility
timeout when the whole machine is gone, and named queues keep recordings (`audio`) from
blocking pasted transcripts (`text`). The broker only carries job ids: the job row stays the
truth (`GET /v1/jobs/{id}` reads the database) and `copilot.jobs.run_job` claims it atomically,
so a second delivery of a job is acknowledged and ignored (done or failed), put back with a
countdown (another live worker holds it) or finishes as done (its meeting was stored).

Each worker also sweeps every COPILOT_JOB_SWEEP_INTERVAL seconds (`Sweeper`): jobs held by a
dead worker, and queued jobs whose message may be lost (an API process killed between its
commit and its publish, Redis restarted without its data), are published again. The app is
built on first use from the settings, never at import.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from copilot.errors import ConfigError, CopilotError
from copilot.jobs import QUEUES, judge, run_job
from copilot.memory.store import Store
from copilot.memory.store.records import utcnow
from copilot.settings import Settings

log = logging.getLogger("copilot.queue")

TASK = "copilot.run_job"
BUSY_DELAY = 15.0  # seconds before a job another live worker holds is looked at again
# Engines for the tasks of this process: None = the real ones; tests put fakes here.
ENGINES: dict[str, Any] = {"extractor": None, "audio": None}
_BUILT: dict[str, Any] = {}  # broker URL -> Celery app; settings and stores per process
_STORES: dict[tuple[int, str], Store] = {}


def celery_app(settings: Settings):
    """The Celery app for these settings (one per broker URL in a process)."""
    url = settings.queue.broker_url
    if not url:
        raise ConfigError("no job queue is configured (COPILOT_BROKER_URL is not set)",
                          "set COPILOT_BROKER_URL=redis://HOST:6379/0, or let the API run "
                          "jobs itself")
    _BUILT["settings"] = settings
    if url not in _BUILT:
        _BUILT[url] = build_app(settings)
    return _BUILT[url]


def build_app(settings: Settings):
    """A new Celery app (each worker of a process wants its own: a worker narrows its app's
    queues to those it consumes)."""
    from celery import Celery
    from kombu import Queue

    _BUILT["settings"] = settings
    app = Celery("copilot", broker=settings.queue.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,  # acknowledged when the job ends, not when it starts
        task_reject_on_worker_lost=True,  # a killed child gives its job back to the queue
        worker_prefetch_multiplier=1,  # a worker takes the next job only when it is free
        broker_transport_options={"visibility_timeout": settings.queue.job_visibility_timeout},
        task_serializer="json", accept_content=["json"], result_serializer="json",
        task_ignore_result=True,  # the job row is the result
        task_queues=[Queue(name) for name in QUEUES], task_default_queue="audio",
        broker_connection_retry_on_startup=True, broker_connection_timeout=3,
        worker_hijack_root_logger=False, worker_redirect_stdouts=False,
    )
    app.task(name=TASK, bind=True)(_deliver)
    return app


def publish(settings: Settings, job_id: str, kind: str, countdown: float = 0.0) -> None:
    """Hand a job to its queue; raises when the broker cannot be reached (after ~2 s)."""
    app = celery_app(settings)
    app.send_task(TASK, args=[job_id, kind], queue=kind if kind in QUEUES else "audio",
                  countdown=countdown or None, retry=True,
                  retry_policy={"max_retries": 2, "interval_start": 0.2,
                                "interval_step": 0.5, "interval_max": 1.0})


def _store(settings: Settings) -> Store:
    """One store per worker process: a forked child must not share its parent's connections."""
    key = (os.getpid(), settings.db_url)
    if key not in _STORES:
        _STORES[key] = Store.open(settings)
    return _STORES[key]


def _deliver(task, job_id: str, kind: str = "audio") -> str:
    """The Celery task: run one delivered job id through `run_job`."""
    settings: Settings = _BUILT["settings"]
    try:
        outcome = run_job(_store(settings), settings, job_id, **ENGINES)
    except CopilotError as exc:  # the database itself failed: the job is tried again later
        log.error("job=%s could not run: %s", job_id, exc.one_line())
        publish(settings, job_id, kind, countdown=settings.queue.job_retry_backoff)
        return "republished"
    if outcome.status in ("busy", "retry"):
        delay = outcome.delay if outcome.status == "retry" else BUSY_DELAY
        publish(settings, job_id, kind, countdown=delay)
    log.info("job=%s delivery %s", job_id, outcome.status)
    return outcome.status


class Publisher:
    """The API's side when a broker is configured: `submit` publishes a committed job."""

    def __init__(self, get_store, settings: Settings) -> None:
        self.get_store, self.settings = get_store, settings

    def start(self, recover: bool = True) -> None:
        """Nothing runs here: the workers run and sweep."""

    def stop(self, timeout: float = 5.0) -> None:
        """Nothing to stop."""

    def submit(self, job_id: str, kind: str = "audio") -> bool:
        """Publish; False when the broker is unreachable: the job row stays queued and a
        worker's sweep publishes it once the broker is back."""
        try:
            publish(self.settings, job_id, kind)
        except Exception as exc:  # noqa: BLE001 - kombu, redis and socket errors alike
            log.warning("job=%s accepted but not queued (%s: %s): a worker's sweep will "
                        "queue it", job_id, type(exc).__name__, exc)
            return False
        try:
            self.get_store().update_job(job_id, published_at=utcnow())
        except CopilotError as exc:  # published all the same; at worst published again
            log.warning("job=%s published_at not written: %s", job_id, exc.one_line())
        return True


def sweep(settings: Settings, store: Store) -> list[str]:
    """Publish again the jobs of dead workers and the queued jobs whose message may be lost;
    fail those whose upload is gone or that used their attempts. Returns the ids published."""
    resumed = store.recover_jobs(lambda job: judge(job, settings, broker=True))
    sent = []
    for job_id, kind in resumed:
        try:
            publish(settings, job_id, kind)
            sent.append(job_id)
        except Exception as exc:  # noqa: BLE001 - the broker is down: the next sweep tries
            log.warning("job=%s not republished: %s", job_id, exc)
            store.update_job(job_id, published_at=None)
    if sent:
        log.info("sweep republished %d job(s): %s", len(sent), ", ".join(sent))
    return sent


class Sweeper:
    """A thread in the worker's main process running `sweep` every sweep interval."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="copilot-sweep")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5.0)

    def _loop(self) -> None:
        store = Store.open(self.settings)
        try:
            while True:
                try:
                    sweep(self.settings, store)
                except CopilotError as exc:
                    log.error("sweep: %s", exc.one_line())
                if self._stop.wait(self.settings.queue.job_sweep_interval):
                    return
        finally:
            store.close()
