"""Recordings and transcripts that lie: a file cut short or whose header
promises more than the limit is refused at once; a silent recording is not saved; a "1:1" of
five speakers is flagged; --manager/--report names that match no speaker are an error.

Test files are built here (soundfile, PyAV), never committed.
"""

from __future__ import annotations

import io
import json
import struct

import av
import numpy as np
import pytest
import soundfile
from api_auth import signed_in
from jobs_polling import wait

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.cli import run
from copilot.errors import InputError
from copilot.ingest.audio import probe_audio
from copilot.ingest.diarize import FakeDiarizer, Turn
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber
from copilot.pipeline import analyze_text

RATE = 16_000
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}
TURNS = [(0.5, 3.5, "Bonjour, comment va le projet ?"),
         (4.0, 8.0, "Ça avance, je t'envoie le plan vendredi."),
         (8.5, 11.0, "Parfait, merci.")]


# The store's vectors without a model: see the `light_store` fixture in conftest.
pytestmark = pytest.mark.usefixtures("light_store")


def tone(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)


def wav_bytes(signal: np.ndarray) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, signal, RATE, format="WAV")
    return out.getvalue()


def cut_wav(declared: float = 60.0, held: float = 1.0) -> bytes:
    """A 16-bit mono WAV whose RIFF header says `declared` seconds but whose bytes hold
    `held` (the header written by hand: a 4 h signal is not built for it)."""
    honest = wav_bytes(tone(held))
    size = int(declared * RATE) * 2
    header = bytearray(honest[:44])
    assert header[36:40] == b"data"
    header[4:8] = struct.pack("<I", size + 36)
    header[40:44] = struct.pack("<I", size)
    return bytes(header) + honest[44:]


def encoded(path, codec: str, fmt: str, seconds: float = 30.0, options=None):
    """`seconds` of tone encoded with PyAV (mp3: lame writes a frame count in its header)."""
    signal = tone(seconds)
    with av.open(str(path), "w", format=fmt, options=options or {}) as out:
        stream = out.add_stream(codec, rate=RATE)
        stream.layout = "mono"
        for i in range(0, len(signal), RATE * 5):
            frame = av.AudioFrame.from_ndarray(signal[None, i : i + RATE * 5], format="flt",
                                               layout="mono")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def engines(turns=TURNS):
    return AudioEngines(
        transcriber=FakeTranscriber.from_turns(turns, language="fr"),
        diarizer=FakeDiarizer([Turn(s, e, "ab"[i % 2]) for i, (s, e, _) in enumerate(turns)]))


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -------------------------------------------------------------- recordings cut short

@pytest.mark.parametrize("codec,fmt,ext,options", [
    ("libmp3lame", "mp3", "mp3", None),
    ("aac", "mp4", "m4a", {"movflags": "faststart"}),  # index first: it opens, then stops
    ("flac", "flac", "flac", None),
])
def test_a_compressed_recording_cut_short_is_refused_by_the_probe(tmp_path, codec, fmt, ext,
                                                                  options):
    whole = encoded(tmp_path / f"whole.{ext}", codec, fmt, options=options)
    assert probe_audio(whole) == pytest.approx(30.0, abs=0.2)  # the honest file passes
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 10])
    with pytest.raises(InputError, match="truncated"):
        probe_audio(cut)


def test_a_wav_whose_header_promises_a_minute_but_holds_a_second(tmp_path):
    path = tmp_path / "cut.wav"
    path.write_bytes(cut_wav(60.0, 1.0))
    with pytest.raises(InputError) as exc:
        probe_audio(path)
    assert "holds 1.0 s of the 1m00s its header declares" in exc.value.message
    path.write_bytes(cut_wav(60.0, 59.5))  # half a second short: rounding, not a cut
    assert probe_audio(path) == pytest.approx(60.0)


@pytest.fixture
def client():
    audio = engines()
    with signed_in(create_app(extractor=FakeExtractor(), audio=audio)) as c:
        c.audio = audio
        yield c


def test_the_api_refuses_a_cut_or_too_long_recording_at_once(client, copilot_env, tmp_path):
    mp3 = encoded(tmp_path / "whole.mp3", "libmp3lame", "mp3").read_bytes()
    cases = [("walk.wav", cut_wav(60.0, 1.0), "truncated"),
             ("walk.mp3", mp3[: len(mp3) // 10], "truncated"),
             ("long.wav", cut_wav(4 * 3600.0, 1.0), "longer than the 3h00m00s limit")]
    for name, data, words in cases:
        response = client.post("/v1/meetings", files={"file": (name, data, "audio/wav")},
                               data=WHO)
        assert response.status_code == 400, response.text  # today: 202, a 1 s meeting saved
        error = response.json()["error"]
        assert error["code"] == "bad_input" and words in error["message"], error
        assert name in error["message"]  # the name sent, not the stored one
    assert client.audio.transcriber.calls == []
    assert not list((copilot_env / "uploads").iterdir())
    assert client.get("/v1/meetings").json() == []


def test_the_cli_refuses_a_cut_recording_before_any_transcription(capsys, tmp_path,
                                                                  monkeypatch):
    made = engines()
    monkeypatch.setattr(AudioEngines, "from_settings", classmethod(lambda cls, s: made))
    path = tmp_path / "walk.wav"
    path.write_bytes(cut_wav(60.0, 1.0))
    code, out, err = cli(capsys, "analyze", str(path), "--manager", "Claire", "--report",
                         "Julien")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "truncated" in err and made.transcriber.calls == []
    code, out, _ = cli(capsys, "meetings", "list", "--json")
    assert json.loads(out) == []


# -------------------------------------------------------------- silent recordings

def test_a_silent_recording_fails_its_job_and_stores_nothing(client, copilot_env):
    quiet = wav_bytes(np.zeros(5 * RATE, np.float32))
    response = client.post("/v1/meetings", files={"file": ("quiet.wav", quiet, "audio/wav")},
                           data=WHO)
    assert response.status_code == 202, response.text
    job = wait(client, response.json()["status_url"])
    assert job["stage"] == "failed" and job["meeting_id"] is None, job  # today: done, saved
    assert job["error"]["code"] == "no_speech"
    assert "nothing was saved" in job["error"]["message"]
    assert client.get("/v1/meetings").json() == []
    assert client.get("/v1/commitments").json() == []
    assert not list((copilot_env / "uploads").iterdir())


def test_the_cli_says_a_silent_recording_was_not_saved(capsys, tmp_path, monkeypatch):
    made = engines()
    monkeypatch.setattr(AudioEngines, "from_settings", classmethod(lambda cls, s: made))
    quiet = tmp_path / "quiet.wav"
    quiet.write_bytes(wav_bytes(np.zeros(5 * RATE, np.float32)))
    code, out, err = cli(capsys, "analyze", str(quiet), "--manager", "Claire", "--report",
                         "Julien")
    # The decoding bar ends its line first; then one error line.
    assert code == 2 and err.strip().splitlines() == [err.strip()], err
    assert err.strip().startswith("error: ") and "Traceback" not in err
    assert "No speech was found in the recording of 5 s" in err and "nothing was saved" in err
    code, out, _ = cli(capsys, "meetings", "list", "--json")
    assert json.loads(out) == []
    # Without a store it stays what it is: an empty analysis that says so.
    code, out, err = cli(capsys, "analyze", str(quiet), "--manager", "Claire", "--report",
                         "Julien", "--no-save", "--json")
    assert code == 0 and [w["code"] for w in json.loads(out)["warnings"]] == ["no_speech"]


# -------------------------------------------------------------- transcripts that lie

FIVE = """Claire: Bonjour Julien, comment ça va ?
Julien: Bien, je t'envoie le plan vendredi.
Marc: Moi je prends le budget.
Sophie: Et moi la démo client.
Karim: Je m'occupe des tests.
Claire: Parfait, merci à tous.
"""


def test_a_one_on_one_of_five_speakers_is_flagged_and_still_analysed():
    a = analyze_text(FIVE, filename="m.txt", extractor=FakeExtractor(), **WHO)
    warning = next(w for w in a.warnings if w.code == "not_one_on_one")
    assert warning.evidence == [3, 4, 5]  # the first words of Marc, Sophie and Karim
    assert warning.params["count"] == 5  # a French meeting: its text is in French
    assert "5 personnes parlent" in warning.message and "Marc:" in warning.message
    assert a.talk.manager_share is not None  # the analysis ran, roles from the labels
    two = analyze_text("Claire: Bonjour Julien.\nJulien: Bonjour.\n", filename="m.txt",
                       extractor=FakeExtractor(), **WHO)
    assert "not_one_on_one" not in [w.code for w in two.warnings]


STRANGERS = "Alice: Bonjour Bob, où en est le plan ?\nBob: Je l'envoie vendredi.\n"


def test_names_that_match_no_speaker_are_an_error(capsys, tmp_path):
    with pytest.raises(InputError) as exc:
        analyze_text(STRANGERS, filename="m.txt", extractor=FakeExtractor(), **WHO)
    assert "('Alice', 'Bob')" not in exc.value.message and "Alice, Bob" in exc.value.message
    path = tmp_path / "m.txt"
    path.write_text(STRANGERS)
    code, out, err = cli(capsys, "analyze", str(path), "--manager", "Claire", "--report",
                         "Julien")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "--manager 'Alice'" in err
    code, out, _ = cli(capsys, "meetings", "list", "--json")
    assert json.loads(out) == []
    # Placeholders are not names: roles stay unknown, with the warning that quotes them.
    labels = STRANGERS.replace("Alice", "SPEAKER_00").replace("Bob:", "SPEAKER_01:")
    a = analyze_text(labels, filename="m.txt", extractor=FakeExtractor(), **WHO)
    assert "roles_unknown" in [w.code for w in a.warnings]


def test_the_api_answers_400_for_names_that_match_no_speaker(client):
    response = client.post("/v1/meetings", files={"file": ("m.txt", STRANGERS.encode(),
                                                           "text/plain")}, data=WHO)
    assert response.status_code == 400, response.text
    assert "Alice, Bob" in response.json()["error"]["message"]
    assert client.get("/v1/meetings").json() == []
