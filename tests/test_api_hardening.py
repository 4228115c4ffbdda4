"""The API's boundary, tested as an attacker would try it: the Host
allow-list (DNS rebinding), CORS closed unless configured, cross-origin unsafe requests,
ids too large for the database, names with invisible characters, access logs without names."""

import logging
from urllib.parse import quote

import pytest
from api_auth import signed_in
from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.cli import app as cli_app
from copilot.settings import LOOPBACK_HOSTS, get_settings

TRANSCRIPT = "Claire: Comment ça va ?\nJulien: Bien, je finis le deck vendredi.\n"
WHO = {"manager": "Claire", "report": "Julien", "date": "2026-03-02"}


def assert_error(response, status: int, *codes: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] in codes and body["message"], body
    return body


@pytest.fixture
def client():
    with signed_in(create_app(extractor=FakeExtractor())) as c:
        yield c


def app_with(**server) -> TestClient:
    server.setdefault("allowed_hosts", list(LOOPBACK_HOSTS))  # the default, not the tests'
    return signed_in(create_app(get_settings(server=server), extractor=FakeExtractor()))


# -- Host allow-list -----------------------------------------------------------------------


def test_the_default_allow_list_is_loopback_only(monkeypatch):
    monkeypatch.delenv("COPILOT_ALLOWED_HOSTS")
    assert get_settings().server.allowed_hosts == ["localhost", "127.0.0.1", "::1", "[::1]"]
    monkeypatch.setenv("COPILOT_ALLOWED_HOSTS", " Copilot.Example.com, *.corp.example ")
    assert get_settings().server.allowed_hosts == ["copilot.example.com", "*.corp.example"]


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"])
def test_loopback_hosts_are_answered(host):
    with app_with() as c:  # the defaults: loopback names only
        assert c.get("/healthz", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8000", "testserver", "127.0.0.2", ""])
def test_another_host_gets_400_with_the_error_shape(host):
    with app_with() as c:
        response = c.get("/v1/people", headers={"host": host})
        body = assert_error(response, 400, "invalid_host")
        assert "COPILOT_ALLOWED_HOSTS" in body["hint"]
        assert response.headers["x-request-id"]


def test_wildcard_subdomains():
    with app_with(allowed_hosts=["*.corp.example"]) as c:
        assert c.get("/healthz", headers={"host": "copilot.corp.example"}).status_code == 200
        assert c.get("/healthz", headers={"host": "corp.example.evil"}).status_code == 400


# -- CORS and cross-origin unsafe requests --------------------------------------------------


def test_no_cors_headers_unless_configured(client):
    response = client.get("/v1/people", headers={"origin": "https://evil.example"})
    assert response.status_code == 200
    assert not any(h.startswith("access-control-") for h in response.headers)
    preflight = client.options("/v1/meetings", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_a_cross_origin_multipart_post_is_refused(client):
    response = client.post("/v1/meetings", files={"file": ("m.txt", TRANSCRIPT.encode())},
                           data=WHO, headers={"origin": "https://evil.example"})
    assert_error(response, 403, "forbidden_origin")
    for method in ("patch", "delete"):
        response = client.request(method, "/v1/people/julien", json={},
                                  headers={"origin": "null"})
        assert_error(response, 403, "forbidden_origin")
    assert client.get("/v1/meetings").json() == []


def test_same_origin_and_no_origin_posts_are_accepted(client):
    files = {"file": ("m.txt", TRANSCRIPT.encode())}
    assert client.post("/v1/meetings", files=files, data=WHO).status_code == 201
    same = client.post("/v1/meetings", files=files, data=WHO,
                       headers={"origin": "http://testserver"})
    assert same.status_code == 201
    assert len(client.get("/v1/meetings").json()) == 2


def test_configured_origins_get_cors_and_may_post():
    origin = "https://copilot.example.com"
    with app_with(allowed_hosts=["testserver"], cors_origins=[origin + "/"]) as c:
        preflight = c.options("/v1/meetings", headers={
            "origin": origin, "access-control-request-method": "POST"})
        assert preflight.headers["access-control-allow-origin"] == origin
        response = c.post("/v1/meetings", files={"file": ("m.txt", TRANSCRIPT.encode())},
                          data=WHO, headers={"origin": origin})
        assert response.status_code == 201
        assert response.headers["access-control-allow-origin"] == origin
        other = c.post("/v1/meetings", files={"file": ("m.txt", TRANSCRIPT.encode())},
                       data=WHO, headers={"origin": "https://evil.example"})
        assert_error(other, 403, "forbidden_origin")
        assert "access-control-allow-origin" not in other.headers


def test_a_cors_origin_must_be_an_origin(monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("COPILOT_CORS_ORIGINS", "copilot.example.com")
    with pytest.raises(ValidationError):
        get_settings()


# -- access log: request id and route template, never a name --------------------------------


def test_access_log_has_the_template_and_the_request_id_not_the_name(client, caplog):
    with caplog.at_level(logging.INFO, logger="copilot.access"):
        response = client.get("/v1/people/Zoé Martin/agenda",
                              headers={"x-request-id": "abc-123"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc-123"
    [record] = [r for r in caplog.records if r.name == "copilot.access"]
    line = record.getMessage()
    assert "GET /v1/people/{name}/agenda 200" in line and "request_id=abc-123" in line
    assert "Zo" not in line and "Martin" not in line
    with caplog.at_level(logging.INFO, logger="copilot.access"):
        for path in ("/healthz", "/v1/people", "/v1/commitments/7"):
            client.get(path)
    assert [r.route for r in caplog.records[-3:]] == [
        "/healthz", "/v1/people", "/v1/commitments/{commitment_id}"]


def test_a_forged_request_id_is_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="copilot.access"):
        response = client.get("/v1/people/nobody/unknown", headers={"x-request-id": "a b\tc"})
    assert response.status_code == 404
    rid = response.headers["x-request-id"]
    assert len(rid) == 32 and rid != "a b\tc"
    line = caplog.records[-1].getMessage()
    assert "<unmatched>" in line and "nobody" not in line and rid in line


def test_serve_logs_without_uvicorn_access_log_and_warns_off_loopback(monkeypatch, store):
    import uvicorn
    from typer.testing import CliRunner

    from copilot.accounts import add_user
    from copilot.models import AccountRole

    # Off loopback, serve needs an account (tests/test_cli_accounts.py) and warns while the
    # Host allow-list is the loopback default.
    add_user(store, "ana@acme.org", "Ana", AccountRole.ADMIN)
    monkeypatch.delenv("COPILOT_ALLOWED_HOSTS")
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    runner = CliRunner()
    quiet = runner.invoke(cli_app, ["serve"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
    loud = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert loud.exit_code == 0
    [line] = loud.stderr.strip().splitlines()
    assert line.startswith("warning:") and "COPILOT_ALLOWED_HOSTS" in line
    assert all(k["access_log"] is False for k in calls)
    assert calls[0]["log_config"]["loggers"]["copilot"]["level"] == "INFO"


# -- integer ids too large for the database --------------------------------------------------

HUGE = "99999999999999999999"  # > 2**63: SQLite cannot even bind it


def cli(capsys, *args: str) -> tuple[int, str, str]:
    from copilot import cli as cli_module

    code = cli_module.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("number", [HUGE, str(2**63), "-" + HUGE])
def test_ids_too_large_for_the_database_are_404(client, number):
    assert_error(client.get(f"/v1/commitments/{number}"), 404, "not_found")
    assert_error(client.patch(f"/v1/commitments/{number}", json={"status": "done"}),
                 404, "not_found")


@pytest.mark.parametrize("args", [("commitments", "show", HUGE),
                                  ("commitments", "done", HUGE),
                                  ("commitments", "reopen", str(2**63)),
                                  ("topic", "drop", HUGE)])
def test_cli_ids_too_large_are_one_error_line(capsys, args):
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == "", err
    [line] = err.splitlines()
    assert line.startswith("error: no ")


# -- names: empty once trimmed, or with control / invisible characters -----------------------

BAD_NAMES = ["  ", "\u200b", "Ju\u200blien", "Claire\u202e", "Ali\x00ce", "Bob\x85",
             "Zo\u2066é", "a\nb", "x" * 201]


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_bad_names_are_422_wherever_they_enter(client, bad):
    for field in ("manager", "report"):
        body = {**WHO, field: bad, "transcript": TRANSCRIPT}
        assert_error(client.post("/v1/meetings", json=body), 422, "invalid_name")
        assert_error(client.post("/v1/meetings", data={**WHO, field: bad},
                                 files={"file": ("m.txt", TRANSCRIPT.encode())}),
                     422, "invalid_name")
    assert_error(client.patch("/v1/people/julien", json={"manager": bad}), 422, "invalid_name")
    assert_error(client.post("/v1/people/julien/topics",
                             json={"text": "ma formation", "submitted_by": bad}),
                 422, "invalid_name", "invalid_request")  # the model caps it at 200 first
    if bad.strip():  # a path segment, percent-encoded as a browser would
        bad = quote(bad)
        for method, path in [("patch", ""), ("post", "/topics"), ("get", "/agenda"),
                             ("get", ""), ("delete", "")]:
            body = {"text": "x"} if path == "/topics" else {}
            response = client.request(method, f"/v1/people/{bad}{path}",
                                      json=body if method != "get" else None)
            assert_error(response, 422, "invalid_name")
        assert_error(client.get(f"/v1/managers/{bad}/coaching"), 422, "invalid_name")
    assert client.get("/v1/meetings").json() == []
    # Only the signed-in manager's own record: nothing was created from a bad name.
    assert [p["name"] for p in client.get("/v1/people").json()] == ["Claire"]


def test_names_are_trimmed_and_good_ones_pass(client):
    assert client.patch("/v1/people/ Zoé  Martin-Lefèvre ", json={}).json()["name"] == \
        "Zoé Martin-Lefèvre"
    assert client.post("/v1/meetings", json={**WHO, "report": " 李 小龍 ",
                                             "transcript": TRANSCRIPT}).status_code == 201


@pytest.mark.parametrize("args", [
    ("people", "set", "\u200b"),
    ("people", "set", "Julien", "--manager", "Cl\u202eaire"),
    ("topic", "add", "ma formation", "--person", "  "),
    ("topic", "add", "ma formation", "--person", "Julien", "--by", "B\x07ob"),
])
def test_cli_bad_names_are_one_error_line(capsys, args):
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == "", err
    [line] = err.splitlines()
    assert line.startswith("error: the ") and ("invisible" in line or "empty" in line)


def test_cli_analyze_refuses_an_invisible_manager(capsys, tmp_path):
    path = tmp_path / "m.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    code, out, err = cli(capsys, "analyze", str(path), "--manager", "Cla\u200bire",
                         "--report", "Julien")
    assert code == 2 and out == "" and "invisible" in err and "U+200B" in err


def test_the_docs_page_loads_its_assets_from_the_app_not_a_cdn():

    from api.main import create_app

    with signed_in(create_app()) as client:
        page = client.get("/docs")
        assert page.status_code == 200 and "swagger-ui" in page.text
        assert "cdn." not in page.text and "https://" not in page.text.replace(
            "https://swagger.io", "")
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
            assert f"/docs/assets/{asset}" in page.text
            got = client.get(f"/docs/assets/{asset}")
            assert got.status_code == 200 and len(got.content) > 10_000
        assert client.get("/openapi.json").json()["info"]["title"] == "1:1 copilot"
