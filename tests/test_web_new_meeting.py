"""The new-1:1 page: a text upload analysed at once, a recording as a job with its progress
page, upload errors shown on the form with the fields kept."""

from __future__ import annotations

import re

import pytest
from jobs_polling import wait
from test_audio_api import engines, wav

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.models import AccountRole
from tests.web_client import browser, csrf_of, user

BOUNDARY = "----copilot-test-boundary"
NOTES = "Claire: Comment ça va ?\nJulien: Bien, je finis le rapport vendredi.\n".encode()


@pytest.fixture
def app(light_store):
    return create_app(extractor=FakeExtractor(), audio=engines())


def _post(client, name="notes.txt", data=NOTES, **fields):
    """The form as a browser sends it: the voice sample's input, left empty, is a part with
    filename="" and no bytes."""
    token = csrf_of(client.get("/meetings/new").text)
    form = {"report": "Julien", "date": "2026-03-02", "lang": "fr", "csrf_token": token, **fields}
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in form.items()]
    for field, filename, content in (("file", name, data), ("manager_voice", "", b"")):
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                     '\r\n\r\n'.encode() + content + b"\r\n")
    return client.post("/meetings/new", content=b"".join(parts) + f"--{BOUNDARY}--\r\n".encode(),
                       headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                       follow_redirects=False)


def test_the_form_has_the_contract_fields(app) -> None:
    with browser(app) as client:
        html = client.get("/meetings/new").text
    for field in ('name="file"', 'name="report"', 'name="date"', 'name="lang"',
                  'name="manager_voice"', 'id="record-start"'):
        assert field in html


def test_a_text_upload_is_analysed_and_opens_the_meeting(app) -> None:
    with browser(app) as client:
        answer = _post(client)
    assert answer.status_code == 303, answer.text
    meeting_id = re.fullmatch(r"/meetings/(.+)", answer.headers["location"]).group(1)
    with Store.open(app.state.settings) as store:
        stored = store.get(meeting_id)
    assert (stored.manager, stored.report, str(stored.date)) == ("Claire", "Julien", "2026-03-02")


def test_a_recording_becomes_a_job_and_its_page_follows_it(app) -> None:
    with browser(app) as client:
        answer = _post(client, name="walk.wav", data=wav())
        assert answer.status_code == 303, answer.text
        job_id = re.fullmatch(r"/jobs/(.+)", answer.headers["location"]).group(1)
        with Store.open(app.state.settings) as store:
            assert store.get_job(job_id).filename == "walk.wav"  # the job row
        progress = client.get(f"/jobs/{job_id}", follow_redirects=False)
        if progress.status_code == 200:  # still running: the page shows the bar
            assert "<progress" in progress.text and 'aria-live="polite"' in progress.text
        done = wait(client, f"/v1/jobs/{job_id}")
        assert done["stage"] == "done", done
        after = client.get(f"/jobs/{job_id}", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"] == f"/meetings/{done['meeting_id']}"


def test_a_failed_job_shows_its_error_and_hint(app) -> None:
    with browser(app) as client:
        location = _post(client, name="walk.wav", data=wav()).headers["location"]
        job_id = location.split("/")[-1]
        wait(client, f"/v1/jobs/{job_id}")
        with Store.open(app.state.settings) as store:
            store.update_job(job_id, stage="failed", meeting_id=None, error={
                "code": "engine_error", "message": "speech recognition failed",
                "hint": "try a shorter recording"})
        html = client.get(f"/jobs/{job_id}").text
    failed = re.search(r'<div id="job-error" class="error" role="alert">(.*?)</div>',
                       html, re.DOTALL)
    assert failed and "speech recognition failed" in failed.group(1)
    assert "try a shorter recording" in failed.group(1)


def test_a_bad_date_redraws_the_form_with_the_message_and_the_fields(app) -> None:
    with browser(app) as client:
        answer = _post(client, date="2026-13-45", report="Julien Bernard")
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and "2026-13-45" in answer.text
    assert 'value="Julien Bernard"' in answer.text
    with Store.open(app.state.settings) as store:
        assert store.list() == []  # nothing stored


def test_an_empty_report_name_and_an_unsupported_file_are_refused_on_the_form(app) -> None:
    with browser(app) as client:
        empty = _post(client, report="  ")
        binary = _post(client, name="deck.pdf", data=b"%PDF-1.7\x00\xff\xfe" * 10)
    assert 400 <= empty.status_code < 500 and 'role="alert"' in empty.text
    assert 400 <= binary.status_code < 500 and 'role="alert"' in binary.text
    assert 'value="Julien"' in binary.text


def test_the_form_is_in_french_for_a_french_reader(app) -> None:
    with browser(app, lang="fr") as client:
        html = client.get("/meetings/new").text
    assert '<html lang="fr">' in html and "Enregistrer" in html


def test_a_report_may_not_open_the_page(app) -> None:
    user(app)
    with browser(app, "Julien", AccountRole.REPORT, manager="Claire") as client:
        answer = client.get("/meetings/new")
        token = csrf_of(client.get("/").text)
        posted = client.post("/meetings/new", data={"csrf_token": token, "report": "Julien"},
                             files={"file": ("n.txt", NOTES)})
    assert answer.status_code == 403 and "text/html" in answer.headers["content-type"]
    assert posted.status_code == 403
