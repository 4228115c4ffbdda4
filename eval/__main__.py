"""`python -m eval`: run the labelled cases through the real pipeline and score them.

Exit codes: 0 whatever the scores (this measures, it does not gate); 2 when the case files do
not load, since then nothing is measured at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from copilot.models import Engine
from eval.cases import WARNING_CODES, Case, CaseError, load_cases
from eval.coaching import coaching_tables, run_feedback_eval
from eval.compare import compare_with_rules, llm_settings, side_by_side
from eval.external import run_external
from eval.report import (
    cases_table,
    counts_json,
    external_tables,
    flag_rates,
    flags_line,
    groups_table,
    print_case_errors,
    scores_table,
)
from eval.scoring import PRF, TYPES, Item, aggregate, score_case, to_item

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "eval-data"
DEFAULT_OUT = ROOT / "eval" / "results" / "latest.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="third-party eval data folder (skipped when absent)",
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    ap.add_argument("--split", choices=("all", "dev", "heldout"), default="all")
    ap.add_argument(
        "--verbose", action="store_true", help="print and save missed/spurious items per case"
    )
    ap.add_argument(  # llm: the same cases through COPILOT_LLM_*, beside rules (eval/compare.py)
        "--engine", choices=[e.value for e in Engine],
        default=os.environ.get("ENGINE") or os.environ.get("COPILOT_ENGINE") or "rules",
        help="engine to evaluate (default $ENGINE, $COPILOT_ENGINE or rules); llm and hybrid "
        "also run rules to compare",
    )
    ap.add_argument(
        "--llm-local", action="store_true",
        help="serve the bundled SmolLM2-135M with llama-server on loopback for the run",
    )
    return ap.parse_args(argv)


def gold_items(case: Case) -> dict[str, list[Item]]:
    utts = case.utterances

    def quote(ids: list[int]) -> str:
        # Gold questions/feedback carry no text: show the turns they point at.
        return " / ".join(utts[i - 1][1] for i in ids)

    return {
        kind: [
            to_item(kind, g, text=g.text or getattr(g, "action", None) or quote(g.evidence))
            for g in getattr(case, kind)
        ]
        for kind in TYPES
    }


def run_case(case: Case, settings: Any = None) -> tuple[dict[str, Any], dict[str, PRF]]:
    """Analyse one case with the real pipeline; a crash scores as an empty prediction."""
    row: dict[str, Any] = {
        "id": case.id,
        "language": case.language,
        "split": case.split,
        "format": case.format,
        "gold_warnings": sorted(case.warnings),
    }
    pred: dict[str, list[Item]] = {k: [] for k in TYPES}
    pred_warnings: list[str] = []
    start = time.perf_counter()
    try:
        from copilot.pipeline import analyze_text  # lazy, and inside: the engine may be broken

        analysis = analyze_text(
            case.transcript,
            manager=case.manager,
            report=case.report,
            date=case.date,
            lang="auto",
            filename=f"{case.id}.{'md' if case.format == 'notes' else 'txt'}",
            settings=settings,
        )
        pred = {k: [to_item(k, x) for x in getattr(analysis, k)] for k in TYPES}
        # Gold questions are open/closed: a leading question is a closed one that suggests
        # its answer, so it scores as closed.
        pred["questions"] = [
            to_item("questions", q.model_copy(update={"kind": "closed"}) if q.kind == "leading"
                    else q) for q in analysis.questions]
        pred_warnings = [w.code for w in analysis.warnings]
        row.update(
            engine=analysis.engine,
            detected_language=analysis.language,
            source_format=analysis.source_format,
            n_utterances=(len(analysis.utterances), len(case.utterances)),
            manager_share=analysis.talk.manager_share if analysis.talk else None,
            model=analysis.model,
            prompt_version=analysis.prompt_version,
            usage=analysis.usage.model_dump() if analysis.usage else None,
            dropped=analysis.dropped,
        )
    except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others
        row["error"] = f"{type(exc).__name__}: {exc}"
        if (spent := getattr(exc, "usage", None)) is not None:  # what a failed LLM call cost
            row["usage"] = spent.model_dump()
    row["seconds"] = round(time.perf_counter() - start, 3)
    row["predicted_warnings"] = sorted(set(pred_warnings))
    result = score_case(pred, gold_items(case), pred_warnings, case.warnings, WARNING_CODES)
    row["counts"] = counts_json(result.counts)
    row["_errors"] = result.errors
    return row, result.counts


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _console() -> Console:
    console = Console()
    if not console.is_terminal:  # piped into a log: do not squeeze the tables to 80 columns
        console = Console(width=120)
    return console


def _run_cases(cases: list[Case], args: argparse.Namespace, console: Console
               ) -> tuple[list[dict], list[tuple[Case, Any]], Any]:
    rows, per_case = [], []
    with llm_settings(args.engine, args.llm_local) as settings:
        if args.engine != "rules":
            console.print(f"engine {args.engine}: {settings.llm.model} at "
                          f"{settings.llm.base_url or 'OpenAI'}, compared with rules")
        for case in cases:
            row, counts = run_case(case, settings)
            rows.append(row)
            per_case.append((case, counts))
    comparison = None
    if args.engine != "rules":
        comparison = compare_with_rules(cases, rows, [c for _, c in per_case], args.engine,
                                        run_case)
    return rows, per_case, comparison


def _groups(per_case: list[tuple[Case, Any]]) -> dict[str, Any]:
    def group(pred: Any) -> tuple[int, dict[str, PRF]]:
        chosen = [c for case, c in per_case if pred(case)]
        return len(chosen), aggregate(chosen)

    return {
        "all": group(lambda c: True),
        "by_language": {lang: group(lambda c, lang=lang: c.language == lang)
                        for lang in ("fr", "en")},
        "by_split": {s: group(lambda c, s=s: c.split == s) for s in ("dev", "heldout")},
    }


def _warn_misparsed(rows: list[dict], console: Console) -> None:
    failed = [r for r in rows if r.get("error")]
    if failed:
        console.print(
            f"[red]{len(failed)} case(s) failed to analyse, e.g. {failed[0]['error']}[/red]"
        )
    # Mis-parsed input shifts every id, so say so before anyone reads the scores.
    checks = {
        "language detected wrongly": lambda r: (
            r.get("detected_language") not in (None, r["language"])
        ),
        "parsed as another format": lambda r: r.get("source_format") not in (None, r["format"]),
        "utterance count differs from the labels": lambda r: (
            r.get("n_utterances", (0, 0))[0] != r.get("n_utterances", (0, 0))[1]
        ),
    }
    for what, bad in checks.items():
        ids = [r["id"] for r in rows if bad(r)]
        if ids:
            console.print(f"[yellow]{what}: {', '.join(ids)}[/yellow]")


def _write_results(args: argparse.Namespace, doc: dict, console: Console) -> None:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    console.print(f"results written to {args.out}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = _console()
    try:
        cases = load_cases(split=args.split)
    except CaseError as exc:
        console.print(f"[red]cannot load the eval cases: {exc}[/red]")
        return 2
    console.print(f"{len(cases)} cases (split={args.split})")
    rows, per_case, comparison = _run_cases(cases, args, console)
    groups = _groups(per_case)
    console.print(cases_table(rows))
    _warn_misparsed(rows, console)
    overall = groups["all"]
    console.print(scores_table(f"All cases (micro, n={overall[0]})", overall[1]))
    console.print(groups_table("By language", groups["by_language"]))
    console.print(groups_table("By split (heldout is never used to tune rules)",
                               groups["by_split"]))
    console.print(flags_line(groups["by_split"]))
    if comparison is not None:
        console.print(side_by_side(comparison))
    external = run_external(args.shared.resolve())
    for t in external_tables(external):
        console.print(t)
    feedback_set = run_feedback_eval(args.split)  # the project's labelled feedback sentences
    for t in coaching_tables(feedback_set, external):
        console.print(t)
    for r in rows:
        errs = r.pop("_errors")
        if args.verbose:
            print_case_errors(console, {**r, "errors": errs})
            r["errors"] = errs
    scores = {"all": counts_json(overall[1])} | {
        key: {k: {"cases": n, **counts_json(c)} for k, (n, c) in groups[key].items()}
        for key in ("by_language", "by_split")}
    _write_results(args, {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": git_commit(), "split": args.split, "engine": args.engine,
        "comparison": comparison, "n_cases": len(cases), "scores": scores, "cases": rows,
        "external": external, "feedback_set": feedback_set,
        "person_flag_on_facts": flag_rates(groups["by_split"]),
    }, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
