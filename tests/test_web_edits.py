"""A manager's corrections from the pages: an item edited or deleted on the meeting page (its
commitment follows), agenda items removed, put back and reordered; the home's figures."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

import pytest

from copilot.memory import topics as tp
from copilot.memory.store import Store
from copilot.models import AccountRole, TopicIn
from tests.conftest import make_analysis, step
from tests.web_client import as_user, browser, claire_and_julien, csrf_of

DAY = "2026-03-20"


@pytest.fixture
def app(light_store):
    app = claire_and_julien(make_analysis("m1", steps=[
        step("envoyer le deck"), step("réserver la salle", owner="Claire", role="manager")]))
    with Store.open(app.state.settings) as store:
        tp.add(as_user(store, "Claire"), "Julien",
               TopicIn(text="ma formation", date=dt.date(2026, 3, 10)))
    return app


def _store(app):
    return Store.open(app.state.settings)


def test_editing_a_next_step_on_the_page_changes_its_commitment(app) -> None:
    with browser(app) as client:
        html = client.get("/meetings/m1").text
        answer = client.post("/meetings/m1/items/next_steps/0", data={
            "csrf_token": csrf_of(html), "owner": "Julien", "action": "envoyer le deck v2",
            "due": "2026-03-27"}, follow_redirects=False)
        assert answer.status_code == 303
        bad = client.post("/meetings/m1/items/next_steps/0", data={
            "csrf_token": csrf_of(html), "owner": "Julien", "action": "", "due": "demain"})
        assert bad.status_code == 422  # nothing saved
    with _store(app) as store:
        assert store.get("m1").next_steps[0].action == "envoyer le deck v2"
        actions = {c.action: c.due for c in store.commitments(report="Julien")}
    assert actions["envoyer le deck v2"] == dt.date(2026, 3, 27)


def test_deleting_a_fact_and_a_next_step_on_the_page(app) -> None:
    with _store(app) as store:
        before = store.get("m1")
    with browser(app) as client:
        token = csrf_of(client.get("/meetings/m1").text)
        client.post("/meetings/m1/items/facts/0/delete", data={"csrf_token": token})
        client.post("/meetings/m1/items/next_steps/1/delete", data={"csrf_token": token})
        assert client.post("/meetings/m1/items/facts/99/delete",
                           data={"csrf_token": token}).status_code == 404
    with _store(app) as store:
        after = store.get("m1")
        left = [c.action for c in store.commitments(report="Julien")]
    assert len(after.facts) == len(before.facts) - 1
    assert left == ["envoyer le deck"]


def test_a_report_cannot_edit_the_meeting(app) -> None:
    with _store(app) as store:
        from copilot.models import Sharing
        as_user(store, "Claire").set_sharing("m1", Sharing(recap=True))
    with browser(app, "Julien", AccountRole.REPORT) as client:
        token = csrf_of(client.get("/meetings/m1").text)
        answer = client.post("/meetings/m1/items/facts/0/delete", data={"csrf_token": token})
    assert answer.status_code == 404  # the page's policy: a manager's action, no existence leak
    with _store(app) as store:
        assert store.get("m1").facts


def _items(html: str) -> list[str]:
    return re.findall(r'data-key="([^"]+)"', html.split('id="agenda-md"')[0])


def test_agenda_items_are_removed_put_back_and_reordered(app) -> None:
    with browser(app) as client:
        html = client.get(f"/people/Julien/agenda?date={DAY}").text
        keys = _items(html)
        assert len(keys) >= 3 and 'href="/v1/people/Julien/next.ics"' in html
        token = csrf_of(html)
        hide = re.search(r'action="(/people/Julien/agenda/items/[^"]+/hide)"', html).group(1)
        client.post(hide, data={"csrf_token": token})
        hidden_key = unquote(hide.split("/items/")[1].rsplit("/", 1)[0])
        after = client.get(f"/people/Julien/agenda?date={DAY}").text
        assert hidden_key not in _items(after) and "Removed from this agenda" in after
        client.post(f"/people/Julien/agenda/items/{hide.split('/items/')[1].rsplit('/', 1)[0]}"
                    "/restore", data={"csrf_token": token})
        assert _items(client.get(f"/people/Julien/agenda?date={DAY}").text) == keys
        down = re.search(r'name="keys" value="([^"]+)"', html).group(1)  # first item, down
        client.post("/people/Julien/agenda/order", data={"csrf_token": token,
                                                         "keys": down.replace("&#10;", "\n")})
        moved = _items(client.get(f"/people/Julien/agenda?date={DAY}").text)
    assert moved[:2] == [keys[1], keys[0]]


def test_the_home_counts_open_commitments_by_side(app) -> None:
    with browser(app) as client:
        html = client.get("/").text
    assert "1 of mine" in html and "1 of theirs" in html
    assert 'href="/meetings/m1"' in html


def test_agenda_keys_do_not_depend_on_the_agendas_language() -> None:
    from copilot.models import AgendaItem

    french = AgendaItem(kind="not_covered", text="Charge de travail : pas abordée",
                        basis="workload")
    english = AgendaItem(kind="not_covered", text="Workload: not covered", basis="workload")
    assert french.key == english.key
    assert "basis" not in english.model_dump()  # not part of the schema
    assert (AgendaItem(kind="not_covered", text="Workload").key
            != AgendaItem(kind="not_covered", text="Charge de travail").key)
