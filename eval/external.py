"""Scores on real third-party labelled text (../shared/eval-data), when that folder exists.

The sets are read in place and never copied into the repo (their licences differ from ours;
see SOURCES.md there). The classifiers come from the rules engine, imported lazily so the
harness runs, and reports "skipped", while that engine does not exist yet.
"""

from __future__ import annotations

import csv
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copilot.models import Language
from eval.scoring import binary, classification

ANNOMI = Path("text/annomi/AnnoMI-full.csv")
CODE_REVIEW = Path("text/code-review-counterproductive/fullDataset.csv")
# The nine primitive traits of the code-review set; a comment with all nine at 0 is "clean".
TRAITS = (
    "Personal attacks",
    "Threats or intimidation",
    "Mockery",
    "Lack of specificity",
    "Discouragement without guide",
    "Disregard for other time or boundaries",
    "Unconscious bias",
    "Dismissive attitude",
    "Excessive control",
)


def _rows(path: Path) -> list[dict[str, str]]:
    # Some comments hold stray bytes; replacing them beats losing the row.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return list(csv.DictReader(fh))


def _load(module: str, name: str) -> tuple[Callable[..., Any] | None, str | None]:
    try:
        mod = importlib.import_module(module)
        return getattr(mod, name), None
    except Exception as exc:  # noqa: BLE001 - any failure means "engine not ready"
        return None, f"{module}.{name} unavailable: {type(exc).__name__}: {exc}"


def annomi(path: Path, classify: Callable[[str, str], str]) -> dict[str, Any]:
    """Therapist utterances labelled open/closed questions -> classify_question(text, "en")."""
    gold: list[str] = []
    pred: list[str | None] = []
    split: list[str] = []
    errors = 0
    rows = _rows(path)
    for row in rows:
        kind = (row.get("question_subtype") or "").strip()
        text = (row.get("utterance_text") or "").strip()
        if row.get("interlocutor") != "therapist" or kind not in ("open", "closed") or not text:
            continue
        gold.append(kind)
        split.append(annomi_split(row))
        try:
            # AnnoMI has no "leading" class: a leading question is a closed one.
            got = classify(text, Language.EN)
            pred.append("closed" if got == "leading" else got)
        except Exception:  # noqa: BLE001 - a crash on one row is an error, not a skipped set
            pred.append(None)
            errors += 1
    return {**classification(gold, pred, ("open", "closed")), "errors": errors,
            "by_split": {s: classification([g for g, k in zip(gold, split) if k == s],
                                           [p for p, k in zip(pred, split) if k == s],
                                           ("open", "closed")) for s in ("dev", "heldout")},
            "annotator_agreement": annotator_agreement(rows)}


def code_review(path: Path, classify: Callable[[str, str], tuple[Any, Any]]) -> dict[str, Any]:
    """Comments labelled "Personal attacks"; criticism about the person (negative, person)
    counts as a predicted attack -- praise of the person ("you're awesome") is no attack."""
    gold: list[bool] = []
    pred: list[bool] = []
    clean: list[bool] = []
    split: list[str] = []
    errors = 0
    for index, row in enumerate(_rows(path)):
        text = (row.get("description") or "").strip()
        if not text:
            continue
        split.append("dev" if index % 2 == 0 else "heldout")
        gold.append((row.get("Personal attacks") or "").strip() == "1")
        clean.append(all((row.get(t) or "").strip() == "0" for t in TRAITS))
        try:
            polarity, target = classify(text, Language.EN)
        except Exception:  # noqa: BLE001
            polarity = target = None
            errors += 1
        pred.append(target == "person" and polarity == "negative")
    prf = binary(gold, pred)
    flagged_clean = sum(p for p, c in zip(pred, clean) if c)
    n_clean = sum(clean)
    return {
        "n": len(gold),
        "positives": sum(gold),
        **prf.as_dict(),
        "clean_n": n_clean,
        "clean_false_positives": flagged_clean,
        "clean_false_positive_rate": round(flagged_clean / n_clean, 4) if n_clean else None,
        "errors": errors,
        "by_split": {s: _review_split(gold, pred, clean, split, s) for s in ("dev", "heldout")},
    }


def annomi_split(row: dict[str, str]) -> str:
    """Even transcript ids are dev (rules were read against them), odd ones heldout."""
    try:
        return "dev" if int(row.get("transcript_id") or 0) % 2 == 0 else "heldout"
    except ValueError:
        return "dev"


def annotator_agreement(rows: list[dict[str, str]]) -> dict[str, Any]:
    """How often two AnnoMI annotators give one utterance the same open/closed label (some
    transcripts were labelled by all ten): the ceiling any classifier is measured against."""
    by_utt: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        kind = (row.get("question_subtype") or "").strip()
        if row.get("interlocutor") == "therapist" and kind in ("open", "closed"):
            by_utt.setdefault((row.get("transcript_id", ""), row.get("utterance_id", "")),
                              []).append(kind)
    golds, preds = [], []
    for labels in by_utt.values():
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                golds += [a, b]
                preds += [b, a]  # each annotator scored against the other, both ways
    if not golds:
        return {"pairs": 0}
    scored = classification(golds, preds, ("open", "closed"))
    return {"pairs": len(golds) // 2, "accuracy": scored["accuracy"],
            "macro_f1": scored["macro_f1"]}


def _review_split(gold: list[bool], pred: list[bool], clean: list[bool], split: list[str],
                  name: str) -> dict[str, Any]:
    """Rows alternate dev/heldout (even rows were read while writing the rules)."""
    keep = [i for i, s in enumerate(split) if s == name]
    prf = binary([gold[i] for i in keep], [pred[i] for i in keep])
    n_clean = sum(clean[i] for i in keep)
    fp_clean = sum(pred[i] and clean[i] for i in keep)
    return {"n": len(keep), "positives": sum(gold[i] for i in keep), **prf.as_dict(),
            "clean_n": n_clean, "clean_false_positives": fp_clean,
            "clean_false_positive_rate": round(fp_clean / n_clean, 4) if n_clean else None}


def run_external(shared: Path) -> dict[str, Any]:
    """Every external set, each either scored or {"skipped": why}; ELITR (eval/elitr.py) too."""
    if not shared.is_dir():
        return {"skipped": f"{shared} does not exist"}
    out: dict[str, Any] = {"folder": str(shared)}
    qpath, fpath = shared / ANNOMI, shared / CODE_REVIEW
    if not qpath.is_file():
        out["annomi"] = {"skipped": f"{qpath} not found"}
    else:
        fn, why = _load("copilot.analyze.rules.questions", "classify_question")
        out["annomi"] = annomi(qpath, fn) if fn else {"skipped": why}
    if not fpath.is_file():
        out["code_review"] = {"skipped": f"{fpath} not found"}
    else:
        fn, why = _load("copilot.analyze.rules.feedback", "classify_feedback")
        out["code_review"] = code_review(fpath, fn) if fn else {"skipped": why}
    from eval.elitr import elitr  # lazy: it runs the whole pipeline

    out["elitr"] = elitr(shared)
    return out
