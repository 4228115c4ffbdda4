"""Who spoke when: the `Diarizer` protocol, the embedded default and a fake.

Default pipeline (all weights inside PyPI packages, nothing downloaded):
  1. Silero VAD (shipped in faster-whisper) finds speech regions;
  2. a stereo file with one speaker per channel is split by channel energy, no model needed;
  3. otherwise Resemblyzer embeds windows (1.5 s every 0.5 s by default) inside each region
     (windows never straddle a pause, where most turn changes happen), KMeans groups them (k=2
     for a 1:1; agglomerative clustering merged both voices in a measured case);
  4. re-segmentation: every 0.1 s frame scores each speaker by the share of the windows
     covering it that went to that speaker, and a Viterbi pass with a switch penalty (smaller
     across a pause) removes flicker. Votes beat raw centroid similarities, and a light
     penalty beat a heavy one: real 1:1 turns can be 0.4 s ("oui", "d'accord").
Words get their speaker from the turns in `word_assignment`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from copilot.errors import EngineError
from copilot.ingest.audio import ENERGY_HOP, SAMPLE_RATE, AudioInfo
from copilot.ingest.speaker_encoder import embed_windows
from copilot.ingest.vad import VadParams, speech_regions
from copilot.settings import Settings, defaults

FRAME = 0.1  # seconds per re-segmentation frame


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str


class Diarizer(Protocol):
    def diarize(self, audio: AudioInfo, num_speakers: int = 2,
                progress: Callable[[float], None] | None = None) -> list[Turn]:
        """Speaker turns of `audio`, labelled SPEAKER_00, SPEAKER_01... by first appearance."""
        ...


@dataclass(frozen=True)
class DiarizationParams:
    """The numbers a user may tune (COPILOT_DIARIZE_*): see `Settings` for each."""

    window: float
    hop: float
    min_window: float
    switch_penalty: float
    vad: VadParams

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> DiarizationParams:
        settings = settings or defaults()
        s = settings.audio
        return cls(window=s.diarize_window_seconds, hop=s.diarize_hop_seconds,
                   min_window=s.diarize_min_window_seconds,
                   switch_penalty=s.diarize_switch_penalty,
                   vad=VadParams.for_diarization(settings))


# --------------------------------------------------------------------------- default engine

class ResemblyzerDiarizer:
    def __init__(self, params: DiarizationParams | None = None, *, batch: int = 32) -> None:
        self.params = params or DiarizationParams.from_settings()
        self.batch = batch

    def diarize(self, audio: AudioInfo, num_speakers: int = 2,
                progress: Callable[[float], None] | None = None) -> list[Turn]:
        regions = speech_regions(audio.samples, self.params.vad)
        if not regions:
            return []
        if audio.channel_energy is not None:
            split = channel_split_turns(audio.channel_energy, regions)
            if split is not None:
                return relabel(split)
        try:
            return relabel(self._cluster(audio.samples, regions, max(1, num_speakers), progress))
        except RuntimeError as exc:  # torch failures
            raise EngineError(f"speaker diarization failed: {exc}", "Retry the upload") from exc

    def _cluster(self, samples, regions, k, progress) -> list[Turn]:
        p = self.params
        windows, widened = embedding_windows(regions, p.window, p.hop, p.min_window)
        emb = embed_windows(samples, windows, batch=self.batch, progress=progress)
        # Widened blips are noisy: they are classified, but do not shape the clusters.
        labels = cluster_labels(emb, k, fit_on=~widened)
        votes = np.eye(int(labels.max()) + 1)[labels]
        return resegment(regions, windows, votes, p.switch_penalty)


def embedding_windows(regions, window, hop, min_window
                      ) -> tuple[list[tuple[float, float]], np.ndarray]:
    """Analysis windows inside each speech region, and which ones were widened blips."""
    out: list[tuple[float, float]] = []
    widened: list[bool] = []
    for s, e in regions:
        if e - s < min_window:
            # A lone "oui" is a turn too: widen it to the shortest usable window (the few
            # frames of silence around it barely move an embedding) rather than guess.
            mid = max((s + e) / 2, min_window / 2)
            out.append((round(mid - min_window / 2, 3), round(mid + min_window / 2, 3)))
            widened.append(True)
            continue
        if e - s <= window:
            out.append((s, e))
            widened.append(False)
            continue
        n = int(np.ceil((e - s - window) / hop))
        starts = [s + i * hop for i in range(n)] + [e - window]  # last one flush with the end
        out.extend((round(a, 3), round(a + window, 3)) for a in starts)
        widened.extend([False] * len(starts))
    return out, np.array(widened, dtype=bool)


def cluster_labels(emb: np.ndarray, k: int, fit_on: np.ndarray | None = None) -> np.ndarray:
    """Cluster labels 0..k-1; fixed seed so the same file always gets the same answer."""
    from sklearn.cluster import KMeans

    train = emb[fit_on] if fit_on is not None and fit_on.sum() >= k else emb
    k = min(k, len(train))
    if k <= 1:
        return np.zeros(len(emb), dtype=int)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit(train).predict(emb)


def resegment(regions, windows, scores, penalty) -> list[Turn]:
    """Frame-level speaker scores from overlapping windows, smoothed by Viterbi, to turns."""
    k = scores.shape[1]
    frames: list[tuple[float, float, bool]] = []  # (start, end, follows a pause)
    for s, e in regions:
        n = max(1, round((e - s) / FRAME))
        edges = np.linspace(s, e, n + 1)
        frames.extend((edges[i], edges[i + 1], i == 0) for i in range(n))
    starts = np.array([f[0] for f in frames])
    ends = np.array([f[1] for f in frames])
    total = np.zeros((len(frames), k))
    count = np.zeros(len(frames))
    for (ws, we), row in zip(windows, scores, strict=True):
        lo, hi = np.searchsorted(ends, ws, side="right"), np.searchsorted(starts, we, side="left")
        total[lo:hi] += row
        count[lo:hi] += 1
    # Every frame has a window (blips get a widened one); were one missed, its zero scores
    # would simply let the Viterbi pass carry the speaker around it.
    emission = total / np.maximum(count, 1)[:, None] * (ends - starts)[:, None]
    path = _viterbi(emission, np.array([f[2] for f in frames]), penalty)
    turns: list[Turn] = []
    for i, label in enumerate(path):
        name = f"S{label}"
        if turns and turns[-1].speaker == name and abs(turns[-1].end - starts[i]) < 1e-6:
            turns[-1] = Turn(turns[-1].start, float(ends[i]), name)
        else:
            turns.append(Turn(float(starts[i]), float(ends[i]), name))
    return turns


def _viterbi(emission: np.ndarray, after_pause: np.ndarray, penalty: float) -> np.ndarray:
    t, k = emission.shape
    back = np.zeros((t, k), dtype=np.int32)
    score = emission[0].copy()
    switch = np.where(after_pause, penalty / 5, penalty)
    for i in range(1, t):
        # stay: score[j]; switch: best other state minus the penalty
        cand = score[None, :] - switch[i] * (1 - np.eye(k))
        back[i] = np.argmax(cand, axis=1)
        score = cand[np.arange(k), back[i]] + emission[i]
    path = np.zeros(t, dtype=np.int32)
    path[-1] = int(np.argmax(score))
    for i in range(t - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def channel_split_turns(energy: np.ndarray, regions: Sequence[tuple[float, float]],
                        margin_db: float = 6.0) -> list[Turn] | None:
    """Turns by channel when a stereo file has one speaker per channel, else None.

    Within speech, such a file has one channel clearly louder than the other most of the time,
    each channel winning a fair share, and channel energies that do not rise together. A
    dual-mono or an ordinary stereo microphone fails these tests and goes to clustering.
    """
    hop = ENERGY_HOP / SAMPLE_RATE
    idx = np.concatenate([np.arange(int(s / hop), min(int(np.ceil(e / hop)), energy.shape[1]))
                          for s, e in regions]) if regions else np.array([], dtype=int)
    if len(idx) < 50:  # under a second of speech: not enough to tell
        return None
    db = 20 * np.log10(energy[:, idx] + 1e-5)
    diff = db[0] - db[1]
    left, right = float(np.mean(diff > margin_db)), float(np.mean(diff < -margin_db))
    corr = float(np.corrcoef(db[0], db[1])[0, 1]) if np.std(db[0]) and np.std(db[1]) else 1.0
    if min(left, right) < 0.1 or left + right < 0.6 or corr > 0.7:
        return None
    # A channel speaks where it is well above its own floor and is not mere bleed from the
    # other one (call recorders leak the far side at -15 to -30 dB); both may speak at once.
    all_db = 20 * np.log10(energy + 1e-5)
    floor, peak = np.percentile(all_db, 10, axis=1), np.percentile(all_db, 95, axis=1)
    threshold = np.maximum(floor + 10.0, peak - 40.0)
    turns: list[Turn] = []
    for c, name in ((0, "L"), (1, "R")):
        active = (db[c] > threshold[c]) & (db[c] > db[1 - c] - 15.0)
        run: list[float] | None = None
        for frame in idx[active]:
            t0 = float(frame * hop)
            if run is not None and t0 - run[1] < 0.3:  # syllable gaps do not end a turn
                run[1] = t0 + hop
                continue
            if run is not None and run[1] - run[0] >= 0.1:
                turns.append(Turn(run[0], run[1], name))
            run = [t0, t0 + hop]
        if run is not None and run[1] - run[0] >= 0.1:
            turns.append(Turn(run[0], run[1], name))
    return sorted(turns, key=lambda t: (t.start, t.end)) or None


def relabel(turns: Sequence[Turn]) -> list[Turn]:
    """Rename speakers SPEAKER_00, SPEAKER_01... in order of first appearance."""
    names: dict[str, str] = {}
    out = []
    for t in sorted(turns, key=lambda t: (t.start, t.end)):
        names.setdefault(t.speaker, f"SPEAKER_{len(names):02d}")
        out.append(Turn(round(float(t.start), 3), round(float(t.end), 3), names[t.speaker]))
    return out


# ------------------------------------------------------------------------------------ fake

class FakeDiarizer:
    """Returns prepared turns, or one speaker over the whole file: for tests and smoke runs."""

    def __init__(self, turns: Sequence[Turn] | None = None) -> None:
        self.turns = list(turns) if turns is not None else None
        self.calls = 0

    def diarize(self, audio: AudioInfo, num_speakers: int = 2,
                progress: Callable[[float], None] | None = None) -> list[Turn]:
        self.calls += 1
        if progress:
            progress(1.0)
        if self.turns is None:
            return [Turn(0.0, round(audio.duration, 3), "SPEAKER_00")] if audio.duration else []
        return relabel(self.turns)
