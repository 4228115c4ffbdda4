"""Pure parts of the memory: cue words, match scores, the legal calendar, cadence, the fakes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from copilot.memory import cues, legal
from copilot.memory.embeddings import HashEmbedder
from copilot.memory.matching import owner_factor, score, word_overlap
from copilot.memory.people import cadence
from copilot.memory.vectors import MemoryVectorStore
from copilot.models import Analysis, CareerReview, PersonRecord, Utterance
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

D = dt.date


@pytest.mark.parametrize(("text", "status"), [
    ("J'ai envoyé le plan de relance vendredi.", "done"),
    ("C'est fait, le devis est parti.", "done"),
    ("I sent the deck on Friday as promised.", "done"),
    ("It's done, the release notes went out.", "done"),
    ("Je n'ai pas encore envoyé le plan.", "blocked"),
    ("J'ai pas eu le temps de finir le rapport.", "blocked"),
    ("I haven't sent the deck yet.", "blocked"),
    ("La démo Acme a été repoussée à mardi.", "postponed"),
    ("The review was pushed to next month.", "postponed"),
    ("Je t'envoie le plan vendredi.", None),  # a promise, not news
    ("C'est compliqué en ce moment.", None),
    ("J'ai été malade toute la semaine.", None),
    ("I'll send the deck tomorrow.", None),
])
def test_status_of_a_sentence(text, status):
    assert cues.status_of(text) == status


def test_subject_is_relative_to_the_speaker():
    assert cues.subject_of("J'ai envoyé le plan", ["Julien"]) == "speaker"
    assert cues.subject_of("Tu as bien envoyé le plan, merci", ["Julien"]) == "addressee"
    assert cues.subject_of("Julien a envoyé le plan", ["Julien"]) == "named"
    assert cues.subject_of("We shipped it", []) == "both"
    assert cues.subject_of("Le plan est parti", []) == "unknown"


def _analysis(*turns: tuple[str, str, str]) -> Analysis:
    return Analysis(
        id="x", date=D(2026, 3, 2), language="fr", manager="Claire", report="Julien",
        utterances=[Utterance(id=i, speaker=who, role=role, text=text)
                    for i, (who, role, text) in enumerate(turns, 1)],
    )


def test_findings_blockers_deferred_topics_and_areas():
    found = cues.findings(_analysis(
        ("Claire", "manager", "Comment tu te sens avec ta charge de travail ?"),
        ("Julien", "report", "Ça va. Je suis bloqué par les achats sur Orion."),
        ("Julien", "report", "J'aimerais aussi parler de ma promotion."),
        ("Claire", "manager", "On en parle la prochaine fois, promis."),
    ))
    kinds = {(f.kind, f.label, f.evidence) for f in found}
    assert ("blocker", None, (2,)) in kinds
    assert ("deferred", None, (3, 4)) in kinds
    assert ("area", "wellbeing", (1,)) in kinds and ("area", "career", (3,)) in kinds
    [deferred] = [f for f in found if f.kind == "deferred"]
    assert deferred.text == "J'aimerais aussi parler de ma promotion."


def test_owner_factor_never_credits_someone_else():
    assert owner_factor("speaker", True, "report") == 1.0
    assert owner_factor("speaker", False, "report") == 0.0  # "j'ai envoyé" by the other person
    assert owner_factor("addressee", False, "report") == 1.0  # "tu as envoyé" to the owner
    assert owner_factor("addressee", True, "report") == 0.0
    assert 0 < owner_factor("unknown", None, "report") < 1


def test_score_needs_shared_words_and_meaning():
    emb = HashEmbedder()
    target, said = "envoyer le plan de relance à Claire", "J'ai envoyé le plan de relance vendredi"
    cos = float(emb.passages([target])[0] @ emb.passages([said])[0])
    m = score(cos, "hash", target, said, 1.0, ("Claire", "Julien"))
    assert m.words == 1.0 and m.score > 0.6
    assert "owner 1.00" in m.reason()
    other = score(0.99, "hash", target, "Le budget est validé", 1.0)
    assert other.score == 0.0  # meaning alone never closes: no shared word
    assert word_overlap("envoyer le deck", "J'ai envoyé le deck") == 1.0


def test_hash_embedder_is_deterministic_and_normalised():
    emb = HashEmbedder()
    a, b = emb.passages(["le plan de relance", "le plan de relance"])
    assert np.allclose(a, b) and abs(float(np.linalg.norm(a)) - 1) < 1e-6
    assert emb.passages([]).shape == (0, emb.dim)
    assert float(emb.passages(["!!!"])[0] @ emb.passages(["???"])[0]) == 1.0


def test_memory_vector_store_filters_like_chroma():
    store = MemoryVectorStore()
    vecs = np.eye(3, dtype=np.float32)
    store.upsert("c", ["a", "b", "c"], vecs, [{"report": "julien", "date": 20260101},
                                             {"report": "julien", "date": 20260301},
                                             {"report": "zoe", "date": 20260301, "x": None}])
    hits = store.query("c", vecs[1], 3, {"$and": [{"report": "julien"},
                                                  {"date": {"$gte": 20260201}}]})
    assert [h.id for h in hits] == ["b"] and hits[0].score == pytest.approx(1.0)
    assert [h.id for h in store.query("c", vecs[0], 5, {"$or": [{"report": "zoe"},
                                                               {"date": 20260101}]})] == ["a", "c"]
    store.delete("c", where={"report": "julien"})
    assert store.count("c") == 1 and set(store.get("c", ["a", "c"])) == {"c"}


def test_cadence_uses_the_median_gap():
    s = get_settings()
    weekly = [D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19), D(2026, 2, 2)]
    c = cadence(weekly, D(2026, 2, 9), s)
    assert (c.median_interval_days, c.days_since_last, c.overdue) == (7.0, 7, False)
    assert c.average_interval_days == 9.3
    assert cadence(weekly, D(2026, 2, 20), s).overdue  # 18 days > 1.5 x 7
    assert not cadence(weekly[:1], D(2026, 6, 1), s).overdue  # no gap seen yet
    assert cadence([], D(2026, 6, 1), s).meetings == 0


def _person(**kw) -> PersonRecord:
    return PersonRecord(name="Julien", country="FR", **kw)


def test_legal_first_year_then_periodic_from_the_last_review():
    s = get_settings()
    hired = _person(hire_date=D(2025, 11, 3))
    [first] = legal.due_soon(hired, D(2026, 9, 10), s)
    assert (first.kind, first.due, first.overdue) == ("first_year", D(2026, 11, 3), False)
    assert legal.due_soon(hired, D(2026, 8, 1), s) == []  # more than 60 days ahead
    [late] = legal.due_soon(hired, D(2026, 12, 1), s)
    assert late.overdue
    reviewed = hired.model_copy(update={"career_reviews": [CareerReview(date=D(2026, 10, 1))]})
    assert legal.due_soon(reviewed, D(2027, 1, 1), s) == []
    [periodic] = legal.due_soon(reviewed, D(2030, 9, 1), s)
    assert (periodic.kind, periodic.due) == ("periodic", D(2030, 10, 1))
    shorter = get_settings(memory={"legal_period_years": 2})
    assert legal.due_soon(reviewed, D(2028, 9, 1), shorter)[0].due == D(2028, 10, 1)


def test_legal_recap_ages_and_countries():
    s = get_settings()
    old = _person(hire_date=D(2018, 3, 1), birth_year=1981,
                  career_reviews=[CareerReview(date=D(2024, 5, 1))])
    assert [d.kind for d in legal.due_soon(old, D(2026, 2, 15), s)] == ["recap"]
    kinds = {d.kind: d for d in legal.schedule(old, D(2026, 2, 15), s)}
    assert kinds["recap"].due == D(2026, 3, 1) and not kinds["recap"].overdue
    # Turns 45 in 2026: the window is open, the agenda shows it from 60 days before the due.
    assert kinds["mid_career"].due == D(2027, 2, 28)
    assert "mid_career" in {d.kind for d in legal.due_soon(old, D(2027, 1, 15), s)}
    never = _person(hire_date=D(2010, 1, 1))
    missing = {d.kind: d for d in legal.due_soon(never, D(2026, 2, 15), s)}
    # One overdue periodic item for "nothing recorded", not one per missed cycle; the latest
    # 8-year recap (2026-01-01) is overdue too.
    assert set(missing) == {"periodic", "recap"} and missing["recap"].due == D(2026, 1, 1)
    assert missing["periodic"].overdue and "none recorded" in missing["periodic"].text
    assert legal.schedule(old.model_copy(update={"country": "DE"}), D(2026, 2, 15), s) == []
    assert legal.schedule(old.model_copy(update={"country": None}), D(2026, 2, 15), s) == []
    assert legal.schedule(old.model_copy(update={"country": None}), D(2026, 2, 15),
                          get_settings(memory={"default_country": "FR"}))
    assert legal.schedule(old, D(2026, 2, 15), get_settings(memory={"legal_calendar": False})) == []
    senior = _person(hire_date=D(2000, 1, 1), birth_year=1968,
                     career_reviews=[CareerReview(date=D(2024, 1, 1), kind="recap")])
    assert "pre_retirement" in {d.kind for d in legal.schedule(senior, D(2026, 6, 1), s)}
    assert "pre_retirement" in {d.kind for d in legal.due_soon(senior, D(2027, 12, 1), s)}
