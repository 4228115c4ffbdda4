"""Agenda edits: the manager hides and orders the items of the next agenda with a report; the
report reads the agenda as their manager left it."""

from __future__ import annotations

import datetime as dt

import pytest
from api_auth import signed_in
from conftest import make_analysis, step

from copilot.memory.agenda import build_agenda
from copilot.memory.store import Store
from copilot.models import AccountRole, AgendaItem
from copilot.settings import get_settings
from tests.web_client import claire_and_julien

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

DAY = "2026-03-09"


@pytest.fixture
def app(light_store):
    return claire_and_julien(make_analysis("m1", steps=[
        step("envoyer le deck"), step("finir le rapport"),
        step("relancer les achats", owner="Claire", role="manager")]), shared=("m1",))


def _texts(agenda: dict) -> list[str]:
    return [i["text"] for i in agenda["items"]]


def test_keys_are_stable_and_distinct():
    a = AgendaItem(kind="suggested_question", text="Comment  ça va ?")
    assert a.key == AgendaItem(kind="suggested_question", text="comment ça va ?").key
    assert a.key != AgendaItem(kind="suggested_question", text="Autre chose ?").key
    assert AgendaItem(kind="open_commitment", text="x", id=7).key == "open_commitment:7"
    late = [AgendaItem(kind="overdue_one_on_one", text=f"Last 1:1 {n} days ago",
                       from_meeting="m1") for n in (20, 21)]
    assert late[0].key == late[1].key  # its text changes every day, its key does not


def test_hide_restore_and_order(app):
    with signed_in(app, "Claire") as client:
        agenda = client.get(f"/v1/people/Julien/agenda?date={DAY}").json()
        keys = {i["text"]: i["key"] for i in agenda["items"]}
        assert set(keys) >= {"envoyer le deck", "finir le rapport", "relancer les achats"}
        hidden = client.delete(f"/v1/people/Julien/agenda/items/{keys['finir le rapport']}")
        assert hidden.status_code == 200
        again = client.get(f"/v1/people/Julien/agenda?date={DAY}").json()
        assert "finir le rapport" not in _texts(again)
        assert [i["text"] for i in again["hidden"]] == ["finir le rapport"]
        ordered = client.put("/v1/people/Julien/agenda/order",
                             json={"keys": [keys["relancer les achats"],
                                            keys["envoyer le deck"]]})
        assert ordered.status_code == 200
        after = _texts(client.get(f"/v1/people/Julien/agenda?date={DAY}").json())
        assert after[:2] == ["relancer les achats", "envoyer le deck"]
        restored = client.post(
            f"/v1/people/Julien/agenda/items/{keys['finir le rapport']}/restore")
        assert restored.status_code == 200
        final = client.get(f"/v1/people/Julien/agenda?date={DAY}").json()
        assert _texts(final)[:3] == ["relancer les achats", "envoyer le deck",
                                     "finir le rapport"]  # unordered items after the ordered
        assert final["hidden"] == []
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as report:
        mine = _texts(report.get(f"/v1/people/Julien/agenda?date={DAY}").json())
    assert mine[:2] == ["relancer les achats", "envoyer le deck"]  # as the manager left it


def test_new_items_come_after_the_ordered_ones(app):
    with Store.open(get_settings()) as store:
        claire = store.acting_as(store.principal_for_user(store.user("claire@example.org").id))
        first = build_agenda(claire, "Julien", date=dt.date(2026, 3, 9))
        last = first.items[-1].key
        claire.order_agenda("Julien", [last])
        claire.save(make_analysis("m2", date=dt.date(2026, 3, 5),
                                  steps=[step("préparer la démo")]))
        agenda = build_agenda(claire, "Julien", date=dt.date(2026, 3, 9))
    assert agenda.items[0].key == last
    assert "préparer la démo" in [i.text for i in agenda.items[1:]]


def test_only_their_manager_edits(app):
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as report:
        assert report.delete("/v1/people/Julien/agenda/items/x:1").status_code == 403
        assert report.put("/v1/people/Julien/agenda/order",
                          json={"keys": []}).status_code == 403
    with signed_in(app, "Marc") as other:
        assert other.delete("/v1/people/Julien/agenda/items/x:1").status_code == 404
    with signed_in(app, "Claire") as client:
        assert client.put("/v1/people/Julien/agenda/order",
                          json={"keys": ["a", "a"]}).status_code == 400
        assert client.put("/v1/people/Julien/agenda/order",
                          json={"order": []}).status_code == 422
        assert client.get(f"/v1/people/Julien/agenda?date={DAY}").json()["hidden"] == []


def test_erasing_the_report_erases_the_edits(app):
    from sqlalchemy import func, select

    from copilot.memory.export import erase_person
    from copilot.memory.store.tables import AgendaEditRow

    with Store.open(get_settings()) as store:
        claire = store.acting_as(store.principal_for_user(store.user("claire@example.org").id))
        claire.hide_agenda_item("Julien", "open_commitment:1")
        erase_person(claire, "Julien")
        with store.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(AgendaEditRow)) == 0
