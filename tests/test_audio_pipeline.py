"""Recordings through the product with fake engines: roles (names, voiceprints, by hand),
timing metrics, silence, the CLI and its errors. Real engines: tests/test_audio.py.

The "recording" is two tones (220 Hz, then 440 Hz) that FakeDiarizer's turns follow and
FakeEncoder tells apart, so voiceprints are exercised without a model.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import soundfile

from copilot.analyze.base import FakeExtractor
from copilot.analyze.roles import roles_from_names
from copilot.cli import run
from copilot.errors import InputError, NotFoundError
from copilot.ingest import speech
from copilot.ingest.diarize import FakeDiarizer, Turn
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber
from copilot.ingest.voiceprint import FakeEncoder, Voiceprint, enroll, match_voice
from copilot.memory.store import Store
from copilot.models import Extraction, NextStep, Transcript, Utterance
from copilot.pipeline import analyze_path
from copilot.reassign import assign_roles

RATE = 16_000
LOW, HIGH = 220.0, 440.0  # SPEAKER_00's and SPEAKER_01's "voices"
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}


def tones(path, spans, seconds=12.0):
    """A wav with a tone of the given frequency over each (start, end, hz) span."""
    signal = np.zeros(int(seconds * RATE), np.float32)
    for start, end, hz in spans:
        t = np.arange(int(start * RATE), int(end * RATE)) / RATE
        signal[int(start * RATE) : int(end * RATE)] = 0.3 * np.sin(2 * np.pi * hz * t)
    soundfile.write(path, signal, RATE)
    return path


TURNS = [(0.5, 3.5, "Bonjour, comment va le projet ?"),
         (4.0, 8.0, "Ça avance bien, je t'envoie le plan vendredi."),
         (8.5, 11.0, "Parfait, merci beaucoup.")]


# The store's vectors without a model: see the `light_store` fixture in conftest.
pytestmark = pytest.mark.usefixtures("light_store")


def engines(turns=TURNS, *, encoder=True):
    return AudioEngines(
        transcriber=FakeTranscriber.from_turns(turns, language="fr"),
        diarizer=FakeDiarizer([Turn(s, e, "a" if i % 2 == 0 else "b")
                               for i, (s, e, _) in enumerate(turns)]),
        encoder=FakeEncoder() if encoder else None,
    )


@pytest.fixture
def recording(tmp_path):
    return tones(tmp_path / "walk.wav", [(s, e, LOW if i % 2 == 0 else HIGH)
                                         for i, (s, e, _) in enumerate(TURNS)])


def analyse(path, settings, audio=None, **kw):
    return analyze_path(path, **WHO, settings=settings, extractor=FakeExtractor(),
                        audio=audio or engines(), **kw)


def test_a_recording_gives_time_based_talk_and_unknown_roles_without_evidence(recording,
                                                                               settings):
    stages = []
    a = analyse(recording, settings, progress=lambda s, f: stages.append(s))
    assert a.source_format == "audio" and a.source == "walk.wav"
    assert [u.speaker for u in a.utterances] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]
    assert all(u.role is None and u.start is not None for u in a.utterances)
    talk = a.talk
    assert talk.basis == "time" and talk.manager_share is None and talk.roles_source is None
    assert [(s.speaker, s.seconds) for s in talk.speakers] == [("SPEAKER_00", 5.5),
                                                                ("SPEAKER_01", 4.0)]
    assert sum(s.share for s in talk.speakers) == pytest.approx(1.0, abs=1e-3)
    assert talk.duration == 12.0 and talk.silence_share == pytest.approx(1 - 9.5 / 12, abs=0.01)
    unknown = next(w for w in a.warnings if w.code == "roles_unknown")
    assert "SPEAKER_00" in unknown.message and "Bonjour" in unknown.message
    assert list(dict.fromkeys(stages)) == ["decoding", "transcribing", "diarizing", "analysing"]


def test_the_report_addressed_by_name_tells_who_the_manager_is(recording, settings):
    said = [(0.5, 3.5, "Alors Julien, comment va le projet ?"), *TURNS[1:]]
    a = analyse(recording, settings, engines(said))
    assert a.talk.roles_source == "names" and a.talk.roles_evidence == [1]
    assert {s.speaker: s.role for s in a.talk.speakers} == {"SPEAKER_00": "manager",
                                                             "SPEAKER_01": "report"}
    assert a.talk.manager_share == pytest.approx(5.5 / 9.5, abs=1e-3)
    assert not [w for w in a.warnings if w.code == "roles_unknown"]


def test_names_decide_only_on_clear_evidence():
    def t(*texts):
        return Transcript(language="fr", utterances=[
            Utterance(id=i, speaker=f"S{i % 2}", text=x) for i, x in enumerate(texts, 1)])

    # A third-person mention is not evidence; an introduction is.
    assert roles_from_names(t("Julien a dit que c'est prêt.", "Oui."), "Claire", "Julien") is None
    intro = roles_from_names(t("Oui.", "Bonjour, je suis Claire."), "Claire", "Julien")
    assert intro.roles == {"S0": "manager", "S1": "report"} and intro.evidence == [2]
    # Both speakers address Julien: contradictory, nothing decided.
    assert roles_from_names(t("Merci Julien.", "Merci Julien."), "Claire", "Julien") is None
    en = roles_from_names(t("Thanks, Tom.", "Hi Sarah, here is the plan."), "Sarah", "Tom")
    assert en.roles == {"S1": "manager", "S0": "report"}


def test_an_enrolled_voiceprint_names_the_manager_and_is_reused(tmp_path, recording, settings):
    # The manager is the higher voice and speaks second: no name is said anywhere.
    sample = tones(tmp_path / "claire.wav", [(0.0, 4.0, HIGH)], seconds=4.0)
    encoder = FakeEncoder()
    voiceprint = enroll(sample, encoder)
    assert voiceprint.encoder == "fake-bands" and voiceprint.seconds == pytest.approx(4.0, 0.05)
    a = analyse(recording, settings, voiceprint=voiceprint)
    assert a.talk.roles_source == "voiceprint"
    assert {s.speaker: s.role for s in a.talk.speakers} == {"SPEAKER_00": "report",
                                                             "SPEAKER_01": "manager"}
    with Store.open(settings) as store:
        store.save_voiceprint("Claire", voiceprint, source="claire.wav")
        again = store.load_voiceprint("CLAIRE", "fake-bands")
        assert np.allclose(again.vector, voiceprint.vector, atol=1e-5)
        assert store.load_voiceprint("Claire", "resemblyzer") is None
        assert store.delete_voiceprint("claire") == 1
        with pytest.raises(NotFoundError):
            store.delete_voiceprint("Claire")


def test_a_voiceprint_that_matches_nobody_leaves_roles_to_the_names(recording, settings):
    stranger = Voiceprint(vector=FakeEncoder().embed(
        0.3 * np.sin(2 * np.pi * 3000 * np.arange(RATE * 3) / RATE).astype(np.float32))[0],
        encoder="fake-bands", seconds=3.0)
    a = analyse(recording, settings, voiceprint=stranger)
    codes = [w.code for w in a.warnings]
    assert "voiceprint_no_match" in codes and "roles_unknown" in codes
    assert a.talk.manager_share is None
    assert match_voice({"x": stranger.vector, "y": stranger.vector}, stranger, threshold=0.8,
                       margin=0.04).speaker is None  # two equal voices: no guess


def test_too_short_or_silent_voice_samples_are_refused(tmp_path):
    with pytest.raises(InputError, match="under the 3 s"):
        enroll(tones(tmp_path / "short.wav", [(0.0, 1.0, HIGH)], seconds=1.5), FakeEncoder())
    with pytest.raises(InputError, match="silent"):
        enroll(tones(tmp_path / "quiet.wav", [], seconds=3.0), FakeEncoder())


def test_a_silent_recording_is_an_empty_analysis_with_a_warning(tmp_path, settings):
    quiet = tones(tmp_path / "quiet.wav", [], seconds=5.0)
    audio = engines()
    a = analyse(quiet, settings, audio)
    assert a.utterances == [] and a.talk is None
    assert [w.code for w in a.warnings] == [speech.NO_SPEECH_WARNING]
    assert audio.transcriber.calls == []  # no model runs on silence
    with Store.open(settings) as store:
        store.save(a)
        assert store.get(a.id).warnings[0].code == "no_speech"


def test_assign_roles_recomputes_metrics_owners_and_critique(recording, settings):
    extraction = Extraction(next_steps=[NextStep(owner="SPEAKER_01", action="envoyer le plan",
                                                 due=dt.date(2026, 3, 6), evidence=[2])])
    a = analyze_path(recording, **WHO, settings=settings, audio=engines(),
                     extractor=FakeExtractor().enqueue(extraction))
    with Store.open(settings) as store:
        store.save(a)
        fixed = assign_roles(store, a.id, "speaker_01", settings=settings,
                             extractor=FakeExtractor().enqueue(extraction))
        assert fixed.id == a.id and fixed.talk.roles_source == "manual"
        assert {s.speaker: s.role for s in fixed.talk.speakers} == {
            "SPEAKER_00": "report", "SPEAKER_01": "manager"}
        assert fixed.talk.manager_share == pytest.approx(4.0 / 9.5, abs=1e-3)
        assert "roles_unknown" not in [w.code for w in fixed.warnings]
        assert store.get(a.id) == fixed  # stored in place of the old one
        assert [m.id for m in store.list()] == [a.id]
        with pytest.raises(InputError) as bad:
            assign_roles(store, a.id, "SPEAKER_07", settings=settings)
        assert "choose one of: SPEAKER_00, SPEAKER_01" in bad.value.one_line()
        with pytest.raises(InputError, match="same speaker"):
            assign_roles(store, a.id, "SPEAKER_00", report="SPEAKER_00", settings=settings)
        assert store.get(a.id) == fixed  # a refused change leaves the meeting as it was


# ------------------------------------------------------------------------------------ CLI

@pytest.fixture
def fake_engines(monkeypatch):
    made = engines()
    monkeypatch.setattr(AudioEngines, "from_settings", classmethod(lambda cls, s: made))
    return made


@pytest.fixture
def fake_rules(monkeypatch):
    monkeypatch.setattr("copilot.pipeline.get_extractor", lambda settings: FakeExtractor())


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_enrols_the_voice_then_reuses_it(capsys, tmp_path, recording, fake_engines,
                                             fake_rules):
    sample = tones(tmp_path / "claire.wav", [(0.0, 4.0, HIGH)], seconds=4.0)
    args = ["analyze", str(recording), "--manager", "Claire", "--report", "Julien", "--date",
            "2026-03-02", "--json"]
    code, out, err = cli(capsys, *args, "--manager-voice", str(sample))
    assert code == 0, err
    first = json.loads(out)  # stdout is one JSON document; bars and notes are on stderr
    assert first["talk"]["basis"] == "time" and first["talk"]["roles_source"] == "voiceprint"
    assert "voiceprint of Claire enrolled" in err and "transcribing" in err
    code, out, err = cli(capsys, *args)
    assert code == 0 and json.loads(out)["talk"]["roles_source"] == "voiceprint"
    code, out, _ = cli(capsys, "voiceprint", "list", "--json")
    assert [v["person"] for v in json.loads(out)] == ["Claire"]
    assert cli(capsys, "voiceprint", "delete", "Claire")[0] == 0
    code, out, err = cli(capsys, *args)
    assert json.loads(out)["talk"]["roles_source"] is None  # no voiceprint, no names said


def test_cli_assign_roles(capsys, recording, fake_engines, fake_rules):
    code, out, err = cli(capsys, "analyze", str(recording), "--manager", "Claire", "--report",
                         "Julien", "--json")
    meeting = json.loads(out)["id"]
    code, out, err = cli(capsys, "meetings", "assign-roles", meeting, "--manager", "SPEAKER_00",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["talk"]["manager_share"] == pytest.approx(5.5 / 9.5, abs=1e-3)
    code, out, err = cli(capsys, "meetings", "assign-roles", meeting, "--manager", "Bob")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert "SPEAKER_00" in err


def test_cli_bad_recordings_are_one_error_line_and_store_nothing(capsys, tmp_path, recording,
                                                                 fake_engines, fake_rules,
                                                                 monkeypatch):
    assert cli(capsys, "analyze", str(recording), "--manager", "Claire", "--report",
               "Julien")[0] == 0
    corrupt = tmp_path / "corrupt.m4a"
    corrupt.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(range(256)) * 4)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.mp3"
    text.write_text("Claire: bonjour\n" * 20)
    long = tones(tmp_path / "long.wav", [(0.0, 5.0, LOW)], seconds=20.0)
    for path, words, env in ((corrupt, "corrupt", {}), (empty, "empty", {}),
                             (text, "not an audio file", {}),
                             (long, "longer than", {"COPILOT_MAX_AUDIO_SECONDS": "10"})):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        code, out, err = cli(capsys, "analyze", str(path), "--manager", "Claire", "--report",
                             "Julien")
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
        assert words in err and "Traceback" not in err
    code, out, _ = cli(capsys, "meetings", "list", "--json")
    assert len(json.loads(out)) == 1  # the good one, untouched
    code, _, err = cli(capsys, "analyze", str(tmp_path / "notes.txt"), "--manager", "Claire",
                       "--report", "Julien", "--manager-voice", str(recording))
    assert code == 2 and "error:" in err
