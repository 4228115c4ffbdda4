"""`python -m eval.asr`: Whisper base on real French speech, clean and in street noise.

The 7 FLEURS clips of ../shared/eval-data/audio/fleurs-fr (refs.tsv), decoded as they are and
mixed with the street-noise bed at 10 dB (the mixer of ../shared/eval-data/audio/noise, loaded
from there, seed 0). Per decoding configuration (beam, hallucination guards, VAD, denoiser,
names as hotwords): WER per file and overall (words in error / reference words), and the
real-time factor (seconds of decoding per second of audio) at one CPU thread.

Skipped when the data is absent. Measures, never gates: exit 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from copilot.ingest.audio import SAMPLE_RATE, load_audio
from copilot.ingest.denoise import denoise_if_noisy
from copilot.ingest.hallucination import GuardParams
from copilot.ingest.transcribe import WhisperTranscriber
from copilot.ingest.vad import VadParams
from eval import audio_metrics as m

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "eval-data"
DEFAULT_OUT = ROOT / "eval" / "results" / "asr.json"
SNR_DB = 10.0


@dataclass(frozen=True)
class Config:
    name: str
    beam: int = 1
    guards: bool = True
    vad: tuple[float, int, int, int] = (0.5, 0, 2000, 400)  # threshold, min speech/silence, pad
    denoise: str | None = None  # an ffmpeg filter, e.g. "afftdn=nf=-25"
    denoise_below_db: float | None = 1000.0  # with `denoise`: always, unless given a gate
    hotwords: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def transcriber(self, home: Path) -> WhisperTranscriber:
        return WhisperTranscriber(home=home, cpu_threads=1, beam_size=self.beam,
                                  vad=VadParams(*self.vad), hotwords=self.hotwords,
                                  guards=GuardParams(enabled=self.guards, **self.extra))


CONFIGS = {c.name: c for c in (
    Config("beam5-noguards", beam=5, guards=False),
    Config("beam1-noguards", beam=1, guards=False),
    Config("beam1-guards"),
    Config("beam5-guards", beam=5),
    Config("beam5-guards-vad0.35", beam=5, vad=(0.35, 0, 2000, 400)),
    Config("beam5-guards-vad0.65", beam=5, vad=(0.65, 0, 2000, 400)),
    Config("beam5-guards-sil500-pad200", beam=5, vad=(0.5, 0, 500, 200)),
    Config("beam5-guards-pad800", beam=5, vad=(0.5, 0, 2000, 800)),
    Config("beam5-guards-afftdn", beam=5, denoise="afftdn=nf=-25"),
    Config("beam5-guards-anlmdn", beam=5, denoise="anlmdn=s=7"),
    Config("beam5-guards-afftdn-auto", beam=5, denoise="afftdn=nf=-25", denoise_below_db=25.0),
    Config("beam5-guards-afftdn-nr20", beam=5, denoise="afftdn=nr=20:nf=-25"),
    Config("beam5-guards-afftdn-tn", beam=5, denoise="afftdn=nf=-30:tn=1"),
    Config("beam1-guards-afftdn-auto", denoise="afftdn=nf=-25", denoise_below_db=25.0),
    Config("beam5-guards-pad800-afftdn-auto", beam=5, vad=(0.5, 0, 2000, 800),
           denoise="afftdn=nf=-25", denoise_below_db=25.0),
    Config("beam5-guards-pad800-afftdn-auto-hotwords", beam=5, vad=(0.5, 0, 2000, 800),
           denoise="afftdn=nf=-25", denoise_below_db=25.0, hotwords="Claire, Julien"),
    Config("beam5-guards-pad1200", beam=5, vad=(0.5, 0, 2000, 1200)),
    Config("beam5-guards-pad800-vad0.35", beam=5, vad=(0.35, 0, 2000, 800)),
    Config("beam5-noguards-pad800-afftdn-auto", beam=5, guards=False, vad=(0.5, 0, 2000, 800),
           denoise="afftdn=nf=-25", denoise_below_db=25.0),
)}


def noise_mixer(shared: Path):
    """make_noisy.py of the eval data, imported from where it lies (never copied here)."""
    path = shared / "audio" / "noise" / "make_noisy.py"
    spec = importlib.util.spec_from_file_location("make_noisy", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    bed = module.load(str(shared / "audio" / "noise" / "street.flac"))
    return lambda x: module.mix(x.astype(np.float64), bed, SNR_DB, 0).astype(np.float32)


def clips(shared: Path) -> list[tuple[str, np.ndarray, str]]:
    folder = shared / "audio" / "fleurs-fr"
    refs = folder / "refs.tsv"
    if not refs.is_file():
        return []
    out = []
    for line in refs.read_text("utf-8").splitlines():
        name, _, text = line.partition("\t")
        out.append((name, load_audio(folder / f"{name}.flac").samples, text))
    return out


def run_config(config: Config, data, mix, home: Path) -> dict[str, Any]:
    transcriber = config.transcriber(home)
    rows, errors, words, seconds, audio_s = [], {"clean": 0.0, "noisy": 0.0}, 0, 0.0, 0.0
    for name, samples, ref in data:
        row: dict[str, Any] = {"file": name}
        n_ref = len(m.normalise(ref).split())
        words += n_ref
        for kind, x in (("clean", samples), ("noisy", mix(samples))):
            began = time.perf_counter()
            if config.denoise:
                x = denoise_if_noisy(x, config.denoise_below_db, config.denoise)
            result = transcriber.transcribe(x, "fr")
            seconds += time.perf_counter() - began
            audio_s += len(x) / SAMPLE_RATE
            hyp = "".join(w.text for w in result.words)
            row[kind] = round(m.wer(ref, hyp), 4)
            row[f"{kind}_doubtful"] = len(result.doubtful)
            errors[kind] += row[kind] * n_ref
        rows.append(row)
    return {"config": config.name, "files": rows, "rtf": round(seconds / audio_s, 3),
            "clean": round(errors["clean"] / words, 4), "noisy": round(errors["noisy"] / words, 4)}


NAMED = (ROOT / "examples" / "walking_meeting_fr.truth.json",
         ROOT / "eval" / "data" / "audio" / "dialogue_fr.truth.json")


def shipped_config() -> Config:
    """The configuration the settings give (COPILOT_WHISPER_*), as eval/audio.py reports it."""
    from copilot.settings import get_settings

    settings = get_settings()
    audio, vad = settings.audio, VadParams.for_transcription(settings)
    return Config("shipped", beam=audio.whisper_beam_size, guards=audio.whisper_guards,
                  vad=(vad.threshold, vad.min_speech_duration_ms, vad.min_silence_duration_ms,
                       vad.speech_pad_ms),
                  denoise=audio.whisper_denoise_filter if audio.whisper_denoise_below_db else None,
                  denoise_below_db=audio.whisper_denoise_below_db)


def fleurs_rows(shared: Path, home: Path) -> list[dict[str, Any]]:
    """Rows of eval/audio.py's real-recordings table: the shipped decoding, clean and 10 dB."""
    data = clips(shared)
    if not data:
        return []
    began = time.perf_counter()
    r = run_config(shipped_config(), data, noise_mixer(shared), home)
    secs = round(time.perf_counter() - began, 1)
    return [{"name": f"fleurs-fr ({len(data)} clips)", "kind": "wer", "language": "fr",
             "wer": r["clean"], "rtf": r["rtf"], "seconds": secs},
            {"name": f"fleurs-fr + street {SNR_DB:.0f} dB", "kind": "wer", "language": "fr",
             "wer": r["noisy"], "rtf": r["rtf"], "seconds": secs}]


def names_eval(home: Path, beam: int = 5) -> list[dict[str, Any]]:
    """The two French dialogues that name Claire and Julien (espeak voices, the example with
    street noise): WER and names written right, decoded with no prompt, the names as hotwords
    (every window) or as an initial prompt (the first window only, text not carried over)."""
    transcriber = WhisperTranscriber(home=home, cpu_threads=1, beam_size=beam)
    model, rows = transcriber._model(), []
    for truth_path in NAMED:
        truth = json.loads(truth_path.read_text("utf-8"))
        ref = " ".join(t["text"] for t in truth["turns"])
        wanted = sum(ref.count(n) for n in ("Claire", "Julien"))
        samples = load_audio(truth_path.parent / truth["audio"]).samples
        for prompt in ("none", "hotwords", "initial_prompt"):
            extra = {} if prompt == "none" else {prompt: "Claire, Julien"}
            began = time.perf_counter()
            segments, _ = model.transcribe(
                samples, language="fr", beam_size=beam, vad_filter=True,
                vad_parameters=transcriber.vad.options(), condition_on_previous_text=False,
                **transcriber.guards.decode_options(), **extra)
            hyp = "".join(seg.text for seg in segments)
            rows.append({"file": truth_path.name.split(".")[0], "prompt": prompt,
                         "wer": round(m.wer(ref, hyp), 4),
                         "names": f"{sum(hyp.count(n) for n in ('Claire', 'Julien'))}/{wanted}",
                         "rtf": round((time.perf_counter() - began) / truth["duration"], 3)})
            print(f"  names {rows[-1]}", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.asr", description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("configs", nargs="*", default=["shipped"],
                    help=f"shipped (the settings'), or among: {', '.join(CONFIGS)}")
    ap.add_argument("--names", action="store_true", help="also the names-as-prompt check")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)  # a shared machine; CTranslate2 is given one thread too
    from copilot.settings import get_settings

    data = clips(args.shared)
    if not data:
        print(f"{args.shared}/audio/fleurs-fr is absent: skipped")
        return 0
    home = args.home or get_settings().home
    mix = noise_mixer(args.shared)
    results = []
    for name in args.configs:
        r = run_config(shipped_config() if name == "shipped" else CONFIGS[name], data, mix, home)
        results.append(r)
        for f in r["files"]:
            print(f"  {f['file']}: clean {f['clean']:.1%} noisy {f['noisy']:.1%} "
                  f"(doubtful {f['clean_doubtful']}/{f['noisy_doubtful']})")
        print(f"{name}: WER clean {r['clean']:.1%}  10 dB {r['noisy']:.1%}  RTF {r['rtf']}",
              flush=True)
    if args.names:
        results.append({"names": names_eval(home)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
