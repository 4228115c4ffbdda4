"""An upload sent again with the same Idempotency-Key gets the first job back: a client whose
answer never arrived (a killed API process, a cut connection) retries without a second meeting.
"""

from __future__ import annotations

import threading
from pathlib import Path

from api_auth import signed_in
from jobs_polling import wait
from test_audio_api import WHO, engines, post_audio

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.settings import get_settings

TEXT = Path(__file__).resolve().parents[1] / "examples" / "one_on_one_fr.txt"


def post_text(client, key: str | None):
    headers = {"Prefer": "respond-async"} | ({"Idempotency-Key": key} if key else {})
    return client.post("/v1/meetings", json={**WHO, "transcript": TEXT.read_text()},
                       headers=headers)


def uploads(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "uploads").glob("*") if p.is_file())


def jobs_and_meetings() -> tuple[int, int]:
    with Store.open(get_settings()) as store:
        return len(store.list()), sum(store.job_counts().values())


def test_a_text_sent_twice_with_one_key_is_one_job_and_one_meeting(copilot_env):
    with signed_in(create_app(extractor=FakeExtractor())) as client:
        first = post_text(client, "upload-7f3a")
        again = post_text(client, '"upload-7f3a"')  # the draft's quoted form is the same key
        other = post_text(client, "upload-0001")
        assert first.status_code == again.status_code == other.status_code == 202
        assert again.json()["job_id"] == first.json()["job_id"] != other.json()["job_id"]
        for answer in (first, other):
            assert wait(client, answer.json()["status_url"], timeout=30)["stage"] == "done"
        late = post_text(client, "upload-7f3a")  # after it finished: still the same job
    assert late.json()["job_id"] == first.json()["job_id"]
    assert jobs_and_meetings() == (2, 2)


def test_a_recording_sent_twice_keeps_one_upload(copilot_env):
    go = threading.Event()
    from test_queue import SlowTranscriber  # a transcriber held until `go`

    app = create_app(extractor=FakeExtractor(), audio=engines(SlowTranscriber(go)))
    with signed_in(app) as client:
        headers = {"Idempotency-Key": "rec-1"}
        first = client.post("/v1/meetings", headers=headers, **_recording())
        again = client.post("/v1/meetings", headers=headers, **_recording())
        assert again.json()["job_id"] == first.json()["job_id"]
        held = uploads(copilot_env)
        go.set()
        assert wait(client, first.json()["status_url"], timeout=30)["stage"] == "done"
    assert held == [f"{first.json()['job_id']}.wav"]
    assert jobs_and_meetings() == (1, 1)


def _recording() -> dict:
    from test_audio_api import wav

    return {"files": {"file": ("walk.wav", wav(), "audio/wav")}, "data": WHO}


def test_keys_belong_to_their_user(copilot_env):
    app = create_app(extractor=FakeExtractor())
    with signed_in(app) as claire:
        mine = post_text(claire, "same-key").json()["job_id"]
    with signed_in(app, "Marc") as marc:
        answer = marc.post("/v1/meetings", json={**WHO, "manager": "Marc",
                                                 "transcript": TEXT.read_text()},
                           headers={"Prefer": "respond-async", "Idempotency-Key": "same-key"})
        assert answer.status_code == 202 and answer.json()["job_id"] != mine
        assert marc.get(f"/v1/jobs/{mine}").status_code == 404


def test_racing_uploads_with_one_key_make_one_job(copilot_env):
    with signed_in(create_app(extractor=FakeExtractor())) as client:
        answers: list = []
        threads = [threading.Thread(target=lambda: answers.append(post_text(client, "race")))
                   for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ids = {a.json()["job_id"] for a in answers}
        assert [a.status_code for a in answers] == [202] * 6 and len(ids) == 1
        wait(client, answers[0].json()["status_url"], timeout=30)
    assert jobs_and_meetings() == (1, 1)
    assert uploads(copilot_env) == []  # the text is in the database; no stray copies


def test_a_bad_key_is_refused_before_anything_is_stored(copilot_env):
    with signed_in(create_app(extractor=FakeExtractor())) as client:
        for bad in ("", "x" * 201, "clé".encode()):
            answer = client.post("/v1/meetings", json={**WHO, "transcript": "Claire: Salut"},
                                 headers={"Prefer": "respond-async", "Idempotency-Key": bad})
            assert answer.status_code == 400, bad
            assert "Idempotency-Key" in answer.json()["error"]["message"]
        audio = post_audio(client)  # no key: a plain upload still works
        assert audio.status_code == 202
