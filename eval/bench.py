"""`make bench`: analysis time and peak memory on a 60-minute transcript built here.

The transcript (~9,000 words, two speakers, timestamps) is assembled from the bundled example
turns with shifted times, so it exercises every rule (questions, feedback, dates, facts).
Model loading is timed separately: it is paid once per process, not per meeting.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "examples" / "one_on_one_fr.txt"]


def build_transcript(minutes: int = 60, words_per_minute: int = 150) -> str:
    """Speaker turns cycled from the example, timestamps spread over `minutes`."""
    import re

    turns = []
    for path in EXAMPLES:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^\[[\d:]+\]\s*(\w+):\s*(.+)$", line)
            if m:
                turns.append((m.group(1), m.group(2)))
    target = minutes * words_per_minute
    lines, words, t = [], 0, 0.0
    while words < target:
        for speaker, text in turns:
            n = len(text.split())
            stamp = time.strftime("%H:%M:%S", time.gmtime(t))
            lines.append(f"[{stamp}] {speaker}: {text}")
            words += n
            t += n / (words_per_minute / 60)
            if words >= target:
                break
    return "\n".join(lines) + "\n"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "bench.json")
    args = parser.parse_args(argv)

    from copilot.analyze.rules.spacy_models import load_spacy
    from copilot.pipeline import analyze_text

    text = build_transcript(args.minutes)
    rss_start = _rss_mb()
    t0 = time.perf_counter()
    load_spacy("fr")
    load_seconds = time.perf_counter() - t0
    timings = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        analysis = analyze_text(text, manager="Claire", report="Julien", date="2026-03-02",
                                filename="bench.txt")
        timings.append(time.perf_counter() - t0)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "minutes": args.minutes,
        "words": len(text.split()),
        "utterances": len(analysis.utterances),
        "model_load_s": round(load_seconds, 2),
        "analysis_s_median": round(statistics.median(timings), 3),
        "analysis_s_max": round(max(timings), 3),
        "peak_rss_mb": round(_rss_mb(), 1),
        "rss_before_models_mb": round(rss_start, 1),
        "items": {"facts": len(analysis.facts), "feedback": len(analysis.feedback),
                  "next_steps": len(analysis.next_steps), "questions": len(analysis.questions)},
        "goal_s": 2.0,
    }
    result["goal_met"] = result["analysis_s_median"] < result["goal_s"]
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Bench: {args.minutes}-minute transcript ({result['words']} words)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in ("utterances", "model_load_s", "analysis_s_median", "analysis_s_max",
                "peak_rss_mb", "goal_s", "goal_met"):
        table.add_row(key, str(result[key]))
    Console().print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
