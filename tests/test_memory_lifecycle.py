"""The commitment lifecycle and the agenda, through the real store with the in-package fakes
(HashEmbedder, MemoryVectorStore): no model, no chromadb."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from copilot.errors import InputError, NotFoundError, StoreError
from copilot.memory import Store, build_agenda
from copilot.memory import commitments as cm
from copilot.memory import people as ppl
from copilot.memory import topics as tp
from copilot.memory.embeddings import HashEmbedder
from copilot.memory.export import erase_person, export_person, reindex
from copilot.memory.markdown import agenda_markdown
from copilot.memory.store.tables import CommitmentEventRow, SignalRow, UtteranceRow
from copilot.memory.vectors import MemoryVectorStore
from copilot.models import Analysis, NextStep, PersonUpdate, TopicIn, Utterance

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

D = dt.date


@pytest.fixture
def vectors() -> MemoryVectorStore:
    return MemoryVectorStore()


@pytest.fixture
def mem(settings, vectors):
    with Store.open(settings, embedder=HashEmbedder(), vectors=vectors) as store:
        yield store


def meeting(mid: str, day: dt.date, turns: list[tuple[str, str]], steps=(), report="Julien",
            manager="Claire") -> Analysis:
    roles = {manager: "manager", report: "report"}
    return Analysis(
        id=mid, date=day, language="fr", manager=manager, report=report, engine="fake",
        utterances=[Utterance(id=i, speaker=who, role=roles.get(who), text=text)
                    for i, (who, text) in enumerate(turns, 1)],
        next_steps=[NextStep(owner=o, owner_role=roles.get(o), action=a, due=due, evidence=ev)
                    for o, a, due, ev in steps],
    )


FIRST = meeting("m1", D(2026, 3, 2), [
    ("Claire", "Comment ça se passe ?"),
    ("Julien", "Je t'envoie le plan de relance vendredi."),
    ("Claire", "Je demande le budget formation aux RH."),
    ("Julien", "Je prépare la démo pour le client Acme."),
], steps=[("Julien", "envoyer le plan de relance", D(2026, 3, 6), [2]),
          ("Claire", "demander le budget formation aux RH", None, [3]),
          ("Julien", "préparer la démo pour le client Acme", D(2026, 3, 13), [4])])


def test_done_closes_with_evidence_blocked_stays_open_with_news(mem):
    mem.save(FIRST)
    mem.save(meeting("m2", D(2026, 3, 9), [
        ("Claire", "Alors, où en es-tu ?"),
        ("Julien", "J'ai envoyé le plan de relance vendredi."),
        ("Claire", "Pour le budget formation, je n'ai pas encore de réponse des RH."),
    ]))
    agenda = build_agenda(mem, "Julien", date=D(2026, 3, 16))
    opened = {i.text: i for i in agenda.items if i.kind == "open_commitment"}
    assert set(opened) == {"demander le budget formation aux RH",
                           "préparer la démo pour le client Acme"}
    budget = opened["demander le budget formation aux RH"]
    assert budget.manager_promise and budget.evidence == [3] and budget.from_meeting == "m1"
    [news] = budget.updates
    assert (news.kind, news.meeting_id, news.evidence) == ("blocked", "m2", [3])
    [done] = cm.list_commitments(mem, "Julien", status="done")
    assert done.action == "envoyer le plan de relance"
    assert (done.closed_by.meeting_id, done.closed_by.evidence) == ("m2", [2])
    assert done.closed_by.score >= mem.settings.memory.close_threshold
    assert "owner 1.00" in done.closed_by.reason and "J'ai envoyé" in done.closed_by.reason


def test_someone_else_saying_done_never_closes(mem):
    mem.save(FIRST)
    # Claire says she sent "the plan": the plan is Julien's promise, not hers.
    mem.save(meeting("m2", D(2026, 3, 9), [("Claire", "J'ai envoyé le plan de relance hier.")]))
    assert len(cm.list_commitments(mem, "Julien")) == 3
    # Addressed to the owner, it does close.
    mem.save(meeting("m3", D(2026, 3, 16), [("Claire", "Tu as envoyé le plan de relance, merci.")]))
    assert [c.action for c in cm.list_commitments(mem, "Julien", status="done")] == [
        "envoyer le plan de relance"]


def test_only_later_meetings_count(mem):
    mem.save(FIRST)
    mem.save(meeting("same-day", D(2026, 3, 2), [("Julien", "J'ai envoyé le plan de relance.")]))
    assert cm.list_commitments(mem, "Julien", status="done") == []


def test_renewed_commitment_shows_once_with_its_history(mem):
    mem.save(FIRST)
    mem.save(meeting("m2", D(2026, 3, 9), [
        ("Julien", "Je n'ai pas encore préparé la démo pour le client Acme."),
        ("Julien", "Je prépare la démo pour le client Acme mardi."),
    ], steps=[("Julien", "préparer la démo pour le client Acme", D(2026, 3, 17), [2])]))
    items = [i for i in build_agenda(mem, "Julien", date=D(2026, 3, 16)).items
             if "démo" in i.text]
    [demo] = items
    assert demo.from_meeting == "m2" and demo.due == D(2026, 3, 17) and demo.related == ["m1"]
    assert [u.kind for u in demo.updates] == ["blocked", "renewed"]
    # Deleting the renewing meeting brings the original back.
    mem.delete("m2")
    again = [i for i in build_agenda(mem, "Julien", date=D(2026, 3, 16)).items
             if "démo" in i.text]
    assert [(i.from_meeting, i.updates) for i in again] == [("m1", [])]


def test_deleting_the_closing_meeting_reopens_and_removes_its_vectors(mem, vectors):
    mem.save(FIRST)
    mem.save(meeting("m2", D(2026, 3, 9), [("Julien", "J'ai envoyé le plan de relance.")]))
    assert vectors.count("utterances_hash") == 5
    mem.delete("m2")
    assert len(cm.list_commitments(mem, "Julien")) == 3
    assert vectors.count("utterances_hash") == 4
    with mem.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CommitmentEventRow)) == 0


def test_manual_updates_are_events_and_survive_reindex(mem):
    mem.save(FIRST)
    [plan, budget, demo] = cm.list_commitments(mem, "Julien")
    assert cm.update(mem, budget.id, "drop", "plus nécessaire").status == "dropped"
    with pytest.raises(InputError, match="already dropped"):
        cm.update(mem, budget.id, "drop")
    mem.save(meeting("m2", D(2026, 3, 9), [("Julien", "J'ai envoyé le plan de relance.")]))
    assert cm.get(mem, plan.id).status == "done"
    reopened = cm.update(mem, plan.id, "reopen", "pas le bon plan")
    assert reopened.status == "open" and reopened.closed_by is None
    assert [e.kind for e in reopened.events] == ["done", "reopened"]
    assert reindex(mem) == 2
    # The person's decisions stand: the reopened one is not closed again by the replay.
    assert {c.id: c.status for c in cm.list_commitments(mem, "Julien", status="all")} == {
        plan.id: "open", budget.id: "dropped", demo.id: "open"}
    with pytest.raises(NotFoundError):
        cm.update(mem, 999, "done")


def test_deferred_and_submitted_topics_until_covered(mem):
    mem.save(meeting("m1", D(2026, 3, 2), [
        ("Julien", "J'aimerais parler de ma formation en management."),
        ("Claire", "On en parle la prochaine fois, promis."),
    ]))
    topic = tp.add(mem, "julien", TopicIn(text="mon passage en télétravail", date=D(2026, 3, 5)))
    kinds = [i.kind for i in build_agenda(mem, "Julien", date=D(2026, 3, 9)).items]
    assert kinds == ["submitted_topic", "deferred_topic"]
    mem.save(meeting("m2", D(2026, 3, 9), [
        ("Claire", "Parlons de ta formation en management."),
        ("Julien", "Et du télétravail : mon passage en télétravail le vendredi."),
    ]))
    assert [i.kind for i in build_agenda(mem, "Julien", date=D(2026, 3, 16)).items] == []
    [covered] = tp.list_topics(mem, "Julien", status="covered")
    assert (covered.id, covered.covered_meeting, covered.covered_evidence) == (topic.id, "m2", [2])
    with pytest.raises(InputError):
        tp.add(mem, "Julien", TopicIn(text="   "))


def test_recurring_blocker_and_suggested_question(mem):
    mem.save(meeting("m1", D(2026, 3, 2), [("Julien", "Je suis bloqué par les achats sur Orion.")]))
    assert build_agenda(mem, "Julien", date=D(2026, 3, 5)).items == []
    mem.save(meeting("m2", D(2026, 3, 9),
                     [("Julien", "Toujours bloqué par les achats sur Orion.")]))
    items = build_agenda(mem, "Julien", date=D(2026, 3, 16)).items
    assert [i.kind for i in items] == ["recurring_blocker", "suggested_question"]
    assert (items[0].from_meeting, items[0].evidence, items[0].related) == ("m2", [1], ["m1"])
    assert "Orion" in items[1].text and items[1].evidence == [1]


def test_not_covered_areas_cadence_and_legal_deadline(mem):
    for k, day in enumerate([D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19)], 1):
        mem.save(meeting(f"m{k}", day, [("Claire", "Point sur le pipeline."),
                                        ("Julien", "Trois deals en cours.")]))
    ppl.update(mem, "Julien", PersonUpdate(hire_date=D(2025, 3, 20), country="fr",
                                           manager="Claire"))
    agenda = build_agenda(mem, "Julien", date=D(2026, 2, 16))
    kinds = [i.kind for i in agenda.items]
    assert kinds == ["overdue_one_on_one", "legal_deadline", "not_covered", "not_covered",
                     "suggested_question", "suggested_question"]
    assert agenda.cadence.days_since_last == 28 and agenda.cadence.overdue
    legal = agenda.items[1]
    assert legal.due == D(2026, 3, 20) and not legal.overdue
    assert agenda.items[2].related == ["m3", "m2", "m1"]
    markdown = agenda_markdown(agenda)
    assert "## Pas abordé récemment" in markdown and "Échéances légales" in markdown
    # A meeting that talks about workload removes that area from the list.
    mem.save(meeting("m4", D(2026, 2, 16), [("Claire", "Comment tu vis ta charge de travail ?")]))
    later = build_agenda(mem, "Julien", date=D(2026, 2, 20))
    assert [i.text.split(" : ")[0] for i in later.items if i.kind == "not_covered"] == [
        "Carrière et développement"]


def test_people_records_and_their_errors(mem):
    mem.save(FIRST)
    record = ppl.update(mem, "JULIEN", PersonUpdate(role="Account executive", manager="claire",
                                                    birth_year=1990))
    assert (record.name, record.manager, record.role, record.meetings) == (
        "Julien", "Claire", "Account executive", 1)
    assert ppl.get(mem, "julien").birth_year == 1990
    with pytest.raises(InputError):
        ppl.update(mem, "Julien", PersonUpdate(manager="Julien"))
    with pytest.raises(InputError):
        ppl.update(mem, "Julien", PersonUpdate(birth_year=2025))
    with pytest.raises(NotFoundError):
        ppl.get(mem, "Personne")
    assert {p.name for p in ppl.list_all(mem)} == {"Claire", "Julien"}


def test_export_and_erase_a_person_everywhere(mem, vectors, settings):
    mem.save(FIRST)
    mem.save(meeting("z1", D(2026, 3, 3), [("Zoé", "Je suis bloquée par le juridique.")],
                     report="Zoé"))
    tp.add(mem, "Julien", TopicIn(text="ma formation"))
    uploads = settings.home / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "m1.ogg").write_bytes(b"audio")
    (uploads / "z1.ogg").write_bytes(b"audio")
    data = export_person(mem, "julien")
    assert [m.id for m in data.meetings] == ["m1"] and len(data.commitments) == 3
    assert [t.text for t in data.topics] == ["ma formation"]
    assert erase_person(mem, "Julien").meetings == ["m1"]
    with pytest.raises(NotFoundError):
        ppl.get(mem, "Julien")
    assert [m.id for m in mem.list()] == ["z1"]
    assert not (uploads / "m1.ogg").exists() and (uploads / "z1.ogg").exists()
    assert {h.metadata["meeting_id"] for h in vectors.query(
        "utterances_hash", HashEmbedder().queries(["plan"])[0], 50)} == {"z1"}
    assert vectors.query("items_hash", HashEmbedder().queries(["formation"])[0], 50,
                         {"report": "julien"}) == []


class BrokenVectors(MemoryVectorStore):
    def upsert(self, collection, ids, vectors, metadatas) -> None:
        raise StoreError("the vector store is down", "start it")


def test_a_vector_failure_saves_nothing(settings):
    with Store.open(settings, embedder=HashEmbedder(), vectors=BrokenVectors()) as store:
        with pytest.raises(StoreError, match="down"):
            store.save(FIRST)
        assert store.list() == []
        with store.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(SignalRow)) == 0


def test_a_failed_commit_takes_the_vectors_back(mem, vectors, monkeypatch):
    mem.save(FIRST)
    from copilot.memory.store.meetings import MeetingStore

    original = MeetingStore._write

    def write_then_break(self, s, analysis, found, embed):
        original(self, s, analysis, found, embed)
        s.add(UtteranceRow(meeting_id="nope", idx=1, text="x"))  # FK error at commit

    monkeypatch.setattr(MeetingStore, "_write", write_then_break)
    with pytest.raises(StoreError):
        mem.save(meeting("m2", D(2026, 3, 9), [("Julien", "J'ai envoyé le plan de relance.")]))
    assert vectors.count("utterances_hash") == 4  # only m1's
    assert len(cm.list_commitments(mem, "Julien")) == 3


def test_deleting_reaches_vectors_made_by_another_embedder(settings, vectors):
    class Other(HashEmbedder):
        name = "other"

    with Store.open(settings, embedder=Other(), vectors=vectors) as store:
        store.save(FIRST)
    assert vectors.count("utterances_other") == 4
    with Store.open(settings, embedder=HashEmbedder(), vectors=vectors) as store:
        store.delete("m1")
    assert vectors.count("utterances_other") == vectors.count("items_other") == 0


def test_a_batch_is_saved_in_order_with_the_lifecycle_or_not_at_all(mem):
    second = meeting("m2", D(2026, 3, 9), [("Julien", "J'ai envoyé le plan de relance vendredi.")])
    with pytest.raises(InputError, match="already stored"):
        mem.save_batch([FIRST, second, FIRST])
    assert mem.list() == []
    mem.save_batch([FIRST, second])
    assert [m.id for m in mem.list()] == ["m2", "m1"]
    [done] = cm.list_commitments(mem, "Julien", status="done")
    assert done.action == "envoyer le plan de relance" and done.closed_by.meeting_id == "m2"


# -- where closing is decided: the margin over news, the threshold ---------------------------

REPORTED = [("Claire", "Et le plan de relance ?"),
            ("Julien", "J'ai envoyé le plan de relance vendredi."),
            ("Julien", "Le plan de relance, je suis bloqué par la compta.")]


def _scores(monkeypatch, done: float, news: float) -> None:
    """Every match of the plan scores `done` for the sentence reporting it sent and `news` for
    the one reporting it blocked: the closing rule alone decides, not the embedder."""
    from copilot.memory import lifecycle
    from copilot.memory.matching import Match

    def fake(cosine, embedder, target, sentence, factor, names=()):
        value = 0.0
        if target == "envoyer le plan de relance":
            value = done if "envoyé" in sentence else news if "bloqué" in sentence else 0.0
        return Match(value, value, value, factor)

    monkeypatch.setattr(lifecycle, "score", fake)


def _plan(mem):
    [plan] = [c for c in cm.list_commitments(mem, "Julien", status="all")
              if c.action == "envoyer le plan de relance"]
    return plan


@pytest.mark.parametrize(("news", "closed"), [(0.649, True), (0.651, False)])
def test_done_closes_only_by_the_margin_over_news_about_it(mem, monkeypatch, news, closed):
    # Done at 0.70: a blocked report at 0.649 is 0.051 below (closes), at 0.651 only 0.049.
    mem.save(FIRST)
    _scores(monkeypatch, done=0.70, news=news)
    mem.save(meeting("m2", D(2026, 3, 9), REPORTED))
    plan = _plan(mem)
    if closed:
        assert plan.status == "done" and plan.closed_by.evidence == [2]
        assert plan.closed_by.score == 0.70
    else:
        assert plan.status == "open"
        assert [(e.kind, e.evidence, e.score) for e in plan.events] == [("blocked", [3], news)]


@pytest.mark.parametrize(("above", "closed"), [(0.0, True), (-0.001, False)])
def test_done_closes_from_the_close_threshold_up(mem, monkeypatch, above, closed):
    mem.save(FIRST)
    threshold = mem.settings.memory.close_threshold
    _scores(monkeypatch, done=round(threshold + above, 4), news=0.0)
    mem.save(meeting("m2", D(2026, 3, 9), REPORTED[:2]))
    plan = _plan(mem)
    assert plan.status == ("done" if closed else "open")
    assert len(plan.events) == (1 if closed else 0)


def test_the_closing_rule_at_its_boundaries():
    from copilot.memory.lifecycle import closes

    assert closes(0.70, None) and not closes(None, 0.70) and not closes(None, None)
    assert closes(0.70, 0.649) and not closes(0.70, 0.651)
    assert closes(0.90, 0.849) and not closes(0.90, 0.851)
