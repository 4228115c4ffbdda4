"""Scoring: pure functions over predicted and gold items, no I/O and no engine.

Items of one type are matched one-to-one when their evidence (utterance ids) intersect; then
detection and per-field precision/recall/F1 are counted. Sums of counts over cases give the
micro averages, so every number in a report can be recomputed from the per-case counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from copilot.text import name_key

# The fields scored per item type; facts are scored on detection only.
FIELDS: dict[str, tuple[str, ...]] = {
    "next_steps": ("owner", "due"),
    "feedback": ("polarity", "target"),
    "questions": ("kind",),
    "facts": (),
}
TYPES = tuple(FIELDS)
ALL_FIELDS = "all"  # the metric key suffix for "every field right", e.g. next_steps.all
# Gold facts are labelled one per utterance; an engine that returns one fact per sentence is
# not wrong for it, so predicted facts with the same evidence are merged before matching.
MERGED_KINDS = frozenset({"facts"})


@dataclass
class PRF:
    """Counts of one metric; precision/recall/F1 are None when undefined (nothing to count)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, Any]:
        rnd = lambda x: None if x is None else round(x, 4)
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": rnd(self.precision),
            "recall": rnd(self.recall),
            "f1": rnd(self.f1),
            "support": self.support,
        }


@dataclass(frozen=True)
class Item:
    """One predicted or gold item, reduced to what scoring compares."""

    evidence: frozenset[int]
    fields: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    def describe(self) -> dict[str, Any]:
        vals = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.fields.items()}
        return {"text": self.text, "evidence": sorted(self.evidence), **vals}


def normalise(name: str, value: Any) -> Any:
    """Owners compare case- and accent-insensitively ("Zoé" == "zoe"); other fields exactly."""
    if name == "owner":
        return name_key(value) if value else None
    return value


def to_item(kind: str, obj: Any, text: str | None = None) -> Item:
    """An Item from a gold label or a predicted model (both use the same attribute names)."""
    fields = {f: getattr(obj, f, None) for f in FIELDS[kind]}
    if text is None:
        text = getattr(obj, "action", None) or getattr(obj, "text", None) or ""
    return Item(frozenset(obj.evidence), fields, text)


def merge_same_evidence(items: Sequence[Item]) -> list[Item]:
    """One item per distinct evidence set (first one's fields, texts joined), in input order."""
    merged: dict[frozenset[int], Item] = {}
    for item in items:
        first = merged.get(item.evidence)
        if first is None:
            merged[item.evidence] = item
        else:
            merged[item.evidence] = Item(
                first.evidence, first.fields, f"{first.text} / {item.text}"
            )
    return list(merged.values())


def _agree(p: Item, g: Item) -> int:
    return sum(normalise(k, p.fields.get(k)) == normalise(k, g.fields.get(k)) for k in g.fields)


def match(pred: Sequence[Item], gold: Sequence[Item]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of items whose evidence intersects.

    Candidate pairs are taken best first: most agreeing fields, then largest evidence overlap
    (Jaccard), then input order. Two gold items on one turn (praise then criticism) thus pair
    with the predictions that agree with them, not with whichever comes first.
    """
    candidates = []
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            common = p.evidence & g.evidence
            if common:
                jac = len(common) / len(p.evidence | g.evidence)
                candidates.append((-_agree(p, g), -jac, pi, gi))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, _, pi, gi in candidates:
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            pairs.append((pi, gi))
    return sorted(pairs, key=lambda x: x[1])


@dataclass
class TypeResult:
    counts: dict[str, PRF]
    missed: list[Item]
    spurious: list[Item]
    wrong_fields: list[dict[str, Any]]


def score_items(kind: str, pred: Sequence[Item], gold: Sequence[Item]) -> TypeResult:
    """Detection counts under `kind`, and per-field counts under `kind.field`.

    A field is a true positive only when the items are matched AND the value equals gold; so
    its precision is over all predictions and its recall over all gold items.
    """
    pairs = match(pred, gold)
    tp = len(pairs)
    counts = {kind: PRF(tp, len(pred) - tp, len(gold) - tp)}
    wrong: list[dict[str, Any]] = []
    for f in FIELDS[kind]:
        ok = 0
        for pi, gi in pairs:
            pv, gv = pred[pi].fields.get(f), gold[gi].fields.get(f)
            if normalise(f, pv) == normalise(f, gv):
                ok += 1
            else:
                wrong.append(
                    {"field": f, "gold": gold[gi].describe(), "predicted": pred[pi].describe()}
                )
        counts[f"{kind}.{f}"] = PRF(ok, len(pred) - ok, len(gold) - ok)
    if len(FIELDS[kind]) > 1:
        # All fields right at once: a next step is usable only with its owner AND its date.
        ok = sum(all(normalise(f, pred[pi].fields.get(f)) == normalise(f, gold[gi].fields.get(f))
                     for f in FIELDS[kind]) for pi, gi in pairs)
        counts[f"{kind}.{ALL_FIELDS}"] = PRF(ok, len(pred) - ok, len(gold) - ok)
    matched_p = {pi for pi, _ in pairs}
    matched_g = {gi for _, gi in pairs}
    return TypeResult(
        counts=counts,
        missed=[g for i, g in enumerate(gold) if i not in matched_g],
        spurious=[p for i, p in enumerate(pred) if i not in matched_p],
        wrong_fields=wrong,
    )


FLAGGED_FACTS = "feedback.person_flag_on_facts"  # tp: flagged, fn: left alone (a rate, not F1)


def person_flags_on_facts(pred: Sequence[Item], gold: Sequence[Item]) -> PRF:
    """Criticism labelled as being about facts (negative, behavior) that the engine calls
    criticism of the person: tp counts those wrongly flagged, fn those left alone. A turn that
    also holds a labelled attack on the person is not counted (the flag is right there)."""
    attacks = [g for g in gold if g.fields == {"polarity": "negative", "target": "person"}]
    flagged = total = 0
    for g in gold:
        if g.fields != {"polarity": "negative", "target": "behavior"}:
            continue
        if any(a.evidence & g.evidence for a in attacks):
            continue
        total += 1
        flagged += any(p.evidence & g.evidence and p.fields.get("polarity") == "negative"
                       and p.fields.get("target") == "person" for p in pred)
    return PRF(flagged, 0, total - flagged)


def score_warnings(
    pred: Iterable[str], gold: Iterable[str], codes: Sequence[str]
) -> dict[str, PRF]:
    """Counts over (case, code) pairs for one case; codes outside `codes` are not scored."""
    p = set(pred) & set(codes)
    g = set(gold) & set(codes)
    out = {"warnings": PRF(len(p & g), len(p - g), len(g - p))}
    for code in codes:
        out[f"warnings.{code}"] = PRF(
            int(code in p and code in g),
            int(code in p and code not in g),
            int(code in g and code not in p),
        )
    return out


@dataclass
class CaseResult:
    counts: dict[str, PRF]
    errors: dict[str, dict[str, list[Any]]]


def score_case(
    pred: Mapping[str, Sequence[Item]],
    gold: Mapping[str, Sequence[Item]],
    pred_warnings: Iterable[str],
    gold_warnings: Iterable[str],
    codes: Sequence[str],
) -> CaseResult:
    counts: dict[str, PRF] = {}
    errors: dict[str, dict[str, list[Any]]] = {}
    for kind in TYPES:
        predicted = pred.get(kind, [])
        if kind in MERGED_KINDS:
            predicted = merge_same_evidence(predicted)
        res = score_items(kind, predicted, gold.get(kind, []))
        counts.update(res.counts)
        errors[kind] = {
            "missed": [i.describe() for i in res.missed],
            "spurious": [i.describe() for i in res.spurious],
            "wrong_fields": res.wrong_fields,
        }
    counts[FLAGGED_FACTS] = person_flags_on_facts(pred.get("feedback", []),
                                                  gold.get("feedback", []))
    counts.update(score_warnings(pred_warnings, gold_warnings, codes))
    return CaseResult(counts, errors)


def aggregate(per_case: Iterable[Mapping[str, PRF]]) -> dict[str, PRF]:
    """Micro average: sum the counts of every case, metric by metric."""
    total: dict[str, PRF] = {}
    for counts in per_case:
        for key, prf in counts.items():
            total[key] = total.get(key, PRF()) + prf
    return total


def classification(
    gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str]
) -> dict[str, Any]:
    """Per-class P/R/F1, macro-F1 and accuracy; a None prediction (an error) is always wrong."""
    per = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        per[label] = PRF(tp, fp, fn)
    f1s = [prf.f1 or 0.0 for prf in per.values()]
    n = len(gold)
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / n, 4) if n else None,
        "macro_f1": round(sum(f1s) / len(f1s), 4) if n and f1s else None,
        "per_class": {label: prf.as_dict() for label, prf in per.items()},
    }


def binary(gold: Sequence[bool], pred: Sequence[bool]) -> PRF:
    return PRF(
        sum(g and p for g, p in zip(gold, pred)),
        sum(p and not g for g, p in zip(gold, pred)),
        sum(g and not p for g, p in zip(gold, pred)),
    )
