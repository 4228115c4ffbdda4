"""A user's own account: PATCH /v1/me (language), PUT /v1/me/password (ends the other
sessions)."""

from __future__ import annotations

import pytest
from api_auth import signed_in
from fastapi.testclient import TestClient

from api.main import create_app
from copilot import accounts
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.models import AccountRole
from copilot.settings import get_settings

OLD, NEW = "correct horse battery staple", "another long passphrase"


@pytest.fixture
def app(light_store):
    app = create_app(extractor=FakeExtractor())
    with Store.open(get_settings()) as store:
        accounts.add_user(store, "claire@example.org", "Claire", AccountRole.MANAGER,
                          password=OLD)
    return app


def _session(app, password: str = OLD) -> tuple[TestClient, int, dict]:
    client = TestClient(app)
    response = client.post("/v1/auth/login", json={"email": "claire@example.org",
                                                   "password": password})
    return client, response.status_code, {"X-CSRF-Token": response.json().get("csrf_token", "")}


def test_language_is_kept_and_shown(app):
    with signed_in(app, "Claire") as client:
        assert client.get("/v1/me").json()["language"] is None
        changed = client.patch("/v1/me", json={"language": "fr"})
        assert changed.status_code == 200 and changed.json()["language"] == "fr"
        assert client.get("/v1/me").json()["language"] == "fr"
        assert client.patch("/v1/me", json={"language": "de"}).status_code == 422
        assert client.patch("/v1/me", json={"language": None}).json()["language"] is None
    with Store.open(get_settings()) as store:
        assert store.user("claire@example.org").language is None


def test_changing_the_password_ends_the_other_sessions(app):
    mine, status, csrf = _session(app)
    other, _, _ = _session(app)
    assert status == 200 and other.get("/v1/me").status_code == 200
    with mine, other:
        wrong = mine.put("/v1/me/password", json={"current": "not it at all", "new": NEW},
                         headers=csrf)
        assert wrong.status_code == 403
        assert other.get("/v1/me").status_code == 200  # nothing changed
        short = mine.put("/v1/me/password", json={"current": OLD, "new": "short"},
                         headers=csrf)
        assert short.status_code == 400
        done = mine.put("/v1/me/password", json={"current": OLD, "new": NEW}, headers=csrf)
        assert done.status_code == 204
        assert mine.get("/v1/me").status_code == 200  # the session that changed it stays
        assert other.get("/v1/me").status_code == 401
    assert _session(app, OLD)[1] == 401
    assert _session(app, NEW)[1] == 200
    with Store.open(get_settings()) as store:
        entries = store.audit_entries()
    assert any(e.object_kind == "user" and e.action == "change" and "password" in e.detail
               for e in entries)


def test_a_token_may_change_it_too_and_ends_every_session(app):
    browser, _, _ = _session(app)
    with signed_in(app, "Claire") as client:
        response = client.put("/v1/me/password", json={"current": OLD, "new": NEW})
    assert response.status_code == 204
    assert browser.get("/v1/me").status_code == 401
