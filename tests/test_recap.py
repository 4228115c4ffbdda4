"""The recap (compte rendu): decisions, next steps, topics carried to next time and the report's
concerns, each with evidence; never the coaching nor the private notes; editable by the manager
who led the meeting (store, API, CLI) and reset; next steps due "at our next 1:1" dated from the
pair's cadence."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import make_analysis
from fastapi.testclient import TestClient

from api.main import create_app
from copilot import cli
from copilot.analyze.base import FakeExtractor
from copilot.errors import Forbidden, InputError
from copilot.memory import recap
from copilot.memory.decisions import find_decisions, is_decision
from copilot.memory.store import Store
from copilot.memory.store.sharing import recap_of
from copilot.models import Analysis, PrivateNotes, RecapContent, Sharing, Utterance
from copilot.pipeline import analyze_text
from copilot.request import MeetingRequest
from copilot.settings import get_settings
from copilot.workflow import remember_meeting
from tests.test_authz_matrix import world  # noqa: F401 (fixture)

EN = """Claire: How is the tech lead transition going?
Julien: I'm worried about the architecture reviews.
Claire: I'll share the tech lead expectations document with you before our next one-on-one.
Julien: Thanks. We agreed to split the reviews with Marc this quarter.
Claire: Let's revisit the hiring plan next time.
Julien: The budget is stuck at finance.
Claire: You did a great job on the demo, but you talk too much in meetings.
"""
FR = """Claire: Comment ça va avec le projet ?
Julien: Franchement je galère avec la migration, ça m'inquiète un peu.
Claire: D'accord. On part sur la solution de Marc pour la base.
Julien: Ok. Je t'envoie le plan d'ici la prochaine fois.
Claire: Ta formation, on en reparle la prochaine fois.
"""


def _analysis(text: str, id: str = "r1", date: str = "2026-03-02") -> Analysis:
    a = analyze_text(text, manager="Claire", report="Julien", date=date)
    return a.model_copy(update={"id": id})


# -- decisions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "On a décidé de garder le jeudi pour les démos.", "On part sur la solution de Marc.",
    "Bon, c'est validé pour le budget.", "Décision : on recrute un alternant.",
    "We agreed to split the reviews.", "Let's go with the second vendor.",
    "Decision: the launch moves to May.", "Nous nous sommes mis d'accord sur le planning.",
])
def test_a_decision_is_found_in_french_and_english(sentence: str) -> None:
    assert is_decision(sentence)


@pytest.mark.parametrize("sentence", [
    "On part sur la v2 ?", "On n'a pas décidé de la date.", "We haven't agreed on it yet.",
    "Si on part sur la v2, il faut recruter.", "Maybe we agreed too fast.",
    "Je vais envoyer le deck vendredi.", "Should we go with the second vendor?",
])
def test_questions_negations_and_plain_sentences_are_no_decision(sentence: str) -> None:
    assert not is_decision(sentence)


def test_decisions_cite_their_utterances_and_drop_the_notes_marker() -> None:
    utts = [Utterance(id=1, text="Décision : on garde le jeudi pour les démos."),
            Utterance(id=2, text="Rien à signaler."),
            Utterance(id=3, text="On garde le jeudi pour les démos.")]
    found = find_decisions(utts)
    assert [(d.text, d.evidence) for d in found] == [("On garde le jeudi pour les démos.",
                                                      [1])]


# -- the recap's content -----------------------------------------------------------------------

def test_the_recap_holds_decisions_steps_carried_topics_and_concerns_with_evidence() -> None:
    a = _analysis(EN)
    content = recap.build(a)
    assert [(d.text, d.evidence) for d in content.decisions] == [
        ("We agreed to split the reviews with Marc this quarter.", [4])]
    promise = next(s for s in content.next_steps if "expectations document" in s.action)
    assert promise.owner == "Claire" and promise.owner_role == "manager"
    assert promise.due is None and promise.due_text == "before our next one-on-one"
    assert ("Let's revisit the hiring plan next time.", [5]) in [
        (t.text, t.evidence) for t in content.carried_topics]
    assert [c.text for c in content.concerns] == [
        "I'm worried about the architecture reviews.", "The budget is stuck at finance."]
    assert all(c.evidence for c in content.concerns)
    # Nothing of the coaching: no warning, suggestion, talk figure or question in it.
    body = content.model_dump_json()
    assert a.warnings and not any(w.message in body for w in a.warnings)
    for key in ("warnings", "suggestion", "talk", "questions", "listening"):
        assert key not in json.loads(body)


def test_a_french_recap_is_written_in_french() -> None:
    a = _analysis(FR)
    text = recap.markdown(recap_of(a, Sharing(), False))
    assert text.startswith("# Compte rendu du 1:1 du 2 mars 2026 : Claire et Julien\n")
    for title in ("## Décisions", "## Prochaines étapes", "## Reporté à la prochaine fois",
                  "## Préoccupations exprimées"):
        assert title in text
    assert "- On part sur la solution de Marc pour la base. _(#3)_" in text
    assert "(échéance : d'ici la prochaine fois) _(#4)_" in text
    assert "Decisions" not in text and "Next steps" not in text


# -- edit and reset ----------------------------------------------------------------------------

@pytest.fixture
def stored(light_store):
    with Store.open(get_settings()) as store:
        store.save(_analysis(FR, id="r1"))
        store.set_notes("r1", PrivateNotes(text="il a l'air épuisé, à surveiller"))
    return "r1"


def test_the_manager_edits_the_recap_and_resets_it(stored) -> None:
    with Store.open(get_settings()) as store:
        generated = store.recap(stored)
        assert not generated.edited and generated.decisions
        assert "épuisé" not in generated.model_dump_json()  # never the private notes
        edit = RecapContent(summary="Point sur la migration.",
                            decisions=[{"text": "On garde la solution de Marc.",
                                        "evidence": [3]}],
                            next_steps=generated.next_steps)
        saved = store.set_recap(stored, edit)
        assert saved.edited and saved.summary == "Point sur la migration."
        assert store.recap(stored).decisions[0].text == "On garde la solution de Marc."
        with pytest.raises(InputError, match="#99"):
            store.set_recap(stored, RecapContent(concerns=[{"text": "x", "evidence": [99]}]))
        back = store.reset_recap(stored)
        assert not back.edited and back.decisions == generated.decisions
        assert back.summary == generated.summary


def test_an_item_without_text_is_refused() -> None:
    with pytest.raises(ValueError):
        RecapContent(decisions=[{"text": "   ", "evidence": [1]}])


def test_the_api_lets_the_manager_edit_and_the_report_read_the_shared_recap(world):  # noqa: F811
    tokens = world["tokens"]

    def client(who: str) -> TestClient:
        return TestClient(app, headers={"Authorization": f"Bearer {tokens[who]}"})

    app = create_app(extractor=FakeExtractor())
    body = {"summary": "Le deck part vendredi.",
            "decisions": [{"text": "On garde la démo de jeudi.", "evidence": [1]}]}
    with TestClient(app):
        manager, report = client("manager"), client("report")
        assert manager.get("/v1/meetings/m1/recap").json()["edited"] is False
        put = manager.put("/v1/meetings/m1/recap", json=body)
        assert put.status_code == 200 and put.json()["edited"] is True
        read = report.get("/v1/meetings/m1/recap").json()  # m1's recap is shared
        assert read["summary"] == "Le deck part vendredi."
        assert read["decisions"] == [{"text": "On garde la démo de jeudi.", "evidence": [1]}]
        assert "warnings" not in read
        text = report.get("/v1/meetings/m1/recap?format=markdown")
        assert text.headers["content-type"].startswith("text/markdown")
        assert "## Décisions" in text.text and "On garde la démo de jeudi. _(#1)_" in text.text
        assert report.put("/v1/meetings/m1/recap", json=body).status_code == 403
        assert client("other_manager").get("/v1/meetings/m1/recap").status_code == 404
        assert client("other_manager").put("/v1/meetings/m1/recap",
                                           json=body).status_code == 404
        bad = manager.put("/v1/meetings/m1/recap",
                          json={"concerns": [{"text": "x", "evidence": [42]}]})
        assert bad.status_code == 400 and "#42" in bad.json()["error"]["message"]
        assert manager.put("/v1/meetings/m1/recap",
                           json={"decisions": [{"text": ""}]}).status_code == 422
        reset = manager.delete("/v1/meetings/m1/recap")
        assert reset.status_code == 200 and reset.json()["edited"] is False
        assert report.get("/v1/meetings/m1/recap").json()["summary"] != body["summary"]


def test_a_report_cannot_edit_through_the_store(world):  # noqa: F811
    with Store.open(get_settings()) as store:
        julien = store.principal_for_user(store.user("report@example.org").id)
        with pytest.raises(Forbidden):
            store.acting_as(julien).set_recap("m1", RecapContent(summary="moi"))


# -- the CLI -----------------------------------------------------------------------------------

def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_prints_edits_and_resets_the_recap(stored, capsys, tmp_path) -> None:
    code, out, _ = _cli(capsys, "recap", stored)
    assert code == 0 and out.startswith("# Compte rendu du 1:1")
    assert "épuisé" not in out
    code, md, _ = _cli(capsys, "recap", stored, "--markdown")
    assert code == 0 and md == out
    code, out, _ = _cli(capsys, "recap", stored, "--json")
    data = json.loads(out)
    assert code == 0 and data["edited"] is False and data["decisions"]
    data["summary"] = "Résumé revu par Claire."
    data["concerns"] = []
    edit = tmp_path / "recap.json"
    edit.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = _cli(capsys, "recap", stored, "--edit", str(edit), "--json")
    assert code == 0 and json.loads(out)["summary"] == "Résumé revu par Claire."
    code, out, _ = _cli(capsys, "recap", stored)
    assert "Résumé revu par Claire." in out and "Modifié par le manager." in out
    assert "## Préoccupations exprimées\n\n_Rien de noté._" in out
    code, out, _ = _cli(capsys, "recap", stored, "--reset")
    assert code == 0 and "Résumé revu par Claire." not in out and "je galère" in out
    edit.write_text('{"decisions": [{"text": 3}]}', encoding="utf-8")
    code, _, err = _cli(capsys, "recap", stored, "--edit", str(edit))
    assert code == 2 and err.startswith("error: ") and "decisions.0.text" in err


def test_the_cli_answers_an_unknown_meeting_with_an_error(light_store, capsys) -> None:
    code, out, err = _cli(capsys, "recap", "nope")
    assert code == 2 and out == "" and err.startswith("error: ")
    code, _, err = _cli(capsys, "recap", "nope", "--json", "--markdown")
    assert code == 2 and err.startswith("error: ")


# -- due at the next 1:1 ----------------------------------------------------------------------

def _remember(store: Store, text: str, date: str):
    req = MeetingRequest(manager="Claire", report="Julien", date=date, engine="rules")
    return remember_meeting(req, text, store=store, settings=get_settings())


def test_a_promise_due_before_our_next_one_on_one_gets_the_cadences_date(light_store) -> None:
    with Store.open(get_settings()) as store:
        for k, day in enumerate((dt.date(2026, 2, 16), dt.date(2026, 2, 23))):
            store.save(make_analysis(f"old{k}", date=day, steps=[]))
        a = _remember(store, EN, "2026-03-02")
        step = next(s for s in a.next_steps if "expectations document" in s.action)
        assert (step.owner, step.owner_role) == ("Claire", "manager")
        assert step.due == dt.date(2026, 3, 9)  # weekly 1:1s: the next one
        assert step.due_text == "before our next one-on-one"
        kept = next(s for s in store.get(a.id).next_steps if "expectations" in s.action)
        assert kept.due == dt.date(2026, 3, 9)
        commitment = next(c for c in store.commitments(report="Julien")
                          if "expectations" in c.action)
        assert commitment.due == dt.date(2026, 3, 9)


def test_without_a_cadence_the_due_stays_null_with_its_phrase(light_store) -> None:
    with Store.open(get_settings()) as store:
        a = _remember(store, FR, "2026-03-02")
    step = next(s for s in a.next_steps if "plan" in s.action)
    assert step.due is None and step.due_text == "d'ici la prochaine fois"


def test_a_deferred_talk_is_no_next_step_but_an_absolute_date_still_wins() -> None:
    a = _analysis("Claire: On en reparle la prochaine fois.\nJulien: Let's revisit it next "
                  "time.\nClaire: Je t'envoie le plan vendredi avant notre prochain point.\n")
    assert [(s.action.split()[:3], s.due, s.due_text) for s in a.next_steps] == [
        (["envoyer", "le", "plan"], dt.date(2026, 3, 6), "vendredi")]
