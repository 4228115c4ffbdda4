"""`python -m eval --engine llm|hybrid`: the same cases through an LLM endpoint, beside rules.

The endpoint is whatever COPILOT_LLM_* configures (OpenAI, Azure, Mistral, Ollama, vLLM...);
`--llm-local` starts the bundled llama-server with SmolLM2-135M on loopback instead, which
measures the plumbing's cost, not a useful model's quality. Besides the usual scores, the
comparison gives per engine: seconds per case, tokens, calls, re-asks, failed cases and the
items grounding dropped, so a user can decide with numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.table import Table

from eval.report import METRIC_ORDER, counts_json
from eval.scoring import PRF, aggregate


@contextmanager
def llm_settings(engine: str, local: bool) -> Iterator[Any]:
    """Settings for the engine under test (the rules engine whatever COPILOT_ENGINE says)."""
    from copilot.settings import get_settings

    if engine == "rules" or not local:
        yield get_settings(engine=engine)
        return
    from copilot.analyze.llm.server import LlamaServer

    with LlamaServer.local() as server:
        yield get_settings(engine=engine, llm={"base_url": server.base_url, "model": "smollm2"})


def summarise(rows: list[dict[str, Any]], counts: list[dict[str, PRF]]) -> dict[str, Any]:
    secs = [r["seconds"] for r in rows]
    usage = [r.get("usage") or {} for r in rows]
    dropped: dict[str, int] = {}
    for r in rows:
        for k, v in (r.get("dropped") or {}).items():
            dropped[k] = dropped.get(k, 0) + v

    def total(key: str) -> int:
        return sum(int(u.get(key) or 0) for u in usage)

    return {
        "scores": counts_json(aggregate(counts)),
        "cases": len(rows),
        "failed": sum(bool(r.get("error")) for r in rows),
        "seconds_total": round(sum(secs), 2),
        "seconds_mean": round(statistics.mean(secs), 2) if secs else None,
        "seconds_median": round(statistics.median(secs), 2) if secs else None,
        "calls": total("calls"),
        "retries": total("retries"),
        "prompt_tokens": total("prompt_tokens"),
        "completion_tokens": total("completion_tokens"),
        "dropped": dropped,
        "model": next((r.get("model") for r in rows if r.get("model")), None),
        "prompt_version": sorted({r["prompt_version"] for r in rows if r.get("prompt_version")}),
    }


def compare_with_rules(cases: list[Any], rows: list[dict[str, Any]],
                       counts: list[dict[str, PRF]], engine: str,
                       run_case: Callable[..., tuple[dict[str, Any], dict[str, PRF]]]
                       ) -> dict[str, Any]:
    """Run the rules engine on the same cases and put both summaries side by side."""
    from copilot.settings import get_settings

    rules = get_settings(engine="rules")
    base = [run_case(case, rules) for case in cases]
    for r, _ in base:
        r.pop("_errors", None)
    return {"rules": summarise([r for r, _ in base], [c for _, c in base]),
            engine: summarise(rows, counts)}


def side_by_side(comparison: dict[str, Any]) -> Table:
    names = list(comparison)
    table = Table(title="Side by side: F1 (support), cost per engine", title_justify="left")
    table.add_column("metric")
    for name in names:
        model = comparison[name].get("model")
        table.add_column(f"{name}" + (f" ({model})" if model else ""), justify="right")
    for key in METRIC_ORDER:
        if key.startswith("warnings."):
            continue
        cells = []
        for name in names:
            m = comparison[name]["scores"].get(key) or {}
            f1 = m.get("f1")
            cells.append(f"{'–' if f1 is None else f'{f1:.2f}'} ({m.get('support', 0)})")
        label = key if "." not in key else "  ." + key.split(".", 1)[1]
        table.add_row(label, *cells, style="bold" if "." not in key else None)
    rows = [
        ("failed cases", lambda s: str(s["failed"])),
        ("seconds / case (mean)", lambda s: f"{s['seconds_mean']}"),
        ("seconds / case (median)", lambda s: f"{s['seconds_median']}"),
        ("seconds, all cases", lambda s: f"{s['seconds_total']}"),
        ("LLM calls (re-asks)", lambda s: f"{s['calls']} ({s['retries']})"),
        ("prompt tokens", lambda s: f"{s['prompt_tokens']:,}"),
        ("completion tokens", lambda s: f"{s['completion_tokens']:,}"),
        ("items dropped by grounding", lambda s: str(sum(s["dropped"].values()))),
    ]
    for label, cell in rows:
        table.add_row(label, *(cell(comparison[n]) for n in names))
    return table
