"""`python -m eval.bench_audio`: speed and memory of the audio pipeline on long recordings.

A 30-minute recording is built by tiling the example walking meeting (52 s) with 1-3 s of
street noise between copies, encoded as Ogg/Opus like a phone would. Measured, each in its
own process so that peak RSS is per run: the full pipeline (decode, transcribe, diarize,
analyse), faster-whisper alone on the same file with the same options (the floor for the full
pipeline), and the full pipeline on 60 minutes for memory. Models are loaded once before the
clock starts (reported apart: a server pays them once).

Goals on the 2-core development machine: full pipeline <= 0.25x real time, <= 1.3x
faster-whisper alone, peak RSS <= 2.5 GB at 60 minutes. It reports, it does not gate.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
OUT = ROOT / "eval" / "results" / "bench_audio.json"
GOALS = {"rtf": 0.25, "ratio": 1.3, "rss_mb_60": 2500}


def build_recording(minutes: float, path: Path) -> float:
    """Tile the example to `minutes`, with noise-only gaps; returns the length in seconds."""
    from copilot.ingest.audio import load_audio
    from eval.synth import RATE, street_noise, write_opus

    clip = load_audio(EXAMPLE).samples
    rng = np.random.default_rng(3)
    noise_level = float(np.sqrt(np.mean(clip[: RATE // 2] ** 2)))  # the example's lead-in
    target = int(minutes * 60 * RATE)
    out = np.zeros(target, np.float32)
    at = 0
    while at < target:
        piece = clip[: target - at]
        out[at : at + len(piece)] = piece
        at += len(piece)
        gap = min(int(rng.uniform(1.0, 3.0) * RATE), target - at)
        if gap > 0:
            out[at : at + gap] = noise_level * street_noise(gap, rng)
            at += gap
    write_opus(path, out, 24_000)
    return target / RATE


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: Path, home: Path) -> dict:
    """One measurement, in this (fresh) process."""
    from copilot.settings import get_settings

    settings = get_settings(home=home)
    started = time.perf_counter()
    if kind == "whisper":
        from copilot.ingest.transcribe import WhisperTranscriber, resolve_model
        from copilot.ingest.vad import VadParams

        model = WhisperTranscriber(home=home)._model()
        loaded = time.perf_counter() - started
        resolve_model("base", home)
        t0 = time.perf_counter()
        segments, info = model.transcribe(
            str(path), language=None, beam_size=settings.audio.whisper_beam_size, vad_filter=True,
            vad_parameters=VadParams.for_transcription(settings).options(),
            word_timestamps=True, condition_on_previous_text=False)
        words = sum(len(s.words or []) for s in segments)
        return {"kind": kind, "seconds": time.perf_counter() - t0, "load_seconds": loaded,
                "words": words, "language": info.language, "peak_rss_mb": _rss_mb()}
    from copilot.analyze.rules.engine import RulesExtractor
    from copilot.ingest.speech import AudioEngines
    from copilot.pipeline import analyze_path

    engines = AudioEngines.from_settings(settings)
    engines.transcriber._model()  # type: ignore[union-attr] - loads Whisper
    if settings.audio.diarizer == "segmentation":
        from copilot.ingest.campplus import load_campplus
        from copilot.ingest.segmentation import load_segmentation

        load_segmentation(), load_campplus()
    else:
        from copilot.ingest.speaker_encoder import voice_encoder

        voice_encoder()
    extractor = RulesExtractor()
    from copilot.analyze.rules.spacy_models import load_spacy

    load_spacy("fr")
    loaded = time.perf_counter() - started
    stages: dict[str, float] = {}

    def progress(stage: str, fraction: float) -> None:
        stages.setdefault(stage, time.perf_counter())

    t0 = time.perf_counter()
    analysis = analyze_path(path, manager="Claire", report="Julien", date="2026-03-02",
                            settings=settings, extractor=extractor, progress=progress,
                            audio=engines)
    end = time.perf_counter()
    names = list(stages)
    marks = [stages[n] for n in names] + [end]
    return {"kind": kind, "seconds": end - t0, "load_seconds": loaded,
            "stages": {n: round(b - a, 2) for n, a, b in zip(names, marks, marks[1:],
                                                             strict=False)},
            "utterances": len(analysis.utterances), "next_steps": len(analysis.next_steps),
            "speakers": len(analysis.talk.speakers) if analysis.talk else 0,
            "peak_rss_mb": _rss_mb()}


def run_child(kind: str, path: Path, home: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "eval.bench_audio", "--child", kind,
                           "--file", str(path), "--home", str(home)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(minutes: float, kinds: tuple[str, ...], tmp: Path, home: Path, console,
            table) -> list[dict]:
    """Build a `minutes` recording and run each of `kinds` on it, a row of `table` each."""
    path = tmp / f"walk_{minutes:.0f}min.ogg"
    seconds = build_recording(minutes, path)
    console.print(f"built {path.name}: {seconds / 60:.0f} min, "
                  f"{path.stat().st_size / 1e6:.1f} MB")
    runs = {kind: run_child(kind, path, home) for kind in kinds}
    for kind, run in runs.items():
        run.update(minutes=minutes, rtf=run["seconds"] / seconds)
        if kind == "pipeline" and "whisper" in runs:
            run["ratio_to_whisper"] = run["seconds"] / runs["whisper"]["seconds"]
        table.add_row(kind, f"{minutes:.0f}", f"{run['seconds']:.0f}",
                      f"{run['rtf']:.3f}", f"{run.get('ratio_to_whisper', 0):.2f}"
                      if "ratio_to_whisper" in run else "-",
                      f"{run['peak_rss_mb']:.0f}", f"{run['load_seconds']:.1f}",
                      ", ".join(f"{k} {v:.0f}" for k, v in run.get("stages", {}).items()))
        console.print(f"  {kind} {minutes:.0f} min: {run['seconds']:.0f} s")
    return list(runs.values())


def goals(runs: list[dict]) -> dict[str, dict]:
    pipe = next(r for r in runs if r["kind"] == "pipeline")
    big = [r for r in runs if r["kind"] == "pipeline" and r["minutes"] >= 60]
    return {
        "rtf": {"goal": GOALS["rtf"], "measured": round(pipe["rtf"], 3),
                "met": pipe["rtf"] <= GOALS["rtf"]},
        "ratio_to_whisper": {"goal": GOALS["ratio"],
                             "measured": round(pipe.get("ratio_to_whisper", 0), 3),
                             "met": pipe.get("ratio_to_whisper", 99) <= GOALS["ratio"]},
        "peak_rss_mb_60min": {"goal": GOALS["rss_mb_60"],
                              "measured": round(big[0]["peak_rss_mb"]) if big else None,
                              "met": bool(big) and big[0]["peak_rss_mb"] <= GOALS["rss_mb_60"]},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_audio",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--memory-minutes", type=float, default=60.0,
                    help="length of the memory run (0 skips it)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--home", type=Path, default=None, help="default: COPILOT_HOME")
    ap.add_argument("--child", choices=("pipeline", "whisper"), help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    from copilot.settings import get_settings

    home = args.home or get_settings().home
    if args.child:
        print(json.dumps(child(args.child, args.file, home)))
        return 0
    from rich.console import Console
    from rich.table import Table

    from copilot.ingest.assets import ensure_whisper_model

    console = Console() if Console().is_terminal else Console(width=120)
    ensure_whisper_model(home)  # assembled once, outside every timing
    result = {"machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()}, "runs": []}
    table = Table(title="Audio bench (each run in its own process)", title_justify="left")
    for col in ("run", "audio min", "wall s", "x real time", "vs whisper", "peak RSS MB",
                "model load s", "stages s"):
        table.add_column(col, justify="left" if col in ("run", "stages s") else "right")
    plan = [(args.minutes, ("pipeline", "whisper"))]
    if args.memory_minutes:
        plan.append((args.memory_minutes, ("pipeline",)))
    with tempfile.TemporaryDirectory() as tmp:
        for minutes, kinds in plan:
            result["runs"] += measure(minutes, kinds, Path(tmp), home, console, table)
    result["machine"]["load_after"] = os.getloadavg()
    result["goals"] = goals(result["runs"])
    console.print(table)
    for name, goal in result["goals"].items():
        mark = "[green]met[/green]" if goal["met"] else "[red]missed[/red]"
        console.print(f"  {name}: {goal['measured']} (goal {goal['goal']}) {mark}")
    console.print(f"load average before/after: {result['machine']['load_before'][0]:.1f} / "
                  f"{result['machine']['load_after'][0]:.1f} (other work on the machine "
                  "slows every figure)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    console.print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
