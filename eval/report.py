"""Rich tables and the JSON document of one eval run (formatting only, no scoring)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from eval.cases import WARNING_CODES
from eval.scoring import ALL_FIELDS, FIELDS, FLAGGED_FACTS, PRF, TYPES

# Table rows in reading order: detection, then that type's fields, then warnings.
METRIC_ORDER = [m for kind in TYPES for m in (
    kind, *(f"{kind}.{f}" for f in FIELDS[kind]),
    *([f"{kind}.{ALL_FIELDS}"] if len(FIELDS[kind]) > 1 else []))]
METRIC_ORDER += ["warnings", *(f"warnings.{c}" for c in WARNING_CODES)]


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def scores_table(title: str, counts: Mapping[str, PRF]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("metric", "P", "R", "F1", "support", "tp", "fp", "fn"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for key in METRIC_ORDER:
        prf = counts.get(key, PRF())
        label = key if "." not in key else "  ." + key.split(".", 1)[1]
        style = "bold" if "." not in key else None
        table.add_row(
            label,
            _pct(prf.precision),
            _pct(prf.recall),
            _pct(prf.f1),
            str(prf.support),
            str(prf.tp),
            str(prf.fp),
            str(prf.fn),
            style=style,
        )
    return table


def groups_table(title: str, groups: Mapping[str, tuple[int, Mapping[str, PRF]]]) -> Table:
    """One column per group (language or split), one row per metric: F1 (support)."""
    table = Table(title=title, title_justify="left")
    table.add_column("F1 (support)")
    for name, (n, _) in groups.items():
        table.add_column(f"{name} ({n} cases)", justify="right")
    for key in METRIC_ORDER:
        if key.startswith("warnings."):
            continue
        label = key if "." not in key else "  ." + key.split(".", 1)[1]
        cells = []
        for _, counts in groups.values():
            prf = counts.get(key, PRF())
            cells.append(f"{_pct(prf.f1)} ({prf.support})")
        table.add_row(label, *cells, style="bold" if "." not in key else None)
    return table


def flag_rates(groups: Mapping[str, tuple[int, Mapping[str, PRF]]]) -> dict[str, dict[str, Any]]:
    """Per group: criticism labelled as about facts that the engine flagged as about the person
    (the issue's target: at most 5%)."""
    out = {}
    for name, (_, counts) in groups.items():
        prf = counts.get(FLAGGED_FACTS, PRF())
        out[name] = {"flagged": prf.tp, "of": prf.support,
                     "rate": round(prf.tp / prf.support, 4) if prf.support else None}
    return out


def flags_line(groups: Mapping[str, tuple[int, Mapping[str, PRF]]]) -> str:
    parts = []
    for name, r in flag_rates(groups).items():
        rate = "–" if r["rate"] is None else f"{r['rate']:.0%}"
        parts.append(f"{name} {r['flagged']}/{r['of']} ({rate})")
    return "Fact-based criticism flagged as about the person: " + ", ".join(parts)


def cases_table(rows: list[dict[str, Any]]) -> Table:
    """Per case: predicted/gold counts per type, and the warnings that differ (+extra -missed)."""
    table = Table(title="Cases: predicted/gold items (! = analysis failed)", title_justify="left")
    for col in ("case", "lang", "split", "mgr share", *TYPES, "warnings"):
        table.add_column(col, justify="left" if col in ("case", "warnings") else "right")
    for r in rows:
        c = r["counts"]
        cells = [f"{c[k]['tp'] + c[k]['fp']}/{c[k]['support']}" for k in TYPES]
        pred, gold = set(r["predicted_warnings"]), set(r["gold_warnings"])
        diff = [f"+{w}" for w in sorted(pred - gold)] + [f"-{w}" for w in sorted(gold - pred)]
        name = r["id"] + (" !" if r.get("error") else "")
        table.add_row(
            name,
            r["language"],
            r["split"],
            _pct(r.get("manager_share")),
            *cells,
            " ".join(diff) or "ok",
            style="red" if r.get("error") else None,
        )
    return table


def external_tables(ext: Mapping[str, Any]) -> list[Table | str]:
    if "skipped" in ext:
        return [f"External sets skipped: {ext['skipped']}"]
    out: list[Table | str] = []
    q = ext.get("annomi", {})
    if "skipped" in q:
        out.append(f"AnnoMI questions skipped: {q['skipped']}")
    else:
        t = Table(
            title=f"AnnoMI open/closed questions (n={q['n']}, accuracy {_pct(q['accuracy'])}, "
            f"macro-F1 {_pct(q['macro_f1'])}, errors {q['errors']})",
            title_justify="left",
        )
        for col in ("class", "P", "R", "F1", "support"):
            t.add_column(col, justify="left" if col == "class" else "right")
        for label, d in q["per_class"].items():
            t.add_row(
                label, _pct(d["precision"]), _pct(d["recall"]), _pct(d["f1"]), str(d["support"])
            )
        out.append(t)
    f = ext.get("code_review", {})
    if "skipped" in f:
        out.append(f"Code-review personal attacks skipped: {f['skipped']}")
    else:
        t = Table(
            title="Code-review comments: personal attacks (target == person)", title_justify="left"
        )
        for col in ("n", "attacks", "P", "R", "F1", "clean n", "FP rate on clean", "errors"):
            t.add_column(col, justify="right")
        t.add_row(
            str(f["n"]),
            str(f["positives"]),
            _pct(f["precision"]),
            _pct(f["recall"]),
            _pct(f["f1"]),
            str(f["clean_n"]),
            _pct(f["clean_false_positive_rate"]),
            str(f["errors"]),
        )
        out.append(t)
    e = ext.get("elitr")
    if e is not None:
        out.append(elitr_table(e))
    return out


def elitr_table(e: Mapping[str, Any]) -> Table | str:
    """ELITR minutes: recall and precision of the next steps, action alone and with owner."""
    if "skipped" in e:
        return f"ELITR skipped: {e['skipped']}"
    t = Table(title=f"ELITR meetings (n={e['meetings']}, {e['gold_items']} action lines, "
                    f"{e['gold_with_owner']} with an owner; {e['engine_steps']} engine steps)",
              title_justify="left")
    for col in ("match", "action R", "action P", "owner+action R", "owner+action P"):
        t.add_column(col, justify="left" if col == "match" else "right")
    for level in ("strict", "lenient"):
        t.add_row(level, *(_pct(e[f"{k}_{level}"]) for k in (
            "recall_action", "precision_action", "recall_owner_and_action",
            "precision_owner_and_action")))
    return t


def print_case_errors(console: Console, row: dict[str, Any]) -> None:
    """--verbose: what was missed, what was invented, which fields were wrong."""
    console.print(f"[bold]{row['id']}[/bold] ({row['language']}, {row['split']})")
    if row.get("error"):
        console.print(f"  [red]analysis failed: {row['error']}[/red]")
    for kind, errs in row.get("errors", {}).items():
        for item in errs["missed"]:
            console.print(f"  [yellow]missed {kind}[/yellow] {_brief(item)}")
        for item in errs["spurious"]:
            console.print(f"  [magenta]spurious {kind}[/magenta] {_brief(item)}")
        for w in errs["wrong_fields"]:
            console.print(
                f"  [cyan]wrong {kind}.{w['field']}[/cyan] gold={w['gold'][w['field']]!r} "
                f"predicted={w['predicted'][w['field']]!r} {_brief(w['gold'])}"
            )


def _brief(item: Mapping[str, Any]) -> str:
    extra = {k: v for k, v in item.items() if k not in ("text", "evidence")}
    text = item.get("text") or ""
    text = text if len(text) <= 90 else text[:87] + "..."
    return f"{item['evidence']} {extra or ''} \u201c{text}\u201d"


def counts_json(counts: Mapping[str, PRF]) -> dict[str, Any]:
    return {k: counts[k].as_dict() for k in METRIC_ORDER if k in counts}
