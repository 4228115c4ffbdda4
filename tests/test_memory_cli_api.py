"""Memory commands and routes: the CLI contract (JSON on stdout, one `error:` line, exit 2) and
the API contract (JSON 4xx, never a 500). Real chromadb under COPILOT_HOME, hash embedder."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from api_auth import signed_in
from test_memory_lifecycle import FIRST, meeting

from api.main import create_app
from copilot import cli
from copilot.memory import Store
from copilot.settings import get_settings

D = dt.date


@pytest.fixture(autouse=True)
def hash_embedder(monkeypatch):
    # Real chromadb on disk; the deterministic embedder keeps these tests model-free.
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")


@pytest.fixture
def stored(hash_embedder):
    with Store.open(get_settings()) as store:
        store.save(FIRST)
        store.save(meeting("m2", D(2026, 3, 9), [
            ("Julien", "J'ai envoyé le plan de relance vendredi."),
            ("Julien", "Je suis bloqué par les achats sur Orion."),
        ]))
    return store


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def user_error(result, *words: str) -> None:
    code, out, err = result
    assert code == 2 and out == "" and len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and all(w in err for w in words), err


def test_commitments_list_done_drop_reopen(capsys, stored):
    code, out, _ = run(capsys, "commitments", "list", "--person", "julien", "--json")
    assert code == 0
    open_ = json.loads(out)
    assert [c["action"] for c in open_] == ["demander le budget formation aux RH",
                                            "préparer la démo pour le client Acme"]
    code, out, _ = run(capsys, "commitments", "list", "--status", "done", "--json")
    [done] = json.loads(out)
    assert done["closed_by"]["meeting_id"] == "m2" and done["closed_by"]["evidence"] == [1]
    code, out, _ = run(capsys, "commitments", "list", "--status", "all")
    assert code == 0 and "auto done" in out and "m2" in out
    cid = str(open_[0]["id"])
    code, _, err = run(capsys, "commitments", "drop", cid, "--note", "plus utile")
    assert code == 0 and "dropped" in err
    user_error(run(capsys, "commitments", "drop", cid), "already dropped")
    assert run(capsys, "commitments", "reopen", cid)[0] == 0
    code, out, _ = run(capsys, "commitments", "show", cid, "--json")
    assert [e["kind"] for e in json.loads(out)["events"]] == ["dropped", "reopened"]
    user_error(run(capsys, "commitments", "done", "999"), "no commitment")
    user_error(run(capsys, "commitments", "list", "--status", "nope"))


def test_agenda_markdown_topics_people_and_search(capsys, stored):
    code, _, _ = run(capsys, "topic", "add", "mon télétravail", "--person", "Julien",
                     "--date", "2026-03-10")
    assert code == 0
    code, out, _ = run(capsys, "agenda", "--report", "Julien", "--date", "2026-03-16",
                       "--markdown")
    assert code == 0 and out.startswith("# Ordre du jour: 1:1 Julien, 2026-03-16")
    assert "mon télétravail" in out and "ta promesse" in out
    code, out, _ = run(capsys, "agenda", "--report", "Julien", "--date", "2026-03-16")
    assert "[submitted topics] mon télétravail" in out and "(your promise)" in out
    user_error(run(capsys, "agenda", "--report", "Julien", "--json", "--markdown"), "--json")
    code, out, _ = run(capsys, "people", "set", "Julien", "--hire-date", "2025-05-01",
                       "--country", "FR", "--birth-year", "1990", "--json")
    assert code == 0 and json.loads(out)["hire_date"] == "2025-05-01"
    code, out, _ = run(capsys, "agenda", "--report", "Julien", "--date", "2026-04-01", "--json")
    assert "legal_deadline" in [i["kind"] for i in json.loads(out)["items"]]
    user_error(run(capsys, "people", "set", "Julien", "--hire-date", "01/05/2025"), "not a date")
    user_error(run(capsys, "people", "set", "Julien", "--country", "France"), "country")
    user_error(run(capsys, "people", "set", "Julien", "--role", "x" * 201), "longer than 200")
    user_error(run(capsys, "people", "show", "Nobody"), "Nobody")
    code, out, _ = run(capsys, "search", "Orion", "--person", "Julien", "--json")
    hits = json.loads(out)["hits"]
    assert code == 0 and (hits[0]["meeting_id"], hits[0]["utterance_id"]) == ("m2", 2)
    user_error(run(capsys, "search", " "), "empty")
    user_error(run(capsys, "search", "x", "--since", "hier"), "not a date")


def test_export_erase_and_reindex(capsys, stored, tmp_path):
    target = tmp_path / "julien.json"
    assert run(capsys, "people", "export", "Julien", "--out", str(target))[0] == 0
    data = json.loads(target.read_text())
    assert [m["id"] for m in data["meetings"]] == ["m1", "m2"]
    code, _, err = run(capsys, "reindex")
    assert code == 0 and "reindexed 2 meetings" in err
    user_error(run(capsys, "people", "erase", "Julien"), "--yes")
    assert run(capsys, "people", "erase", "Julien", "--yes")[0] == 0
    assert json.loads(run(capsys, "meetings", "list", "--json")[1]) == []
    user_error(run(capsys, "people", "export", "Julien"), "Julien")


@pytest.fixture
def client(stored):
    with signed_in(create_app()) as c:
        yield c


def error(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert all(w in body["message"] + str(body["hint"]) for w in words)


def test_api_search_commitments_topics_people(client):
    hits = client.get("/v1/search", params={"q": "plan de relance", "person": "julien"}).json()
    assert hits["hits"][0]["meeting_id"] in {"m1", "m2"}
    error(client.get("/v1/search", params={"q": " "}), 400, "empty")
    error(client.get("/v1/search", params={"q": "x", "since": "yesterday"}), 400, "YYYY-MM-DD")
    error(client.get("/v1/search", params={"q": "x", "limit": 0}), 422)
    error(client.get("/v1/search"), 422)
    [first, _] = client.get("/v1/commitments", params={"person": "Julien"}).json()
    changed = client.patch(f"/v1/commitments/{first['id']}", json={"status": "done",
                                                                   "note": "vu"})
    assert changed.status_code == 200 and changed.json()["closed_by"]["source"] == "manual"
    error(client.patch(f"/v1/commitments/{first['id']}", json={"status": "done"}), 400,
          "already")
    error(client.patch("/v1/commitments/999", json={"status": "open"}), 404)
    error(client.patch(f"/v1/commitments/{first['id']}", json={"status": "maybe"}), 422)
    error(client.get("/v1/commitments", params={"status": "maybe"}), 422)
    made = client.post("/v1/people/Julien/topics", json={"text": "mon télétravail",
                                                         "date": "2026-03-10"})
    assert made.status_code == 201 and made.json()["person"] == "Julien"
    error(client.post("/v1/people/Julien/topics", json={"text": ""}), 422)
    error(client.post("/v1/people/Julien/topics", content=b"{", headers={
        "content-type": "application/json"}), 422)
    assert [t["text"] for t in client.get("/v1/people/julien/topics").json()] == [
        "mon télétravail"]
    person = client.patch("/v1/people/Julien", json={"hire_date": "2025-05-01",
                                                     "country": "FR"}).json()
    assert person["hire_date"] == "2025-05-01" and person["meetings"] == 2
    error(client.patch("/v1/people/Julien", json={"birth_year": 1800}), 422)
    error(client.patch("/v1/people/Julien", json={"manager": "julien"}), 400, "own manager")
    legal = client.get("/v1/people/Julien/legal", params={"date": "2026-04-01"}).json()
    assert [d["kind"] for d in legal] == ["first_year"]
    error(client.get("/v1/people/Nobody"), 404)


def test_api_agenda_markdown_export_and_erase(client):
    md = client.get("/v1/people/Julien/agenda", params={"date": "2026-03-16",
                                                        "format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "Engagements ouverts" in md.text
    error(client.get("/v1/people/Julien/agenda", params={"format": "pdf"}), 422)
    exported = client.get("/v1/people/Julien/export").json()
    assert [m["id"] for m in exported["meetings"]] == ["m1", "m2"]
    erased = client.delete("/v1/people/Julien")
    assert erased.status_code == 200 and sorted(erased.json()["meetings"]) == ["m1", "m2"]
    error(client.delete("/v1/people/Julien"), 404)
    assert client.get("/v1/meetings").json() == []
    assert client.get("/v1/search", params={"q": "plan"}).json()["hits"] == []
