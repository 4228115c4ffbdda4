"""End to end from audio: script -> speech -> the product's audio path -> extraction -> score.

Each `eval/data/synth/<id>.script.txt` is a short 1:1 spoken by eval/synth.py (espeak-ng +
MBROLA, street noise at 22 dB SNR) into `<id>.ogg`, with the exact time of every turn in
`<id>.truth.json`. The labelled case `eval/data/cases/<id>.toml` holds the transcript the audio
path produced once (Whisper base + diarization) and the labels written from the script, one
case utterance per script turn. Here the audio runs through the pipeline again; each predicted
utterance is mapped to the script turn it overlaps most in time, so the next steps are scored
against the script's labels whatever the segmentation of this run.

The committed audio is used when present (about 110 KiB a dialogue); without it the audio is
rendered anew when the synthesis tools exist, else the dialogue is skipped with a message.

    python -m eval.end_to_end [--only ID]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from eval.cases import CASES_DIR, load_case
from eval.scoring import ALL_FIELDS, PRF, Item, score_items

SYNTH_DIR = Path(__file__).parent / "data" / "synth"


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def turn_of(start: float, end: float, turns: list[dict[str, Any]]) -> int | None:
    """1-based script turn that overlaps [start, end] most (None: it overlaps none)."""
    best, best_ov = None, 0.0
    for i, t in enumerate(turns, start=1):
        ov = _overlap((start, end), (t["start"], t["end"]))
        if ov > best_ov:
            best, best_ov = i, ov
    return best


def _audio_for(case_id: str, language: str, tmp: Path) -> tuple[Path | None, str | None]:
    audio = SYNTH_DIR / f"{case_id}.ogg"
    if audio.is_file():
        return audio, None
    from eval import synth

    missing = synth.tools_missing(language)
    if missing:
        return None, f"no committed audio and synthesis tools missing: {', '.join(missing)}"
    synth.render(SYNTH_DIR / f"{case_id}.script.txt", language, tmp, case_id, snr_db=22.0,
                 seed=11)
    return tmp / f"{case_id}.ogg", None


def run_one(case_id: str, tmp: Path) -> dict[str, Any]:
    from copilot.pipeline import analyze_path  # lazy: torch and faster-whisper load here

    case = load_case(CASES_DIR / f"{case_id}.toml")
    truth = json.loads((SYNTH_DIR / f"{case_id}.truth.json").read_text(encoding="utf-8"))
    turns = truth["turns"]
    if len(case.utterances) != len(turns):
        return {"id": case_id, "skipped": f"case has {len(case.utterances)} utterances, the "
                f"script {len(turns)} turns: labels cannot be mapped"}
    audio, why = _audio_for(case_id, case.language, tmp)
    if audio is None:
        return {"id": case_id, "skipped": why}
    start = time.perf_counter()
    analysis = analyze_path(audio, manager=case.manager, report=case.report, date=case.date,
                            lang=case.language)
    seconds = time.perf_counter() - start
    to_turn = {u.id: turn_of(u.start or 0.0, u.end or 0.0, turns) for u in analysis.utterances}
    pred = [Item(frozenset(t for e in s.evidence if (t := to_turn.get(e))),
                 {"owner": s.owner, "due": s.due}, s.action) for s in analysis.next_steps]
    gold = [Item(frozenset(g.evidence), {"owner": g.owner, "due": g.due}, g.action)
            for g in case.next_steps]
    res = score_items("next_steps", pred, gold)
    return {"id": case_id, "seconds": round(seconds, 1), "gold": len(gold), "predicted": len(pred),
            "counts": res.counts,
            "steps": [(s.owner, s.action, str(s.due)) for s in analysis.next_steps]}


def run(only: str | None = None) -> list[dict[str, Any]]:
    ids = sorted(p.name.removesuffix(".script.txt") for p in SYNTH_DIR.glob("*.script.txt"))
    if only:
        ids = [i for i in ids if i == only]
    with tempfile.TemporaryDirectory() as tmp:
        return [run_one(i, Path(tmp)) for i in ids]


def table(rows: list[dict[str, Any]]) -> Table:
    total: dict[str, PRF] = {}
    for r in rows:
        for k, v in r.get("counts", {}).items():
            total[k] = total.get(k, PRF()) + v
    scored = [r for r in rows if "counts" in r]
    t = Table(title=f"Next steps from audio (script -> speech -> pipeline -> extraction), "
                    f"{len(scored)} dialogues; .all = owner and due both right")
    for col in ("metric", "P", "R", "F1", "support"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    for key in ("next_steps", "next_steps.owner", "next_steps.due", f"next_steps.{ALL_FIELDS}"):
        prf = total.get(key, PRF())
        t.add_row(key, *(f"{x:.2f}" if x is not None else "-"
                         for x in (prf.precision, prf.recall, prf.f1)), str(prf.support))
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.end_to_end",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="one dialogue id")
    args = ap.parse_args(argv)
    console = Console()
    rows = run(args.only)
    for r in rows:
        if "skipped" in r:
            console.print(f"[yellow]{r['id']}: skipped ({r['skipped']})[/yellow]")
        else:
            console.print(f"{r['id']}: {r['predicted']} steps for {r['gold']} labelled, "
                          f"{r['seconds']} s")
    console.print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
