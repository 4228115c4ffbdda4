"""Jobs on Celery with a real Redis (tests/redis_server.py): published by the API, run by a
worker (in this process with fake engines, or a real `copilot worker`), idempotent when
delivered twice, retried then failed, texts on their own queue; and the in-process text thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from api_auth import email_of, signed_in
from jobs_polling import wait
from redis_server import broker, redis_server  # noqa: F401 - fixtures
from test_audio_api import TURNS, _dead_pid, engines, post_audio

from api.main import create_app
from copilot import queue as job_queue
from copilot.analyze.base import FakeExtractor
from copilot.errors import InputError, StoreError
from copilot.ingest.transcribe import FakeTranscriber
from copilot.jobs import run_job, worker_id
from copilot.memory.store import Store
from copilot.settings import get_settings

pytestmark = pytest.mark.usefixtures("light_store")

ROOT = Path(__file__).parent.parent
TEXT = ROOT / "examples" / "one_on_one_fr.txt"
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}
ASYNC = {"Prefer": "respond-async"}


def post_text(client, **headers):
    return client.post("/v1/meetings", json={**WHO, "transcript": TEXT.read_text()},
                       headers={**ASYNC, **headers})


@contextmanager
def worker(queues, extractor=None, audio=None):
    """A Celery worker in this process (a thread) on `queues`, with these engines."""
    from celery.contrib.testing.worker import start_worker

    before = dict(job_queue.ENGINES)  # shared by the workers of this process
    job_queue.ENGINES["extractor"] = extractor or before["extractor"] or FakeExtractor()
    job_queue.ENGINES["audio"] = audio or before["audio"]
    app = job_queue.build_app(get_settings())
    try:
        with start_worker(app, queues=queues, pool="solo", perform_ping_check=False,
                          shutdown_timeout=20, hostname=f"test-{'-'.join(queues)}@localhost"):
            yield app
    finally:
        job_queue.ENGINES.update(before)


class SlowTranscriber(FakeTranscriber):
    """Transcribes only once `go` is set: a long recording holding the audio worker."""

    def __init__(self, go: threading.Event) -> None:
        base = FakeTranscriber.from_turns(TURNS, language="fr")
        self.__dict__.update(base.__dict__)
        self.go = go

    def transcribe(self, audio, language, progress=None):
        assert self.go.wait(150)  # longer than any wait of the tests: a slow CI machine
        return super().transcribe(audio, language, progress)


class FlakyExtractor(FakeExtractor):
    """Raises `error` on every call: a database that keeps failing, or a bad input."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error, self.calls = error, 0

    def extract(self, *args, **kwargs):
        self.calls += 1
        raise self.error


@pytest.mark.usefixtures("broker")
def test_a_text_job_goes_through_redis_to_a_worker():
    with worker(["text", "audio"]), signed_in(create_app()) as client:
        started = time.monotonic()
        response = post_text(client)
        assert response.status_code == 202, response.text
        assert response.headers["preference-applied"] == "respond-async"
        assert response.headers["location"] == response.json()["status_url"]
        job = wait(client, response.json()["status_url"], timeout=30)
        latency = time.monotonic() - started
        assert job["stage"] == "done", job
        meeting = client.get(f"/v1/meetings/{job['meeting_id']}").json()
        assert meeting["manager"] == "Claire" and meeting["utterances"]
    print(f"text job through Redis: {latency * 1000:.0f} ms from POST to done")
    assert not list(get_settings().home.joinpath("uploads").glob("*.txt"))  # text: not kept


@pytest.mark.usefixtures("broker")
def test_without_prefer_a_text_stays_synchronous():
    with signed_in(create_app(extractor=FakeExtractor())) as client:
        response = client.post("/v1/meetings", json={**WHO, "transcript": TEXT.read_text()})
    assert response.status_code == 201 and response.json()["id"]


def _job(settings, job_id: str, kind: str = "text") -> None:
    folder = settings.home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job_id}.txt").write_text(TEXT.read_text())
    with Store.open(settings) as store:
        claire = store.principal_for_user(store.user(email_of("Claire")).id)
        store.acting_as(claire).create_job(
            job_id, upload=f"uploads/{job_id}.txt", filename=None, kind=kind,
            params={**WHO, "principal": claire.model_dump(mode="json")})


@pytest.mark.usefixtures("broker")
def test_a_redelivered_job_does_not_save_a_second_meeting():
    settings = get_settings()
    with signed_in(create_app()):  # Claire's account
        pass
    _job(settings, "twice1")
    with Store.open(settings) as store:
        assert run_job(store, settings, "twice1", extractor=FakeExtractor()).status == "done"
        vectors = store.vectors.count("utterances") if hasattr(store.vectors, "count") else 0
        # The worker died after its commit, before it could say so: the row still runs.
        store.update_job("twice1", stage="analysing", meeting_id=None,
                         worker=f"{worker_id().rpartition(':')[0]}:{_dead_pid()}")
        assert run_job(store, settings, "twice1", extractor=FlakyExtractor(
            AssertionError("analysed twice"))).status == "done"
        job = store.get_job("twice1")
        assert (job.stage, job.meeting_id, job.attempts) == ("done", "twice1", 2)
        assert len(store.list()) == 1
        assert store.vectors.count("utterances") == vectors if vectors else True
        # A delivery of a finished job is acknowledged and ignored.
        assert run_job(store, settings, "twice1").status == "over"
        assert store.get_job("twice1").attempts == 2


@pytest.mark.usefixtures("broker")
def test_a_job_held_by_a_live_worker_is_not_run_twice():
    settings = get_settings()
    with signed_in(create_app()):
        pass
    _job(settings, "held1")
    with Store.open(settings) as store:
        store.update_job("held1", stage="analysing",  # alive, heartbeat now
                         worker=f"{worker_id().rpartition(':')[0]}:{os.getppid()}")
        assert run_job(store, settings, "held1", extractor=FakeExtractor()).status == "busy"
        assert store.get_job("held1").attempts == 0


@pytest.mark.usefixtures("broker")
def test_transient_errors_are_retried_then_the_job_fails(monkeypatch):
    monkeypatch.setenv("COPILOT_JOB_RETRY_BACKOFF", "0.2")
    flaky = FlakyExtractor(StoreError("the database is unreachable", "retry"))
    with worker(["text"], extractor=flaky), signed_in(create_app()) as client:
        job = wait(client, post_text(client).json()["status_url"], timeout=30)
    assert job["stage"] == "failed" and job["attempts"] == 3 and flaky.calls == 3
    assert job["error"]["message"] == "the database is unreachable"


@pytest.mark.usefixtures("broker")
def test_an_input_error_fails_at_once():
    bad = FlakyExtractor(InputError("nothing to analyse", "send a transcript"))
    with worker(["text"], extractor=bad), signed_in(create_app()) as client:
        job = wait(client, post_text(client).json()["status_url"], timeout=30)
    assert job["stage"] == "failed" and job["attempts"] == 1 and bad.calls == 1


@contextmanager
def copilot_worker(*args: str, **env_vars: str):
    """A real `copilot worker` process (prefork) with the real rules engine."""
    env = {**os.environ, "COPILOT_EMBEDDER": "hash", "COPILOT_VECTOR_STORE": "memory",
           **env_vars}
    proc = subprocess.Popen([sys.executable, "-c", "from copilot.cli import main; main()",
                             "worker", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        yield proc
    finally:
        proc.terminate()  # warm shutdown: the children finish, then exit
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.mark.usefixtures("broker")
def test_a_text_completes_on_a_real_worker_while_the_audio_worker_is_busy(monkeypatch):
    monkeypatch.setenv("COPILOT_JOB_SWEEP_INTERVAL", "1")
    go = threading.Event()
    with worker(["audio"], audio=engines(SlowTranscriber(go))), \
            copilot_worker("--queues", "text", "--concurrency", "1",
                           COPILOT_LOG_FORMAT="json") as text_worker, \
            signed_in(create_app()) as client:
        recording = post_audio(client).json()["status_url"]
        started = time.monotonic()
        text = wait(client, post_text(client).json()["status_url"], timeout=90)
        latency = time.monotonic() - started
        held = client.get(recording).json()
        go.set()
        done = wait(client, recording, timeout=30)
        meeting = client.get(f"/v1/meetings/{text['meeting_id']}").json()
        started = time.monotonic()
        warm = wait(client, post_text(client).json()["status_url"], timeout=30)
        warm_latency = time.monotonic() - started
        # An API process killed between its commit and its publish: the sweep sends it.
        _job(get_settings(), "orphan1")
        orphan = wait(client, "/v1/jobs/orphan1", timeout=30)
    assert warm["stage"] == "done" and orphan["stage"] == "done"
    assert text["stage"] == "done", text_worker.stdout.read() if text_worker.stdout else text
    assert held["stage"] in ("decoding", "transcribing") and done["stage"] == "done"
    assert meeting["engine"] == "rules" and meeting["next_steps"]  # found by the real engine
    logged = [json.loads(line) for line in text_worker.stdout.read().splitlines()
              if line.startswith("{")]
    assert any(e.get("job_id") == text["job_id"] and e["logger"].startswith("copilot")
               for e in logged), logged[-5:]  # COPILOT_LOG_FORMAT=json, with the job id
    print(f"text job on a fresh `copilot worker` (rules engine loads): {latency:.1f} s, "
          f"then on the warm worker: {warm_latency * 1000:.0f} ms")


def test_the_in_process_runner_has_a_thread_for_texts(copilot_env):
    go = threading.Event()
    app = create_app(extractor=FakeExtractor(), audio=engines(SlowTranscriber(go)))
    with signed_in(app) as client:
        recording = post_audio(client).json()["status_url"]
        response = post_text(client)
        assert response.status_code == 202
        text = wait(client, response.json()["status_url"], timeout=30)
        held = client.get(recording).json()
        go.set()
        done = wait(client, recording, timeout=30)
    assert text["stage"] == "done" and held["stage"] in ("queued", "decoding", "transcribing")
    assert done["stage"] == "done"


def test_an_unreachable_broker_keeps_the_job_and_says_so(request, monkeypatch):
    from redis_server import free_port

    redis = request.getfixturevalue("redis_server")
    redis.flush()
    monkeypatch.setenv("COPILOT_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    with signed_in(create_app()) as client:
        response = post_text(client)
        assert response.status_code == 202
        assert "unreachable" in response.json()["warning"]
        job_id = response.json()["job_id"]
    monkeypatch.setenv("COPILOT_BROKER_URL", redis.url)  # the broker is back
    monkeypatch.setenv("COPILOT_JOB_SWEEP_INTERVAL", "0.1")
    time.sleep(0.2)
    settings = get_settings()
    with Store.open(settings) as store:
        assert store.get_job(job_id).stage == "queued"
        assert job_queue.sweep(settings, store) == [job_id]
        assert job_queue.sweep(settings, store) == []  # published now: not again
    with worker(["text"]), signed_in(create_app()) as client:
        assert wait(client, f"/v1/jobs/{job_id}", timeout=30)["stage"] == "done"


@pytest.mark.slow
@pytest.mark.usefixtures("broker")
def test_a_worker_killed_mid_transcription_gets_its_job_redelivered():
    """kill -9 of the child running a real transcription: Celery's late acknowledgement and
    reject-on-worker-lost hand the job to the next child, which claims it (the dead pid holds
    nothing) and saves one meeting."""
    recording = ROOT / "examples" / "walking_meeting_fr.ogg"
    with copilot_worker("--queues", "audio", "--concurrency", "1") as proc, \
            signed_in(create_app()) as client:
        response = client.post("/v1/meetings", data=WHO, files={
            "file": ("walk.ogg", recording.read_bytes(), "audio/ogg")})
        url = response.json()["status_url"]
        job_id = response.json()["job_id"]
        holder = _wait_for(lambda: _holder(job_id, "transcribing"), 90)
        os.kill(holder, 9)
        killed = time.monotonic()
        _wait_for(lambda: _holder(job_id, "decoding", "transcribing", attempts=2), 60)
        redelivered = time.monotonic() - killed
        job = wait(client, url, timeout=120)
        meetings = client.get("/v1/meetings").json()
    assert job["stage"] == "done" and job["attempts"] == 2, (job, _tail(proc))
    assert [m["id"] for m in meetings] == [job_id]
    print(f"kill -9 mid-transcription: redelivered and claimed again after {redelivered:.1f} s")


def _holder(job_id: str, *stages: str, attempts: int = 1) -> int | None:
    """The pid of the process holding the job, once it is in one of `stages`."""
    with Store.open(get_settings()) as store:
        job = store.get_job(job_id)
        from copilot.memory.store.tables import JobRow

        with store._session() as s:
            worker = s.get(JobRow, job_id).worker
    if job.stage in stages and job.attempts >= attempts and worker:
        return int(worker.rpartition(":")[2])
    return None


def _wait_for(probe, timeout: float):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if (found := probe()) is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"nothing after {timeout} s")


def _tail(proc) -> str:
    proc.terminate()
    return (proc.communicate(timeout=30)[0] or "")[-3000:]


@pytest.mark.usefixtures("broker")
def test_the_sweep_republishes_the_jobs_of_dead_workers_only():
    settings = get_settings()
    with signed_in(create_app()):
        pass
    host = worker_id().rpartition(":")[0]
    for job_id, holder in (("dead1", f"{host}:{_dead_pid()}"), ("live1", f"{host}:{os.getppid()}"),
                           ("far1", "elsewhere:1")):
        _job(settings, job_id)
        with Store.open(settings) as store:
            store.update_job(job_id, stage="analysing", worker=holder, attempts=1,
                             published_at=dt.datetime.now(dt.UTC))
    with Store.open(settings) as store:
        assert job_queue.sweep(settings, store) == ["dead1"]  # the others' heartbeats are fresh
        assert store.get_job("dead1").stage == "queued"
        assert store.get_job("live1").stage == store.get_job("far1").stage == "analysing"
    # Another host's worker silent for longer than the stale window counts as dead.
    from copilot import jobs

    with Store.open(settings) as store:
        stale = jobs.STALE_AFTER + 1
        row = next(j for j in _active_jobs(store) if j.id == "far1")
        aged = dataclasses.replace(row, updated_at=row.updated_at - dt.timedelta(seconds=stale))
        assert jobs.judge(aged, settings, broker=True)["stage"] == "queued"
        assert jobs.judge(row, settings, broker=True) is None


def _active_jobs(store):
    seen = []
    store.recover_jobs(lambda j: seen.append(j))
    return seen


def test_copilot_worker_refuses_without_a_reachable_broker(copilot_env, monkeypatch, capsys):
    from redis_server import free_port

    from copilot.cli.application import run

    assert run(["worker"]) == 2
    assert capsys.readouterr().err.startswith("error: no job queue is configured")
    monkeypatch.setenv("COPILOT_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    assert run(["worker", "--queues", "text"]) == 2
    assert "cannot be reached" in capsys.readouterr().err
    assert run(["worker", "--queues", "video"]) == 2
    assert capsys.readouterr().err.startswith("error: unknown queue video")


@pytest.mark.usefixtures("broker")
def test_uploads_live_in_the_shared_storage_folder(tmp_path, monkeypatch):
    """COPILOT_STORAGE_DIR: the API writes there, the worker reads there, the recording is
    served from there; the job row's path is relative to it, so every machine resolves it."""
    shared = tmp_path / "shared-volume"
    monkeypatch.setenv("COPILOT_STORAGE_DIR", str(shared))
    with worker(["audio"], audio=engines()), signed_in(create_app()) as client:
        job = wait(client, post_audio(client).json()["status_url"], timeout=30)
        audio = client.get(f"/v1/meetings/{job['meeting_id']}/audio")
    assert job["stage"] == "done" and audio.status_code == 200
    assert [p.name for p in (shared / "uploads").iterdir()] == [f"{job['job_id']}.wav"]
    assert not (get_settings().home / "uploads").exists()
    with Store.open(get_settings()) as store:
        from copilot.memory.store.tables import JobRow

        with store._session() as s:
            assert s.get(JobRow, job["job_id"]).upload == f"uploads/{job['job_id']}.wav"
