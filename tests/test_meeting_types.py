"""Meeting types: `--type`, the templates (and their per-organisation override), coverage with
evidence, the career review's two warnings, the agenda that follows the template, and the
career review's written record (API and CLI)."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import pytest
from api_auth import signed_in
from jobs_polling import wait

from api.main import create_app
from copilot import cli
from copilot.analyze.base import FakeExtractor
from copilot.analyze.texts import localize_analysis
from copilot.meeting_types import template_file, template_for
from copilot.memory import Store
from copilot.models import Extraction, MeetingType, WarningCode
from copilot.pipeline import analyze_text
from copilot.settings import get_settings

# A short French entretien de parcours professionnel: skills, career, training and CPF are
# covered; mobility, VAE, bilan and CEP are not; #9 brings results and a bonus into it; #1
# frames the interview ("not an evaluation, no salary today"), which is not evaluation talk.
CAREER = (
    "Claire: Bonjour Julien. Cet entretien n'est pas une évaluation : on ne parlera pas de ton "
    "salaire aujourd'hui.\n"
    "Julien: D'accord, merci.\n"
    "Claire: Parlons de tes compétences : qu'as-tu appris depuis deux ans ?\n"
    "Julien: J'ai développé de nouvelles compétences en animation d'ateliers.\n"
    "Claire: Où aimerais-tu te projeter dans trois ans ?\n"
    "Julien: J'aimerais évoluer vers un poste de responsable d'équipe.\n"
    "Claire: Quels besoins de formation vois-tu pour y arriver ?\n"
    "Julien: Une formation au management, peut-être financée avec mon CPF.\n"
    "Claire: Au fait, tu as atteint tes objectifs de vente, ta prime sera bonne.\n"
    "Julien: Merci.\n"
    "Claire: Je t'envoie la liste des formations d'ici vendredi.\n"
)
# The rest of the legal content, and no evaluation talk.
COMPLETE = CAREER.replace(
    "Claire: Au fait, tu as atteint tes objectifs de vente, ta prime sera bonne.\n",
    "Claire: As-tu des souhaits de mobilité, une autre équipe ou un autre site ?\n"
    "Julien: Pas pour l'instant. Et la VAE, ça pourrait valider mon expérience ?\n"
    "Claire: Oui, et tu peux aussi demander un bilan de compétences.\n"
    "Claire: Le conseil en évolution professionnelle est gratuit, je te donne le lien.\n")
ONE_ON_ONE = "Claire: Comment ça va ?\nJulien: Bien, je finis le rapport vendredi.\n"


def _analyse(text: str, meeting_type: str = "career_review", **extra):
    return analyze_text(text, manager="Claire", report="Julien", date="2026-03-02",
                        meeting_type=meeting_type, extractor=FakeExtractor().enqueue(
                            Extraction()), **extra)


def _codes(analysis) -> list[str]:
    return [w.code for w in analysis.warnings]


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- coverage and warnings ---------------------------------------------------------------------

def test_a_career_review_covers_the_sections_it_talks_about_with_evidence() -> None:
    analysis = _analyse(CAREER)
    assert analysis.meeting_type == "career_review"
    cover = {c.section: c for c in analysis.coverage}
    assert list(cover) == ["skills", "career_path", "training", "mobility", "vae", "bilan",
                           "cpf", "cep"]
    assert cover["skills"].covered and cover["skills"].evidence == [3, 4]
    assert cover["career_path"].evidence == [5, 6]
    assert cover["training"].evidence == [7, 8, 11]
    assert cover["cpf"].evidence == [8]
    assert not cover["mobility"].covered and cover["mobility"].evidence == []
    assert not cover["vae"].covered and not cover["bilan"].covered and not cover["cep"].covered
    assert cover["skills"].title == "Compétences et qualifications"  # the meeting's language


@pytest.mark.parametrize(("text", "covered"), [
    ("Quelles compétences voudrais-tu développer cette année ?", True),
    ("Tu as obtenu ta certification Scrum ?", True),
    ("On parle de ton projet de déménagement.", False),
])
def test_the_career_reviews_skills_section_is_any_talk_of_skills(text: str,
                                                                   covered: bool) -> None:
    skills = next(s for s in template_for(MeetingType.CAREER_REVIEW, None).sections
                  if s.id == "skills")
    assert skills.matches(text, "fr") is covered


def test_career_topics_missing_lists_the_sections_not_covered_in_the_meetings_language():
    analysis = _analyse(CAREER)
    missing = next(w for w in analysis.warnings if w.code == WarningCode.CAREER_TOPICS_MISSING)
    assert missing.params["missing"] == "mobility,vae,bilan,cep"
    assert missing.params["listed"] == ("Souhaits de mobilité; Validation des acquis de "
                                        "l'expérience (VAE); Bilan de compétences; Conseil en "
                                        "évolution professionnelle (CEP)")
    assert missing.message.startswith("Cet entretien de parcours professionnel n'a pas abordé 4")
    assert missing.evidence == [9, 10, 11]  # how it ended without them
    english = localize_analysis(analysis, "en")
    again = next(w for w in english.warnings if w.code == WarningCode.CAREER_TOPICS_MISSING)
    assert "did not cover 4" in again.message and "Mobility wishes" in again.message
    complete = _analyse(COMPLETE)
    assert all(c.covered for c in complete.coverage), complete.coverage
    assert WarningCode.CAREER_TOPICS_MISSING not in _codes(complete)


def test_evaluation_talk_in_a_career_review_is_flagged_with_its_utterances() -> None:
    analysis = _analyse(CAREER)
    found = next(w for w in analysis.warnings
                 if w.code == WarningCode.EVALUATION_IN_CAREER_REVIEW)
    assert found.evidence == [9]  # not #1, which sets salary aside
    assert "ta prime sera bonne" in found.message and "relèvent de l'évaluation" in found.message
    assert WarningCode.EVALUATION_IN_CAREER_REVIEW not in _codes(_analyse(COMPLETE))
    # The same words in an annual review are its very purpose: no warning there.
    annual = _analyse(CAREER, "annual_review")
    assert not {WarningCode.EVALUATION_IN_CAREER_REVIEW,
                WarningCode.CAREER_TOPICS_MISSING} & set(_codes(annual))
    assert {c.section for c in annual.coverage if c.covered} >= {"objectives_review"}


def test_evaluation_talk_in_english() -> None:
    text = ("Sam: This review is not an appraisal, we won't discuss your salary today.\n"
            "Alex: Good.\nSam: What training would help your career?\n"
            "Alex: Honestly, I hit all my targets, so I'd like a pay rise.\n")
    analysis = analyze_text(text, manager="Sam", report="Alex", date="2026-03-02",
                            meeting_type="career_review",
                            extractor=FakeExtractor().enqueue(Extraction()))
    found = next(w for w in analysis.warnings
                 if w.code == WarningCode.EVALUATION_IN_CAREER_REVIEW)
    assert found.evidence == [4]
    assert {c.section for c in analysis.coverage if c.covered} == {"career_path", "training"}


def test_a_one_on_one_has_no_coverage_without_a_configured_template() -> None:
    analysis = _analyse(ONE_ON_ONE, "one_on_one")
    assert analysis.meeting_type == "one_on_one" and analysis.coverage == []
    assert not {WarningCode.EVALUATION_IN_CAREER_REVIEW,
                WarningCode.CAREER_TOPICS_MISSING} & set(_codes(analysis))


# -- templates from COPILOT_HOME ---------------------------------------------------------------

def _write_template(kind: str, text: str) -> Path:
    path = template_file(get_settings().home, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_organisation_edits_a_template_in_its_home() -> None:
    _write_template("career_review", """
drop = ["cep"]
[[sections]]
id = "mobility"
cues_fr = ["poste de responsable"]
[[sections]]
id = "handicap"
title_fr = "Aménagements de poste"
cues_fr = ["amenagement*"]
required = false
""")
    analysis = _analyse(CAREER)
    cover = {c.section: c for c in analysis.coverage}
    assert "cep" not in cover and cover["handicap"].title == "Aménagements de poste"
    assert cover["mobility"].covered and cover["mobility"].evidence == [6]
    missing = next(w for w in analysis.warnings if w.code == WarningCode.CAREER_TOPICS_MISSING)
    assert missing.params["missing"] == "vae,bilan"
    # A one-to-one template configured with check = true is reported.
    _write_template("one_on_one", "check = true\n")
    assert [c.section for c in _analyse(ONE_ON_ONE, "one_on_one").coverage if c.covered] == [
        "how_are_you"]


@pytest.mark.parametrize(("text", "words"), [
    ("[[sections]\nid = 1", "not valid TOML"),
    ("colour = 'blue'\n", "unknown keys: colour"),
    ("[[sections]]\nid = 'x'\ncues_fr = 'formation'\n", "cues_fr must be a list"),
    ("[[sections]]\nid = 'new'\ncues_fr = ['a']\n", "needs title_fr or title_en"),
])
def test_a_bad_template_file_is_one_clear_error(capsys, tmp_path, light_store, text, words):
    path = _write_template("career_review", text)
    transcript = tmp_path / "entretien.txt"
    transcript.write_text(CAREER, encoding="utf-8")
    code, out, err = _cli(capsys, "analyze", str(transcript), "--manager", "Claire", "--report",
                          "Julien", "--type", "career_review", "--no-save")
    assert code == 2 and out == ""
    assert err.startswith("error: the meeting template ") and len(err.splitlines()) == 1
    assert str(path) in err and words in err


# -- the CLI and the API carry the type ---------------------------------------------------------

def test_analyze_takes_the_type_and_stores_it(capsys, tmp_path, light_store) -> None:
    transcript = tmp_path / "entretien.txt"
    transcript.write_text(CAREER, encoding="utf-8")
    code, out, err = _cli(capsys, "analyze", str(transcript), "--manager", "Claire", "--report",
                          "Julien", "--date", "2026-03-02", "--type", "career_review",
                          "--engine", "rules", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert body["meeting_type"] == "career_review"
    assert {"section": "cpf", "covered": True, "evidence": [8]}.items() <= next(
        c for c in body["coverage"] if c["section"] == "cpf").items()
    assert "evaluation_in_career_review" in [w["code"] for w in body["warnings"]]
    with Store.open(get_settings()) as store:
        assert store.get(body["id"]).meeting_type == "career_review"


def test_analyze_refuses_an_unknown_type(capsys, tmp_path) -> None:
    transcript = tmp_path / "entretien.txt"
    transcript.write_text(CAREER, encoding="utf-8")
    code, out, err = _cli(capsys, "analyze", str(transcript), "--manager", "Claire", "--report",
                          "Julien", "--type", "bilan")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.splitlines()) == 1
    assert "--type" in err and "bilan" in err


def test_the_api_and_its_jobs_take_meeting_type_and_role_changes_keep_it(light_store) -> None:
    app = create_app(extractor=FakeExtractor())
    with signed_in(app) as client:
        made = client.post("/v1/meetings", json={
            "manager": "Claire", "report": "Julien", "date": "2026-03-02",
            "transcript": CAREER, "meeting_type": "career_review"})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["meeting_type"] == "career_review" and len(body["coverage"]) == 8
        again = client.post(f"/v1/meetings/{body['id']}/roles", json={"manager": "Julien"})
        assert again.status_code == 200, again.text
        assert again.json()["meeting_type"] == "career_review"
        assert client.get(f"/v1/meetings/{body['id']}").json()["meeting_type"] == "career_review"
        form = client.post("/v1/meetings", data={"manager": "Claire", "report": "Julien",
                                                 "meeting_type": "annual_review"},
                           files={"file": ("entretien.txt", CAREER.encode(), "text/plain")})
        assert form.status_code == 201 and form.json()["meeting_type"] == "annual_review"
        job = client.post("/v1/meetings", headers={"Prefer": "respond-async"}, json={
            "manager": "Claire", "report": "Julien", "transcript": CAREER,
            "meeting_type": "career_review"})
        assert job.status_code == 202, job.text
        done = wait(client, job.json()["status_url"])
        assert done["stage"] == "done", done
        kept = client.get(f"/v1/meetings/{done['meeting_id']}").json()
        assert kept["meeting_type"] == "career_review" and len(kept["coverage"]) == 8
        bad = client.post("/v1/meetings", json={"manager": "Claire", "report": "Julien",
                                                "transcript": CAREER, "meeting_type": "bilan"})
        assert bad.status_code == 422


# -- the agenda follows the template ----------------------------------------------------------

def test_the_agenda_lists_the_templates_sections(capsys, light_store) -> None:
    with Store.open(get_settings()) as store:
        store.save(_analyse(ONE_ON_ONE, "one_on_one"))
    code, out, err = _cli(capsys, "agenda", "--report", "Julien", "--date", "2026-04-01",
                          "--type", "career_review", "--json")
    assert code == 0, err
    items = [i for i in json.loads(out)["items"] if i["kind"] == "template_section"]
    assert [i["text"] for i in items] == [s.title("fr") for s in
                                          template_for(MeetingType.CAREER_REVIEW).sections]
    assert "L6315-1" in items[0]["detail"]
    code, out, _ = _cli(capsys, "agenda", "--report", "Julien", "--date", "2026-04-01", "--json")
    assert "template_section" not in out
    # A report never seen: their first career review still has its sections (in French).
    code, out, _ = _cli(capsys, "agenda", "--report", "Nouveau", "--type", "career_review",
                        "--markdown")
    assert code == 0 and "Trame de l'entretien" in out and "Bilan de compétences" in out
    app = create_app(extractor=FakeExtractor())
    with signed_in(app) as client:
        api = client.get("/v1/people/Julien/agenda", params={"type": "annual_review",
                                                              "date": "2026-04-01"})
        assert api.status_code == 200, api.text
        kinds = [i["text"] for i in api.json()["items"] if i["kind"] == "template_section"]
        assert kinds[0] == "Objectifs de l'année écoulée et résultats"


# -- the written record ----------------------------------------------------------------------

def _saved_as_claire(app, analysis) -> None:
    with Store.open(app.state.settings) as store:
        claire = store.principal_for_user(store.user("claire@example.org").id)
        store.acting_as(claire).save(analysis)


def test_the_record_is_french_printable_and_only_for_its_reader(light_store) -> None:
    app = create_app(extractor=FakeExtractor())
    with signed_in(app) as client, signed_in(app, "Marc") as other:
        _saved_as_claire(app, _analyse(CAREER).model_copy(update={"id": "cr1"}))
        one = _analyse(ONE_ON_ONE, "one_on_one").model_copy(update={"id": "o1"})
        _saved_as_claire(app, one)
        page = client.get("/v1/meetings/cr1/record")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = unescape(page.text)
        for expected in ("Compte rendu de l'entretien de parcours professionnel", "L6315-1",
                         "Compétences et qualifications", "Souhaits de mobilité", "non abordé",
                         "J'ai développé de nouvelles compétences", "#4",
                         "Souhaits du salarié", "Signatures du salarié",
                         "Une copie de ce compte rendu",
                         "Julien", "Claire", "2 mars 2026", "@media print", 'lang="fr"'):
            assert expected in html, expected
        assert "prime sera bonne" not in html.split("Souhaits du salarié")[1]  # not a wish
        assert "evaluation_in_career_review" not in html  # never the coaching
        assert other.get("/v1/meetings/cr1/record").status_code == 404
        wrong = client.get("/v1/meetings/o1/record")
        assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "wrong_meeting_type"
        assert client.get("/v1/meetings/nope/record").status_code == 404


def test_the_cli_writes_the_record(capsys, tmp_path, light_store) -> None:
    with Store.open(get_settings()) as store:
        store.save(_analyse(CAREER).model_copy(update={"id": "cr1"}))
        store.save(_analyse(ONE_ON_ONE, "one_on_one").model_copy(update={"id": "o1"}))
    target = tmp_path / "record.html"
    code, out, err = _cli(capsys, "meetings", "record", "cr1", "--out", str(target))
    assert code == 0, err
    assert "Besoins de formation" in unescape(target.read_text(encoding="utf-8")) and out == ""
    code, out, _ = _cli(capsys, "meetings", "record", "cr1")
    assert code == 0 and out.startswith("<!doctype html>") and "Prochaines étapes" in unescape(out)
    code, out, err = _cli(capsys, "meetings", "record", "o1")
    assert code == 2 and err.startswith("error: meeting o1 is a one_on_one, not a career_review")
