"""Diarization v2's own steps (cuts at change points, one voice or two, overlap turns) on
constructed inputs; the real pipeline on real recordings is in test_diarize_real.py."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from copilot.ingest.diarize import Turn
from copilot.ingest.diarize_v2 import cut_at, one_voice, overlap_spans, overlap_turns


def test_regions_are_cut_at_the_change_points_inside_them():
    assert cut_at([(0.0, 10.0), (12.0, 14.0)], [3.0, 6.5, 13.0], 0.25) == [
        (0.0, 3.0), (3.0, 6.5), (6.5, 10.0), (12.0, 13.0), (13.0, 14.0)]


def test_a_change_point_at_the_edge_of_a_region_is_the_edge():
    assert cut_at([(0.0, 10.0)], [0.1, 9.95, 5.0, 5.1], 0.25) == [(0.0, 5.0), (5.0, 10.0)]
    assert cut_at([(1.0, 2.0)], [], 0.25) == [(1.0, 2.0)]


def _voices(rng, centres, n):
    rows = [c + 0.15 * rng.standard_normal((n, len(c))) for c in centres]
    emb = np.concatenate(rows)
    return emb / np.linalg.norm(emb, axis=1, keepdims=True), np.repeat(np.arange(len(rows)), n)


def test_two_distinct_voices_stay_two_and_one_voice_split_by_kmeans_is_one():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(192), rng.standard_normal(192)
    emb, labels = _voices(rng, [a / np.linalg.norm(a), b / np.linalg.norm(b)], 40)
    assert not one_voice(emb, labels, 0.67)
    same, _ = _voices(rng, [a / np.linalg.norm(a)], 80)
    halves = (same @ rng.standard_normal(192) > 0).astype(int)  # an arbitrary split of one voice
    assert one_voice(same, halves, 0.67)


def test_a_cluster_of_a_few_windows_is_not_a_second_voice():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(192), rng.standard_normal(192)
    emb, labels = _voices(rng, [a, b], 50)
    labels = labels.copy()
    labels[50:] = 0
    labels[50] = 1  # one window of b
    assert one_voice(emb, labels, 0.67)


def test_overlap_spans_come_from_the_frames_above_the_threshold():
    times = np.arange(0, 5, 0.02)
    prob = np.where((times >= 1.0) & (times < 1.5), 0.9, 0.1)
    prob[(times >= 3.0) & (times < 3.1)] = 0.9  # too short to count
    spans = overlap_spans(SimpleNamespace(times=times, overlap=prob), 0.5, 0.2)
    assert len(spans) == 1 and abs(spans[0][0] - 1.0) < 0.03 and abs(spans[0][1] - 1.5) < 0.03


def test_inside_an_overlap_the_other_speaker_gets_a_turn():
    turns = [Turn(0.0, 2.0, "A"), Turn(2.0, 4.0, "B")]
    assert overlap_turns(turns, [(1.5, 2.5)]) == [Turn(1.5, 2.0, "B"), Turn(2.0, 2.5, "A")]
    assert overlap_turns(turns, []) == []


def _recording(speakers: list[str]):
    from copilot.models import Transcript, Utterance

    texts = ["Bonjour Julien, comment ça va cette semaine ?",
             "Je voulais faire le point sur le projet et sur la démo de vendredi.",
             "Je t'envoie le plan vendredi, promis."]
    utts = [Utterance(id=i + 1, speaker=speakers[i % len(speakers)], start=4.0 * i,
                      end=4.0 * i + 3.5, text=t) for i, t in enumerate(texts)]
    return Transcript(utterances=utts, language="fr", has_speakers=True,
                      source_format="audio", duration=12.0)


def test_a_recording_of_one_voice_says_so_and_gives_no_talk_warnings():
    from copilot.analyze.base import FakeExtractor
    from copilot.pipeline import analyze_transcript

    one = analyze_transcript(_recording(["SPEAKER_00"]), manager="Claire", report="Julien",
                             date="2026-03-02", extractor=FakeExtractor())
    codes = [w.code for w in one.warnings]
    assert "single_speaker" in codes
    assert not {"manager_dominated_talk", "report_not_first", "roles_unknown"} & set(codes)
    warning = next(w for w in one.warnings if w.code == "single_speaker")
    assert warning.evidence == [1, 2, 3] and "Une seule voix" in warning.message
    two = analyze_transcript(_recording(["SPEAKER_00", "SPEAKER_01"]), manager="Claire",
                             report="Julien", date="2026-03-02", extractor=FakeExtractor())
    assert "single_speaker" not in [w.code for w in two.warnings]
