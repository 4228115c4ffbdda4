"""The Resemblyzer speaker encoder and its mel features, for diarization and voiceprints.

Resemblyzer's VoiceEncoder (an LSTM whose weights ship in its wheel) turns 40-band power mel
frames into a 256-d unit vector of the voice. Its own feature code goes through librosa, whose
melspectrogram spends ~15 s compiling with numba on first use, so the same features are
computed here in numpy (checked against librosa's filter bank in the tests).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from copilot.ingest.audio import SAMPLE_RATE

EMBEDDING_SIZE = 256
MEL_HOP = 160  # Resemblyzer's mel frames: 25 ms windows every 10 ms at 16 kHz
MEL_FFT = 400
MEL_BANDS = 40
TARGET_RMS = 10 ** (-30 / 20)  # Resemblyzer normalises its input to -30 dBFS

_ENCODER = None
_ENCODER_LOCK = threading.Lock()


def voice_encoder():
    """Resemblyzer's VoiceEncoder, loaded once per process (weights ship in the wheel)."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            with warnings.catch_warnings():  # webrtcvad imports the deprecated pkg_resources
                warnings.simplefilter("ignore")
                from resemblyzer import VoiceEncoder
            _ENCODER = VoiceEncoder("cpu", verbose=False)
        return _ENCODER


def embed_mels(mels: np.ndarray) -> np.ndarray:
    """(n, 256) unit voice vectors of a batch of (n, frames, 40) mel windows."""
    import torch

    with torch.no_grad():
        return voice_encoder()(torch.from_numpy(mels)).numpy()


def mel_frames(start: float, end: float) -> int:
    """The number of mel frames `window_mel` gives for a window, counted exactly as it does."""
    return (round(end * SAMPLE_RATE) - round(start * SAMPLE_RATE)) // MEL_HOP


def embed_windows(samples: np.ndarray, windows: Sequence[tuple[float, float]], *,
                  batch: int = 32, progress: Callable[[float], None] | None = None
                  ) -> np.ndarray:
    """One voice vector per (start, end) window of `samples`, in the windows' order."""
    out = np.zeros((len(windows), EMBEDDING_SIZE), dtype=np.float32)
    # Windows with the same number of mel frames go through the LSTM together. Grouping by
    # rounded seconds put 1.2349 s (123 frames) with 1.2251 s (122) and crashed np.stack on a
    # 60-minute recording.
    by_len: dict[int, list[int]] = {}
    for i, (s, e) in enumerate(windows):
        by_len.setdefault(mel_frames(s, e), []).append(i)
    done = 0
    for idx in by_len.values():
        for chunk in (idx[j : j + batch] for j in range(0, len(idx), batch)):
            out[chunk] = embed_mels(np.stack([window_mel(samples, *windows[i]) for i in chunk]))
            done += len(chunk)
            if progress:
                progress(done / len(windows))
    return out


_MEL_BASIS: np.ndarray | None = None
_F_SP, _MIN_LOG_HZ = 200.0 / 3, 1000.0  # Slaney's mel scale: linear below 1 kHz, log above
_MIN_LOG_MEL, _LOGSTEP = _MIN_LOG_HZ / _F_SP, np.log(6.4) / 27.0


def _hz_to_mel(f) -> np.ndarray:
    f = np.asarray(f, dtype=np.float64)
    return np.where(f >= _MIN_LOG_HZ,
                    _MIN_LOG_MEL + np.log(np.maximum(f, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOGSTEP,
                    f / _F_SP)


def _mel_to_hz(m) -> np.ndarray:
    return np.where(m >= _MIN_LOG_MEL, _MIN_LOG_HZ * np.exp(_LOGSTEP * (m - _MIN_LOG_MEL)),
                    _F_SP * m)


def mel_basis() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney), in numpy."""
    global _MEL_BASIS
    if _MEL_BASIS is None:
        fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + MEL_FFT // 2)
        mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2),
                                       MEL_BANDS + 2))
        fdiff = np.diff(mel_f)
        ramps = mel_f[:, None] - fft_freqs[None, :]
        weights = np.maximum(0, np.minimum(-ramps[:-2] / fdiff[:-1, None],
                                           ramps[2:] / fdiff[1:, None]))
        weights *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]
        _MEL_BASIS = weights.astype(np.float32)
    return _MEL_BASIS


_HANN = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(MEL_FFT) / MEL_FFT)).astype(np.float32)


def window_mel(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    """Resemblyzer's input for one window: (frames, 40) power mel, loudness normalised."""
    a, b = round(start * SAMPLE_RATE), round(end * SAMPLE_RATE)
    wav = samples[a:b].astype(np.float32)
    if len(wav) < b - a:  # a blip widened past the end of the recording: pad with silence
        wav = np.pad(wav, (0, b - a - len(wav)))
    rms = float(np.sqrt(np.mean(wav**2))) if len(wav) else 0.0
    if rms > 1e-6:
        # Per window, not per file: a far voice (phone in a pocket) and a near one get the same
        # level, so clusters follow timbre, not distance.
        wav = wav * np.float32(TARGET_RMS / rms)
    padded = np.pad(wav, MEL_FFT // 2)  # librosa's center=True, pad_mode="constant"
    frames = np.lib.stride_tricks.sliding_window_view(padded, MEL_FFT)[::MEL_HOP]
    power = np.abs(np.fft.rfft(frames * _HANN, axis=1)) ** 2
    return (power.astype(np.float32) @ mel_basis().T)[: (b - a) // MEL_HOP]
