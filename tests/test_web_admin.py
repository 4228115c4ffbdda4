"""The admin's and HR's pages: users (add, shown password that works, reset, disable, tokens),
retention, the audit log; HR's de-identified figures and legal calendar."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.models import AuditAction
from copilot.settings import get_settings
from tests.test_authz_matrix import world  # noqa: F401 (fixture)
from tests.web_client import csrf_of
from tests.web_roles import signed_in_as


def _app():
    return create_app(extractor=FakeExtractor())


def _shown_password(html: str) -> str:
    found = re.search(r'<code class="secret" id="new-password">([^<]+)</code>', html)
    assert found, "no one-time password on the page"
    return found.group(1)


def test_an_added_user_signs_in_with_the_password_shown_once(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        admin = signed_in_as(app, "admin")
        token = csrf_of(admin.get("/").text)
        made = admin.post("/admin/users", data={
            "csrf_token": token, "name": "Nina", "email": "nina@example.org", "role": "report",
            "manager": "manager@example.org"})
        assert made.status_code == 200 and "nina@example.org is added" in made.text
        password = _shown_password(made.text)
        assert password not in admin.get("/").text  # shown once
        nina = signed_in_as(app, "nina", password=password)
        assert "My 1:1s" in nina.get("/").text
    with Store.open(get_settings()) as store:
        user = store.user("nina@example.org")
        assert (user.role, user.manager, user.org) == ("report", "manager@example.org",
                                                       store.user("admin@example.org").org)


def test_a_refused_user_keeps_the_form_and_stores_nothing(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        admin = signed_in_as(app, "admin")
        token = csrf_of(admin.get("/").text)
        refused = admin.post("/admin/users", data={
            "csrf_token": token, "name": "Nina", "email": "not-an-email", "role": "manager"})
    assert refused.status_code == 400 and "is not an email address" in refused.text
    assert 'value="Nina"' in refused.text
    with Store.open(get_settings()) as store:
        assert "Nina" not in {u.name for u in store.users()}


def test_reset_disable_and_revoke(world):  # noqa: F811
    app = _app()
    with Store.open(get_settings()) as store:
        marc = store.user("other_manager@example.org")
        token_id = next(t.id for t in store.tokens(marc.email))
    with TestClient(app):
        admin = signed_in_as(app, "admin")
        page = admin.get(f"/admin/users/{marc.id}")
        assert page.status_code == 200 and f"#{token_id}" in page.text
        token = csrf_of(page.text)
        reset = admin.post(f"/admin/users/{marc.id}/password", data={"csrf_token": token})
        new_password = _shown_password(reset.text)
        signed_in_as(app, "other_manager", password=new_password)
        revoked = admin.post(f"/admin/users/{marc.id}/tokens/{token_id}/revoke",
                             data={"csrf_token": token}, follow_redirects=False)
        assert revoked.status_code == 303
        disabled = admin.post(f"/admin/users/{marc.id}/disable", data={"csrf_token": token})
        assert "other_manager@example.org is disabled" in disabled.text
        gone = TestClient(app).post("/login", data={"email": marc.email,
                                                   "password": new_password})
        assert gone.status_code == 401
    with Store.open(get_settings()) as store:
        assert store.user(marc.email).disabled
        assert next(t for t in store.tokens(marc.email) if t.id == token_id).revoked


def test_an_admin_of_another_organisation_finds_no_user_of_ours(world):  # noqa: F811
    app = _app()
    with Store.open(get_settings()) as store:
        claire = store.user("manager@example.org")
    with TestClient(app):
        olga = signed_in_as(app, "other_admin")
        token = csrf_of(olga.get("/").text)
        assert "manager@example.org" not in olga.get("/").text
        assert olga.post(f"/admin/users/{claire.id}/disable",
                         data={"csrf_token": token}).status_code == 404
    with Store.open(get_settings()) as store:
        assert not store.user(claire.email).disabled


def test_retention_is_saved_and_audited(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        admin = signed_in_as(app, "admin")
        token = csrf_of(admin.get("/admin/retention").text)
        saved = admin.post("/admin/retention", data={
            "csrf_token": token, "recordings_days": "30", "transcripts_days": ""})
        assert saved.status_code == 200 and 'value="30"' in saved.text
        assert admin.post("/admin/retention", data={"csrf_token": token,
                                                    "recordings_days": "0"}).status_code == 422
        audit = admin.get("/admin/audit?action=retention").text
        assert "recordings_days=30" in audit and "<td>login</td>" not in audit
        assert "<td>login</td>" in admin.get("/admin/audit").text
    with Store.open(get_settings()) as store:
        org = next(o for o in store.organisations()
                   if o.name == store.user("admin@example.org").org)
    assert (org.recordings_days, org.transcripts_days) == (30, None)


def test_the_audit_log_pages_by_100(world):  # noqa: F811
    with Store.open(get_settings()) as store:
        admin_principal = store.principal_for_user(store.user("admin@example.org").id)
        scoped = store.acting_as(admin_principal)
        for i in range(150):
            scoped.audit(AuditAction.READ, "probe", str(i))
    app = _app()
    with TestClient(app):
        admin = signed_in_as(app, "admin")
        first = admin.get("/admin/audit?action=read").text
        second = admin.get("/admin/audit?action=read&page=2").text
    assert first.count("probe ") == 100 and "probe 149" in first and 'rel="next"' in first
    assert second.count("probe ") == 50 and "probe 0<" in second and 'rel="next"' not in second


def test_hr_reads_figures_without_names_and_the_legal_calendar(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        hr = signed_in_as(app, "hr")
        home = hr.get("/").text
        legal = hr.get("/hr/legal")
    assert "De-identified" in home and "Julien" not in home and "Claire" not in home
    assert re.search(r"1:1s</th><td>5</td>", home)  # m1..m5 in the organisation
    assert legal.status_code == 200 and "Legal calendar" in legal.text
