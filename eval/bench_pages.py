"""`python -m eval.bench_pages`: server time of the main pages, in-process (no network).

Two homes, in temporary COPILOT_HOMEs with the real SQLite store (hash embedder, in-memory
vectors: the pages never embed):
- the meeting page of a 60-minute meeting (the text bench's transcript, ~10,400 words,
  analysed once with the real rules engine), goal p50 < 300 ms;
- the manager's home with 50 reports and 2,000 meetings (40 each), goal p50 < 200 ms.
Each page is fetched signed in through the login form, once to warm up, then `--runs` times.
Writes eval/results/bench_pages.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from eval.bench import build_transcript
from eval.bench_memory import ACTIONS_FR, TALK_FR, fill

OUT = Path(__file__).resolve().parent / "results" / "bench_pages.json"
PASSWORD = "correct horse battery staple"


@contextmanager
def temporary_home():
    saved = {k: os.environ.get(k) for k in ("COPILOT_HOME", "COPILOT_EMBEDDER",
                                            "COPILOT_VECTOR_STORE")}
    with tempfile.TemporaryDirectory() as home:
        os.environ.update(COPILOT_HOME=home, COPILOT_EMBEDDER="hash",
                          COPILOT_VECTOR_STORE="memory")
        try:
            yield home
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.update({key: value})


def _signed_in(app):
    from fastapi.testclient import TestClient

    from copilot import accounts
    from copilot.memory.store import Store
    from copilot.models import AccountRole

    with Store.open(app.state.settings) as store:
        accounts.add_user(store, "claire@example.org", "Claire", AccountRole.MANAGER,
                          password=PASSWORD)
    client = TestClient(app, base_url="http://localhost")
    client.post("/login", data={"email": "claire@example.org", "password": PASSWORD})
    return client


def _as_claire(app):
    from copilot.memory.store import Store

    store = Store.open(app.state.settings)
    return store.acting_as(store.principal_for_user(store.user("claire@example.org").id))


def _timed(client, path: str, runs: int) -> dict[str, float]:
    assert client.get(path).status_code == 200, path  # warm-up, and a page that works
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(path)
        samples.append(time.perf_counter() - start)
        assert answer.status_code == 200
    ms = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1), "runs": runs,
            "bytes": len(answer.content)}


def meeting_page(runs: int) -> dict:
    from api.main import create_app
    from copilot.request import MeetingRequest
    from copilot.workflow import remember_meeting

    with temporary_home():
        app = create_app()
        with _signed_in(app) as client:
            store = _as_claire(app)
            text = build_transcript(60)
            analysis = remember_meeting(
                MeetingRequest(manager="Claire", report="Julien", date="2026-03-02",
                               lang="fr", source="bench.txt"),
                text, store=store, settings=app.state.settings)
            store.close()
            out = _timed(client, f"/meetings/{analysis.id}", runs)
        out |= {"words": len(text.split()), "utterances": len(analysis.utterances)}
    return out


def _meetings(reports: int, each: int, rng: random.Random):
    from copilot.models import Analysis, NextStep, Utterance

    out = []
    for r in range(reports):
        report = f"Report {r:02d}"
        for k in range(each):
            day = dt.date.today() - dt.timedelta(days=7 * (each - k) + rng.randint(0, 2))
            utts = [Utterance(id=j, speaker=report if j % 2 else "Claire",
                              role="report" if j % 2 else "manager",
                              text=fill(rng.choice(TALK_FR), rng)) for j in range(1, 7)]
            steps = [NextStep(owner=report if j else "Claire",
                              owner_role="report" if j else "manager",
                              action=fill(rng.choice(ACTIONS_FR), rng), evidence=[1])
                     for j in range(2)]
            out.append(Analysis(id=f"h{r:02d}{k:03d}", date=day, language="fr",
                                manager="Claire", report=report, engine="bench",
                                utterances=utts, next_steps=steps))
    return out


def home_page(runs: int, reports: int = 50, each: int = 40) -> dict:
    from api.main import create_app

    with temporary_home():
        app = create_app()
        with _signed_in(app) as client:
            store = _as_claire(app)
            analyses = _meetings(reports, each, random.Random(7))
            for k in range(0, len(analyses), 250):
                store.save_batch(analyses[k:k + 250])
            store.close()
            out = _timed(client, "/", runs)
    return out | {"reports": reports, "meetings": reports * each}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    console = Console()
    with console.status("the meeting page of a 60-minute meeting…"):
        meeting = meeting_page(args.runs)
    with console.status("the home of a manager with 50 reports and 2,000 meetings…"):
        home = home_page(args.runs)
    results = {"date": dt.date.today().isoformat(),
               "meeting_page": meeting | {"goal_ms": 300},
               "home_page": home | {"goal_ms": 200}}
    table = Table("page", "p50 ms", "p95 ms", "goal ms", "size")
    for name in ("meeting_page", "home_page"):
        r = results[name]
        table.add_row(name, str(r["p50_ms"]), str(r["p95_ms"]), str(r["goal_ms"]),
                      f"{r['bytes'] // 1024} KiB")
    console.print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
