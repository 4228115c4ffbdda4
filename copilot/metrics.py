"""Prometheus metrics (prometheus-client): request latency, job stages, jobs per queue.

    copilot_http_request_duration_seconds{method, route, status}   histogram, api/middleware.py
        `route` is the route template (`/v1/people/{name}`), never the path: names travel in
        paths, and a label per person would also grow without bound
    copilot_job_stage_duration_seconds{queue, stage}                histogram, copilot/jobs.py
    copilot_jobs_finished_total{queue, outcome}                     counter (done, failed)
    copilot_jobs{queue, state}                                      gauge, read from the
        database at scrape time (queued, running, done, failed): the database is the truth,
        whichever process runs the jobs

Workers run in other processes. With PROMETHEUS_MULTIPROC_DIR set (an empty folder shared by
the API and the workers of one machine, emptied before they start), every process writes its
samples there and /metrics adds them up (prometheus-client's multiprocess mode); unset, each
process keeps its own registry and /metrics shows the API process's own samples.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

JOB_STATES = ("queued", "running", "done", "failed")
_STAGES = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 3600)

REQUESTS = Histogram("copilot_http_request_duration_seconds",
                     "API requests by route template, method and status.",
                     ("method", "route", "status"))
STAGES = Histogram("copilot_job_stage_duration_seconds",
                   "Time spent in each stage of a job (decoding, transcribing, ...).",
                   ("queue", "stage"), buckets=_STAGES)
FINISHED = Counter("copilot_jobs_finished", "Jobs that ended, by outcome (done, failed).",
                   ("queue", "outcome"))


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).observe(seconds)


def observe_stage(queue: str, stage: str, seconds: float) -> None:
    STAGES.labels(queue, stage).observe(max(seconds, 0.0))


def job_finished(queue: str, outcome: str) -> None:
    FINISHED.labels(queue, outcome).inc()


class JobGauges(Collector):
    """`copilot_jobs{queue, state}` from one aggregate query, at each scrape."""

    def __init__(self, counts: Callable[[], dict[tuple[str, str], int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("copilot_jobs", "Jobs in the database by queue and state.",
                                   labels=("queue", "state"))
        counts = self.counts()
        for queue in sorted({q for q, _ in counts} | {"audio"}):
            for state in JOB_STATES:
                family.add_metric((queue, state), counts.get((queue, state), 0))
        yield family


def render(counts: Callable[[], dict[tuple[str, str], int]]) -> tuple[bytes, str]:
    """The exposition text of every metric, and its content type."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, STAGES, FINISHED):
            registry.register(collector)
    registry.register(JobGauges(counts))
    return generate_latest(registry), CONTENT_TYPE_LATEST
