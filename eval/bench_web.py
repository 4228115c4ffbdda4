"""`python -m eval.bench_web`: server time of the manager's home (copilot.memory.home).

Fills a temporary COPILOT_HOME (real SQLite; the hash embedder and the in-memory vector store,
since the home reads no vector) with one manager, 50 reports and 40 weekly 1:1s each (2,000
meetings, two commitments per meeting, half the reports under the French legal calendar),
saved through the store's own write path (lifecycle included) as that manager. Then times
`manager_home` on a freshly opened store, median of 20 runs after a warm-up, and the same
through GET /v1/home (the route's whole server time, authentication included).
Goal: median <= 200 ms. Writes eval/results/bench_web.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from copilot import accounts
from copilot.memory import people as ppl
from copilot.memory.home import manager_home
from copilot.memory.store import Store
from copilot.models import (
    AccountRole,
    Analysis,
    NextStep,
    PersonUpdate,
    QuestionCounts,
    SpeakerTalk,
    Talk,
    Utterance,
)
from copilot.settings import get_settings

OUT = Path(__file__).resolve().parent / "results" / "bench_web.json"
FIRST = dt.date(2025, 4, 7)


def meeting(report: str, k: int) -> Analysis:
    """One small but complete 1:1 of Claire with `report`, week `k`."""
    utts = [Utterance(id=1, speaker="Claire", role="manager", start=0, end=5,
                      text=f"Où en est le projet {k} ?"),
            Utterance(id=2, speaker=report, role="report", start=5, end=15,
                      text=f"J'envoie le rapport {k} vendredi.")]
    day = FIRST + dt.timedelta(weeks=k)
    return Analysis(
        id=f"{report.lower()}-{k}", date=day, language="fr", manager="Claire", report=report,
        source="bench", source_format="text", engine="fake", utterances=utts,
        talk=Talk(basis="time", manager_share=0.33, report_share=0.67, turns=2,
                  speakers=[SpeakerTalk(speaker="Claire", role="manager", words=6, share=0.33),
                            SpeakerTalk(speaker=report, role="report", words=6, share=0.67)],
                  questions=QuestionCounts(open=1)),
        next_steps=[NextStep(owner=report, owner_role="report", action=f"envoyer le rapport {k}",
                             due=day + dt.timedelta(days=4), evidence=[2]),
                    NextStep(owner="Claire", owner_role="manager",
                             action=f"relire la note {k} de {report}", evidence=[1])])


def fill(settings, reports: int, weeks: int, console: Console) -> dict[str, Any]:
    start = time.perf_counter()
    with Store.open(settings) as store:
        user, _ = accounts.add_user(store, "claire@example.org", "Claire", AccountRole.MANAGER)
        claire = store.acting_as(store.principal_for_user(user.id))
        names = [f"Report{i:02d}" for i in range(reports)]
        with console.status("filling the store…") as status:
            for k in range(weeks):  # oldest first: the lifecycle sees each one's history
                claire.save_batch([meeting(n, k) for n in names])
                status.update(f"filling the store… week {k + 1}/{weeks}")
        for i, name in enumerate(names[::2]):
            ppl.update(claire, name, PersonUpdate(hire_date=dt.date(2020 + i % 5, 1 + i % 12, 1),
                                                  country="FR"))
    return {"fill_s": round(time.perf_counter() - start, 1)}


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_web")
    ap.add_argument("--reports", type=int, default=50)
    ap.add_argument("--weeks", type=int, default=40)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    console = Console()
    result: dict[str, Any] = {"reports": args.reports, "meetings": args.reports * args.weeks}
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(home=Path(tmp), memory={"embedder": "hash",
                                                        "vector_store": "memory"})
        result.update(fill(settings, args.reports, args.weeks, console))
        day = FIRST + dt.timedelta(weeks=args.weeks)
        with Store.open(settings) as store:  # fresh, as a server process would have it
            claire = store.acting_as(store.principal_for_user(store.user(
                "claire@example.org").id))
            home = manager_home(claire, day)  # warm-up: first query plans, caches
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                home = manager_home(claire, day)
                samples.append(time.perf_counter() - t)
        result.update(home_reports=len(home.reports), home_legal=len(home.legal),
                      home_median_ms=_median_ms(samples),
                      home_samples_ms=[round(x * 1000, 1) for x in samples])
        result["api_median_ms"] = _api_median(settings, args.runs, day)
    console.print(f"manager home, {result['reports']} reports x {args.weeks} meetings: "
                  f"median {result['home_median_ms']} ms (library), "
                  f"{result['api_median_ms']} ms (GET /v1/home); goal <= 200 ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result["date"] = dt.date.today().isoformat()
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["home_median_ms"] <= 200 else 1


def _api_median(settings, runs: int, day: dt.date) -> float:
    """GET /v1/home through the app (token check, scoped store, JSON) on this home."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    with Store.open(settings) as store:
        token = accounts.issue_token(store, "claire@example.org").token
    app = create_app(settings.model_copy(update={"server": settings.server.model_copy(
        update={"allowed_hosts": ["testserver"]})}))
    samples = []
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        client.get(f"/v1/home?date={day}")
        for _ in range(runs):
            t = time.perf_counter()
            response = client.get(f"/v1/home?date={day}")
            samples.append(time.perf_counter() - t)
            response.raise_for_status()
    return _median_ms(samples)


if __name__ == "__main__":
    raise SystemExit(main())
