"""The one workflow (copilot.workflow.remember_meeting) and its request: checks first, open
commitments of earlier 1:1s, one voice-sample limit, the voiceprint kept only with the meeting.
The front ends' own tests (CLI, API, jobs) go through the same function."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import soundfile
from conftest import make_extraction, step

from copilot.analyze.base import FakeExtractor
from copilot.errors import EngineError, InputError
from copilot.ingest.diarize import FakeDiarizer, Turn
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber
from copilot.ingest.voiceprint import FakeEncoder
from copilot.memory.store import Store
from copilot.request import MeetingRequest, with_engine
from copilot.settings import get_settings
from copilot.workflow import remember_meeting

TEXT = ("Claire: Comment s'est passée la démo ?\n"
        "Julien: Bien. Je t'envoie le deck vendredi.\n"
        "Claire: Je relance les achats d'ici lundi.\n")
LATER = ("Claire: On parle du budget de formation ?\n"
         "Julien: Oui, il est validé pour le trimestre.\n")
RATE = 16_000
TURNS = [(0.5, 3.5, "Bonjour, comment va le projet ?"),
         (4.0, 8.0, "Ça avance bien, je t'envoie le plan vendredi."),
         (8.5, 11.0, "Parfait, merci beaucoup.")]


# The store's vectors without a model: see the `light_store` fixture in conftest.
pytestmark = pytest.mark.usefixtures("light_store")


def request(**kw) -> MeetingRequest:
    return MeetingRequest(**{"manager": "Claire", "report": "Julien", **kw})


def test_the_request_checks_people_and_date_when_built():
    assert request(date="2026-03-02", manager=" Claire ").manager == "Claire"
    assert request().date == dt.date.today()
    with pytest.raises(InputError, match="same person"):
        request(report="CLAIRE")
    with pytest.raises(InputError, match="not a date"):
        request(date="2026-13-45")


def test_the_engine_of_a_request_replaces_the_configured_one(settings):
    assert request(engine="llm").settings_for(settings).engine == "llm"
    assert request().settings_for(settings) is settings
    assert with_engine(settings, "hybrid").engine == "hybrid" and settings.engine == "rules"


def test_open_commitments_of_earlier_meetings_reach_the_critique(settings):
    first = FakeExtractor().enqueue(make_extraction(step("envoyer le deck", evidence=[2])))
    with Store.open(settings) as store:
        remember_meeting(request(date="2026-03-02", filename="m.txt"), TEXT, store=store,
                         settings=settings, extractor=first)
        later = remember_meeting(request(date="2026-03-09"), LATER, store=store,
                                 settings=settings, extractor=FakeExtractor())
        assert len(store.list()) == 2
    assert "commitments_not_revisited" in [w.code for w in later.warnings]
    alone = remember_meeting(request(date="2026-03-09"), LATER, store=None, settings=settings,
                             extractor=FakeExtractor())
    assert "commitments_not_revisited" not in [w.code for w in alone.warnings]


def _tones(path, spans, seconds):
    signal = np.zeros(int(seconds * RATE), np.float32)
    for start, end, hz in spans:
        t = np.arange(int(start * RATE), int(end * RATE)) / RATE
        signal[int(start * RATE): int(end * RATE)] = 0.3 * np.sin(2 * np.pi * hz * t)
    soundfile.write(path, signal, RATE)
    return path


def _engines():
    return AudioEngines(
        transcriber=FakeTranscriber.from_turns(TURNS, language="fr"),
        diarizer=FakeDiarizer([Turn(s, e, "ab"[i % 2]) for i, (s, e, _) in enumerate(TURNS)]),
        encoder=FakeEncoder())


@pytest.fixture
def recording(tmp_path):
    return _tones(tmp_path / "walk.wav", [(s, e, 220.0 if i % 2 == 0 else 440.0)
                                          for i, (s, e, _) in enumerate(TURNS)], 12.0)


def test_one_voice_sample_limit_from_settings(tmp_path, recording):
    sample = _tones(tmp_path / "claire.wav", [(0.0, 4.0, 220.0)], 4.0)
    tight = get_settings(audio={"voice_sample_max_seconds": 2.0})
    with pytest.raises(InputError, match="longer than"):
        remember_meeting(request(manager_voice=sample), recording, store=None, settings=tight,
                         extractor=FakeExtractor(), audio=_engines())
    enrolled = []
    a = remember_meeting(request(manager_voice=sample), recording, store=None,
                         settings=get_settings(), extractor=FakeExtractor(), audio=_engines(),
                         on_enrolled=enrolled.append)
    assert a.talk.roles_source == "voiceprint"
    assert enrolled == []  # nothing stored without a store, so nothing said to be enrolled


class _Failing(FakeExtractor):
    def extract(self, transcript, context):
        raise EngineError("the engine failed", "retry")


def test_the_voiceprint_is_stored_with_the_meeting_only(tmp_path, recording, settings):
    sample = _tones(tmp_path / "claire.wav", [(0.0, 4.0, 220.0)], 4.0)
    with Store.open(settings) as store:
        with pytest.raises(EngineError):
            remember_meeting(request(manager_voice=sample), recording, store=store,
                             settings=settings, extractor=_Failing(), audio=_engines())
        assert store.load_voiceprint("Claire") is None and store.list() == []
        enrolled = []
        a = remember_meeting(request(manager_voice=sample), recording, store=store,
                             settings=settings, extractor=FakeExtractor(), audio=_engines(),
                             on_enrolled=enrolled.append)
        assert [m.id for m in store.list()] == [a.id] and a.source == "walk.wav"
        assert store.load_voiceprint("Claire").seconds == enrolled[0].seconds
        # The next recording of this manager reuses the stored voiceprint.
        again = remember_meeting(request(), recording, store=store, settings=settings,
                                 extractor=FakeExtractor(), audio=_engines())
        assert again.talk.roles_source == "voiceprint"


def test_a_voice_sample_goes_with_a_recording_only(tmp_path, recording, settings):
    notes = tmp_path / "notes.txt"
    notes.write_text(TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="--manager-voice goes with a recording"):
        remember_meeting(request(manager_voice=recording), notes, store=None,
                         settings=settings, extractor=FakeExtractor())
