"""`python -m eval.diarization`: who spoke when, measured on real voices, diarizer only.

Per file: DER at collar 0 and 0.25 (pyannote.metrics, overlap scored), the talk-share error
(what the listening ratio is off by, under the best speaker mapping) and the real-time factor:
- ../shared/eval-data: the pyannote sample (2 speakers), the AMI clips dev00/dev01 (first 30 s,
  k from the RTTM), the conversation set (4 two-speaker conversations of real voices, clean,
  10 dB street noise, and "walk": 10 dB with one voice 8 dB louder);
- the project's own example and synthetic dialogues (clean and 10 dB);
- monologues that must come out as one speaker (fleurs-fr clips, jfk.flac).
`--diarizer segmentation|resemblyzer|both` (default: both, v2 and v1 side by side). Measures,
never gates: exit 0. Results in eval/results/diarization.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from copilot.ingest.diarize import Turn
from eval import audio_metrics as m

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "eval-data"
DEFAULT_OUT = ROOT / "eval" / "results" / "diarization.json"
SYNTH = ROOT / "eval" / "data" / "audio"
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
NOISY_SNR = 10.0


def make(name: str):
    from copilot.ingest.speech import make_diarizer
    from copilot.settings import defaults

    settings = defaults()
    settings.audio.diarizer = name  # defaults() is built anew on each call
    return make_diarizer(settings)


def labelled_files(shared: Path) -> list[dict[str, Any]]:
    """Every two-voice file with its truth: name, path (or samples), reference, uem, k, group."""
    out: list[dict[str, Any]] = []
    audio = shared / "audio"
    sample = audio / "pyannote-sample"
    if (sample / "sample.wav").is_file():
        ref = m.read_rttm(sample / "sample.rttm", "sample")
        out.append({"name": "sample.wav", "path": sample / "sample.wav", "ref": ref,
                    "uem": None, "k": 2, "group": "real"})
    debug = audio / "pyannote-debug"
    for uri in ("dev00", "dev01"):
        if (debug / f"{uri}.wav").is_file():
            ref = m.read_rttm(debug / "debug.development.rttm", uri)
            out.append({"name": f"{uri}.wav", "path": debug / f"{uri}.wav", "ref": ref,
                        "uem": (0.0, 30.0), "k": len({t.speaker for t in ref}), "group": "real"})
    conv = audio / "conversations"
    if (conv / "truth.json").is_file():
        for name in sorted(json.loads((conv / "truth.json").read_text("utf-8"))):
            ref = m.read_rttm(conv / f"{name}.rttm", name)
            for variant in ("clean", "n10", "walk"):
                path = conv / f"{name}_{variant}.flac"
                if path.is_file():
                    out.append({"name": f"{name} {variant}", "path": path, "ref": ref,
                                "uem": None, "k": 2, "group": "conversations"})
    return out


def synthetic_files() -> list[dict[str, Any]]:
    from copilot.ingest.audio import load_audio
    from eval.synth import add_noise

    out = []
    for name, path, snr in [("example (fr)", EXAMPLE, None)] + [
            (f"dialogue {lang} {label}", SYNTH / f"dialogue_{lang}.ogg", snr)
            for lang in ("fr", "en") for label, snr in (("clean", None), ("10 dB", NOISY_SNR))]:
        truth = json.loads(path.with_name(path.stem + ".truth.json").read_text("utf-8"))
        ref = [Turn(t["start"], t["end"], t["speaker"]) for t in truth["turns"]]
        samples = load_audio(path).samples
        if snr is not None:
            samples = add_noise(samples, snr, seed=7)
        out.append({"name": name, "samples": samples, "ref": ref,
                    "uem": (0.0, truth["duration"]), "k": 2, "group": "synthetic"})
    return out


def monologues(shared: Path) -> list[dict[str, Any]]:
    audio = shared / "audio"
    paths = sorted((audio / "fleurs-fr").glob("*.flac")) + [audio / "faster-whisper" / "jfk.flac"]
    return [{"name": p.name, "path": p, "group": "monologue"} for p in paths if p.is_file()]


def _audio(item: dict[str, Any]):
    from copilot.ingest.audio import AudioInfo, load_audio

    if "samples" in item:
        s = item["samples"]
        return AudioInfo(samples=s, source_rate=16_000, source_channels=1, codec="pcm",
                         container="wav")
    return load_audio(item["path"])


def score(item: dict[str, Any], diarizer) -> dict[str, Any]:
    audio = _audio(item)
    started = time.perf_counter()
    turns = diarizer.diarize(audio, item.get("k", 2))
    seconds = time.perf_counter() - started
    row: dict[str, Any] = {"name": item["name"], "group": item["group"],
                           "rtf": round(seconds / max(audio.duration, 1e-6), 3),
                           "speakers": len({t.speaker for t in turns})}
    if "ref" not in item:
        return row
    ref, uem = item["ref"], item["uem"]
    d = m.der(ref, turns, uem)
    if uem is not None:  # the share is scored inside the uem, as the DER is
        turns = _inside(turns, uem)
        ref = _inside(ref, uem)
    row.update({"der": round(d["der"], 4),
                "der_c0": round(m.pyannote_der(item["ref"], turns, uem), 4),
                "der_c25": round(m.pyannote_der(item["ref"], turns, uem, collar=0.25), 4),
                "share_error": round(m.share_error(m.shares(ref), m.shares(turns),
                                                   d["mapping"]), 4)})
    return row


def _inside(turns, uem) -> list[Turn]:
    return [Turn(max(t.start, uem[0]), min(t.end, uem[1]), t.speaker) for t in turns
            if t.end > uem[0] and t.start < uem[1]]


def run(shared: Path, names: list[str], console: Console) -> dict[str, Any]:
    items = labelled_files(shared) + synthetic_files() + monologues(shared)
    result: dict[str, Any] = {}
    for name in names:
        diarizer = make(name)
        rows = []
        for item in items:
            rows.append(score(item, diarizer))
            console.print(f"  {name}: {item['name']} done", style="dim")
        result[name] = {"rows": rows, "summary": summary(rows)}
    return result


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(group, key):
        values = [r[key] for r in rows if r["group"] == group and key in r]
        return round(float(np.mean(values)), 4) if values else None

    mono = [r for r in rows if r["group"] == "monologue"]
    return {"conversations_share_error": mean("conversations", "share_error"),
            "conversations_der_c25": mean("conversations", "der_c25"),
            "synthetic_share_error": mean("synthetic", "share_error"),
            "monologues_one_speaker": f"{sum(r['speakers'] == 1 for r in mono)}/{len(mono)}",
            "rtf_mean": round(float(np.mean([r["rtf"] for r in rows])), 3) if rows else None}


def table(name: str, block: dict[str, Any]) -> Table:
    t = Table(title=f"Diarizer {name}", title_justify="left")
    for col in ("file", "spk", "DER c0", "DER c0.25", "share err", "RTF"):
        t.add_column(col, justify="left" if col == "file" else "right")
    for r in block["rows"]:
        pct = {k: f"{r[k]:.1%}" if k in r else "-" for k in ("der_c0", "der_c25")}
        t.add_row(r["name"], str(r["speakers"]), pct["der_c0"], pct["der_c25"],
                  f"{r['share_error']:.3f}" if "share_error" in r else "-", f"{r['rtf']:.3f}")
    t.caption = ", ".join(f"{k} {v}" for k, v in block["summary"].items())
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.diarization",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--diarizer", choices=("segmentation", "resemblyzer", "both"), default="both")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    console = Console()
    names = ["segmentation", "resemblyzer"] if args.diarizer == "both" else [args.diarizer]
    result = run(args.shared, names, console)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), "utf-8")
    for name in names:
        console.print(table(name, result[name]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
