"""Speech to text over HTTP: our own `copilot serve` answering POST /v1/audio/transcriptions
(OpenAI-compatible) on a real loopback socket, and OpenAITranscriber pointed at it; the
privacy opt-in for servers off this machine; server errors; answers without word times; a
local folder of a CTranslate2 Whisper model used as-is."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
from api_auth import signed_in, token_for
from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.errors import (
    ConfigError,
    EngineError,
    InputError,
    RemoteTranscriberNotAllowed,
    TranscriberDown,
)
from copilot.ingest import assets
from copilot.ingest.audio import SAMPLE_RATE, load_audio
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber, Word, resolve_model
from copilot.ingest.transcribe_openai import OpenAITranscriber, spread_segment, words_of
from copilot.models import AccountRole, TokenScope
from copilot.settings import get_settings

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
JFK = Path("/work/shared/eval-data/audio/faster-whisper/jfk.flac")
FAKE_WORDS = [Word(0.5, 0.9, " Alors", 0.9), Word(0.9, 1.4, " Julien."), Word(3.0, 3.5, " On"),
              Word(3.5, 4.0, " marche.")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(app) -> Iterator[str]:
    """`app` under uvicorn on 127.0.0.1:PORT in a thread; yields its /v1 base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="stt-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def whisper_folder(tmp_path_factory) -> Path:
    """The bundled Whisper base, assembled once into a folder of its own."""
    return assets.ensure_whisper_model(tmp_path_factory.mktemp("stt-model-home"))


@pytest.fixture
def fake_server(light_store) -> Iterator[tuple[str, str, FakeTranscriber]]:
    """Our app with a FakeTranscriber on loopback: (base URL, a manager's token, the fake)."""
    fake = FakeTranscriber(FAKE_WORDS, language="fr")
    app = create_app(extractor=FakeExtractor(), audio=AudioEngines(transcriber=fake))
    token = token_for(app, "Claire")
    with serve(app) as url:
        yield url, token, fake


# -- our server, our client, a real socket ----------------------------------------------------

def test_the_embedded_whisper_served_on_loopback_gives_words_with_timestamps(
        light_store, monkeypatch, whisper_folder, copilot_env):
    if not JFK.exists():
        pytest.skip(f"eval data absent: {JFK}")
    # A folder, not 'base': used as it is, nothing is assembled into this server's home.
    monkeypatch.setenv("COPILOT_WHISPER_MODEL", str(whisper_folder))
    monkeypatch.setenv("COPILOT_WHISPER_CPU_THREADS", "1")
    app = create_app(extractor=FakeExtractor())  # audio=None: the real engines
    token = token_for(app, "Hugo", AccountRole.HR)  # any enabled account may transcribe
    samples = load_audio(JFK).samples
    seen: list[float] = []
    with serve(app) as url:
        result = OpenAITranscriber(url, api_key=token).transcribe(samples, None, seen.append)
    text = "".join(w.text for w in result.words).lower()
    assert "ask not what your country can do for you" in text
    assert result.language == "en" and result.detected and seen[-1] == 1.0
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and 0.0 <= starts[0] < 1.5
    assert all(w.start <= w.end <= len(samples) / SAMPLE_RATE + 0.5 for w in result.words)
    assert len({w.start for w in result.words}) > len(result.words) * 0.9  # real, not spread
    assert not (copilot_env / "models").exists()


def test_our_server_answers_the_openai_formats(fake_server):
    url, token, fake = fake_server
    audio = EXAMPLE.read_bytes()
    auth = {"Authorization": f"Bearer {token}"}

    def post(**data) -> httpx.Response:
        return httpx.post(url + "/audio/transcriptions", headers=auth, timeout=30,
                          files={"file": ("walk.ogg", audio, "audio/ogg")},
                          data={"model": "whisper-1", **data})

    assert post().json() == {"text": "Alors Julien. On marche."}
    plain = post(response_format="text")
    assert plain.text == "Alors Julien. On marche." and plain.headers["content-type"].startswith(
        "text/plain")
    verbose = post(response_format="verbose_json", language="fr",
                   **{"timestamp_granularities[]": ["word", "segment"]}).json()
    assert verbose["language"] == "french" and verbose["duration"] > 10
    assert verbose["words"][0] == {"word": "Alors", "start": 0.5, "end": 0.9, "probability": 0.9}
    assert [(s["start"], s["end"], s["text"]) for s in verbose["segments"]] == [
        (0.5, 1.4, " Alors Julien."), (3.0, 4.0, " On marche.")]
    default = post(response_format="verbose_json").json()
    assert "segments" in default and "words" not in default  # OpenAI's default granularity
    assert fake.calls[-1][1] is None and fake.calls[-2][1] == "fr"  # language passed through


def test_our_client_reads_our_server(fake_server):
    url, token, _fake = fake_server
    result = OpenAITranscriber(url, api_key=token).transcribe(load_audio(EXAMPLE).samples, "fr")
    assert result.words == FAKE_WORDS and result.language == "fr" and not result.detected


def test_a_server_error_is_an_engine_error_with_the_status_and_a_hint(fake_server):
    url, _token, _fake = fake_server
    with pytest.raises(EngineError) as exc:  # our server refuses a wrong token: 401
        OpenAITranscriber(url, api_key="wrong").transcribe(np.zeros(SAMPLE_RATE, "float32"), "fr")
    assert "answered 401" in exc.value.message and "COPILOT_TRANSCRIBE_API_KEY" in exc.value.hint
    closed = f"http://127.0.0.1:{_free_port()}/v1"
    with pytest.raises(TranscriberDown) as down:
        OpenAITranscriber(closed).transcribe(np.zeros(SAMPLE_RATE, "float32"), "fr")
    assert "cannot be reached" in down.value.message


@pytest.mark.parametrize(("status", "kind", "said"), [
    (500, TranscriberDown, "CUDA out of memory"), (503, TranscriberDown, "loading"),
    (400, EngineError, "Invalid file format"), (404, EngineError, "model not found")])
def test_server_failures_name_the_status_and_what_the_server_said(status, kind, said):
    transport = httpx.MockTransport(
        lambda request: httpx.Response(status, json={"error": {"message": said}}))
    with pytest.raises(kind) as exc:
        OpenAITranscriber("http://127.0.0.1:9/v1", transport=transport).transcribe(
            np.zeros(SAMPLE_RATE, "float32"), "en")
    assert f"answered {status}: {said}" in exc.value.message and exc.value.hint
    assert isinstance(exc.value, TranscriberDown) == (status >= 500)


def test_an_answer_that_is_not_json_is_an_engine_error():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>proxy"))
    with pytest.raises(EngineError, match="not JSON"):
        OpenAITranscriber("http://localhost:9/v1", transport=transport).transcribe(
            np.zeros(SAMPLE_RATE, "float32"), "en")


# -- answers without word timestamps; OpenAI's own shape; long audio in blocks ----------------

def test_an_answer_without_words_is_aligned_from_its_segments():
    body = {"language": "en", "segments": [
        {"start": 1.0, "end": 2.0, "text": " Ask not"},  # 3 + 3 characters: half each
        {"start": 4.0, "end": 5.0, "text": " what your country"}]}  # 4, 4, 7 of 15
    words = words_of(body, offset=10.0)
    assert [(w.start, w.end, w.text) for w in words] == [
        (11.0, 11.5, " Ask"), (11.5, 12.0, " not"),
        (14.0, 14.267, " what"), (14.267, 14.533, " your"), (14.533, 15.0, " country")]
    assert spread_segment(0.0, 1.0, "   ") == []


def test_openai_shaped_answers_are_read():
    """OpenAI writes the language as a name and words without their leading space."""
    answer = {"task": "transcribe", "language": "english", "duration": 2.0, "text": "Hi there",
              "words": [{"word": "Hi", "start": 0.1, "end": 0.4},
                        {"word": "there", "start": 0.4, "end": 0.9}],
              "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": "Hi there"}]}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    result = OpenAITranscriber("http://[::1]:9/v1", transport=transport).transcribe(
        np.zeros(2 * SAMPLE_RATE, "float32"), None)
    assert result.language == "en" and result.detected
    assert [(w.start, w.end, w.text) for w in result.words] == [(0.1, 0.4, " Hi"),
                                                               (0.4, 0.9, " there")]


def test_text_without_any_timestamps_is_an_engine_error():
    with pytest.raises(EngineError, match="without timestamps"):
        words_of({"text": "hello"})


def test_a_long_recording_is_sent_in_blocks_and_the_detected_language_kept():
    sent: list[tuple[bytes, bytes]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = request.content
        sent.append((request.headers["authorization"], body))
        assert b'name="response_format"\r\n\r\nverbose_json' in body
        assert body.count(b'name="timestamp_granularities[]"') == 2
        assert b"RIFF" in body and b"WAVEfmt" in body  # 16 kHz mono WAV
        return httpx.Response(200, json={"language": "fr", "words": [
            {"word": " bonjour", "start": 1.0, "end": 1.5}]})

    audio = np.full(80 * SAMPLE_RATE, 0.1, "float32")
    audio[int(38.5 * SAMPLE_RATE):int(39.5 * SAMPLE_RATE)] = 0.0  # the pause to cut in
    result = OpenAITranscriber("http://localhost:9/v1", api_key="k", block_seconds=40,
                               transport=httpx.MockTransport(answer)).transcribe(audio, None)
    assert len(sent) == 2 and all(auth == "Bearer k" for auth, _ in sent)
    assert b'name="language"' not in sent[0][1]  # detected by the server...
    assert b'name="language"\r\n\r\nfr' in sent[1][1]  # ...then kept for the next block
    assert result.words[0].start == 1.0 and 39.5 < result.words[1].start < 40.5
    assert result.language == "fr" and result.detected


def test_a_detected_language_we_do_not_support_stops_at_the_first_block():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={
        "language": "german", "segments": [{"start": 0, "end": 1, "text": "Guten Tag"}]}))
    with pytest.raises(InputError, match="'german'"):
        OpenAITranscriber("http://localhost:9/v1", transport=transport).transcribe(
            np.zeros(SAMPLE_RATE, "float32"), None)


# -- nothing leaves the machine unless a setting says so --------------------------------------

@pytest.mark.parametrize("url", ["http://gpu-box:8000/v1", "http://10.0.0.5:8000/v1",
                                 "http://localhost.example.com/v1", None])
def test_a_server_off_this_machine_is_refused_before_any_connection(url):
    calls: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: calls.append(request) or httpx.Response(500))
    with pytest.raises(RemoteTranscriberNotAllowed) as exc:
        OpenAITranscriber(url, transport=transport)
    assert "COPILOT_TRANSCRIBE_ALLOW_REMOTE" in exc.value.hint and calls == []
    assert isinstance(exc.value, ConfigError) and exc.value.status_code == 503
    OpenAITranscriber(url, allow_remote=True)  # the opt-in


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/v1", "http://localhost:8000/v1",
                                 "http://[::1]:8000/v1", "http://127.0.0.2/v1"])
def test_loopback_servers_need_no_opt_in(url):
    assert OpenAITranscriber(url).url == url + "/audio/transcriptions"


def test_the_settings_choose_the_engine(monkeypatch):
    assert type(AudioEngines.from_settings(get_settings()).transcriber).__name__ == (
        "WhisperTranscriber")
    monkeypatch.setenv("COPILOT_TRANSCRIBER", "openai")
    monkeypatch.setenv("COPILOT_TRANSCRIBE_URL", "http://127.0.0.1:8000/v1/")
    monkeypatch.setenv("COPILOT_TRANSCRIBE_MODEL", "large-v3")
    monkeypatch.setenv("COPILOT_TRANSCRIBE_API_KEY", "secret-key")
    monkeypatch.setenv("COPILOT_TRANSCRIBE_TIMEOUT", "30")
    settings = get_settings()
    assert "secret-key" not in repr(settings.audio)
    engine = AudioEngines.from_settings(settings).transcriber
    assert isinstance(engine, OpenAITranscriber)
    assert (engine.url, engine.model, engine.api_key, engine.timeout) == (
        "http://127.0.0.1:8000/v1/audio/transcriptions", "large-v3", "secret-key", 30.0)
    monkeypatch.setenv("COPILOT_TRANSCRIBE_URL", "https://stt.example.com/v1")
    with pytest.raises(RemoteTranscriberNotAllowed):
        AudioEngines.from_settings(get_settings())
    monkeypatch.setenv("COPILOT_TRANSCRIBE_ALLOW_REMOTE", "true")
    assert AudioEngines.from_settings(get_settings()).transcriber.base_url == (
        "https://stt.example.com/v1")


def test_the_cli_refuses_a_remote_transcriber_with_one_line_and_exit_2(monkeypatch, capsys):
    from copilot.cli import run

    monkeypatch.setenv("COPILOT_TRANSCRIBER", "openai")
    monkeypatch.setenv("COPILOT_TRANSCRIBE_URL", "http://gpu-box:8000/v1")
    code = run(["analyze", str(EXAMPLE), "--manager", "Claire", "--report", "Julien",
                "--no-save", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: the transcription server http://gpu-box:8000/v1")
    assert err.count("\n") == 1 and "COPILOT_TRANSCRIBE_ALLOW_REMOTE" in err


def test_the_api_refuses_a_recording_it_may_not_send_with_503(light_store, monkeypatch):
    monkeypatch.setenv("COPILOT_TRANSCRIBER", "openai")  # unset URL: OpenAI's API
    with signed_in(create_app(extractor=FakeExtractor()), raise_server_exceptions=False) as c:
        r = c.post("/v1/meetings", data={"manager": "Claire", "report": "Julien"},
                   files={"file": ("walk.ogg", EXAMPLE.read_bytes(), "audio/ogg")})
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "remote_transcriber_not_allowed"
        assert not list((light_store_home(c) / "uploads").glob("*"))


def light_store_home(client: TestClient) -> Path:
    return Path(client.app.state.settings.home)  # type: ignore[attr-defined]


# -- the endpoint's input checks ----------------------------------------------------------------

def _post(client: TestClient, files=None, **data):
    return client.post("/v1/audio/transcriptions", data=data, files=files)


def test_bad_input_is_a_4xx_json_error(light_store, monkeypatch):
    monkeypatch.setenv("COPILOT_MAX_AUDIO_BYTES", "300000")
    fake = FakeTranscriber(FAKE_WORDS)
    app = create_app(extractor=FakeExtractor(), audio=AudioEngines(transcriber=fake))
    audio = {"file": ("walk.ogg", EXAMPLE.read_bytes(), "audio/ogg")}
    token_for(app, "Claire")  # Julien's manager
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as c:
        cases = [
            (_post(c, model="whisper-1"), 400, "file"),
            (_post(c, audio, response_format="srt"), 400, "json, verbose_json, text"),
            (_post(c, audio, language="de"), 400, "--lang fr"),
            (_post(c, audio, response_format="verbose_json",
                   **{"timestamp_granularities[]": "char"}), 400, "word and/or segment"),
            (_post(c, {"file": ("notes.txt", b"not a recording at all", "text/plain")}),
             415, "notes.txt is not an audio file"),
            (_post(c, {"file": ("empty.wav", b"", "audio/wav")}), 400, "again"),
            (_post(c, {"file": ("big.wav", b"\0" * 400_000, "audio/wav")}), 413,
             "COPILOT_MAX_AUDIO_BYTES"),
            (c.post("/v1/audio/transcriptions", json={"file": "x"}), 415, "multipart"),
        ]
        for response, status, hint in cases:
            assert response.status_code == status, response.text
            error = response.json()["error"]
            assert hint is None or hint in (error["hint"] or "") + error["message"], error
        assert fake.calls == []  # nothing reached the model
        assert _post(c, audio).json()["text"] == "Alors Julien. On marche."
    assert TestClient(app).post("/v1/audio/transcriptions", files=audio).status_code == 401
    with signed_in(app, "Claire", scope=TokenScope.READ) as reader:
        assert _post(reader, audio).status_code == 403  # a read token may not POST


def test_a_silent_recording_gives_no_words_without_running_the_model(light_store, tmp_path):
    import wave

    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * 32_000)
    fake = FakeTranscriber(FAKE_WORDS)
    app = create_app(extractor=FakeExtractor(), audio=AudioEngines(transcriber=fake))
    with signed_in(app) as c:
        body = _post(c, {"file": ("s.wav", path.read_bytes(), "audio/wav")},
                     response_format="verbose_json").json()
    assert body["text"] == "" and body["segments"] == [] and fake.calls == []


# -- a local folder of any CTranslate2 Whisper model --------------------------------------------

def test_a_model_folder_is_used_as_it_is(whisper_folder, tmp_path):
    home = tmp_path / "home"
    assert resolve_model(str(whisper_folder), home) == whisper_folder
    assert resolve_model(whisper_folder, home) == whisper_folder
    assert not home.exists()  # the embedded model was not assembled for it
    with pytest.raises(ConfigError, match="model.bin"):
        resolve_model(str(tmp_path), home)  # a folder without a model
    with pytest.raises(ConfigError):
        resolve_model("large-v3", home)  # a hub name: never downloaded
