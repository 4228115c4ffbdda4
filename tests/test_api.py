"""The HTTP API through TestClient, with a FakeExtractor (no NLP model is loaded)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from api_auth import signed_in
from conftest import make_analysis, make_extraction, step
from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory import Store
from copilot.models import Analysis, Extraction
from copilot.settings import get_settings

TRANSCRIPT = (
    "Claire: Comment s'est passée la démo avec le client ?\n"
    "Julien: Très bien, ils veulent une deuxième session. Je t'envoie le deck vendredi.\n"
    "Claire: Parfait. De mon côté je relance les achats.\n"
    "Julien: Merci, ça nous débloquerait.\n"
)
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}


class ThreadCheckingExtractor(FakeExtractor):
    """Records whether it ran inside the event loop (it must not: analysis is CPU-bound)."""

    def extract(self, transcript, ctx) -> Extraction:
        try:
            asyncio.get_running_loop()
            self.ran_in_event_loop = True
        except RuntimeError:
            self.ran_in_event_loop = False
        return super().extract(transcript, ctx)


@pytest.fixture
def fake() -> ThreadCheckingExtractor:
    return ThreadCheckingExtractor()


@pytest.fixture
def client(fake) -> TestClient:
    with signed_in(create_app(extractor=fake)) as c:
        yield c


def assert_error(response, status: int, code: str | None = None, *words: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "hint"} and error["message"]
    if code:
        assert error["code"] == code
    for word in words:
        assert word in error["message"] + " " + (error["hint"] or "")
    return error


def post_json(client, **body):
    return client.post("/v1/meetings", json={"transcript": TRANSCRIPT, **WHO, **body})


def post_file(client, data: bytes = TRANSCRIPT.encode(), name: str = "meeting.txt", **fields):
    return client.post("/v1/meetings", files={"file": (name, data, "text/plain")},
                       data={**WHO, **fields})


# -- creating meetings ---------------------------------------------------------------------


def test_json_body_creates_a_stored_meeting(client, fake):
    fake.enqueue(make_extraction(step("envoyer le deck", due=dt.date(2026, 3, 6))))
    response = post_json(client, lang="fr")
    assert response.status_code == 201, response.text
    analysis = Analysis.model_validate(response.json())
    assert (analysis.manager, analysis.report, analysis.date) == ("Claire", "Julien",
                                                                  dt.date(2026, 3, 2))
    assert (analysis.source, analysis.language, analysis.engine) == ("api", "fr", "fake")
    assert [n.action for n in analysis.next_steps] == ["envoyer le deck"]
    assert client.get(f"/v1/meetings/{analysis.id}").json() == response.json()
    assert fake.ran_in_event_loop is False


def test_multipart_upload_creates_a_stored_meeting(client, fake):
    # cp1252 bytes, as old Windows exports are: not UTF-8, still a valid transcript.
    response = post_file(client, TRANSCRIPT.encode("cp1252"), name="export.txt")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["source"] == "export.txt" and body["report"] == "Julien"
    assert "débloquerait" in " ".join(u["text"] for u in body["utterances"])
    assert [m["id"] for m in client.get("/v1/meetings").json()] == [body["id"]]


def test_json_filename_names_the_source(client):
    response = post_json(client, filename="notes.md")
    assert response.status_code == 201 and response.json()["source"] == "notes.md"


# -- reading, listing, deleting, agenda ----------------------------------------------------


@pytest.fixture
def stored(settings):
    with Store.open(settings) as store:
        store.save(make_analysis("jan", dt.date(2026, 1, 5), steps=[
            step("préparer la revue", due=dt.date(2026, 4, 1)),
            step("envoyer le deck", due=dt.date(2026, 1, 20)),
        ]))
        store.save(make_analysis("feb", dt.date(2026, 2, 2), report="Zoé"))


def test_list_filters_and_orders(client, stored):
    assert [m["id"] for m in client.get("/v1/meetings").json()] == ["feb", "jan"]
    assert [m["id"] for m in client.get("/v1/meetings", params={"report": "ZOE"}).json()] == [
        "feb"]
    assert len(client.get("/v1/meetings?report=&manager=").json()) == 2  # empty = no filter
    listed = client.get("/v1/meetings", params={"report": "julien", "manager": "claire"}).json()
    assert listed == [{"id": "jan", "date": "2026-01-05", "manager": "Claire",
                       "report": "Julien", "language": "fr", "source": "demo.txt",
                       "next_steps": 2, "warnings": 1}]


def test_get_and_delete(client, stored):
    assert client.get("/v1/meetings/jan").json()["next_steps"][0]["action"] == (
        "préparer la revue")
    response = client.delete("/v1/meetings/jan")
    assert response.status_code == 204 and response.content == b""
    assert_error(client.get("/v1/meetings/jan"), 404, "not_found", "jan")
    assert_error(client.delete("/v1/meetings/jan"), 404, "not_found")


def test_agenda(client, stored):
    response = client.get("/v1/people/JULIEN/agenda", params={"date": "2026-03-02"})
    assert response.status_code == 200
    body = response.json()
    assert (body["report"], body["date"]) == ("Julien", "2026-03-02")
    assert [(i["text"], i["overdue"], i["from_meeting"]) for i in body["items"]] == [
        ("envoyer le deck", True, "jan"), ("préparer la revue", False, "jan")]
    other = client.get("/v1/people/Julien/agenda", params={"manager": "Marc"}).json()
    assert other["items"] == [] and other["manager"] == "Marc"
    assert client.get("/v1/people/Inconnu/agenda").json()["items"] == []
    assert_error(client.get("/v1/people/Julien/agenda", params={"date": "02/03/2026"}), 400,
                 "bad_input", "YYYY-MM-DD")


def test_agenda_after_posting_through_the_api(client, fake):
    fake.enqueue(make_extraction(step("relancer les achats", owner="Claire", role="manager")))
    assert post_json(client).status_code == 201
    items = client.get("/v1/people/julien/agenda", params={"date": "2026-03-09"}).json()["items"]
    assert [(i["text"], i["owner"], i["due"]) for i in items] == [
        ("relancer les achats", "Claire", None)]


# -- bad input: always a 4xx with the error shape, never a 500 -----------------------------


@pytest.mark.parametrize(
    ("body", "status", "code", "word"),
    [
        ({"transcript": ""}, 400, "bad_input", "empty"),
        ({"transcript": "   \n  "}, 400, "bad_input", "empty"),
        ({"report": "claire"}, 400, "bad_input", "same person"),
        ({"date": "2026-02-30"}, 400, "bad_input", "not a date"),
        ({"lang": "de"}, 422, "invalid_request", "lang"),
        ({"transcript": 42}, 422, "invalid_request", "transcript"),
        ({"surprise": True}, 422, "invalid_request", "surprise"),
    ],
)
def test_bad_json_bodies(client, fake, body, status, code, word):
    assert_error(post_json(client, **body), status, code, word)
    assert fake.history == []
    assert client.get("/v1/meetings").json() == []


def test_missing_json_fields(client):
    response = client.post("/v1/meetings", json={"transcript": TRANSCRIPT})
    assert_error(response, 422, "invalid_request", "manager", "report")


def test_non_utf8_and_malformed_json(client):
    for raw in (b'{"transcript": "caf\xe9", "manager": "a", "report": "b"}', b"{not json",
                b""):
        assert_error(client.post("/v1/meetings", content=raw,
                                 headers={"content-type": "application/json"}),
                     422, "invalid_request")


def test_bad_uploads(client):
    assert_error(post_file(client, b"\x00\x01binary\x00" * 50), 400, "bad_input", "binary")
    assert_error(post_file(client, b""), 400, "bad_input", "empty")
    assert_error(post_file(client, name="call.mp3"), 415, "unsupported_format", "audio")
    assert_error(post_file(client, date="tomorrow"), 400, "bad_input", "not a date")
    assert_error(post_file(client, lang="xx"), 422, "invalid_request", "lang")
    assert_error(post_file(client, report="Claire"), 400, "bad_input", "same person")
    no_file = client.post("/v1/meetings", files={"other": ("x.txt", b"x")}, data=WHO)
    assert_error(no_file, 422, "invalid_request", "file")
    no_names = client.post("/v1/meetings", files={"file": ("x.txt", TRANSCRIPT.encode())})
    assert_error(no_names, 422, "invalid_request", "manager")


def test_unsupported_content_type(client):
    for ctype in ("text/plain", "application/x-www-form-urlencoded"):
        response = client.post("/v1/meetings", content=b"transcript=hi",
                               headers={"content-type": ctype})
        assert_error(response, 415, "unsupported_format", ctype)


def test_too_big_bodies_are_413(fake):
    with signed_in(create_app(get_settings(max_input_bytes=200), extractor=fake)) as client:
        big = "Claire: " + "bla " * 100
        assert_error(post_json(client, transcript=big), 413, "too_large")
        assert_error(post_file(client, big.encode()), 413, "too_large")
        # Beyond the declared size plus framing: refused from the header, before reading.
        huge = client.post("/v1/meetings", content=b"x" * 200_000,
                           headers={"content-type": "application/json"})
        assert_error(huge, 413, "too_large")
        assert post_json(client, transcript="Claire: Ça va ?\nJulien: Oui.").status_code == 201
    assert fake.history and len(fake.history) == 1


def test_unknown_routes_and_query_validation(client):
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    assert_error(client.put("/v1/meetings"), 405, "method_not_allowed")


def test_broken_database_is_503_not_500(copilot_env, fake):
    copilot_env.mkdir()
    (copilot_env / "copilot.db").write_bytes(b"garbage" * 1000)
    # No account can be read either: the credentials check answers 503 too, never 500.
    with TestClient(create_app(extractor=fake)) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert_error(client.get("/v1/meetings"), 503, "store_error", "corrupt")


def test_openapi_documents_both_request_bodies(client):
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/v1/meetings"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert {"transcript", "manager", "report"} <= set(
        content["application/json"]["schema"]["required"])
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert "/v1/people/{name}/agenda" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok", "version": "0.1.0"}
