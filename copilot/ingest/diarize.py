"""Who spoke when: the `Diarizer` protocol, the embedded default, a fake, word assignment.

Default pipeline (all weights inside PyPI packages, nothing downloaded):
  1. Silero VAD (shipped in faster-whisper) finds speech regions;
  2. a stereo file with one speaker per channel is split by channel energy, no model needed;
  3. otherwise Resemblyzer embeds 1.5 s windows every 0.5 s inside each region (windows never
     straddle a pause, where most turn changes happen), KMeans groups them (k=2 for a 1:1;
     agglomerative clustering merged both voices in a measured case);
  4. re-segmentation: every 0.1 s frame scores each speaker by the share of the windows
     covering it that went to that speaker, and a Viterbi pass with a switch penalty (smaller
     across a pause) removes flicker. Votes beat raw centroid similarities, and a light
     penalty beat a heavy one: real 1:1 turns can be 0.4 s ("oui", "d'accord").
Words then get the speaker whose turns cover most of them, and are grouped into utterances.
"""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from copilot.errors import EngineError
from copilot.ingest.audio import ENERGY_HOP, SAMPLE_RATE, AudioInfo
from copilot.ingest.transcribe import Word
from copilot.models import Utterance

FRAME = 0.1  # seconds per re-segmentation frame
MEL_HOP = 160  # Resemblyzer's mel frames: 25 ms windows every 10 ms at 16 kHz
MEL_FFT = 400
TARGET_RMS = 10 ** (-30 / 20)  # Resemblyzer normalises its input to -30 dBFS
UTTERANCE_PAUSE = 1.5  # seconds of silence inside one speaker's speech that start a new utterance


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


# --------------------------------------------------------------------------- default engine

_ENCODER = None
_ENCODER_LOCK = threading.Lock()


def _encoder():
    """Resemblyzer's VoiceEncoder, loaded once per process (weights ship in the wheel)."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            with warnings.catch_warnings():  # webrtcvad imports the deprecated pkg_resources
                warnings.simplefilter("ignore")
                from resemblyzer import VoiceEncoder
            _ENCODER = VoiceEncoder("cpu", verbose=False)
        return _ENCODER


class ResemblyzerDiarizer:
    def __init__(self, *, window: float = 1.5, hop: float = 0.5, min_window: float = 0.5,
                 switch_penalty: float = 0.1, batch: int = 32) -> None:
        self.window, self.hop, self.min_window = window, hop, min_window
        # In vote x seconds: a switch inside continuous speech needs that much evidence, e.g.
        # 0.1 = 0.2 s where the windows vote 3 to 1. Across a pause it costs a fifth of it.
        self.switch_penalty = switch_penalty
        self.batch = batch

    def diarize(self, audio: AudioInfo, num_speakers: int = 2,
                progress: Callable[[float], None] | None = None) -> list[Turn]:
        regions = speech_regions(audio.samples)
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
        windows, widened = _windows(regions, self.window, self.hop, self.min_window)
        emb = self._embed(samples, windows, progress)
        # Widened blips are noisy: they are classified, but do not shape the clusters.
        labels = _kmeans(emb, k, fit_on=~widened)
        votes = np.eye(int(labels.max()) + 1)[labels]
        return _resegment(regions, windows, votes, self.switch_penalty)

    def _embed(self, samples: np.ndarray, windows: list[tuple[float, float]], progress):
        import torch

        encoder = _encoder()
        out = np.zeros((len(windows), 256), dtype=np.float32)
        # Windows with the same number of mel frames go through the LSTM together. Counted
        # exactly as _window_mel counts them: grouping by rounded seconds put 1.2349 s (123
        # frames) with 1.2251 s (122) and crashed np.stack on a 60-minute recording.
        by_len: dict[int, list[int]] = {}
        for i, (s, e) in enumerate(windows):
            frames = (round(e * SAMPLE_RATE) - round(s * SAMPLE_RATE)) // MEL_HOP
            by_len.setdefault(frames, []).append(i)
        done = 0
        for idx in by_len.values():
            for chunk in (idx[j : j + self.batch] for j in range(0, len(idx), self.batch)):
                mels = np.stack([_window_mel(samples, *windows[i]) for i in chunk])
                with torch.no_grad():
                    out[chunk] = encoder(torch.from_numpy(mels)).numpy()
                done += len(chunk)
                if progress:
                    progress(done / len(windows))
        return out


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of speech, with short pauses kept as boundaries (turn changes)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(threshold=0.5, min_speech_duration_ms=150, min_silence_duration_ms=250,
                      speech_pad_ms=50)
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE)
            for c in get_speech_timestamps(samples, opts)]


def _windows(regions, window, hop, min_window) -> tuple[list[tuple[float, float]], np.ndarray]:
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


_MEL_BASIS: np.ndarray | None = None


def _mel_basis() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney), in numpy.

    Written out because librosa's melspectrogram spends ~15 s compiling with numba on first use.
    """
    global _MEL_BASIS
    if _MEL_BASIS is None:
        f_sp, min_log_hz = 200.0 / 3, 1000.0
        min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

        def hz_to_mel(f):
            f = np.asarray(f, dtype=np.float64)
            return np.where(f >= min_log_hz,
                            min_log_mel + np.log(np.maximum(f, min_log_hz) / min_log_hz) / logstep,
                            f / f_sp)

        def mel_to_hz(m):
            return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)),
                            f_sp * m)

        fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + MEL_FFT // 2)
        mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), 42))
        fdiff = np.diff(mel_f)
        ramps = mel_f[:, None] - fft_freqs[None, :]
        weights = np.maximum(0, np.minimum(-ramps[:-2] / fdiff[:-1, None],
                                           ramps[2:] / fdiff[1:, None]))
        weights *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]
        _MEL_BASIS = weights.astype(np.float32)
    return _MEL_BASIS


_HANN = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(MEL_FFT) / MEL_FFT)).astype(np.float32)


def _window_mel(samples: np.ndarray, start: float, end: float) -> np.ndarray:
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
    return (power.astype(np.float32) @ _mel_basis().T)[: (b - a) // MEL_HOP]


def _kmeans(emb: np.ndarray, k: int, fit_on: np.ndarray | None = None) -> np.ndarray:
    """Cluster labels 0..k-1; fixed seed so the same file always gets the same answer."""
    from sklearn.cluster import KMeans

    train = emb[fit_on] if fit_on is not None and fit_on.sum() >= k else emb
    k = min(k, len(train))
    if k <= 1:
        return np.zeros(len(emb), dtype=int)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit(train).predict(emb)


def _resegment(regions, windows, scores, penalty) -> list[Turn]:
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


# --------------------------------------------------------------------- fake and assignment

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


def speaker_of(word: Word, turns: Sequence[Turn], starts: np.ndarray | None = None) -> str | None:
    """The speaker whose turns overlap `word` most; the nearest turn when none overlaps."""
    if not turns:
        return None
    starts = starts if starts is not None else np.array([t.start for t in turns])
    # Whisper stretches the first word after a pause back over the pause ("Par" lasting 0.86 s,
    # starting under the previous speaker's last syllable): only the plausible length of the
    # word, counted back from its end, is compared with the turns.
    start = max(word.start, word.end - (0.15 + 0.09 * len(word.text.strip())))
    hi = int(np.searchsorted(starts, word.end, side="right"))
    overlap: dict[str, float] = {}
    for t in turns[max(0, hi - 8) : hi]:  # overlapping turns start just before the word ends
        o = min(t.end, word.end) - max(t.start, start)
        if o > 0:
            overlap[t.speaker] = overlap.get(t.speaker, 0.0) + o
    if overlap:
        return max(overlap, key=overlap.__getitem__)
    mid = (start + word.end) / 2
    lo = max(0, hi - 8)
    nearest = min(turns[lo : hi + 1] or turns,
                  key=lambda t: 0.0 if t.start <= mid <= t.end else min(abs(t.start - mid),
                                                                         abs(t.end - mid)))
    return nearest.speaker


def assign_words(words: Sequence[Word], turns: Sequence[Turn], *,
                 pause: float = UTTERANCE_PAUSE) -> list[Utterance]:
    """Group words into utterances: a new one at each speaker change or pause > `pause` s."""
    turns = sorted(turns, key=lambda t: t.start)
    starts = np.array([t.start for t in turns])
    groups: list[tuple[str | None, list[Word]]] = []
    for word in words:
        if groups and not any(ch.isalnum() for ch in word.text):
            groups[-1][1].append(word)  # a lone " ?" closes the previous word's sentence
            continue
        speaker = speaker_of(word, turns, starts)
        if groups and groups[-1][0] == speaker and word.start - groups[-1][1][-1].end <= pause:
            groups[-1][1].append(word)
        else:
            groups.append((speaker, [word]))
    utterances = []
    for speaker, group in groups:
        text = " ".join("".join(w.text for w in group).split())
        if text:
            utterances.append(Utterance(id=len(utterances) + 1, speaker=speaker,
                                        start=round(group[0].start, 2),
                                        end=round(group[-1].end, 2), text=text))
    return utterances


def frame_accuracy(predicted: Sequence[Turn], truth: Sequence[Turn], step: float = 0.01, *,
                   count_missed: bool = True) -> float:
    """Share of the truth's single-speaker time given the right speaker, under the best
    one-to-one mapping of predicted to true labels. Missed speech (no predicted speaker, e.g.
    a pause inside a true turn) counts as wrong unless `count_missed` is False."""
    if not truth:
        return 1.0
    n = int(np.ceil(max(t.end for t in itertools.chain(truth, predicted)) / step)) + 1
    t_names = sorted({t.speaker for t in truth})
    p_names = sorted({t.speaker for t in predicted})
    t_lab, t_cnt = np.full(n, -1), np.zeros(n, dtype=int)
    for t in truth:
        sl = slice(round(t.start / step), round(t.end / step))
        t_lab[sl] = t_names.index(t.speaker)
        t_cnt[sl] += 1
    p_lab = np.full(n, -1)
    for t in predicted:
        p_lab[round(t.start / step) : round(t.end / step)] = p_names.index(t.speaker)
    scored = (t_cnt == 1) if count_missed else (t_cnt == 1) & (p_lab >= 0)
    best = 0
    for perm in itertools.permutations(range(max(len(p_names), len(t_names))), len(p_names)):
        mapped = np.where(p_lab >= 0, np.array(perm)[np.maximum(p_lab, 0)], -2)
        best = max(best, int(np.sum(mapped[scored] == t_lab[scored])))
    return best / max(1, int(scored.sum()))
