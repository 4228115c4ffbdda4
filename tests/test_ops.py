"""Operations: /readyz (database, broker, vector store), /metrics (Prometheus) and the log
lines (text or JSON, with the request id and the job id)."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from api_auth import signed_in
from conftest import make_analysis
from fastapi.testclient import TestClient

from api.main import create_app
from copilot import metrics
from copilot.analyze.base import FakeExtractor
from copilot.cli.serve import log_config
from copilot.logs import JsonFormatter, configure_logging, job_context
from copilot.memory.store import Store
from copilot.models import AccountRole
from copilot.settings import get_settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns: nobody listens


@pytest.fixture
def app(light_store):
    return create_app(extractor=FakeExtractor())


def test_readyz_ok_and_database_down(app, monkeypatch):
    with TestClient(app) as client:
        reply = client.get("/readyz")
        assert reply.status_code == 200
        assert reply.json() == {"status": "ready", "checks": {"database": "ok"}}
        store = app.state.store

        def down() -> None:
            from copilot.errors import StoreError
            raise StoreError("the database at postgresql://u:***@db/x could not be used", None)

        monkeypatch.setattr(store, "ping", down)
        reply = client.get("/readyz")
    assert reply.status_code == 503
    assert reply.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert "postgresql" not in reply.text


def test_readyz_names_a_broker_that_does_not_answer(app):
    class Queue:
        broker_url = f"redis://:secret@127.0.0.1:{_closed_port()}/0"

    object.__setattr__(app.state.settings, "queue", Queue())
    with TestClient(app) as client:
        reply = client.get("/readyz")
    assert reply.status_code == 503, reply.text
    assert reply.json()["checks"] == {"database": "ok", "broker": "unavailable"}
    assert "secret" not in reply.text and "redis" not in reply.text


def test_readyz_with_a_chroma_server_down(copilot_env, monkeypatch):
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")
    monkeypatch.setenv("COPILOT_CHROMA_URL", f"http://127.0.0.1:{_closed_port()}")
    app = create_app(extractor=FakeExtractor())
    with TestClient(app) as client:
        reply = client.get("/readyz")
    assert reply.status_code == 503
    assert reply.json()["checks"] == {"database": "ok", "vectors": "unavailable"}
    assert "127.0.0.1" not in reply.text


def test_metrics_by_route_template_and_job_gauges(app):
    metrics.observe_stage("audio", "transcribing", 2.5)
    with signed_in(app, "Ada", AccountRole.ADMIN) as admin:
        # After the app started: its runner fails the jobs it finds at start (no upload).
        with Store.open(get_settings()) as store:
            store.save(make_analysis("m1", report="Zoé Martin"))
            store.create_job("j1", upload="uploads/j1.wav", filename="a.wav", params={})
            store.create_job("j2", upload="uploads/j2.wav", filename="b.wav", params={})
            store.update_job("j2", stage="transcribing")
        for _ in range(3):
            admin.get("/v1/people/Zoé Martin")
        admin.get("/v1/meetings/m1")
        text = admin.get("/metrics").text
        with signed_in(app, "Claire") as manager:
            assert manager.get("/metrics").status_code == 403
    assert 'route="/v1/people/{name}"' in text and 'route="/v1/meetings/{meeting_id}"' in text
    assert "Zo" not in text and "m1" not in text  # never a raw path
    assert 'copilot_http_request_duration_seconds_count{method="GET",' in text
    assert 'copilot_jobs{queue="audio",state="queued"} 1.0' in text
    assert 'copilot_jobs{queue="audio",state="running"} 1.0' in text
    assert 'copilot_jobs{queue="audio",state="failed"} 0.0' in text
    assert 'copilot_job_stage_duration_seconds_count{queue="audio",stage="transcribing"}' in text
    assert TestClient(app).get("/metrics").status_code == 401


def test_json_logs_carry_the_request_id_and_the_job_id(app, capsys):
    configure_logging(get_settings(server={"log_format": "json"}))
    try:
        with TestClient(app) as client:
            client.get("/healthz", headers={"X-Request-ID": "req-42"})
        with job_context("job-7"):
            logging.getLogger("copilot.jobs").warning("transcribing took long")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
                 if line.startswith("{")]
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False,
                                   "loggers": {"copilot": {"handlers": [], "propagate": True}}})
    access = next(x for x in lines if x["logger"] == "copilot.access")
    assert access["request_id"] == "req-42" and access["route"] == "/healthz"
    assert access["status"] == 200 and access["level"] == "INFO" and access["time"]
    job = next(x for x in lines if x["logger"] == "copilot.jobs")
    assert job["job_id"] == "job-7" and job["message"] == "transcribing took long"
    assert "request_id" not in job


def test_serve_uses_the_json_format_when_asked():
    config = log_config("json")
    assert config["formatters"]["copilot"]["()"] is JsonFormatter
    assert config["formatters"]["default"]["()"] is JsonFormatter
    assert "()" not in log_config("text")["formatters"]["default"] or \
        log_config("text")["formatters"]["default"]["()"] is not JsonFormatter
