"""`python -m eval.listening [--shared DIR]`: reflection detection on AnnoMI.

AnnoMI (../shared/eval-data/text/annomi/AnnoMI-full.csv): 133 motivational-interviewing
demonstrations, every therapist utterance labelled `reflection_exists` (subtype simple or
complex). The therapist plays the manager and the client the report; each therapist turn is read
with the client's previous turn, through the product's own `copilot.analyze.listening.replies`
and `reflection_flags`. Utterances labelled by several annotators take the majority (a tie counts
as a reflection). Split by transcript id: even ids are dev (the cues and weights were set
there), odd ids are held out (never tuned on). Prints precision/recall/F1 per split, and the
recall of each subtype. Writes eval/results/listening.json. Measures, never gates: exit 0.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from copilot.analyze.listening import reflection_flags, replies
from copilot.models import Utterance

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "eval-data"
DEFAULT_OUT = ROOT / "eval" / "results" / "listening.json"
ANNOMI = Path("text") / "annomi" / "AnnoMI-full.csv"
ROLES = {"therapist": "manager", "client": "report"}


def load_annomi(path: Path) -> dict[int, list[dict[str, Any]]]:
    """Transcript id -> its utterances in order: id, role, text, gold (bool or None for the
    client) and subtype (majority over annotators)."""
    votes: dict[tuple[int, int], list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            votes[int(row["transcript_id"]), int(row["utterance_id"])].append(row)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (tid, uid), rows in sorted(votes.items()):
        role = ROLES.get(rows[0]["interlocutor"])
        if role is None:
            continue
        gold, subtype = None, None
        if role == "manager":
            yes = [r for r in rows if r["reflection_exists"].strip().lower() == "true"]
            gold = 2 * len(yes) >= len(rows)
            kinds = [r["reflection_subtype"] for r in yes if r["reflection_subtype"]]
            subtype = max(set(kinds), key=kinds.count) if gold and kinds else None
        out[tid].append({"id": uid, "role": role, "text": rows[0]["utterance_text"] or "",
                         "gold": gold, "subtype": subtype})
    return dict(out)


def predict(utterances: list[dict[str, Any]]) -> dict[int, bool]:
    """The product's verdict on each therapist utterance of one transcript."""
    us = [Utterance(id=u["id"], speaker=u["role"], role=u["role"], text=u["text"])
          for u in utterances]
    said = replies(us, "manager", "en")
    flags = reflection_flags([reply for _, reply in said], "en")
    return {uid: flag for (uid, _), flag in zip(said, flags, strict=True)}


def score(transcripts: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    """Precision, recall and F1 of reflections, and the recall per subtype."""
    tp = fp = fn = 0
    sub_hit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for utterances in transcripts.values():
        said = predict(utterances)
        for u in utterances:
            if u["gold"] is None:
                continue
            guess = said.get(u["id"], False)
            tp += guess and u["gold"]
            fp += guess and not u["gold"]
            fn += u["gold"] and not guess
            if u["gold"]:
                hit = sub_hit[u["subtype"] or "unknown"]
                hit[0] += guess
                hit[1] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"transcripts": len(transcripts), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "recall_by_subtype": {k: round(h / n, 4) for k, (h, n) in sorted(sub_hit.items())}}


def run(csv_path: Path) -> dict[str, Any]:
    data = load_annomi(csv_path)
    return {"dev": score({t: u for t, u in data.items() if t % 2 == 0}),
            "held_out": score({t: u for t, u in data.items() if t % 2 == 1})}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.listening",
                                 description="Reflection detection on AnnoMI.")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    path = args.shared / ANNOMI
    if not path.is_file():
        print(f"eval.listening: skipped, no AnnoMI at {path}")
        return 0
    result = run(path)
    for split in ("dev", "held_out"):
        s = result[split]
        subs = ", ".join(f"{k} {v:.0%}" for k, v in s["recall_by_subtype"].items())
        print(f"AnnoMI reflections {split:8s} ({s['transcripts']} transcripts): "
              f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}  (recall: {subs})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
