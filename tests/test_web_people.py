"""A manager's people, account and search pages: cadence and legal calendar, editing a record,
the export download, the erasure after typing the name; password, language and tokens; search
hits linking to their line with the words marked."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.errors import NotFoundError
from copilot.memory import people as ppl
from copilot.memory.store import Store
from copilot.settings import get_settings
from tests.test_authz_matrix import PASSWORD, world  # noqa: F401 (fixture)
from tests.web_client import csrf_of
from tests.web_roles import signed_in_as


def _app():
    return create_app(extractor=FakeExtractor())


def _claire(store: Store) -> Store:
    return store.acting_as(store.principal_for_user(store.user("manager@example.org").id))


def test_people_list_and_detail_show_cadence_and_meetings(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        claire = signed_in_as(app, "manager")
        listing = claire.get("/people").text
        detail = claire.get("/people/Julien").text
        marc = signed_in_as(app, "other_manager")
        assert "Julien" not in marc.get("/people").text
        assert marc.get("/people/Julien").status_code == 404
    assert 'href="/people/Julien"' in listing and 'href="/people/Zo%C3%A9"' in listing
    assert "Sophie" not in listing and 'href="/people/Claire"' not in listing
    assert 'href="/meetings/m1"' in detail and 'href="/meetings/m5"' in detail
    assert 'href="/meetings/m4"' not in detail  # Zoé's
    assert "Usual interval: 7 days" in detail  # m1 2 March, m3 9 March, m5 16 March
    assert 'href="/people/Julien/agenda"' in detail


def test_editing_a_record_calls_the_library_and_refuses_a_bad_country(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        claire = signed_in_as(app, "manager")
        token = csrf_of(claire.get("/people/Julien").text)
        saved = claire.post("/people/Julien", data={"csrf_token": token, "role": "dev",
                                                    "hire_date": "2019-01-07", "country": "fr"})
        assert saved.status_code == 200 and "The record of Julien is saved." in saved.text
        bad = claire.post("/people/Julien", data={"csrf_token": token, "role": "lead",
                                                  "hire_date": "", "country": "FRA"})
        assert bad.status_code == 400 and "not a country code" in bad.text
        legal = claire.get("/people/Julien").text
    with Store.open(get_settings()) as store:
        record = ppl.get(_claire(store), "Julien")
    assert (record.role, str(record.hire_date), record.country) == ("dev", "2019-01-07", "FR")
    assert "No legal interview due." not in legal  # French, hired in 2019: interviews due


def test_the_export_downloads_the_json_and_is_audited(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        answer = signed_in_as(app, "manager").get("/people/Julien/export")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    body = json.loads(answer.text)
    assert body["person"]["name"] == "Julien"
    assert {m["id"] for m in body["meetings"]} == {"m1", "m3", "m5"}
    with Store.open(get_settings()) as store:
        entries = _claire(store).audit_entries(person="Julien")
    assert any(e.action == "export" for e in entries)


def test_erasing_needs_the_name_typed_then_removes_the_person(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        claire = signed_in_as(app, "manager")
        form = claire.get("/people/Zoé/erase")
        assert form.status_code == 200 and "Type Zoé to confirm" in form.text
        token = csrf_of(form.text)
        wrong = claire.post("/people/Zoé/erase", data={"csrf_token": token, "confirm": "Zo"})
        assert wrong.status_code == 400 and "nothing was erased" in wrong.text
        with Store.open(get_settings()) as store:
            assert ppl.get(_claire(store), "Zoé").name == "Zoé"
        done = claire.post("/people/Zoé/erase", data={"csrf_token": token, "confirm": "zoe"},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/"
        home = claire.get("/").text
    assert "Zoé is erased. Removed: meetings: 1" in home
    with Store.open(get_settings()) as store:
        scoped = _claire(store)
        try:
            ppl.get(scoped, "Zoé")
            raise AssertionError("Zoé is still stored")
        except NotFoundError:
            pass
        assert "m4" not in {m.id for m in scoped.list()}


def test_the_password_change_checks_the_current_one(world):  # noqa: F811
    app = _app()
    new = "another long passphrase"
    with TestClient(app):
        claire = signed_in_as(app, "manager")
        token = csrf_of(claire.get("/account").text)
        wrong = claire.post("/account/password", data={
            "csrf_token": token, "current": "nope", "new": new, "confirm": new})
        assert wrong.status_code == 403 and "the current password is wrong" in wrong.text
        differ = claire.post("/account/password", data={
            "csrf_token": token, "current": PASSWORD, "new": new, "confirm": new + "x"})
        assert differ.status_code == 400 and "The two new passwords differ." in differ.text
        signed_in_as(app, "manager")  # nothing changed yet
        done = claire.post("/account/password", data={
            "csrf_token": token, "current": PASSWORD, "new": new, "confirm": new})
        assert done.status_code == 200 and "Your password is changed." in done.text
        signed_in_as(app, "manager", password=new)


def test_language_and_tokens_on_the_account_page(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        julien = signed_in_as(app, "report")
        token = csrf_of(julien.get("/account").text)
        french = julien.post("/account/language", data={"csrf_token": token, "lang": "fr"})
        assert '<html lang="fr">' in french.text and "La langue est enregistrée." in french.text
        elsewhere = signed_in_as(app, "report")  # another browser: the setting, no cookie
        assert '<html lang="fr">' in elsewhere.get("/account").text
        made = julien.post("/account/tokens", data={"csrf_token": token, "scope": "write",
                                                    "days": "7"})
        secret = made.text.split('id="new-token">')[1].split("<")[0]
        assert secret.startswith("cpt_")
        assert julien.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()[
            "email"] == "report@example.org"
        with Store.open(get_settings()) as store:
            mine = store.tokens("report@example.org")
        new_id = mine[-1].id
        julien.post(f"/account/tokens/{new_id}/revoke", data={"csrf_token": token})
        julien.cookies.clear()
        assert julien.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}
                          ).status_code == 401
        claire = signed_in_as(app, "manager")
        theirs = claire.post(f"/account/tokens/{world['spare']}/revoke",
                             data={"csrf_token": csrf_of(claire.get("/account").text)})
        assert theirs.status_code == 200  # Claire's own spare token: revoked
        julien = signed_in_as(app, "report")
        assert julien.post(f"/account/tokens/{world['spare']}/revoke", data={
            "csrf_token": csrf_of(julien.get("/account").text)}).status_code == 404


def test_search_marks_the_words_and_links_to_the_line(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        claire = signed_in_as(app, "manager").get("/search", params={"q": "deck"}).text
        sophie = signed_in_as(app, "other_report").get("/search", params={"q": "deck"}).text
    assert 'href="/meetings/m1#u2"' in claire
    assert "<mark>deck</mark>" in claire and "<mark>" not in claire.split("Bien")[0][-20:]
    assert 'href="/meetings/m1#u2"' not in sophie  # not her meetings
