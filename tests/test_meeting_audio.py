"""GET /v1/meetings/{id}/audio: the kept recording, with Range, for who may read the
transcript."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from api_auth import signed_in
from conftest import make_analysis

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.models import AccountRole, Sharing
from copilot.settings import get_settings

RECORDING = Path(__file__).resolve().parents[1] / "examples" / "walking_meeting_fr.ogg"


@pytest.fixture
def app(light_store):
    app = create_app(extractor=FakeExtractor())
    manager = signed_in(app, "Claire")  # creates the accounts
    signed_in(app, "Julien", AccountRole.REPORT, manager="Claire")
    with manager:
        settings = get_settings()
        with Store.open(settings) as store:
            claire = store.principal_for_user(store.user("claire@example.org").id)
            mine = store.acting_as(claire)
            for meeting in ("m1", "m2"):
                mine.save(make_analysis(meeting))
        uploads = Path(settings.home) / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        # What a finished job leaves: the recording named after the meeting it produced.
        shutil.copy(RECORDING, uploads / "m1.ogg")
    return app


def test_the_manager_gets_the_whole_recording(app):
    with signed_in(app, "Claire") as client:
        response = client.get("/v1/meetings/m1/audio")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/ogg"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == RECORDING.read_bytes()


def test_a_range_answers_206_with_those_bytes(app):
    data = RECORDING.read_bytes()
    with signed_in(app, "Claire") as client:
        part = client.get("/v1/meetings/m1/audio", headers={"Range": "bytes=100-1099"})
        tail = client.get("/v1/meetings/m1/audio", headers={"Range": "bytes=-10"})
        beyond = client.get("/v1/meetings/m1/audio",
                            headers={"Range": f"bytes={len(data) + 10}-"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{len(data)}"
    assert part.content == data[100:1100]
    assert tail.status_code == 206 and tail.content == data[-10:]
    assert beyond.status_code == 416


def test_no_recording_answers_404(app):
    with signed_in(app, "Claire") as client:
        response = client.get("/v1/meetings/m2/audio")  # a meeting from text
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert client.delete("/v1/meetings/m1").status_code == 204
        assert client.get("/v1/meetings/m1/audio").status_code == 404  # removed with it


def test_the_report_hears_it_only_when_the_transcript_is_shared(app):
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as report:
        assert report.get("/v1/meetings/m1/audio").status_code == 404  # not shared at all
        with Store.open(get_settings()) as store:
            store.set_sharing("m1", Sharing(recap=True))
            assert report.get("/v1/meetings/m1/audio").status_code == 403  # the recap only
            store.set_sharing("m1", Sharing(transcript=True))
        assert report.get("/v1/meetings/m1/audio").status_code == 200
