"""Scores for the audio eval and the audio tests: word error rate, diarization error rate,
frame accuracy, talk-share error, and timing truth from labelled turns. Pure functions; `der`
is checked against pyannote.metrics.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copilot.ingest.diarize import Turn

STEP = 0.01  # seconds per frame for the DER


def normalise(text: str) -> str:
    """Lower case, no punctuation, digits kept, apostrophes split ("l'outil" -> "l outil"):
    Whisper and the references disagree on punctuation and case, not on words."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("'", " ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp))


def read_rttm(path: Path, uri: str) -> list[Turn]:
    turns = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER" and parts[1] == uri:
            start, dur = float(parts[3]), float(parts[4])
            turns.append(Turn(start, start + dur, parts[7]))
    return turns


def read_stm(path: Path) -> list[tuple[float, float, str, str]]:
    """(start, end, speaker, text) per line of a NIST STM file."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and not line.startswith(";;"):
            rows.append((float(parts[3]), float(parts[4]), parts[2], parts[5]))
    return sorted(rows)


def _frames(turns: Sequence[Turn], n: int, names: list[str]) -> np.ndarray:
    """(n frames, speakers) boolean activity matrix."""
    act = np.zeros((n, len(names)), dtype=bool)
    for t in turns:
        a, b = round(t.start / STEP), round(t.end / STEP)
        act[max(0, a) : min(n, b), names.index(t.speaker)] = True
    return act


def der(reference: Sequence[Turn], hypothesis: Sequence[Turn],
        uem: tuple[float, float] | None = None) -> dict[str, float]:
    """NIST diarization error rate, no collar, overlap scored: (missed + false alarm +
    confusion) / reference speech, under the one-to-one speaker mapping that maximises the
    overlap (Hungarian). Also returns the mapping's parts and that mapping."""
    from scipy.optimize import linear_sum_assignment

    end = max([t.end for t in (*reference, *hypothesis)] + [uem[1] if uem else 0.0])
    n = int(np.ceil(end / STEP)) + 1
    refs = sorted({t.speaker for t in reference})
    hyps = sorted({t.speaker for t in hypothesis})
    r, h = _frames(reference, n, refs), _frames(hypothesis, n, hyps)
    if uem is not None:
        keep = np.zeros(n, dtype=bool)
        keep[round(uem[0] / STEP) : round(uem[1] / STEP)] = True
        r, h = r[keep], h[keep]
    overlap = r.T.astype(np.int64) @ h.astype(np.int64)  # frames ref i and hyp j both speak
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    correct = int(overlap[rows, cols].sum()) if overlap.size else 0
    nr, nh = r.sum(axis=1), h.sum(axis=1)
    total = int(nr.sum())
    missed = int(np.maximum(nr - nh, 0).sum())
    false_alarm = int(np.maximum(nh - nr, 0).sum())
    confusion = int(np.minimum(nr, nh).sum()) - correct
    scale = max(total, 1)
    return {"der": (missed + false_alarm + confusion) / scale, "missed": missed / scale,
            "false_alarm": false_alarm / scale, "confusion": confusion / scale,
            "reference_seconds": total * STEP,
            "mapping": {hyps[j]: refs[i] for i, j in zip(rows, cols, strict=True)}}


def pyannote_der(reference: Sequence[Turn], hypothesis: Sequence[Turn],
                 uem: tuple[float, float] | None = None, collar: float = 0.0) -> float:
    """The same score by pyannote.metrics, to check `der` against."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    def annotation(turns: Sequence[Turn]) -> Annotation:
        out = Annotation()
        for i, t in enumerate(turns):
            out[Segment(t.start, t.end), i] = t.speaker
        return out

    metric = DiarizationErrorRate(collar=collar, skip_overlap=False)
    kwargs = {"uem": Timeline([Segment(*uem)])} if uem else {}
    with warnings.catch_warnings():  # without a uem it uses both extents, as `der` does
        warnings.simplefilter("ignore", UserWarning)
        return float(metric(annotation(reference), annotation(hypothesis), **kwargs))


def shares(turns: Sequence[Turn]) -> dict[str, float]:
    """Each speaker's share of the summed speaking time (overlap counted for both)."""
    seconds: dict[str, float] = {}
    for t in turns:
        seconds[t.speaker] = seconds.get(t.speaker, 0.0) + (t.end - t.start)
    total = sum(seconds.values()) or 1.0
    return {s: v / total for s, v in seconds.items()}


def share_error(truth: dict[str, float], predicted: dict[str, float],
                mapping: dict[str, str]) -> float:
    """Mean absolute error of the reference speakers' shares (a speaker the system never
    found has share 0): for a 1:1, how far the listening ratio is off."""
    got = {ref: 0.0 for ref in truth}
    for hyp, share in predicted.items():
        if hyp in mapping:
            got[mapping[hyp]] += share
    return float(np.mean([abs(got[s] - truth[s]) for s in truth])) if truth else 0.0


def main_speakers(turns: Sequence[Turn], k: int = 2) -> list[Turn]:
    """Only the `k` speakers who talk most (the 1:1 view of a meeting with more voices)."""
    seconds: dict[str, float] = {}
    for t in turns:
        seconds[t.speaker] = seconds.get(t.speaker, 0.0) + t.end - t.start
    keep = set(sorted(seconds, key=seconds.__getitem__, reverse=True)[:k])
    return [t for t in turns if t.speaker in keep]


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
