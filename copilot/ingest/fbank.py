"""Kaldi-style log mel filterbank features (the input of the CAM++ speaker encoder), in torch.

CAM++ was trained on `torchaudio.compliance.kaldi.fbank(wav, num_mel_bins=80, dither=0)` minus
its mean over the utterance. torchaudio is not a dependency (its wheels pin an older torch), so
the same recipe is written here from Kaldi's documented steps: 25 ms frames every 10 ms with
no frame past the end (snip_edges), per frame DC removal, pre-emphasis 0.97, Povey window,
zero padding to 512 points, power spectrum, 80 triangular bands on Kaldi's mel scale
(1127 ln(1 + f/700)) from 20 Hz to Nyquist, log of the energy floored at float32 epsilon.

Each frame is computed from its own 400 samples only, so the frames of a whole recording,
sliced, are the frames of any window that starts on a 10 ms boundary.
"""

from __future__ import annotations

import math

import numpy as np
import torch

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
FFT_SIZE = 512  # the frame length rounded up to a power of two, as Kaldi pads it
MEL_BINS = 80
LOW_HZ = 20.0
PREEMPHASIS = 0.97
_EPSILON = float(torch.finfo(torch.float32).eps)

_BANKS: torch.Tensor | None = None
_WINDOW: torch.Tensor | None = None


def kaldi_mel(hz):
    """Kaldi's mel scale: 1127 ln(1 + f / 700)."""
    return 1127.0 * np.log1p(np.asarray(hz, dtype=np.float64) / 700.0)


def mel_banks() -> torch.Tensor:
    """(80, 257) triangular filters over the power spectrum bins; the Nyquist bin gets 0."""
    global _BANKS
    if _BANKS is None:
        bins = FFT_SIZE // 2
        low, high = kaldi_mel(LOW_HZ), kaldi_mel(SAMPLE_RATE / 2)
        delta = (high - low) / (MEL_BINS + 1)
        left = low + delta * np.arange(MEL_BINS)[:, None]
        centre, right = left + delta, left + 2 * delta
        mel = kaldi_mel(np.arange(bins) * SAMPLE_RATE / FFT_SIZE)[None, :]
        # Triangles drawn on the mel axis, not in Hz: Kaldi's way (not Slaney's area norm).
        weights = np.maximum(0.0, np.minimum((mel - left) / (centre - left),
                                             (right - mel) / (right - centre)))
        weights = np.pad(weights, ((0, 0), (0, 1)))
        _BANKS = torch.from_numpy(weights.astype(np.float32))
    return _BANKS


def povey_window() -> torch.Tensor:
    """Kaldi's "povey" window: a symmetric Hann window raised to the power 0.85."""
    global _WINDOW
    if _WINDOW is None:
        n = torch.arange(FRAME_LENGTH, dtype=torch.float64)
        hann = 0.5 - 0.5 * torch.cos(2 * math.pi * n / (FRAME_LENGTH - 1))
        _WINDOW = hann.pow(0.85).float()
    return _WINDOW


def frame_count(n_samples: int) -> int:
    """Frames Kaldi gives `n_samples` with snip_edges: only whole frames."""
    return 0 if n_samples < FRAME_LENGTH else 1 + (n_samples - FRAME_LENGTH) // FRAME_SHIFT


def log_mel(samples: torch.Tensor | np.ndarray, *, block: int = 6000) -> torch.Tensor:
    """(frames, 80) log mel energies of 16 kHz mono float `samples`, not mean-normalised.
    Frames are independent: they are computed `block` at a time (a minute), so an hour does
    not hold its whole spectrum (over 2 GB of intermediates) at once."""
    if isinstance(samples, torch.Tensor):
        wav = samples.float().reshape(-1)
    else:
        wav = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32).reshape(-1))
    n = frame_count(len(wav))
    if n == 0:
        return torch.zeros(0, MEL_BINS)
    frames = wav.unfold(0, FRAME_LENGTH, FRAME_SHIFT)[:n]
    return torch.cat([_log_mel_frames(frames[i : i + block]) for i in range(0, n, block)])


def _log_mel_frames(frames: torch.Tensor) -> torch.Tensor:
    frames = frames - frames.mean(dim=1, keepdim=True)
    # Pre-emphasis inside each frame, its first sample against itself (Kaldi's convention).
    previous = torch.cat([frames[:, :1], frames[:, :-1]], dim=1)
    frames = (frames - PREEMPHASIS * previous) * povey_window()
    spectrum = torch.fft.rfft(frames, n=FFT_SIZE, dim=1)
    power = spectrum.real.square() + spectrum.imag.square()
    return torch.clamp(power @ mel_banks().T, min=_EPSILON).log()


def fbank(samples: torch.Tensor | np.ndarray) -> torch.Tensor:
    """CAM++'s input for one utterance: (frames, 80) log mel minus its mean over the frames."""
    feats = log_mel(samples)
    return feats - feats.mean(dim=0, keepdim=True) if len(feats) else feats
