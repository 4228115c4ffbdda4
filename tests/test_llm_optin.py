"""Who decides where a transcript goes: the engine a request may choose (COPILOT_REQUEST_ENGINES),
an LLM endpoint off this machine only with COPILOT_LLM_ALLOW_REMOTE (an OPENAI_API_KEY in the
environment is not consent), and a configuration error met during a request answers 4xx/503
with the JSON error, never 500."""

from __future__ import annotations

import httpx
import pytest
from api_auth import signed_in
from test_audio_api import engines, post_audio

from api.main import create_app
from copilot.analyze import llm
from copilot.analyze.base import FakeExtractor
from copilot.analyze.llm.client import build_chat
from copilot.analyze.llm.server import free_port
from copilot.errors import EngineNotEnabled, RemoteNotAllowed
from copilot.ingest.formats import parse_text
from copilot.pipeline import analyze_transcript
from copilot.request import check_request_engine
from copilot.settings import get_settings

TRANSCRIPT = "Claire: Tu m'envoies le plan ?\nJulien: Oui, vendredi.\n"
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}

pytestmark = pytest.mark.usefixtures("light_store")


@pytest.fixture(autouse=True)
def no_sdk_keys(monkeypatch):
    for name in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def assert_error(response, status: int, code: str, *hint_has: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert set(body) == {"code", "message", "hint"} and body["code"] == code, body
    assert body["message"] and all(word in (body["hint"] or "") for word in hint_has), body
    return body


# -- the engine a request may choose -----------------------------------------------------------
def test_a_request_may_not_choose_an_engine_the_server_did_not_enable():
    with signed_in(create_app(extractor=FakeExtractor())) as c:
        r = c.post("/v1/meetings", json={"transcript": TRANSCRIPT, **WHO, "engine": "llm"})
        body = assert_error(r, 403, "engine_not_enabled", "COPILOT_REQUEST_ENGINES")
        assert "llm" in body["message"] and "rules" in body["message"]
        r = c.post("/v1/meetings", files={"file": ("m.txt", TRANSCRIPT.encode())},
                   data={**WHO, "engine": "hybrid"})
        assert_error(r, 403, "engine_not_enabled", "COPILOT_REQUEST_ENGINES")
        assert c.get("/v1/meetings").json() == []  # nothing analysed, nothing stored
        # The configured engine, named or not, is always allowed.
        for engine in ("rules", None):
            fields = {"transcript": TRANSCRIPT, **WHO} | ({"engine": engine} if engine else {})
            assert c.post("/v1/meetings", json=fields).status_code == 201


def test_a_recording_choosing_a_disabled_engine_is_refused_before_anything_is_written(
        copilot_env):
    with signed_in(create_app(extractor=FakeExtractor(), audio=engines())) as c:
        assert_error(post_audio(c, engine="llm"), 403, "engine_not_enabled")
    uploads = copilot_env / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_the_request_engines_setting_enables_a_choice(monkeypatch):
    monkeypatch.setenv("COPILOT_REQUEST_ENGINES", " llm, hybrid ")
    settings = get_settings()
    assert settings.server.request_engines == ["llm", "hybrid"]
    check_request_engine(settings, "hybrid")
    with signed_in(create_app(settings, extractor=FakeExtractor())) as c:
        r = c.post("/v1/meetings", json={"transcript": TRANSCRIPT, **WHO, "engine": "llm"})
        assert r.status_code == 201, r.text
    assert get_settings(engine="llm").server.request_engines == ["llm", "hybrid"]
    with pytest.raises(EngineNotEnabled):  # an engine configured for the server is not a list
        check_request_engine(get_settings(server={"request_engines": []}), "llm")
    monkeypatch.setenv("COPILOT_REQUEST_ENGINES", "gpt")
    with pytest.raises(ValueError):
        get_settings()


# -- an LLM endpoint off this machine ----------------------------------------------------------
LOOPBACK = ["http://127.0.0.1:8080/v1", "http://127.3.2.1:1/v1", "http://[::1]:8000/v1",
            "http://localhost:11434/v1", "http://LOCALHOST:11434/v1"]
REMOTE = ["https://api.mistral.ai/v1", "http://192.168.1.20:8000/v1", "http://gpu-box:8000/v1",
          "http://ollama.localhost:11434/v1", "http://0.0.0.0:8080/v1",
          "http://[::ffff:8.8.8.8]/v1"]


def test_only_a_loopback_endpoint_is_used_without_the_opt_in():
    for url in LOOPBACK:
        assert build_chat(get_settings(engine="llm", llm={"base_url": url})) is not None
    for url in REMOTE:
        with pytest.raises(RemoteNotAllowed) as err:
            build_chat(get_settings(engine="llm", llm={"base_url": url, "api_key": "k"}))
        assert err.value.message.startswith(f"the LLM endpoint {url} is not on this machine")
        assert "COPILOT_LLM_ALLOW_REMOTE" in err.value.hint and "\n" not in err.value.one_line()
        build_chat(get_settings(engine="llm", llm={"base_url": url, "api_key": "k",
                                                   "allow_remote": True}))


def test_an_sdk_key_in_the_environment_is_not_consent_to_call_openai(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-left-in-the-shell")
    sent: list[httpx.Request] = []

    def record(self, request):  # any HTTP request the openai client would make
        sent.append(request)
        raise httpx.ConnectError("blocked by the test", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", record)
    t = parse_text(TRANSCRIPT, filename="m.txt")
    with pytest.raises(RemoteNotAllowed) as err:
        analyze_transcript(t, manager="Claire", report="Julien", settings=get_settings(
            engine="llm", llm={"max_retries": 0}))
    assert "https://api.openai.com/v1" in err.value.message and sent == []
    monkeypatch.setenv("COPILOT_LLM_ALLOW_REMOTE", "true")
    assert get_settings().llm.allow_remote
    assert build_chat(get_settings(engine="llm")).openai_api_key.get_secret_value() \
        == "sk-left-in-the-shell"


def test_the_fallback_to_rules_also_covers_a_refused_endpoint(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    rules = FakeExtractor(name="rules")
    engine = llm.build_extractor(get_settings(engine="llm", llm={"fallback": True}),
                                 lambda: rules)
    ext = engine.extract(parse_text(TRANSCRIPT, filename="m.txt"), None)  # type: ignore[arg-type]
    assert ext.run.engine == "rules" and "COPILOT_LLM_ALLOW_REMOTE" in ext.warnings[0].message
    assert not ext.run.privacy.remote_call


def test_the_cli_refuses_a_remote_endpoint_with_one_line_and_exit_2(tmp_path, monkeypatch,
                                                                    capsys):
    from copilot.cli import run

    path = tmp_path / "m.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    # The CLI's user owns the settings: --engine llm is not refused as a request's would be,
    # only the endpoint is.
    code = run(["analyze", str(path), "--manager", "Claire", "--report", "Julien",
                "--engine", "llm", "--no-save", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: the LLM endpoint https://api.openai.com/v1")
    assert err.count("\n") == 1 and "COPILOT_LLM_ALLOW_REMOTE" in err


# -- configuration errors met during a request: 4xx/503 with the JSON error, never 500 ---------
def _closed_port() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


@pytest.mark.parametrize(("env", "code", "hint_has"), [
    ({"COPILOT_ENGINE": "llm"}, "config_error", "OPENAI_API_KEY"),  # no key, OpenAI's API
    ({"COPILOT_ENGINE": "llm", "OPENAI_API_KEY": "sk-x"}, "remote_llm_not_allowed",
     "COPILOT_LLM_ALLOW_REMOTE"),
    ({"COPILOT_ENGINE": "hybrid", "COPILOT_LLM_PROVIDER": "azure", "COPILOT_LLM_API_KEY": "k"},
     "config_error", "openai.azure.com"),  # Azure, no endpoint
    ({"COPILOT_ENGINE": "llm", "COPILOT_LLM_BASE_URL": "closed-port",
      "COPILOT_LLM_PROMPT_VERSION": "v9"}, "config_error", "COPILOT_LLM_PROMPT_VERSION"),
], ids=["missing_key", "remote_without_opt_in", "azure_without_endpoint", "no_such_prompt"])
def test_an_llm_configuration_error_during_a_request_is_503(monkeypatch, env, code, hint_has):
    for name, value in env.items():
        monkeypatch.setenv(name, _closed_port() if value == "closed-port" else value)
    monkeypatch.setattr("copilot.pipeline._rules_engine", lambda: FakeExtractor(name="rules"))
    with signed_in(create_app(), raise_server_exceptions=False) as c:
        r = c.post("/v1/meetings", json={"transcript": TRANSCRIPT, **WHO})
        assert_error(r, 503, code, hint_has)
        assert c.get("/v1/meetings").json() == []


def test_an_invalid_setting_read_when_a_meeting_is_saved_is_503(monkeypatch):
    monkeypatch.setenv("COPILOT_VECTOR_STORE", "chroma")
    monkeypatch.setenv("COPILOT_CHROMA_URL", "ftp://chroma.example")
    with signed_in(create_app(extractor=FakeExtractor()), raise_server_exceptions=False) as c:
        r = c.post("/v1/meetings", json={"transcript": TRANSCRIPT, **WHO})
        assert_error(r, 503, "config_error", "COPILOT_CHROMA_URL")  # opened lazily, here
        assert c.get("/v1/meetings").json() == []  # the meeting's transaction rolled back
