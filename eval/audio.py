"""`python -m eval.audio`: the audio pipeline measured on real and synthetic recordings.

- WER (jiwer) of Whisper base: ../shared/eval-data faster-whisper/jfk.flac (reference text in
  SOURCES.md), the 7 FLEURS French clips clean and with street noise at 10 dB (eval/asr.py:
  the shipped decoding settings) and the pyannote sample (sample.stm), plus the synthetic
  dialogues;
- DER against the pyannote RTTMs (sample.wav; dev00/dev01/tst00/tst01 with k from the RTTM,
  and the tst clips restricted to their two main speakers with k=2), our DER checked against
  pyannote.metrics on every file, and the talk-share error (what the listening ratio is off by);
- synthetic two-voice dialogues with exact timing truth (eval/data/audio, the example),
  French and English, clean and with street noise: WER, DER, roles, timing metrics;
- voiceprints: similarity of a speaker's enrolment to their own voice and to the others'.

Third-party data is skipped cleanly when absent. Measures, never gates: exit 0.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from copilot.ingest.diarize import ResemblyzerDiarizer, Turn
from copilot.ingest.transcribe import WhisperTranscriber
from eval import audio_metrics as m
from eval.asr import fleurs_rows

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "eval-data"
DEFAULT_OUT = ROOT / "eval" / "results" / "audio.json"
SYNTH = ROOT / "eval" / "data" / "audio"
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
# ../shared/eval-data/SOURCES.md
JFK = ("And so my fellow Americans, ask not what your country can do for you, ask what you "
       "can do for your country.")
NOISY_SNR = 10.0  # dB: wind and traffic close to the phone
PEOPLE = {"fr": ("Claire", "Julien"), "en": ("Sarah", "Tom")}


class Capture:
    """Wraps the diarizer to keep its turns (the DER scores them, not the utterances)."""

    def __init__(self, inner) -> None:
        self.inner, self.turns = inner, []

    def diarize(self, audio, num_speakers=2, progress=None):
        self.turns = self.inner.diarize(audio, num_speakers, progress)
        return self.turns


def transcribe(path: Path, home: Path, k: int = 2, language: str | None = None):
    from copilot.ingest.speech import transcribe_recording

    capture = Capture(ResemblyzerDiarizer())
    started = time.perf_counter()
    rec = transcribe_recording(path, home=home, language=language, num_speakers=k,
                               transcriber=WhisperTranscriber(home=home), diarizer=capture)
    return rec, capture.turns, time.perf_counter() - started


def utterance_turns(rec) -> list[Turn]:
    return [Turn(u.start, u.end, u.speaker) for u in rec.transcript.utterances]


def score_diarization(ref, rec, turns, uem=None) -> dict[str, Any]:
    d = m.der(ref, turns, uem)
    checked = m.pyannote_der(ref, turns, uem)
    by_utt = m.der(ref, utterance_turns(rec), uem)
    truth = m.shares(ref)
    return {
        "der": round(d["der"], 4), "missed": round(d["missed"], 4),
        "false_alarm": round(d["false_alarm"], 4), "confusion": round(d["confusion"], 4),
        "der_pyannote": round(checked, 4), "der_check_diff": round(abs(checked - d["der"]), 5),
        "share_error_turns": round(m.share_error(truth, m.shares(turns), d["mapping"]), 4),
        # What the user sees: shares from the utterances (word spans given a speaker).
        "share_error": round(m.share_error(truth, m.shares(utterance_turns(rec)),
                                           by_utt["mapping"]), 4),
        "speakers_found": len({t.speaker for t in turns}),
    }


def shared_recordings(shared: Path, home: Path, console: Console) -> list[dict[str, Any]]:
    audio = shared / "audio"
    rows: list[dict[str, Any]] = []
    jfk = audio / "faster-whisper" / "jfk.flac"
    if jfk.is_file():
        rec, _, secs = transcribe(jfk, home, k=1)
        rows.append({"name": "jfk.flac", "kind": "wer", "language": rec.transcript.language,
                     "wer": round(m.wer(JFK, " ".join(u.text for u in
                                                       rec.transcript.utterances)), 4),
                     "seconds": round(secs, 1)})
    rows += fleurs_rows(shared, home)  # real French read speech, clean and in street noise
    sample = audio / "pyannote-sample"
    if (sample / "sample.wav").is_file():
        rec, turns, secs = transcribe(sample / "sample.wav", home, k=2)
        reference = " ".join(text for *_, text in m.read_stm(sample / "sample.stm"))
        row = {"name": "pyannote sample.wav", "kind": "both", "k": 2,
               "language": rec.transcript.language, "seconds": round(secs, 1),
               "wer": round(m.wer(reference, " ".join(u.text for u in
                                                      rec.transcript.utterances)), 4)}
        row.update(score_diarization(m.read_rttm(sample / "sample.rttm", "sample"), rec, turns))
        rows.append(row)
    debug = audio / "pyannote-debug"
    for uri, split in (("dev00", "development"), ("dev01", "development"), ("tst00", "test"),
                       ("tst01", "test")):
        wav = debug / f"{uri}.wav"
        if not wav.is_file():
            continue
        ref = m.read_rttm(debug / f"debug.{split}.rttm", uri)
        k = len({t.speaker for t in ref})
        rec, turns, secs = transcribe(wav, home, k=k, language="en")
        row = {"name": f"{uri}.wav", "kind": "der", "k": k, "seconds": round(secs, 1)}
        row.update(score_diarization(ref, rec, turns, (0.0, 30.0)))
        rows.append(row)
        if k > 2:  # the 1:1 view: the two main speakers, k=2
            two = m.main_speakers(ref, 2)
            rec, turns, secs = transcribe(wav, home, k=2, language="en")
            row = {"name": f"{uri}.wav (2 main)", "kind": "der", "k": 2,
                   "seconds": round(secs, 1)}
            # The others' speech is left out of the reference: scored where they are silent.
            row.update(score_diarization(two, rec, _outside(turns, ref, two), (0.0, 30.0)))
            rows.append(row)
        console.print(f"  {uri}: done", style="dim")
    return rows


def _outside(turns: list[Turn], ref: list[Turn], kept: list[Turn]) -> list[Turn]:
    """Hypothesis turns with the dropped speakers' time cut out (frames at 10 ms)."""
    dropped = [t for t in ref if t not in kept]
    out = []
    for t in turns:
        pieces = [(t.start, t.end)]
        for d in dropped:
            pieces = [p for a, b in pieces for p in ((a, min(b, d.start)), (max(a, d.end), b))
                      if p[1] - p[0] > 0.01]
        out.extend(Turn(a, b, t.speaker) for a, b in pieces)
    return out


def synthetic(home: Path, workdir: Path, console: Console) -> list[dict[str, Any]]:
    """The example and the eval dialogues, clean and noisy: everything has exact truth."""
    import soundfile

    from copilot.analyze.base import FakeExtractor
    from copilot.ingest.audio import load_audio
    from copilot.pipeline import analyze_transcript
    from copilot.settings import get_settings
    from eval.synth import add_noise

    items = [("example (fr, 22 dB)", EXAMPLE, "fr", None)]
    for lang in ("fr", "en"):
        clip = SYNTH / f"dialogue_{lang}.ogg"
        items += [(f"dialogue {lang} clean", clip, lang, None),
                  (f"dialogue {lang} {NOISY_SNR:.0f} dB", clip, lang, NOISY_SNR)]
    settings = get_settings(home=home)
    rows = []
    for name, path, lang, snr in items:
        truth = json.loads(path.with_name(path.stem + ".truth.json").read_text("utf-8"))
        if snr is not None:
            noisy = add_noise(load_audio(path).samples, snr, seed=7)
            path = workdir / f"{path.stem}-{snr:.0f}dB.wav"
            soundfile.write(path, noisy, 16_000)
        rec, turns, secs = transcribe(path, home, k=2)
        ref = [Turn(t["start"], t["end"], t["speaker"]) for t in truth["turns"]]
        row = {"name": name, "kind": "synthetic", "language": rec.transcript.language,
               "seconds": round(secs, 1), "duration": truth["duration"],
               "wer": round(m.wer(" ".join(t["text"] for t in truth["turns"]),
                                  " ".join(u.text for u in rec.transcript.utterances)), 4)}
        row.update(score_diarization(ref, rec, turns, (0.0, truth["duration"])))
        manager, report = PEOPLE[lang]
        # Roles as the product decides them (names said), metrics against the truth's.
        got = analyze_transcript(rec.transcript, manager=manager, report=report,
                                 date="2026-03-02", settings=settings, extractor=FakeExtractor())
        want = _truth_talk(truth, settings, manager, report)
        row.update(_timing_errors(got.talk, want, truth, rec, m.der(ref, turns)["mapping"]))
        rows.append(row)
        console.print(f"  {name}: done", style="dim")
    return rows


def _truth_talk(truth, settings, manager, report):
    from copilot.analyze.talk import compute_talk
    from copilot.models import Utterance

    utts = [Utterance(id=i, speaker=t["speaker"], role=t["role"], start=t["start"], end=t["end"],
                      text=t["text"]) for i, t in enumerate(truth["turns"], 1)]
    return compute_talk(utts, [], truth["duration"])


def _timing_errors(got, want, truth, rec, mapping) -> dict[str, Any]:
    names = {t["speaker"]: t["role"] for t in truth["turns"]}
    label_of = {hyp: ref for hyp, ref in mapping.items()}
    roles_right = all(names.get(label_of.get(s.speaker)) == s.role for s in got.speakers)
    manager_got = got.manager_share
    if manager_got is None:  # roles unknown: score the share under the best mapping
        manager_got = sum(s.share for s in got.speakers
                          if names.get(label_of.get(s.speaker)) == "manager")

    def err(a, b):
        return None if a is None or b is None else round(abs(a - b), 3)

    return {
        "roles": got.roles_source or "unknown",
        "roles_right": bool(got.roles_source and roles_right),
        "manager_share": round(manager_got, 3), "manager_share_true": want.manager_share,
        "manager_share_error": err(manager_got, want.manager_share),
        "patience_error": err(got.manager_patience, want.manager_patience),
        "monologue_error": err(got.longest_monologue.seconds if got.longest_monologue else None,
                               want.longest_monologue.seconds if want.longest_monologue else None),
        "silence_error": err(got.silence_share, want.silence_share),
        "interruptions": len(got.interruptions), "interruptions_true": len(want.interruptions),
    }


def voiceprints(shared: Path, home: Path, encoder=None) -> dict[str, Any]:
    """Enrol each speaker on the first half of their labelled speech; compare with the second
    half of everyone's. Same voice vs other voices, and the 2-speaker decisions at the
    configured threshold and margin."""
    from copilot.ingest.audio import load_audio
    from copilot.ingest.campplus import CamppEncoder
    from copilot.ingest.voiceprint import (
        Voiceprint,
        match_limits,
        match_voice,
        speaker_voices,
    )
    from copilot.settings import get_settings

    settings = get_settings(home=home)
    encoder = encoder or CamppEncoder()
    sets: list[tuple[str, Path, list[Turn]]] = []
    for path in (EXAMPLE, SYNTH / "dialogue_fr.ogg", SYNTH / "dialogue_en.ogg"):
        truth = json.loads(path.with_name(path.stem + ".truth.json").read_text("utf-8"))
        sets.append((path.name, path, [Turn(t["start"], t["end"], t["speaker"])
                                       for t in truth["turns"]]))
    audio = shared / "audio"
    if (audio / "pyannote-sample" / "sample.wav").is_file():
        sets.append(("sample.wav", audio / "pyannote-sample" / "sample.wav",
                     m.read_rttm(audio / "pyannote-sample" / "sample.rttm", "sample")))
        for uri, split in (("dev00", "development"), ("dev01", "development"),
                           ("tst00", "test"), ("tst01", "test")):
            sets.append((f"{uri}.wav", audio / "pyannote-debug" / f"{uri}.wav",
                         m.read_rttm(audio / "pyannote-debug" / f"debug.{split}.rttm", uri)))
    same, other, decisions = [], [], []
    threshold, margin = match_limits(encoder.name, settings.audio.voiceprint_threshold,
                                     settings.audio.voiceprint_margin)
    for name, path, turns in sets:
        samples = load_audio(path).samples
        first, second = _halves(turns)
        enrolled, later = speaker_voices(samples, first, encoder), speaker_voices(samples, second,
                                                                                 encoder)
        for who, vector in enrolled.items():
            for to, v in later.items():
                (same if who == to else other).append(round(float(np.dot(vector, v)), 3))
            if len(later) == 2 and who in later:
                got = match_voice(later, Voiceprint(vector, encoder.name, 0.0),
                                  threshold=threshold, margin=margin)
                decisions.append({"file": name, "speaker": who, "decided": got.speaker,
                                  "right": got.speaker == who})
    return {"same_voice": sorted(same), "other_voice": sorted(other),
            "encoder": encoder.name, "threshold": threshold, "margin": margin,
            "two_speaker_decisions": decisions}


def _halves(turns: list[Turn]) -> tuple[list[Turn], list[Turn]]:
    first, second = [], []
    for speaker in {t.speaker for t in turns}:
        own = [t for t in turns if t.speaker == speaker]
        total, seen = sum(t.end - t.start for t in own), 0.0
        for t in own:
            (first if seen < total / 2 else second).append(t)
            seen += t.end - t.start
    return first, second


def _fmt(value, pct=False) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if pct else (f"{value:.2f}" if isinstance(value, float) else str(value))


def tables(result: dict[str, Any]) -> list[Table]:
    out = []
    real = Table(title="Real recordings (../shared/eval-data)", title_justify="left")
    for col in ("file", "k", "WER", "DER", "pyannote DER", "miss", "FA", "conf",
                "share err", "share err (turns)", "s"):
        real.add_column(col, justify="left" if col == "file" else "right")
    for r in result["real"]:
        real.add_row(r["name"], _fmt(r.get("k")), _fmt(r.get("wer"), True),
                     _fmt(r.get("der"), True), _fmt(r.get("der_pyannote"), True),
                     _fmt(r.get("missed"), True), _fmt(r.get("false_alarm"), True),
                     _fmt(r.get("confusion"), True), _fmt(r.get("share_error"), True),
                     _fmt(r.get("share_error_turns"), True), _fmt(r.get("seconds")))
    out.append(real)
    synth = Table(title="Synthetic dialogues (exact timing truth)", title_justify="left")
    for col in ("dialogue", "WER", "DER", "share err", "roles", "mgr share (true)",
                "patience err s", "monologue err s", "silence err", "interrupt. (true)", "s"):
        synth.add_column(col, justify="left" if col in ("dialogue", "roles") else "right")
    for r in result["synthetic"]:
        wrong = not r["roles_right"] and r["roles"] != "unknown"
        synth.add_row(r["name"], _fmt(r["wer"], True), _fmt(r["der"], True),
                      _fmt(r["share_error"], True), f"{r['roles']}{' WRONG' if wrong else ''}",
                      f"{r['manager_share']:.2f} ({_fmt(r['manager_share_true'])})",
                      _fmt(r["patience_error"]), _fmt(r["monologue_error"]),
                      _fmt(r["silence_error"], True),
                      f"{r['interruptions']} ({r['interruptions_true']})", _fmt(r["seconds"]))
    out.append(synth)
    vp = result.get("voiceprints")
    if vp:
        table = Table(title="Voiceprints (cosine similarity, enrol on half, test on the other)",
                      title_justify="left")
        for col in ("", "n", "min", "mean", "max"):
            table.add_column(col, justify="right")
        for label, values in (("same voice", vp["same_voice"]), ("other voice", vp["other_voice"])):
            if values:
                table.add_row(label, str(len(values)), f"{min(values):.3f}",
                              f"{np.mean(values):.3f}", f"{max(values):.3f}")
        right = sum(d["right"] for d in vp["two_speaker_decisions"])
        undecided = sum(d["decided"] is None for d in vp["two_speaker_decisions"])
        table.caption = (f"2-speaker files at threshold {vp['threshold']} / margin "
                         f"{vp['margin']}: {right} right, {undecided} undecided, "
                         f"{len(vp['two_speaker_decisions']) - right - undecided} wrong")
        out.append(table)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.audio", description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="third-party eval data (skipped when absent)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--home", type=Path, default=None,
                    help="where the Whisper model is assembled (default: COPILOT_HOME)")
    args = ap.parse_args(argv)
    from copilot.settings import get_settings

    home = args.home or get_settings().home
    console = Console() if Console().is_terminal else Console(width=140)
    result: dict[str, Any] = {"real": [], "synthetic": []}
    started = time.perf_counter()
    if (args.shared / "audio").is_dir():
        console.print(f"real recordings from {args.shared}")
        result["real"] = shared_recordings(args.shared, home, console)
    else:
        console.print(f"{args.shared}/audio is absent: real recordings skipped", style="yellow")
    console.print("synthetic dialogues")
    with tempfile.TemporaryDirectory() as tmp:
        result["synthetic"] = synthetic(home, Path(tmp), console)
    result["voiceprints"] = voiceprints(args.shared, home)
    result["seconds"] = round(time.perf_counter() - started, 1)
    for table in tables(result):
        console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    console.print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
