"""`make bench-scale` (`python -m eval.bench_scale`): the copilot past one machine, with faults.

Starts on loopback PostgreSQL, Redis (append-only file on), a Chroma server, two API processes
(`copilot serve`) and workers (`copilot worker`), exactly as deploy/ runs them, all with the real
default engines (Whisper base, the rules engine, the multilingual embedder). Then:
1. throughput: the same small batch of texts and recordings with 1 worker, then with 2;
2. the fault run: 200 texts and 12 recordings submitted concurrently through both APIs
   while one worker is killed (kill -9) in the middle of a transcription, one API process is
   killed while uploads are in flight, and Redis is restarted while jobs are queued; then every
   accepted job must be done, with exactly one meeting each and no duplicate vectors;
3. the agenda's p95 through the API with `--meetings` (100,000) meetings in PostgreSQL.
Writes eval/results/bench_scale.json. Takes tens of minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from eval.scale_cluster import Cluster
from eval.scale_load import (
    fill_meetings,
    percentile,
    submit_all,
    time_agenda,
    wait_jobs,
)

OUT = Path(__file__).resolve().parent / "results" / "bench_scale.json"


def _throughput(cluster: Cluster, workers: int, texts: int, recordings: int,
                console: Console) -> dict[str, Any]:
    """Drain one batch with `workers` workers; jobs per minute, texts and recordings apart."""
    cluster.set_workers(workers)
    # Warm-up: each worker's first job loads its models (Whisper, spaCy, the embedder); the
    # throughput is that of warm workers, their start-up is reported apart.
    start = time.monotonic()
    warm = cluster.batch("audio", workers, tag=f"w{workers}a") + cluster.batch(
        "text", 2 * workers, tag=f"w{workers}t")
    wait_jobs(cluster, [s.job_id for s in submit_all(cluster, warm, clients=len(warm))],
              timeout=900)
    result: dict[str, Any] = {"workers": workers,
                              "warm_up_s": round(time.monotonic() - start, 1)}
    for kind, count in (("text", texts), ("audio", recordings)):
        batch = cluster.batch(kind, count, tag=f"tp{workers}{kind}")
        start = time.monotonic()
        accepted = submit_all(cluster, batch, clients=8)
        done = wait_jobs(cluster, [s.job_id for s in accepted], timeout=1800, console=console)
        seconds = time.monotonic() - start
        result[kind] = {"jobs": count, "done": done["done"], "seconds": round(seconds, 1),
                        "per_minute": round(60 * done["done"] / seconds, 1)}
        console.print(f"{workers} worker(s), {count} {kind}: {seconds:.0f} s "
                      f"({result[kind]['per_minute']}/min)")
    return result


def _faults(cluster: Cluster, texts: int, recordings: int, console: Console) -> dict[str, Any]:
    """The fault run: submissions and the three faults at once (eval/scale_load.py)."""
    cluster.set_workers(2)
    batch = cluster.batch("audio", recordings, tag="fa") + cluster.batch("text", texts, tag="ft")
    start = time.monotonic()
    accepted = submit_all(cluster, batch, clients=16, faults=True, console=console)
    ids = [s.job_id for s in accepted]
    done = wait_jobs(cluster, ids, timeout=3600, console=console)
    result = {"submitted": len(batch), "accepted": len(accepted), **done,
              "seconds": round(time.monotonic() - start, 1),
              "accept_p50_ms": percentile([s.accept_ms for s in accepted], 50),
              "accept_p95_ms": percentile([s.accept_ms for s in accepted], 95),
              # attempts answered by no one (the killed API) or not 202, each sent again
              "retried_attempts": sum(s.refused for s in batch),
              "never_accepted": len(batch) - len(accepted)}
    result.update(cluster.fault_log)
    result.update(cluster.integrity(ids))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_scale")
    ap.add_argument("--texts", type=int, default=200)
    ap.add_argument("--recordings", type=int, default=12)
    ap.add_argument("--tp-texts", type=int, default=40, help="texts per throughput batch")
    ap.add_argument("--tp-recordings", type=int, default=4)
    ap.add_argument("--meetings", type=int, default=100_000, help="for the agenda timing")
    ap.add_argument("--parts", default="throughput,faults,agenda",
                    help="which parts to run (comma-separated); the others' figures already in "
                    "--out are kept")
    ap.add_argument("--keep", action="store_true", help="keep the folder (logs) at the end")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    console = Console()
    folder = Path(tempfile.mkdtemp(prefix="copilot-scale-"))
    os.chmod(folder, 0o755)  # PostgreSQL runs as its own OS user and must reach its folder
    parts = set(args.parts.split(","))
    result: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    result.update(date=dt.date.today().isoformat(), cpus=os.cpu_count())
    cluster = Cluster(folder, console)
    try:
        cluster.start()
        _run_parts(cluster, parts, args, result, console)
    finally:
        cluster.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            console.print(f"logs kept in {folder}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    faults = result.get("faults")
    ok = not faults or (faults["done"] == faults["accepted"] and not faults["duplicates"]
                        and not faults["lost"])
    return 0 if ok else 1


def _run_parts(cluster: Cluster, parts: set[str], args, result: dict, console: Console) -> None:
    if "throughput" in parts:
        result["throughput"] = [
            _throughput(cluster, n, args.tp_texts, args.tp_recordings, console) for n in (1, 2)]
    if "faults" in parts:
        result["faults"] = _faults(cluster, args.texts, args.recordings, console)
        console.print(f"fault run: {result['faults']}")
    if "agenda" in parts:
        result["agenda"] = {**fill_meetings(cluster, args.meetings, console),
                            **time_agenda(cluster, runs=100)}
        console.print(f"agenda with {result['agenda']['meetings']:,} meetings: "
                      f"p50 {result['agenda']['p50_ms']} ms, p95 {result['agenda']['p95_ms']} "
                      "ms (goal < 50 ms)")


if __name__ == "__main__":
    sys.exit(main())
