"""The scale bench's cluster: services, accounts, API processes and workers, and the checks
that nothing was lost or duplicated (eval/bench_scale.py drives it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from eval.cases import load_cases
from eval.services import Chroma, Postgres, Process, Redis, free_port, wait_http

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RECORDINGS = [ROOT / "eval" / "data" / "audio" / "dialogue_fr.ogg",
              ROOT / "eval" / "data" / "audio" / "dialogue_en.ogg"]
MANAGERS = 10
# What the deploy/ units run: keep both in step.
WORKER_ARGS = ["worker", "--queues", "audio,text", "--concurrency", "1"]


@dataclass
class Submission:
    """One meeting to submit, and what became of it."""

    kind: str  # "text" | "audio"
    token: str
    manager: str
    report: str
    date: str
    filename: str
    body: str | Path  # the transcript, or the recording's path
    job_id: str | None = None
    accept_ms: float | None = None
    refused: int = 0  # answers that were not 202 (a killed API, a 5xx), each retried
    errors: list[str] = field(default_factory=list)


class Cluster:
    def __init__(self, folder: Path, console: Console) -> None:
        self.folder, self.console = folder, console
        self.pg = Postgres(folder / "pg")
        self.redis = Redis(folder / "redis")
        self.chroma = Chroma(folder / "chroma", str(BIN / "chroma"))
        self.apis: list[Process] = []
        self.ports: list[int] = []
        self.workers: list[Process] = []
        self.tokens: dict[str, str] = {}
        self.fault_log: dict[str, Any] = {}
        self.cases = load_cases()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COPILOT_")}
        env.update(COPILOT_HOME=str(self.folder / "home"),
                   COPILOT_STORAGE_DIR=str(self.folder / "storage"),
                   COPILOT_DATABASE_URL=self.pg.url, COPILOT_BROKER_URL=self.redis.url,
                   COPILOT_CHROMA_URL=self.chroma.url, COPILOT_LOG_FORMAT="json",
                   # The bench's managers post far more than a person would.
                   COPILOT_UPLOAD_RATE="100000/minute")
        return env

    def copilot(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([str(BIN / "copilot"), *args], check=False, env=self.env(),
                              input=stdin, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"copilot {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def start(self) -> None:
        with self.console.status("starting PostgreSQL, Redis and Chroma…"):
            self.pg.start()
            self.redis.start()
            self.chroma.start()
        for k in range(MANAGERS):
            email = f"manager{k}@example.org"
            self.copilot("users", "add", email, "--name", manager_name(k), "--role", "manager")
            self.tokens[manager_name(k)] = self.copilot("tokens", "create", email,
                                                        "--scope", "write")
        for i in range(2):
            self.start_api(i)

    def start_api(self, i: int) -> None:
        if len(self.ports) <= i:
            self.ports.append(free_port())
        proc = Process(f"api{i}", [str(BIN / "copilot"), "serve", "--host", "127.0.0.1",
                                   "--port", str(self.ports[i])], self.folder / "logs",
                       self.env()).start()
        if len(self.apis) <= i:
            self.apis.append(proc)
        else:
            self.apis[i] = proc
        wait_http(f"{self.url(i)}/healthz", f"API {i}", proc)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def set_workers(self, n: int) -> None:
        while len([w for w in self.workers if w.alive()]) < n:
            self.start_worker()
        for extra in [w for w in self.workers if w.alive()][n:]:
            extra.stop(60)
        self.workers = [w for w in self.workers if w.alive()]

    def start_worker(self) -> Process:
        name = f"worker{len(self.workers) + int(time.time()) % 1000}"
        proc = Process(name, [str(BIN / "copilot"), *WORKER_ARGS], self.folder / "logs",
                       self.env()).start()
        self.workers.append(proc)
        return proc

    def batch(self, kind: str, count: int, tag: str) -> list[Submission]:
        out = []
        for n in range(count):
            k = n % MANAGERS
            manager = manager_name(k)
            day = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"
            if kind == "audio":
                path = RECORDINGS[n % len(RECORDINGS)]
                out.append(Submission(kind, self.tokens[manager], manager, f"Report {k}-{n % 3}",
                                      day, f"{tag}-{n:04d}{path.suffix}", path))
                continue
            case = self.cases[n % len(self.cases)]
            report = f"{case.report} {k}"
            text = case.transcript.replace(f"{case.manager}:", f"{manager}:").replace(
                f"{case.report}:", f"{report}:")
            out.append(Submission(kind, self.tokens[manager], manager, report, day,
                                  f"{tag}-{n:04d}.txt", text))
        return out

    def integrity(self, ids: list[str]) -> dict[str, Any]:
        """Meetings per accepted job, duplicates by submission, vectors per utterance."""
        quoted = ",".join(f"'{i}'" for i in ids) or "''"
        meetings = int(self.pg.query(f"select count(*) from meetings where id in ({quoted})"))
        dupes = int(self.pg.query(
            "select count(*) from (select source from meetings group by source "
            "having count(*) > 1) d"))
        utterances = int(self.pg.query("select count(*) from utterances"))
        vectors = self.vector_count()
        return {"meetings": meetings, "lost": len(ids) - meetings, "duplicates": dupes,
                "utterances": utterances, "utterance_vectors": vectors,
                "vectors_match": vectors == utterances}

    def vector_count(self) -> int:
        import chromadb

        client = chromadb.HttpClient(host="127.0.0.1", port=self.chroma.port)
        return sum(c.count() for c in client.list_collections()
                   if c.name.startswith("utterances_"))

    def stop(self) -> None:
        for proc in [*self.workers, *self.apis]:
            proc.stop()
        for service in (self.chroma, self.redis, self.pg):
            service.stop()


def manager_name(k: int) -> str:
    return f"Manager{k:02d} Scale"
