"""The project's own labelled feedback sentences (eval/data/feedback/*.toml), scored.

Targets: accuracy >= 0.90 on (polarity, target) over praise and criticism, and at most
5% of fact-based criticism flagged as about the person -- a manager stops reading a tool that
calls their factual feedback a personal attack. Each file fixes a dev/heldout split; the
heldout part is only ever scored, never used to tune a rule.

Also measured: distractors (not feedback) wrongly taken for feedback, and how often the
"criticism that states no fact" check agrees with the `facts` label.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from copilot.models import Language

FEEDBACK_DIR = Path(__file__).parent / "data" / "feedback"
ACCURACY_TARGET = 0.90
PERSON_FP_TARGET = 0.05
Split = Literal["dev", "heldout"]


class FeedbackSentence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    polarity: Literal["positive", "negative", "none"]
    target: Literal["behavior", "person", "none"]
    facts: bool | None = None
    why: str
    split: Split
    lang: Language = Language.FR

    @model_validator(mode="after")
    def _check(self) -> FeedbackSentence:
        if (self.polarity == "none") != (self.target == "none"):
            raise ValueError("polarity and target are both 'none' or neither is")
        criticism = self.polarity == "negative" and self.target == "behavior"
        if self.facts is not None and not criticism:
            raise ValueError("`facts` labels criticism about behaviour only")
        if criticism and self.facts is None:
            raise ValueError("criticism about behaviour needs `facts = true|false`")
        return self

    @property
    def is_feedback(self) -> bool:
        return self.polarity != "none"


class FeedbackSetError(Exception):
    """A feedback file that does not load or validate; the message names the file."""


def load_feedback_set(folder: Path = FEEDBACK_DIR) -> list[FeedbackSentence]:
    items: list[FeedbackSentence] = []
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise FeedbackSetError(f"no *.toml file in {folder}")
    for path in files:
        lang = path.stem
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            rows = [FeedbackSentence.model_validate({**row, "lang": lang}) for row in raw["items"]]
        except (tomllib.TOMLDecodeError, KeyError, ValidationError) as exc:
            raise FeedbackSetError(f"{path.name}: {exc}") from exc
        items.extend(rows)
    texts = Counter(i.text for i in items)
    dupes = [t for t, n in texts.items() if n > 1]
    if dupes:
        raise FeedbackSetError(f"duplicate sentences: {dupes[:3]}")
    return items


Classifier = Callable[[str, str], tuple[str | None, str | None]]
FactCheck = Callable[[str, str], bool]


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score_feedback(
    items: Iterable[FeedbackSentence], classify: Classifier, states_fact: FactCheck | None = None
) -> dict[str, Any]:
    """Scores of one group of sentences; `errors` lists every wrong prediction."""
    items = list(items)
    feedback = [i for i in items if i.is_feedback]
    distractors = [i for i in items if not i.is_feedback]
    preds = {id(i): classify(i.text, i.lang) for i in items}
    right = [i for i in feedback if preds[id(i)] == (i.polarity, i.target)]
    fact_crit = [i for i in feedback if i.facts is True]
    person_fp = [i for i in fact_crit if preds[id(i)][1] == "person"]
    noise = [i for i in distractors if preds[id(i)][0] is not None]
    cells: dict[str, dict[str, int]] = {}
    for i in feedback:
        cell = cells.setdefault(f"{i.polarity}/{i.target}", {"n": 0, "right": 0})
        cell["n"] += 1
        cell["right"] += preds[id(i)] == (i.polarity, i.target)
    out: dict[str, Any] = {
        "n": len(feedback),
        "accuracy": _rate(len(right), len(feedback)),
        "polarity_accuracy": _rate(sum(preds[id(i)][0] == i.polarity for i in feedback),
                                   len(feedback)),
        "target_accuracy": _rate(sum(preds[id(i)][1] == i.target for i in feedback),
                                 len(feedback)),
        "fact_criticism_n": len(fact_crit),
        "person_false_positives": len(person_fp),
        "person_fp_rate": _rate(len(person_fp), len(fact_crit)),
        "distractors_n": len(distractors),
        "distractors_flagged": len(noise),
        "cells": cells,
    }
    if states_fact is not None:
        labelled = [i for i in feedback if i.facts is not None]
        agree = sum(states_fact(i.text, i.lang) == i.facts for i in labelled)
        out["no_fact_check_accuracy"] = _rate(agree, len(labelled))
    out["errors"] = [
        {"text": i.text, "lang": i.lang, "why": i.why,
         "gold": [i.polarity, i.target], "predicted": list(preds[id(i)])}
        for i in items
        if (preds[id(i)] != (i.polarity, i.target) if i.is_feedback
            else preds[id(i)][0] is not None)
    ]
    return out


def run_feedback_eval(split: str = "all", folder: Path = FEEDBACK_DIR) -> dict[str, Any]:
    """Scores per split (only the one asked for, unless 'all'), or {"skipped": why}."""
    try:
        from copilot.analyze.rules.feedback import classify_feedback, states_fact
    except Exception as exc:  # noqa: BLE001 - a broken engine is reported, not raised
        return {"skipped": f"feedback rules unavailable: {type(exc).__name__}: {exc}"}
    try:
        items = load_feedback_set(folder)
    except FeedbackSetError as exc:
        return {"skipped": str(exc)}
    splits = ("dev", "heldout") if split == "all" else (split,)
    out: dict[str, Any] = {"targets": {"accuracy": ACCURACY_TARGET,
                                       "person_fp_rate": PERSON_FP_TARGET}}
    for name in splits:
        chosen = [i for i in items if i.split == name]
        out[name] = score_feedback(chosen, classify_feedback, states_fact)
        for lang in Language:
            sub = score_feedback([i for i in chosen if i.lang == lang], classify_feedback)
            out[name][f"accuracy_{lang}"] = sub["accuracy"]
    return out


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def coaching_tables(feedback: dict[str, Any], external: dict[str, Any]) -> list[Any]:
    """Rich tables for `python -m eval`: the feedback set per split, and the external sets'
    dev/heldout figures with the AnnoMI annotators' own agreement."""
    from rich.table import Table

    out: list[Any] = []
    if "skipped" in feedback:
        out.append(f"Feedback set skipped: {feedback['skipped']}")
    else:
        t = Table(title=f"Feedback sentences, project set (targets: accuracy >= "
                  f"{ACCURACY_TARGET:.2f}, person flag on fact-based criticism <= "
                  f"{PERSON_FP_TARGET:.0%})", title_justify="left")
        for col in ("split", "n", "accuracy", "fr", "en", "polarity", "target",
                    "person FP on facts", "distractors flagged", "no-fact check"):
            t.add_column(col, justify="left" if col == "split" else "right")
        for name in ("dev", "heldout"):
            if name not in feedback:
                continue
            r = feedback[name]
            t.add_row(name, str(r["n"]), _f(r["accuracy"]), _f(r["accuracy_fr"]),
                      _f(r["accuracy_en"]), _f(r["polarity_accuracy"]), _f(r["target_accuracy"]),
                      f"{r['person_false_positives']}/{r['fact_criticism_n']} "
                      f"({_f(r['person_fp_rate'])})",
                      f"{r['distractors_flagged']}/{r['distractors_n']}",
                      _f(r.get("no_fact_check_accuracy")))
        out.append(t)
    q = external.get("annomi", {})
    if "by_split" in q:
        t = Table(title="AnnoMI open/closed by split (even transcript ids = dev)",
                  title_justify="left")
        for col in ("split", "n", "accuracy", "macro-F1"):
            t.add_column(col, justify="left" if col == "split" else "right")
        for name, r in q["by_split"].items():
            t.add_row(name, str(r["n"]), _f(r["accuracy"]), _f(r["macro_f1"]))
        ag = q.get("annotator_agreement", {})
        if ag.get("pairs"):
            t.add_row("annotator vs annotator", f"{ag['pairs']} pairs", _f(ag["accuracy"]),
                      _f(ag["macro_f1"]))
        out.append(t)
    c = external.get("code_review", {})
    if "by_split" in c:
        t = Table(title="Code-review personal attacks by split (even rows = dev)",
                  title_justify="left")
        for col in ("split", "n", "attacks", "P", "R", "F1", "FP rate on clean"):
            t.add_column(col, justify="left" if col == "split" else "right")
        for name, r in c["by_split"].items():
            t.add_row(name, str(r["n"]), str(r["positives"]), _f(r["precision"]), _f(r["recall"]),
                      _f(r["f1"]), f"{r['clean_false_positives']}/{r['clean_n']} "
                      f"({_f(r['clean_false_positive_rate'])})")
        out.append(t)
    return out
