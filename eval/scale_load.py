"""The scale bench's load and faults: concurrent submissions through both APIs, the three
faults of the fault run, waiting for the jobs, and the agenda timing on a large database."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from eval.scale_cluster import Cluster, Submission, manager_name

ATTEMPTS = 20


def percentile(values: list[float | None], p: float) -> float | None:
    found = sorted(v for v in values if v is not None)
    if not found:
        return None
    if len(found) == 1:
        return round(found[0], 1)
    return round(statistics.quantiles(found, n=100, method="inclusive")[int(p) - 1], 1)


def _post(client: httpx.Client, base: str, sub: Submission) -> httpx.Response:
    headers = {"Authorization": f"Bearer {sub.token}", "Prefer": "respond-async",
               "Idempotency-Key": sub.filename}
    fields = {"manager": sub.manager, "report": sub.report, "date": sub.date}
    if sub.kind == "text":
        return client.post(f"{base}/v1/meetings", headers=headers, json={
            **fields, "transcript": sub.body, "filename": sub.filename})
    data = Path(sub.body).read_bytes()
    return client.post(f"{base}/v1/meetings", headers=headers, data=fields,
                       files={"file": (sub.filename, data, "audio/ogg")})


def submit_one(cluster: Cluster, sub: Submission, first_api: int) -> None:
    """Post until a 202, moving to the other API after a refused or failed attempt."""
    with httpx.Client(timeout=120) as client:
        for attempt in range(ATTEMPTS):
            base = cluster.url((first_api + attempt) % len(cluster.ports))
            start = time.perf_counter()
            try:
                answer = _post(client, base, sub)
            except httpx.HTTPError as exc:
                sub.refused += 1
                sub.errors.append(type(exc).__name__)
                time.sleep(0.5)
                continue
            if answer.status_code == 202:
                sub.job_id = answer.json()["job_id"]
                sub.accept_ms = (time.perf_counter() - start) * 1000
                return
            sub.refused += 1
            sub.errors.append(f"{answer.status_code} {answer.text[:120]}")
            if answer.status_code < 500 and answer.status_code != 429:
                return  # our request is wrong: retrying will not help
            time.sleep(0.5)


def submit_all(cluster: Cluster, batch: list[Submission], clients: int, faults: bool = False,
               console: Console | None = None) -> list[Submission]:
    """Submit the batch with `clients` concurrent clients; with `faults`, inject them."""
    injector = Faults(cluster, batch, console) if faults else None
    if injector:
        injector.start()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda pair: submit_one(cluster, pair[1], pair[0] % 2), enumerate(batch)))
    if injector:
        injector.after_submissions()
    return [s for s in batch if s.job_id]


def job_stages(cluster: Cluster, ids: list[str]) -> dict[str, int]:
    quoted = ",".join(f"'{i}'" for i in ids) or "''"
    rows = cluster.pg.query(f"select stage, count(*) from jobs where id in ({quoted}) "
                            "group by stage")
    return {stage: int(n) for stage, n in (line.split("|") for line in rows.splitlines() if line)}


def wait_jobs(cluster: Cluster, ids: list[str], timeout: float,
              console: Console | None = None) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    stages: dict[str, int] = {}
    while time.monotonic() < deadline:
        stages = job_stages(cluster, ids)
        finished = stages.get("done", 0) + stages.get("failed", 0)
        if console:
            console.print(f"  jobs: {stages}", highlight=False)
        if finished >= len(ids):
            break
        time.sleep(5)
    done, failed = stages.get("done", 0), stages.get("failed", 0)
    return {"done": done, "failed": failed, "unfinished": len(ids) - done - failed}


class Faults:
    """kill -9 of an API process during the uploads, of a worker during a transcription, and
    a Redis restart while jobs are queued; what happened goes to `cluster.fault_log`."""

    def __init__(self, cluster: Cluster, batch: list[Submission], console: Console | None):
        self.cluster, self.batch, self.console = cluster, batch, console
        self.log = cluster.fault_log
        self._threads = [threading.Thread(target=self._kill_api, daemon=True),
                         threading.Thread(target=self._kill_worker, daemon=True)]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def _say(self, text: str) -> None:
        if self.console:
            self.console.print(f"  fault: {text}", highlight=False)

    def _kill_api(self) -> None:
        while sum(1 for s in self.batch if s.job_id) < len(self.batch) // 3:
            time.sleep(0.05)
        accepted = [s.job_id for s in self.batch if s.job_id]
        self.cluster.apis[0].kill()
        self.log["api_killed_after_accepted"] = len(accepted)
        self._say(f"kill -9 API 0 after {len(accepted)} accepted uploads")
        time.sleep(3)
        start = time.monotonic()
        self.cluster.start_api(0)
        self.log["api_restart_s"] = round(time.monotonic() - start, 1)

    def _kill_worker(self) -> None:
        deadline = time.monotonic() + 1200
        while time.monotonic() < deadline:
            row = self.cluster.pg.query(
                "select id, worker from jobs where stage = 'transcribing' "
                "and kind = 'audio' order by updated_at limit 1")
            if row:
                job_id, worker = row.split("|")
                victim = self._worker_of(int(worker.rpartition(":")[2]))
                if victim is not None:
                    victim.kill()
                    self.log.update(worker_killed_job=job_id, worker_killed_at=time.time())
                    self._say(f"kill -9 the worker transcribing job {job_id}")
                    self._finish_elsewhere(job_id, victim)
                    return
            time.sleep(0.5)
        self.log["worker_kill"] = "no transcription seen to interrupt"

    def _worker_of(self, pid: int):
        try:
            group = os.getpgid(pid)
        except ProcessLookupError:
            return None
        return next((w for w in self.cluster.workers if w.alive() and w.pid == group), None)

    def _finish_elsewhere(self, job_id: str, victim) -> None:
        """Wait for the interrupted job to finish on the surviving worker, then bring the
        killed one back."""
        killed_at = time.monotonic()
        while time.monotonic() - killed_at < 1800:
            row = self.cluster.pg.query(f"select stage, worker, attempts from jobs "
                                        f"where id = '{job_id}'")
            stage, worker, attempts = row.split("|")
            if stage in ("done", "failed"):
                self.log.update(killed_job_stage=stage, killed_job_attempts=int(attempts),
                                killed_job_recovered_s=round(time.monotonic() - killed_at, 1),
                                killed_job_finished_by_other=self._worker_of(
                                    int(worker.rpartition(":")[2])) is not None)
                break
            time.sleep(1)
        self.cluster.workers.remove(victim)
        self.cluster.start_worker()

    def after_submissions(self) -> None:
        """Restart Redis with jobs still queued: they must run after it."""
        ids = [s.job_id for s in self.batch if s.job_id]
        queued = job_stages(self.cluster, ids).get("queued", 0)
        down = self.cluster.redis.restart()
        self.log.update(redis_restarted_with_queued=queued, redis_down_s=round(down, 2))
        self._say(f"Redis restarted with {queued} jobs queued")


def fill_meetings(cluster: Cluster, total: int, console: Console) -> dict[str, Any]:
    """`total` small meetings straight through the store (the write path, lifecycle included)
    into the cluster's PostgreSQL: 4 reports per manager, 25 weekly 1:1s each, by as many
    processes as there are cores."""
    import multiprocessing

    start = time.perf_counter()
    managers = max(1, total // (4 * 25))
    parts = 2 * (os.cpu_count() or 1)  # each waits on PostgreSQL half the time
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    with ProcessPoolExecutor(parts, mp_context=context) as pool:
        futures = [pool.submit(fill_part, cluster.pg.url, str(cluster.folder), managers, part,
                               parts) for part in range(parts)]
        for future in futures:
            future.result()
    count = int(cluster.pg.query("select count(*) from meetings"))
    console.print(f"  filled {count:,} meetings", highlight=False)
    return {"meetings": count, "fill_s": round(time.perf_counter() - start, 1)}


def fill_part(url: str, folder: str, managers: int, part: int, parts: int) -> None:
    """The managers m with m % parts == part, each saved in one batch of 100 meetings."""
    from copilot.memory.store import Store
    from copilot.settings import get_settings
    from eval.bench_web import meeting

    settings = get_settings(home=Path(folder) / f"fill-home-{part}", database_url=url,
                            memory={"embedder": "hash", "vector_store": "memory"})
    reports = [f"Agenda{r:02d}" for r in range(4)]
    with Store.open(settings) as store:
        for m in range(part, managers, parts):
            name = manager_name(m) if m < 10 else f"Filler{m:04d} Scale"
            batch = [meeting(report, k).model_copy(update={
                "id": f"f{m:04d}{r}{k:02d}", "manager": name, "report": f"{report}-{m}",
                "source": "fill"}) for r, report in enumerate(reports) for k in range(25)]
            store.save_batch(sorted(batch, key=lambda a: a.date))


def time_agenda(cluster: Cluster, runs: int) -> dict[str, Any]:
    """GET /v1/people/{report}/agenda through API 1 as manager 0, `runs` times."""
    token = cluster.tokens[manager_name(0)]
    samples = []
    with httpx.Client(base_url=cluster.url(1), timeout=30,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        day = (dt.date(2025, 4, 7) + dt.timedelta(weeks=26)).isoformat()
        for n in range(runs + 5):
            report = f"Agenda{n % 4:02d}-0"
            start = time.perf_counter()
            answer = client.get(f"/v1/people/{report}/agenda", params={"date": day})
            if n >= 5:  # after a warm-up per report
                samples.append((time.perf_counter() - start) * 1000)
            answer.raise_for_status()
    return {"runs": runs, "p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95)}
