"""Accounts over HTTP: tokens, sessions and CSRF, login throttling, rate limits, what a report
and HR read, private notes, the audit log, organisations and the 0004 migration."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from api_auth import email_of, signed_in, token_for
from conftest import make_analysis
from fastapi.testclient import TestClient

from api.main import create_app
from copilot import accounts
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.memory.store.base import make_engine, migrate
from copilot.models import AccountRole, Sharing, TokenScope
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

PASSWORD = "correct horse battery staple"
TRANSCRIPT = "Claire: Comment ça va ?\nJulien: Bien, je finis le rapport vendredi.\n"
MEETING = {"manager": "Claire", "report": "Julien", "date": "2026-04-01",
           "transcript": TRANSCRIPT}


@pytest.fixture
def app(light_store):
    return create_app(extractor=FakeExtractor())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def with_users(app, *people: tuple[str, AccountRole, str | None]) -> None:
    with Store.open(app.state.settings) as store:
        for name, role, boss in people:
            accounts.add_user(store, email_of(name), name, role, password=PASSWORD,
                              manager=email_of(boss) if boss else None)


def test_no_credentials_or_a_bad_token_is_401_with_the_json_error(app):
    with TestClient(app) as client:
        for headers in ({}, bearer("cpt_not-a-token"), {"Authorization": "Basic eDp5"}):
            response = client.get("/v1/meetings", headers=headers)
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "unauthenticated"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_read_token_reads_but_cannot_write(app):
    token = token_for(app, "Claire", scope=TokenScope.READ)
    with TestClient(app) as client:
        assert client.get("/v1/meetings", headers=bearer(token)).status_code == 200
        response = client.post("/v1/meetings", json=MEETING, headers=bearer(token))
        assert response.status_code == 403
        assert client.get("/v1/meetings", headers=bearer(token)).json() == []


def test_revoked_expired_and_disabled_tokens_stop_working(app):
    token = token_for(app, "Claire")
    with Store.open(app.state.settings) as store:
        short = accounts.issue_token(store, email_of("Claire"), days=1)
        store.revoke_token(store.tokens(email_of("Claire"))[0].id)
        later = accounts.now() + dt.timedelta(days=2)
        assert store.principal_for_token(accounts.digest(short.token), later) is None
    with TestClient(app) as client:
        assert client.get("/v1/me", headers=bearer(token)).status_code == 401  # revoked
        assert client.get("/v1/me", headers=bearer(short.token)).status_code == 200
        with Store.open(app.state.settings) as store:
            store.set_user_disabled(email_of("Claire"))
        assert client.get("/v1/me", headers=bearer(short.token)).status_code == 401


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
def test_tokens_are_stored_hashed_and_passwords_with_argon2(app, copilot_env):
    token = token_for(app, "Claire")
    db = sqlite3.connect(copilot_env / "copilot.db")
    stored = db.execute("SELECT digest FROM api_tokens").fetchall()
    hashes = db.execute("SELECT password_hash FROM users").fetchall()
    assert all(token not in d for (d,) in stored)
    assert stored == [(accounts.digest(token),)]
    assert hashes[0][0].startswith("$argon2id$")
    assert b"cpt_" not in (copilot_env / "copilot.db").read_bytes()


def test_a_session_cookie_needs_the_csrf_token_for_unsafe_requests(app):
    with_users(app, ("Claire", AccountRole.MANAGER, None))
    with TestClient(app) as client:
        login = client.post("/v1/auth/login", json={"email": email_of("Claire"),
                                                    "password": PASSWORD})
        assert login.status_code == 200
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        csrf = login.json()["csrf_token"]
        assert client.get("/v1/me").json()["email"] == email_of("Claire")
        assert client.post("/v1/meetings", json=MEETING).status_code == 403  # no CSRF token
        assert client.post("/v1/meetings", json=MEETING,
                           headers={"X-CSRF-Token": "forged"}).status_code == 403
        assert client.get("/v1/meetings").json() == []
        made = client.post("/v1/meetings", json=MEETING, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201
        assert client.post("/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert client.get("/v1/me").status_code == 401


def test_wrong_passwords_lock_the_account_and_say_the_same_for_unknown_emails(app):
    with_users(app, ("Claire", AccountRole.MANAGER, None))
    with TestClient(app) as client:
        unknown = client.post("/v1/auth/login", json={"email": "nobody@example.org",
                                                      "password": "whatever-it-is"})
        answers = [client.post("/v1/auth/login", json={"email": email_of("Claire"),
                                                       "password": "wrong password!"})
                   for _ in range(5)]
        assert unknown.status_code == 401 and unknown.json() == answers[0].json()
        assert [a.status_code for a in answers] == [401] * 5
        locked = client.post("/v1/auth/login", json={"email": email_of("Claire"),
                                                     "password": PASSWORD})
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_login_and_uploads_are_rate_limited(light_store, monkeypatch):
    monkeypatch.setenv("COPILOT_LOGIN_RATE", "3/minute")
    monkeypatch.setenv("COPILOT_UPLOAD_RATE", "2/minute")
    app = create_app(extractor=FakeExtractor())
    with signed_in(app) as client:
        body = {"email": "nobody@example.org", "password": "whatever-it-is"}
        assert [client.post("/v1/auth/login", json=body).status_code
                for _ in range(4)] == [401, 401, 401, 429]
        posts = [client.post("/v1/meetings", json={**MEETING, "date": f"2026-04-0{i}"})
                 for i in (1, 2, 3)]
        assert [p.status_code for p in posts] == [201, 201, 429]
        assert posts[2].json()["error"]["code"] == "rate_limited"
        assert len(client.get("/v1/meetings").json()) == 2


def test_a_report_reads_only_what_was_shared_never_coaching_or_notes(app):
    with_users(app, ("Claire", AccountRole.MANAGER, None), ("Julien", AccountRole.REPORT,
                                                             "Claire"))
    claire, julien = token_for(app, "Claire"), token_for(app, "Julien")
    with TestClient(app) as client:
        meeting = client.post("/v1/meetings", json=MEETING, headers=bearer(claire)).json()
        path = f"/v1/meetings/{meeting['id']}"
        client.put(f"{path}/notes", json={"text": "Julien semble fatigué"},
                   headers=bearer(claire))
        assert client.get(f"{path}/recap", headers=bearer(julien)).status_code == 404
        assert client.get("/v1/meetings", headers=bearer(julien)).json() == []
        client.put(f"{path}/sharing", json={"recap": True}, headers=bearer(claire))
        recap = client.get(f"{path}/recap", headers=bearer(julien)).json()
        assert recap["utterances"] is None and "warnings" not in recap
        assert client.get(path, headers=bearer(julien)).status_code == 403
        assert client.get(f"{path}/notes", headers=bearer(julien)).status_code == 403
        client.put(f"{path}/sharing", json={"transcript": True}, headers=bearer(claire))
        recap = client.get(f"{path}/recap", headers=bearer(julien)).json()
        assert recap["utterances"][0]["text"] == "Comment ça va ?"
        everything = str([client.get(p, headers=bearer(julien)).json() for p in (
            f"{path}/recap", "/v1/meetings", "/v1/people/Julien/agenda",
            "/v1/people/Julien", "/v1/commitments")])
        assert "fatigué" not in everything  # the private notes never reach the report
        assert client.get("/v1/search?q=fatigué", headers=bearer(julien)).json()["hits"] == []
        export = client.get("/v1/people/Julien/export", headers=bearer(claire)).json()
        assert "fatigué" not in str(export) and export["audit"]


def test_hr_gets_figures_without_names_or_text(app):
    with_users(app, ("Claire", AccountRole.MANAGER, None), ("Hugo", AccountRole.HR, None))
    with TestClient(app) as client:
        client.post("/v1/meetings", json=MEETING, headers=bearer(token_for(app, "Claire")))
        hr = bearer(token_for(app, "Hugo"))
        figures = client.get("/v1/org/figures", headers=hr).json()
        assert figures["meetings"] == 1 and figures["managers"] == 1
        assert not any(word in str(figures) for word in ("Claire", "Julien", "rapport"))
        assert client.get("/v1/meetings", headers=hr).status_code == 403
        assert client.get("/v1/search?q=rapport", headers=hr).status_code == 403


def test_the_audit_log_records_reads_and_changes_and_admins_read_it(app):
    with_users(app, ("Claire", AccountRole.MANAGER, None), ("Ada", AccountRole.ADMIN, None))
    claire = bearer(token_for(app, "Claire"))
    with TestClient(app) as client:
        meeting = client.post("/v1/meetings", json=MEETING, headers=claire).json()
        client.get(f"/v1/meetings/{meeting['id']}", headers=claire)
        client.put(f"/v1/meetings/{meeting['id']}/sharing", json={"recap": True},
                   headers=claire)
        log = client.get("/v1/audit", headers=bearer(token_for(app, "Ada"))).json()
        assert client.get("/v1/audit", headers=claire).status_code == 403
        # The admin reads who did what; not the meeting itself.
        admin = bearer(token_for(app, "Ada"))
        assert client.get(f"/v1/meetings/{meeting['id']}", headers=admin).status_code == 404
    mine = [(e["actor"], e["action"], e["object_kind"]) for e in log]
    assert ("claire@example.org", "read", "meeting") in mine
    assert ("claire@example.org", "share", "meeting") in mine
    assert ("claire@example.org", "create", "meeting") in mine


def test_two_organisations_each_have_their_own_julien(light_store):
    settings = get_settings()
    with Store.open(settings) as store:
        accounts.add_user(store, "claire@a.org", "Claire", AccountRole.MANAGER, org="A")
        accounts.add_user(store, "claire@b.org", "Claire", AccountRole.MANAGER, org="B")
        a = store.acting_as(store.principal_for_user(store.user("claire@a.org").id))
        b = store.acting_as(store.principal_for_user(store.user("claire@b.org").id))
        a.save(make_analysis("a1"))
        b.save(make_analysis("b1"))
        assert [m.id for m in a.list()] == ["a1"] and [m.id for m in b.list()] == ["b1"]
        a.set_sharing("a1", Sharing(recap=True))
        assert not b.sharing("b1").recap
        assert a.person_facts("Julien").meetings == 1
        with pytest.raises(Exception, match="no meeting"):
            b.get("a1")


def test_the_0004_upgrade_keeps_topics_and_voiceprints(copilot_env, monkeypatch):
    """0004 rebuilds `people`; with foreign keys on, that would cascade into topics and
    voiceprints (ON DELETE CASCADE)."""
    from alembic import command
    from alembic.config import Config

    from copilot.memory.store import MIGRATIONS

    copilot_env.mkdir()
    engine = make_engine(f"sqlite:///{copilot_env / 'copilot.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.exec_driver_sql("INSERT INTO people (id, name, name_key, created_at) "
                             "VALUES (1, 'Julien', 'julien', '2026-01-01')")
        conn.exec_driver_sql("INSERT INTO topics (person_id, text, submitted_on, status, "
                             "created_at) VALUES (1, 'ma formation', '2026-01-01', 'open', "
                             "'2026-01-01')")
        conn.exec_driver_sql("INSERT INTO voiceprints (person_id, encoder, vector, seconds, "
                             "created_at, updated_at) VALUES (1, 'e', '[1.0]', 3.0, "
                             "'2026-01-01', '2026-01-01')")
    migrate(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM topics").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM voiceprints").scalar() == 1
        assert conn.exec_driver_sql("SELECT org_id FROM people").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
