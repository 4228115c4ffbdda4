"""PATCH / DELETE /v1/meetings/{id}/items/{kind}/{index}: the manager corrects the analysis,
and the commitment of a next step follows."""

from __future__ import annotations

import pytest
from api_auth import signed_in
from conftest import make_analysis, step

from copilot.memory.store import Store
from copilot.models import AccountRole
from copilot.settings import get_settings
from tests.web_client import claire_and_julien

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")


@pytest.fixture
def app(light_store):
    return claire_and_julien(make_analysis("m1", steps=[
        step("envoyer le deck"),
        step("relancer les achats", owner="Claire", role="manager")]), shared=("m1",))


def _commitments(client) -> dict[str, dict]:
    return {c["action"]: c for c in client.get("/v1/commitments?status=all").json()}


def test_editing_a_next_step_changes_its_commitment(app):
    with signed_in(app, "Claire") as client:
        response = client.patch("/v1/meetings/m1/items/next_steps/0",
                                json={"action": "envoyer le deck v2", "due": "2026-03-13"})
        assert response.status_code == 200, response.text
        changed = response.json()["next_steps"][0]
        assert changed["action"] == "envoyer le deck v2" and changed["due"] == "2026-03-13"
        assert changed["owner"] == "Julien" and changed["due_text"] is None
        stored = client.get("/v1/meetings/m1").json()["next_steps"][0]
        assert stored == changed
        commitments = _commitments(client)
        assert "envoyer le deck" not in commitments
        assert commitments["envoyer le deck v2"]["due"] == "2026-03-13"
        mine = client.patch("/v1/meetings/m1/items/next_steps/0", json={"owner": "Claire"})
        assert mine.json()["next_steps"][0]["owner_role"] == "manager"
        assert _commitments(client)["envoyer le deck v2"]["owner_role"] == "manager"
    with Store.open(get_settings()) as store:
        entries = store.audit_entries()
    assert any(e.action == "change" and e.detail and "next_steps" in e.detail for e in entries)


def test_deleting_a_next_step_removes_its_commitment(app):
    with signed_in(app, "Claire") as client:
        response = client.delete("/v1/meetings/m1/items/next_steps/0")
        assert response.status_code == 200
        assert [s["action"] for s in response.json()["next_steps"]] == ["relancer les achats"]
        assert set(_commitments(client)) == {"relancer les achats"}
        agenda = client.get("/v1/people/Julien/agenda?date=2026-03-09").json()
        assert "envoyer le deck" not in str(agenda)
        # The other one is still found by its new position.
        edited = client.patch("/v1/meetings/m1/items/next_steps/0",
                              json={"action": "relancer les achats mardi"})
        assert edited.status_code == 200
        assert set(_commitments(client)) == {"relancer les achats mardi"}


def test_facts_feedback_and_warnings(app):
    with signed_in(app, "Claire") as client:
        fact = client.patch("/v1/meetings/m1/items/facts/0", json={"text": "Démo réussie."})
        assert fact.json()["facts"][0] == {"text": "Démo réussie.", "evidence": [2]}
        feedback = client.patch("/v1/meetings/m1/items/feedback/0", json={"text": "Bravo"})
        assert feedback.json()["feedback"][0]["text"] == "Bravo"
        assert feedback.json()["feedback"][0]["polarity"] == "positive"
        gone = client.delete("/v1/meetings/m1/items/warnings/0")
        assert gone.json()["warnings"] == []
        listed = client.get("/v1/meetings").json()
        assert listed[0]["warnings"] == 0  # the count shown in lists follows
        assert client.get("/v1/meetings/m1").json()["facts"][0]["text"] == "Démo réussie."


def test_bad_index_bad_kind_and_bad_body(app):
    with signed_in(app, "Claire") as client:
        assert client.delete("/v1/meetings/m1/items/facts/5").status_code == 404
        assert client.delete("/v1/meetings/m1/items/warnings/1").status_code == 404
        assert client.delete("/v1/meetings/m1/items/topics/0").status_code == 422
        wrong = client.patch("/v1/meetings/m1/items/facts/0", json={"action": "x"})
        assert wrong.status_code == 422
        assert wrong.json()["error"]["code"] == "invalid_edit"
        assert client.patch("/v1/meetings/m1/items/facts/0",
                            json={"text": ""}).status_code == 422
        assert client.patch("/v1/meetings/m1/items/next_steps/0",
                            json={"text": "x"}).status_code == 422
        assert client.patch("/v1/meetings/m1/items/next_steps/0",
                            json={"action": None}).status_code == 422
        assert client.get("/v1/meetings/m1").json()["facts"][0]["text"].startswith("La démo")


def test_only_the_manager_who_led_it(app):
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as report:
        assert report.delete("/v1/meetings/m1/items/facts/0").status_code == 403
    with signed_in(app, "Marc") as other:
        assert other.delete("/v1/meetings/m1/items/facts/0").status_code == 404
    with signed_in(app, "Claire") as client:
        assert len(client.get("/v1/meetings/m1").json()["facts"]) == 1
