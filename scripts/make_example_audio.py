"""Generate examples/walking_meeting_fr.ogg (a two-voice French walking 1:1) and its truth, and
the synthetic eval dialogues in eval/data/audio/.

examples/walking_meeting_fr.script.txt ("Name: text" per line) is spoken by espeak-ng with two
MBROLA voices (Claire: mb-fr4, female; Julien: mb-fr1, male, 4 dB quieter as if further from the
phone in Claire's pocket), placed on a timeline with natural gaps, mixed with light wind-like
noise (22 dB SNR) and encoded as 16 kHz mono Ogg/Opus at 24 kb/s. The exact start/end of each
turn goes to examples/walking_meeting_fr.truth.json, which tests and eval score against.

`--dialogues` also renders eval/data/audio/dialogue_{fr,en}.ogg, clean (the eval adds noise at
chosen levels itself), with short replies and two interruptions for overlap truth.

Needs espeak-ng and MBROLA voices (Debian contrib: `apt-get install espeak-ng mbrola mbrola-fr1
mbrola-fr4 mbrola-us1 mbrola-us2`); only this script does: CI, tests and `make demo` use the
committed files. Deterministic: same scripts and tool versions -> byte-identical files.

    python scripts/make_example_audio.py [--out-dir examples] [--dialogues]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a file from anywhere: eval/ is not installed

from eval import synth

NAME = "walking_meeting_fr"
SNR_DB = 22.0  # audible wind, still clean enough for Whisper base
MAX_SECONDS = 90.0
SEED = 11
DIALOGUES = ROOT / "eval" / "data" / "audio"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "examples")
    parser.add_argument("--script", type=Path, default=ROOT / "examples" / f"{NAME}.script.txt")
    parser.add_argument("--dialogues", action="store_true",
                        help="also render the eval dialogues (fr, en) into eval/data/audio")
    args = parser.parse_args(argv)
    languages = ["fr", "en"] if args.dialogues else ["fr"]
    missing = sorted({m for lang in languages for m in synth.tools_missing(lang)})
    if missing:
        print(f"missing: {', '.join(missing)} (Debian contrib: apt-get install espeak-ng "
              "mbrola mbrola-fr1 mbrola-fr4 mbrola-us1 mbrola-us2)", file=sys.stderr)
        return 1
    meta = synth.render(args.script, "fr", args.out_dir, NAME, snr_db=SNR_DB, seed=SEED,
                        generator="scripts/make_example_audio.py")
    if meta["duration"] > MAX_SECONDS:
        print(f"the dialogue lasts {meta['duration']:.1f} s, over {MAX_SECONDS:.0f} s: shorten "
              "the script", file=sys.stderr)
        return 1
    audio = args.out_dir / meta["audio"]
    print(f"{audio}: {meta['duration']:.1f} s, {audio.stat().st_size / 1024:.0f} KiB, "
          f"{len(meta['turns'])} turns")
    if args.dialogues:
        for lang in ("fr", "en"):
            # Clean and at a lower bitrate: the eval mixes in noise at several levels itself.
            meta = synth.render(DIALOGUES / f"dialogue_{lang}.script.txt", lang, DIALOGUES,
                                f"dialogue_{lang}", snr_db=None, seed=SEED, bitrate=20_000,
                                generator="scripts/make_example_audio.py --dialogues")
            audio = DIALOGUES / meta["audio"]
            print(f"{audio}: {meta['duration']:.1f} s, {audio.stat().st_size / 1024:.0f} KiB, "
                  f"{len(meta['turns'])} turns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
