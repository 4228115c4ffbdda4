"""Generate examples/walking_meeting_fr.ogg: a two-voice French walking 1:1, with its truth.

Each line of examples/walking_meeting_fr.script.txt ("Name: text") is spoken by espeak-ng with
one voice per person (Claire: female variant, higher pitch; Julien: male variant, lower pitch,
4 dB quieter as if further from the phone in Claire's pocket), placed on a timeline with short
natural gaps, mixed with light wind-like noise, and encoded as 16 kHz mono Ogg/Opus (~24 kb/s).
The exact start/end of each turn is written to examples/walking_meeting_fr.truth.json, which
the diarization tests and benchmarks score against.

Needs the espeak-ng program (Debian: `apt-get install espeak-ng`); only this script does, the
product never calls it. Deterministic: same script and espeak-ng version -> same files.

    python scripts/make_example_audio.py [--out-dir examples]
"""

from __future__ import annotations

import argparse
import fractions
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

RATE = 16_000
ROOT = Path(__file__).resolve().parents[1]
NAME = "walking_meeting_fr"
# espeak-ng settings picked by transcribing each candidate with Whisper base: these two were
# among the best understood while sounding clearly different (sex variant and pitch).
VOICES = {
    "Claire": {"voice": "fr+f5", "pitch": 60, "speed": 120, "gap": 3, "gain_db": 0.0,
               "role": "manager"},
    "Julien": {"voice": "fr+m2", "pitch": 30, "speed": 120, "gap": 3, "gain_db": -4.0,
               "role": "report"},
}
LEAD_IN = 0.8  # seconds of street noise before the first word and after the last
SNR_DB = 22.0  # speech RMS over noise RMS: audible wind, still clean enough for Whisper base
MAX_SECONDS = 90.0
SEED = 11


def read_script(path: Path) -> list[tuple[str, str]]:
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        speaker, _, text = line.partition(":")
        if speaker.strip() not in VOICES or not text.strip():
            raise SystemExit(f"bad script line (want 'Claire: text' or 'Julien: text'): {line}")
        turns.append((speaker.strip(), text.strip()))
    return turns


def speak(text: str, voice: dict, workdir: Path) -> np.ndarray:
    """espeak-ng -> float32 at 16 kHz, leading/trailing silence trimmed (exact truth times)."""
    import soundfile as sf
    from scipy.signal import resample_poly

    wav = workdir / "turn.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice["voice"], "-p", str(voice["pitch"]), "-s", str(voice["speed"]),
         "-g", str(voice["gap"]), "-w", str(wav), text],
        check=True, capture_output=True,
    )
    data, rate = sf.read(wav, dtype="float32")
    g = np.gcd(RATE, rate)
    data = resample_poly(data, RATE // g, rate // g).astype(np.float32)
    loud = np.flatnonzero(np.abs(data) > 0.01 * np.max(np.abs(data)))
    data = data[loud[0] : loud[-1] + 1]
    return data * np.float32(10 ** (voice["gain_db"] / 20))


def street_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Wind (slowly swelling low-frequency rumble) plus a faint broadband hiss."""
    from scipy.signal import butter, sosfilt

    rumble = sosfilt(butter(2, 300, "low", fs=RATE, output="sos"), rng.standard_normal(n))
    swell = 0.6 + 0.4 * np.sin(2 * np.pi * np.arange(n) / RATE / 7.0 + rng.uniform(0, 6))
    hiss = sosfilt(butter(2, [200, 6000], "band", fs=RATE, output="sos"), rng.standard_normal(n))
    noise = rumble * swell / np.std(rumble) + 0.35 * hiss / np.std(hiss)
    return (noise / np.std(noise)).astype(np.float32)


def build(script: Path) -> tuple[np.ndarray, list[dict]]:
    rng = np.random.default_rng(SEED)
    turns = read_script(script)
    clips = []
    with tempfile.TemporaryDirectory() as tmp:
        for speaker, text in turns:
            clips.append((speaker, text, speak(text, VOICES[speaker], Path(tmp))))
    truth, cursor, previous = [], LEAD_IN, None
    placed = []
    for speaker, text, clip in clips:
        if previous is not None:
            # Same speaker going on: a breath; a reply: a walking-pace gap.
            cursor += rng.uniform(0.35, 0.5) if speaker == previous else rng.uniform(0.45, 0.95)
        start = round(cursor, 3)
        placed.append((round(start * RATE), clip))
        cursor = start + len(clip) / RATE
        truth.append({"speaker": speaker, "role": VOICES[speaker]["role"], "start": start,
                      "end": round(cursor, 3), "text": text})
        previous = speaker
    total = round((cursor + LEAD_IN) * RATE)
    speech = np.zeros(total, dtype=np.float32)
    for offset, clip in placed:
        speech[offset : offset + len(clip)] += clip
    voiced = np.concatenate([clip for _, clip in placed])
    noise_rms = np.sqrt(np.mean(voiced**2)) / 10 ** (SNR_DB / 20)
    mix = speech + noise_rms * street_noise(total, rng)
    mix *= 0.7 / np.max(np.abs(mix))  # peak at -3 dBFS
    return mix.astype(np.float32), truth


def write_opus(path: Path, samples: np.ndarray, bitrate: int = 24_000) -> None:
    """16 kHz mono Ogg/Opus through PyAV (already installed with faster-whisper)."""
    import av

    # bitexact: a fixed Ogg serial number, so regenerating gives byte-identical files
    with av.open(str(path), "w", format="ogg", container_options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("libopus", rate=RATE)
        stream.layout = "mono"
        stream.bit_rate = bitrate
        frame_size = stream.codec_context.frame_size or 960
        pcm = np.clip(samples * 32767, -32768, 32767).astype(np.int16)
        for i in range(0, len(pcm), frame_size):
            frame = av.AudioFrame.from_ndarray(pcm[None, i : i + frame_size], format="s16",
                                               layout="mono")
            frame.sample_rate = RATE
            frame.pts = i
            frame.time_base = fractions.Fraction(1, RATE)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "examples")
    parser.add_argument("--script", type=Path, default=ROOT / "examples" / f"{NAME}.script.txt")
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is missing: apt-get install espeak-ng", file=sys.stderr)
        return 1
    mix, truth = build(args.script)
    duration = len(mix) / RATE
    if duration > MAX_SECONDS:
        print(f"the dialogue lasts {duration:.1f} s, over {MAX_SECONDS:.0f} s: shorten the "
              "script", file=sys.stderr)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    audio = args.out_dir / f"{NAME}.ogg"
    write_opus(audio, mix)
    meta = {
        "audio": audio.name,
        "duration": round(duration, 3),
        "language": "fr",
        "generator": "scripts/make_example_audio.py (espeak-ng)",
        "speakers": {name: {k: v for k, v in spec.items() if k != "gain_db"}
                     for name, spec in VOICES.items()},
        "turns": truth,
    }
    (args.out_dir / f"{NAME}.truth.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{audio}: {duration:.1f} s, {audio.stat().st_size / 1024:.0f} KiB, {len(truth)} turns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
