"""Timing metrics (copilot.analyze.timing) on hand-made utterances: seconds, shares, patience,
overlaps, interruptions, words per minute, silence share."""

from __future__ import annotations

import pytest

from copilot.analyze import timing
from copilot.analyze.talk import compute_talk
from copilot.models import Utterance


def U(i, speaker, start, end, text="un deux trois quatre.", role=None):
    return Utterance(id=i, speaker=speaker, start=start, end=end, text=text, role=role)


M, R = "SPEAKER_00", "SPEAKER_01"


def test_union_of_speech_counts_overlap_once():
    assert timing.speech_seconds([(0, 2), (1, 3), (5, 6)]) == 4
    assert timing.speech_seconds([]) == 0
    assert timing.speech_seconds([(0, 10), (2, 3)]) == 10


def test_silence_share_counts_the_recording_around_the_speech():
    utts = [U(1, M, 1, 4), U(2, R, 5, 9)]
    assert timing.silence_share(utts) == pytest.approx(2 / 9, abs=1e-4)  # 0-1 and 4-5
    assert timing.silence_share(utts, duration=14.0) == pytest.approx(7 / 14, abs=1e-4)
    assert timing.silence_share([U(1, M, None, None)]) is None


def test_words_per_minute_needs_a_few_seconds():
    assert timing.words_per_minute(20, 10.0) == 120.0
    assert timing.words_per_minute(3, 1.0) is None


def test_patience_is_the_mean_gap_before_taking_the_floor():
    utts = [
        U(1, R, 0.0, 5.0, role="report"),
        U(2, M, 6.5, 8.0, role="manager"),    # waited 1.5 s
        U(3, R, 8.2, 12.0, role="report"),   # 0.2 s
        U(4, M, 11.5, 14.0, role="manager"),  # cut in: counts as 0
        U(5, R, 14.5, 18.0, role="report"),  # 0.5 s
        U(6, M, 30.0, 31.0, role="manager"),  # 12 s of walking in silence: not a reply
    ]
    per = timing.patience(utts)
    assert per[M] == pytest.approx((1.5 + 0.0) / 2)
    assert per[R] == pytest.approx((0.2 + 0.5) / 2)
    assert timing.role_patience(utts, "manager", after="report") == pytest.approx(0.75)
    assert timing.role_patience(utts, "report", after="manager") == pytest.approx(0.35)
    assert timing.role_patience([U(1, M, 0, 1)], "manager", after="report") is None


def test_a_backchannel_over_someone_is_an_overlap_not_an_interruption():
    utts = [
        U(1, R, 0.0, 6.0, "je pense que le plan tient la route si on garde le budget."),
        U(2, M, 3.0, 3.4, "mm."),  # over R's turn: listening
        U(3, M, 6.4, 9.0, "d'accord, et le calendrier ?"),
    ]
    overlaps, interruptions = timing.overlaps_and_interruptions(utts)
    assert overlaps == {M: 1} and interruptions == []
    # The "mm" does not hide that R had the floor: M's reply comes after R's turn.
    assert [(p.id, u.id) for p, u in timing.floor_changes(utts)] == [(1, 2), (1, 3)]


def test_overlapping_takeover_and_cut_in_are_interruptions_with_evidence():
    utts = [
        U(1, R, 0.0, 6.0, "et je pense qu'il faudrait", role="report"),
        U(2, M, 5.2, 8.0, "tu veux qu'on en parle avec elle ?", role="manager"),  # 0.8 s over
        U(3, R, 8.5, 12.0, "oui, et aussi pour le", role="report"),  # unfinished
        U(4, M, 12.1, 15.0, "bonne idée, on le met à l'ordre du jour.", role="manager"),  # cut-in
        U(5, R, 15.1, 17.0, "parfait.", role="report"),  # after a finished sentence: a reply
    ]
    overlaps, found = timing.overlaps_and_interruptions(utts)
    assert overlaps == {M: 1}
    assert [(i.speaker, i.interrupted, i.at, i.overlap, i.evidence) for i in found] == [
        (M, R, 5.2, 0.8, [1, 2]), (M, R, 12.1, 0.0, [3, 4])]
    assert found[0].role == "manager"


def test_compute_talk_carries_the_timing_metrics():
    utts = [
        U(1, M, 1.0, 4.0, "alors julien comment ça va depuis la semaine dernière ?", "manager"),
        U(2, R, 5.0, 15.0, " ".join(["mot"] * 25) + ".", "report"),
        U(3, M, 15.5, 17.0, "d'accord, merci.", "manager"),
    ]
    talk = compute_talk(utts, [], duration=20.0)
    assert talk.basis == "time" and talk.duration == 20.0
    assert talk.silence_share == pytest.approx(1 - 14.5 / 20, abs=1e-3)
    assert talk.manager_patience == 0.5 and talk.interruptions == []
    by = {s.speaker: s for s in talk.speakers}
    assert by[R].seconds == 10.0 and by[R].words_per_minute == 150.0
    assert by[M].seconds == 4.5 and by[M].words_per_minute is None  # under 5 s of speech
    assert by[M].share == pytest.approx(4.5 / 14.5, abs=1e-3)
    assert talk.longest_monologue.seconds == 10.0 and talk.longest_monologue.evidence == [2]
    # Without times: words basis, and no timing metric is made up.
    words = compute_talk([u.model_copy(update={"start": None, "end": None}) for u in utts], [])
    assert words.basis == "words" and words.silence_share is None
    assert words.manager_patience is None and words.speakers[0].words_per_minute is None
