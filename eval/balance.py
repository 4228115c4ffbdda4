"""`python -m eval.balance`: how well the balance of the conversation is classified.

1. Stretches (eval/data/balance/{fr,en}.toml, written by the project): a few turns each,
   labelled with their kind of talk; a stretch's predicted kind is the one with the largest
   share of it (copilot.analyze.balance). Accuracy and per-kind F1, dev and held-out apart
   (`split = "held_out"`: never tuned on).
2. Whole meetings (eval/data/balance/meetings.toml): whether `mostly_failures` should fire;
   its precision and recall with the default settings.
Measures, never gates: exit 0 whatever the scores.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from copilot.analyze.balance import compute_balance
from copilot.analyze.critique.balance import mostly_failures_warning
from copilot.ingest.formats import parse_text
from copilot.models import Language, TalkKind, Transcript
from copilot.settings import defaults

DATA = Path(__file__).parent / "data" / "balance"


@dataclass(frozen=True)
class Stretch:
    text: str
    kind: TalkKind
    split: str
    language: Language


def load_stretches(folder: Path = DATA) -> list[Stretch]:
    out = []
    for lang in ("fr", "en"):
        data = tomllib.loads((folder / f"{lang}.toml").read_text(encoding="utf-8"))
        out += [Stretch(s["text"], TalkKind(s["kind"]), s["split"], Language(lang))
                for s in data["stretch"]]
    return out


def transcript(text: str, lang: str) -> Transcript:
    return parse_text(text, filename="meeting.txt", lang=lang)


def predict(stretch: Stretch) -> TalkKind:
    """The kind with the largest share of the stretch."""
    balance = compute_balance(transcript(stretch.text, stretch.language))
    return max(balance, key=lambda b: b.share).kind


def score(gold: Sequence[TalkKind], predicted: Sequence[TalkKind]) -> dict[str, object]:
    """Accuracy and per-kind precision/recall/F1 (a kind never gold nor predicted: F1 None)."""
    pairs = list(zip(gold, predicted, strict=True))
    per: dict[str, float | None] = {}
    for kind in TalkKind:
        tp = sum(g == p == kind for g, p in pairs)
        fp = sum(p == kind != g for g, p in pairs)
        fn = sum(g == kind != p for g, p in pairs)
        per[str(kind)] = round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None
    scored = [f for f in per.values() if f is not None]
    return {"n": len(pairs),
            "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 3) if pairs else None,
            "macro_f1": round(sum(scored) / len(scored), 3) if scored else None, "f1": per}


def warning_scores(folder: Path = DATA) -> dict[str, object]:
    meetings = tomllib.loads((folder / "meetings.toml").read_text(encoding="utf-8"))["meeting"]
    settings, hits = defaults(), []
    for m in meetings:
        t = transcript(m["text"], m["language"])
        fired = mostly_failures_warning(t, compute_balance(t), settings) is not None
        hits.append((m["id"], bool(m["mostly_failures"]), fired))
    tp = sum(g and f for _, g, f in hits)
    fired, gold = sum(f for *_, f in hits), sum(g for _, g, _ in hits)
    return {"meetings": len(hits), "precision": round(tp / fired, 3) if fired else None,
            "recall": round(tp / gold, 3) if gold else None,
            "wrong": [i for i, g, f in hits if g != f]}


def run(folder: Path = DATA) -> dict[str, object]:
    stretches = load_stretches(folder)
    out: dict[str, object] = {}
    for split in ("dev", "held_out"):
        for lang in ("fr", "en", None):
            chosen = [s for s in stretches if s.split == split and lang in (None, s.language)]
            out[f"{split}.{lang or 'all'}"] = score([s.kind for s in chosen],
                                                   [predict(s) for s in chosen])
    out["mostly_failures"] = warning_scores(folder)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.balance", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.data)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("balance of the conversation: stretch kind (largest share)")
    for key, s in figures.items():
        if key == "mostly_failures":
            continue
        f1 = " ".join(f"{k[:4]}={v if v is not None else '-'}" for k, v in s["f1"].items())
        print(f"  {key:<14} n={s['n']:<3} accuracy={s['accuracy']} macro-F1={s['macro_f1']}"
              f"  F1: {f1}")
    w = figures["mostly_failures"]
    print(f"mostly_failures on {w['meetings']} whole meetings: precision={w['precision']} "
          f"recall={w['recall']} wrong={w['wrong']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
