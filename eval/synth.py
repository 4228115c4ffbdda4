"""Synthetic two-voice dialogues with exact timing truth: the example recording and eval fixtures.

A dialogue script has one turn per line, `Name: text`; `Name~: text` makes that turn start
before the previous one ends (an interruption, for overlap truth). Each line is spoken by
espeak-ng with an MBROLA voice per person, placed on a timeline with walking-pace gaps, mixed
with wind-like street noise at a chosen signal-to-noise ratio, and written as 16 kHz mono
Ogg/Opus. The exact start and end of every turn go to a truth JSON next to it.

MBROLA voices were chosen by transcribing candidates with Whisper base (the product's model):
on the example dialogue at 22 dB SNR, espeak-ng's own voices gave a 46% word error rate
("vendredi" -> "mon petit"), MBROLA fr4/fr1 at 125 words a minute 11%, pico2wave 25%
(and 67% at 12 dB).

Only these generators need the tools (Debian: `apt-get install espeak-ng mbrola mbrola-fr1
mbrola-fr4 mbrola-us1 mbrola-us2`, from contrib); the product, the tests and the eval use the
committed files.
"""

from __future__ import annotations

import fractions
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16_000
LEAD_IN = 0.8  # seconds of street noise before the first word and after the last
OVERLAP = 0.6  # seconds a `Name~:` turn starts before the previous one ends
MBROLA_DIRS = ("/usr/share/mbrola", "/usr/share/mbrola/voices")


@dataclass(frozen=True)
class Voice:
    voice: str  # espeak-ng voice, e.g. mb-fr4 (an MBROLA diphone voice)
    role: str  # manager | report
    speed: int = 125  # words per minute: slower than espeak's 175 default, clearer to Whisper
    pitch: int = 50  # 0-99
    gain_db: float = 0.0  # the report a few dB down: further from the phone in a pocket


VOICES: dict[str, dict[str, Voice]] = {
    "fr": {"Claire": Voice("mb-fr4", "manager"),
           "Julien": Voice("mb-fr1", "report", pitch=40, gain_db=-4.0)},
    "en": {"Sarah": Voice("mb-us1", "manager"),
           "Tom": Voice("mb-us2", "report", pitch=40, gain_db=-4.0)},
}


def tools_missing(language: str) -> list[str]:
    """What is absent to synthesise `language` (espeak-ng, mbrola, the voices)."""
    missing = [tool for tool in ("espeak-ng", "mbrola") if shutil.which(tool) is None]
    if missing:
        return missing
    for voice in VOICES[language].values():
        name = voice.voice.removeprefix("mb-")
        if not any(Path(d, name).exists() for d in MBROLA_DIRS):
            missing.append(f"mbrola-{name}")
    return missing


def read_script(path: Path, voices: dict[str, Voice]) -> list[tuple[str, bool, str]]:
    """(speaker, overlaps the previous turn, text) per line; '#' lines are comments."""
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        speaker, _, text = line.partition(":")
        speaker = speaker.strip()
        overlap = speaker.endswith("~")
        speaker = speaker.rstrip("~")
        if speaker not in voices or not text.strip():
            raise SystemExit(f"bad script line (want 'Name: text' with Name in "
                             f"{sorted(voices)}): {line}")
        turns.append((speaker, overlap, text.strip()))
    return turns


def speak(text: str, voice: Voice, workdir: Path) -> np.ndarray:
    """espeak-ng + MBROLA -> float32 at 16 kHz, silence trimmed so the truth times are exact."""
    import soundfile as sf
    from scipy.signal import resample_poly

    wav = workdir / "turn.wav"
    subprocess.run(["espeak-ng", "-v", voice.voice, "-p", str(voice.pitch), "-s",
                    str(voice.speed), "-w", str(wav), text], check=True, capture_output=True)
    data, rate = sf.read(wav, dtype="float32")
    if data.ndim > 1:
        data = data.mean(axis=1)
    g = np.gcd(RATE, rate)
    data = resample_poly(data, RATE // g, rate // g).astype(np.float32)
    loud = np.flatnonzero(np.abs(data) > 0.01 * np.max(np.abs(data)))
    data = data[loud[0] : loud[-1] + 1]
    return data * np.float32(10 ** (voice.gain_db / 20))


def street_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Wind (slowly swelling low-frequency rumble) plus a faint broadband hiss, unit RMS."""
    from scipy.signal import butter, sosfilt

    rumble = sosfilt(butter(2, 300, "low", fs=RATE, output="sos"), rng.standard_normal(n))
    swell = 0.6 + 0.4 * np.sin(2 * np.pi * np.arange(n) / RATE / 7.0 + rng.uniform(0, 6))
    hiss = sosfilt(butter(2, [200, 6000], "band", fs=RATE, output="sos"), rng.standard_normal(n))
    noise = rumble * swell / np.std(rumble) + 0.35 * hiss / np.std(hiss)
    return (noise / np.std(noise)).astype(np.float32)


def add_noise(speech: np.ndarray, snr_db: float | None, seed: int,
              voiced: np.ndarray | None = None) -> np.ndarray:
    """Mix street noise at `snr_db` (speech RMS over noise RMS; None = clean), peak at -3 dBFS.

    `voiced`: the speech alone (no pauses) the SNR is measured on; default every sample above
    -40 dB of the peak, which is the same thing for a rendered dialogue.
    """
    mix = speech.astype(np.float32)
    if snr_db is not None:
        if voiced is None:
            voiced = speech[np.abs(speech) > 0.01 * np.max(np.abs(speech))]
        noise_rms = np.sqrt(np.mean(voiced**2)) / 10 ** (snr_db / 20)
        mix = mix + noise_rms * street_noise(len(mix), np.random.default_rng(seed))
    return (mix * (0.7 / max(1e-9, float(np.max(np.abs(mix)))))).astype(np.float32)


def build(script: Path, language: str, *, snr_db: float | None, seed: int
          ) -> tuple[np.ndarray, list[dict]]:
    """Render a dialogue: (16 kHz samples, truth turns with exact start/end in seconds)."""
    voices = VOICES[language]
    rng = np.random.default_rng(seed)
    turns = read_script(script, voices)
    with tempfile.TemporaryDirectory() as tmp:
        clips = [(speaker, overlap, text, speak(text, voices[speaker], Path(tmp)))
                 for speaker, overlap, text in turns]
    truth, placed, cursor, previous = [], [], LEAD_IN, None
    for speaker, overlap, text, clip in clips:
        if previous is not None:
            if overlap:
                cursor -= min(OVERLAP, 0.5 * truth[-1]["end"] - 0.5 * truth[-1]["start"])
            else:
                # Same speaker going on: a breath; a reply: a walking-pace gap.
                cursor += (rng.uniform(0.35, 0.5) if speaker == previous
                           else rng.uniform(0.45, 0.95))
        start = round(cursor, 3)
        placed.append((round(start * RATE), clip))
        cursor = start + len(clip) / RATE
        truth.append({"speaker": speaker, "role": voices[speaker].role, "start": start,
                      "end": round(cursor, 3), "text": text})
        previous = speaker
    total = round((max(t["end"] for t in truth) + LEAD_IN) * RATE)
    speech = np.zeros(total, dtype=np.float32)
    for offset, clip in placed:
        speech[offset : offset + len(clip)] += clip
    voiced = np.concatenate([clip for _, clip in placed])
    return add_noise(speech, snr_db, seed + 1, voiced), truth


def write_opus(path: Path, samples: np.ndarray, bitrate: int = 24_000) -> None:
    """16 kHz mono Ogg/Opus through PyAV (installed with faster-whisper)."""
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


def render(script: Path, language: str, out_dir: Path, name: str, *, snr_db: float | None,
           seed: int, bitrate: int = 24_000, generator: str = "eval/synth.py") -> dict:
    """Render `script` to OUT_DIR/NAME.ogg and NAME.truth.json; returns the truth."""
    mix, truth = build(script, language, snr_db=snr_db, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    audio = out_dir / f"{name}.ogg"
    write_opus(audio, mix, bitrate)
    meta = {
        "audio": audio.name,
        "duration": round(len(mix) / RATE, 3),
        "language": language,
        "snr_db": snr_db,
        "generator": f"{generator} (espeak-ng + MBROLA)",
        "speakers": {n: {"voice": v.voice, "role": v.role, "speed": v.speed, "pitch": v.pitch}
                     for n, v in VOICES[language].items()},
        "turns": truth,
    }
    (out_dir / f"{name}.truth.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta
