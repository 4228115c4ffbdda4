"""Recordings over HTTP: 202 + job polling, roles by hand, bad uploads, jobs resumed after a
restart. Fake audio engines and extractor are injected through create_app."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile
from api_auth import email_of, signed_in
from jobs_polling import wait

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.errors import EngineError
from copilot.ingest.diarize import FakeDiarizer, Turn
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber
from copilot.ingest.voiceprint import FakeEncoder
from copilot.jobs import worker_id
from copilot.memory.store import Store
from copilot.settings import get_settings

RATE = 16_000
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}
TURNS = [(0.5, 3.5, "Bonjour, comment va le projet ?"),
         (4.0, 8.0, "Ça avance, je t'envoie le plan vendredi."),
         (8.5, 11.0, "Parfait, merci.")]


# The store's vectors without a model: see the `light_store` fixture in conftest.
pytestmark = pytest.mark.usefixtures("light_store")


def wav(seconds=12.0, spans=((0.5, 3.5, 220.0), (4.0, 8.0, 440.0), (8.5, 11.0, 220.0))) -> bytes:
    import io

    signal = np.zeros(int(seconds * RATE), np.float32)
    for start, end, hz in spans:
        t = np.arange(int(start * RATE), int(end * RATE)) / RATE
        signal[int(start * RATE) : int(end * RATE)] = 0.3 * np.sin(2 * np.pi * hz * t)
    out = io.BytesIO()
    soundfile.write(out, signal, RATE, format="WAV")
    return out.getvalue()


class FailingTranscriber(FakeTranscriber):
    def transcribe(self, audio, language, progress=None):
        raise EngineError("speech recognition failed: out of memory", "Retry")


def engines(transcriber=None):
    return AudioEngines(
        transcriber=transcriber or FakeTranscriber.from_turns(TURNS, language="fr"),
        diarizer=FakeDiarizer([Turn(s, e, "ab"[i % 2]) for i, (s, e, _) in enumerate(TURNS)]),
        encoder=FakeEncoder())


@pytest.fixture
def client():
    with signed_in(create_app(extractor=FakeExtractor(), audio=engines())) as c:
        yield c


def post_audio(client, data=None, name="walk.wav", **fields):
    files = {"file": (name, wav() if data is None else data, "audio/wav")}
    if "voice" in fields:
        files["manager_voice"] = ("claire.wav", fields.pop("voice"), "audio/wav")
    return client.post("/v1/meetings", files=files, data={**WHO, **fields})


def test_audio_upload_is_a_job_polled_to_a_stored_meeting(client, copilot_env):
    response = post_audio(client)
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"job_id", "status_url"}
    assert body["status_url"] == f"/v1/jobs/{body['job_id']}" == response.headers["location"]
    assert (copilot_env / "uploads" / f"{body['job_id']}.wav").is_file()  # before the 202
    job = wait(client, body["status_url"])
    assert job["stage"] == "done" and job["percent"] == 100 and job["error"] is None
    meeting = client.get(f"/v1/meetings/{job['meeting_id']}").json()
    assert meeting["id"] == body["job_id"] and meeting["source"] == "walk.wav"
    assert meeting["talk"]["basis"] == "time"
    assert [s["speaker"] for s in meeting["talk"]["speakers"]] == ["SPEAKER_00", "SPEAKER_01"]
    assert any(w["code"] == "roles_unknown" for w in meeting["warnings"])
    # Roles by hand: metrics and critique recomputed, the stored meeting updated.
    fixed = client.post(f"/v1/meetings/{meeting['id']}/roles", json={"manager": "SPEAKER_01"})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["talk"]["manager_share"] == pytest.approx(4.0 / 9.5, abs=1e-3)
    assert client.get(f"/v1/meetings/{meeting['id']}").json() == fixed.json()
    # Deleting the meeting deletes the recording kept for it.
    assert client.delete(f"/v1/meetings/{meeting['id']}").status_code == 204
    assert not list((copilot_env / "uploads").glob(f"{body['job_id']}*"))


def test_roles_route_errors(client):
    job = wait(client, post_audio(client).json()["status_url"])
    url = f"/v1/meetings/{job['meeting_id']}/roles"
    bad = client.post(url, json={"manager": "SPEAKER_09"})
    assert bad.status_code == 400 and "SPEAKER_00" in bad.json()["error"]["hint"]
    assert client.post(url, json={"boss": "SPEAKER_00"}).status_code == 422
    assert client.post("/v1/meetings/nope/roles", json={"manager": "A"}).status_code == 404
    assert client.get("/v1/jobs/nope").status_code == 404


def test_a_voice_sample_sent_with_the_recording_is_enrolled(client, settings):
    voice = wav(4.0, ((0.0, 4.0, 440.0),))
    job = wait(client, post_audio(client, voice=voice).json()["status_url"])
    meeting = client.get(f"/v1/meetings/{job['meeting_id']}").json()
    assert meeting["talk"]["roles_source"] == "voiceprint"
    assert {s["speaker"]: s["role"] for s in meeting["talk"]["speakers"]} == {
        "SPEAKER_00": "report", "SPEAKER_01": "manager"}
    with Store.open(settings) as store:
        assert store.load_voiceprint("Claire") is not None
    assert not list((Path(settings.home) / "uploads").glob("*.voice*"))  # sample not kept
    # The next recording of Claire uses it without a sample.
    again = wait(client, post_audio(client).json()["status_url"])
    assert client.get(f"/v1/meetings/{again['meeting_id']}").json()["talk"][
        "roles_source"] == "voiceprint"


def test_text_uploads_stay_synchronous(client):
    text = b"Claire: Bonjour Julien.\nJulien: Bonjour.\n"
    response = client.post("/v1/meetings", files={"file": ("m.txt", text, "text/plain")},
                           data=WHO)
    assert response.status_code == 201 and response.json()["source_format"] == "text"


def test_bad_recordings_are_refused_before_the_job(client, copilot_env, monkeypatch):
    ok = wait(client, post_audio(client).json()["status_url"])
    cases = [
        (post_audio(client, b"Claire: bonjour\n" * 50, name="call.mp3"), 415,
         "unsupported_format", "call.mp3 is not an audio file"),
        (post_audio(client, b"", name="empty.wav"), 400, "bad_input", "empty"),
        (post_audio(client, b"\x00\x00\x00\x20ftypM4A " + bytes(256) * 4, name="cut.m4a"), 400,
         "bad_input", "cut.m4a is corrupt or truncated"),
        (post_audio(client, name="walk.wav", date="tomorrow"), 400, "bad_input", "not a date"),
    ]
    for response, status, code, words in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"] == code and words in error["message"] + (error["hint"] or "")
    assert [p.name for p in (copilot_env / "uploads").iterdir()] == [f"{ok['job_id']}.wav"]
    assert len(client.get("/v1/meetings").json()) == 1


def test_too_long_and_too_big_recordings(copilot_env, monkeypatch):
    monkeypatch.setenv("COPILOT_MAX_AUDIO_SECONDS", "5")
    with signed_in(create_app(extractor=FakeExtractor(), audio=engines())) as c:
        response = post_audio(c)
        assert response.status_code == 400 and "longer than" in response.json()["error"]["message"]
    monkeypatch.setenv("COPILOT_MAX_AUDIO_BYTES", "1000")
    with signed_in(create_app(extractor=FakeExtractor(), audio=engines())) as c:
        response = post_audio(c)
        assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
        assert c.get("/v1/meetings").json() == []
    assert not list((copilot_env / "uploads").iterdir())


def test_a_voice_sample_over_its_limit_is_refused_before_the_job(copilot_env, monkeypatch):
    monkeypatch.setenv("COPILOT_VOICE_SAMPLE_MAX_SECONDS", "2")
    with signed_in(create_app(extractor=FakeExtractor(), audio=engines())) as c:
        response = post_audio(c, voice=wav(4.0, ((0.0, 4.0, 440.0),)))
        assert response.status_code == 400, response.text
        assert "claire.wav lasts 4.0 s, longer than" in response.json()["error"]["message"]
        assert c.get("/v1/meetings").json() == []
    assert not list((copilot_env / "uploads").iterdir())


def test_an_engine_failure_fails_the_job_with_a_json_error(copilot_env):
    app = create_app(extractor=FakeExtractor(), audio=engines(FailingTranscriber()))
    with signed_in(app) as c:
        job = wait(c, post_audio(c).json()["status_url"])
    assert job["stage"] == "failed" and job["meeting_id"] is None
    assert job["error"]["code"] == "engine_error" and "out of memory" in job["error"]["message"]
    assert (copilot_env / "uploads" / f"{job['job_id']}.wav").is_file()  # kept: not its fault


def _leave_job(settings, job_id, stage, upload_exists: bool, worker: str, attempts: int = 1):
    """A job row as a server killed mid-job leaves it, uploaded by Claire's account."""
    uploads = Path(settings.home) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    if upload_exists:
        (uploads / f"{job_id}.wav").write_bytes(wav())
    with Store.open(settings) as store:
        claire = store.principal_for_user(store.user(email_of("Claire")).id)
        store.acting_as(claire).create_job(
            job_id, upload=f"uploads/{job_id}.wav", filename="walk.wav",
            params={**WHO, "principal": claire.model_dump(mode="json")})
        store.update_job(job_id, stage=stage, percent=40.0, worker=worker, attempts=attempts)


def test_a_restarted_server_resumes_or_fails_interrupted_jobs(copilot_env):
    settings = get_settings()
    host = worker_id().rpartition(":")[0]
    dead = f"{host}:{_dead_pid()}"
    client = signed_in(create_app(extractor=FakeExtractor(), audio=engines()))
    _leave_job(settings, "resume1", "transcribing", True, dead)
    _leave_job(settings, "lost1", "diarizing", False, dead)
    _leave_job(settings, "tired1", "transcribing", True, dead, attempts=3)
    _leave_job(settings, "alive1", "transcribing", True, f"{host}:{os.getppid()}")  # not ours
    with client as c:
        resumed = wait(c, "/v1/jobs/resume1")
        lost = c.get("/v1/jobs/lost1").json()
        tired = c.get("/v1/jobs/tired1").json()
        alive = c.get("/v1/jobs/alive1").json()
    assert resumed["stage"] == "done" and resumed["attempts"] == 2
    assert resumed["meeting_id"] == "resume1"
    assert lost["stage"] == "failed" and lost["error"]["code"] == "upload_lost"
    assert tired["stage"] == "failed" and tired["error"]["code"] == "job_interrupted"
    assert alive["stage"] == "transcribing"  # a live server's job is left alone
    with Store.open(settings) as store:
        assert store.get_job("alive1").stage == "transcribing"


def _dead_pid() -> int:
    pid = 4_000_000  # above the default pid_max: no such process
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


def test_job_dates_and_progress_fields(client):
    job = wait(client, post_audio(client).json()["status_url"])
    created = dt.datetime.fromisoformat(job["created_at"])
    assert created.year >= 2026 and job["filename"] == "walk.wav" and job["attempts"] == 1
