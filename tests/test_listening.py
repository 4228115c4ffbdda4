"""Active listening: reflections and acknowledgements on small French and English exchanges,
the no_reformulation warning, the reflections trend, and the AnnoMI eval's scoring. No model."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from copilot.analyze.base import FakeExtractor
from copilot.analyze.listening import concerns, listening
from copilot.models import MeetingCoaching, Transcript, Utterance, WarningCode
from copilot.pipeline import analyze_transcript
from copilot.reports.coaching import assemble, trend
from copilot.settings import Settings
from eval.listening import load_annomi, score

FR = [
    ("Claire", "Comment ça va en ce moment ?"),
    ("Julien", ("Franchement je suis débordé, les livraisons du client Axa s'enchaînent et je "
               "n'arrive plus à avancer sur la migration.")),
    ("Claire", ("Si je comprends bien, tu n'as plus de temps pour la migration à cause des "
               "livraisons Axa.")),
    ("Julien", "Oui c'est ça."),
    ("Claire", "D'accord, je comprends."),
    ("Claire", "Le comité de direction a validé le budget du second semestre hier soir."),
    ("Julien", ("Les tests de charge bloquent depuis deux semaines, l'environnement de recette "
               "tombe tous les soirs.")),
    ("Claire", "Les tests de charge bloquent parce que la recette tombe chaque soir."),
    ("Claire", "Qu'est-ce que tu proposes pour la recette ?"),
]
EN = [
    ("Claire", "How are things going?"),
    ("Julien", ("Honestly I'm worried about the release, the QA environment keeps crashing and "
               "I can't test the payment flow.")),
    ("Claire", "It sounds like the crashing QA environment is blocking your testing."),
    ("Julien", "Yes exactly."),
    ("Claire", "I see."),
    ("Claire", "The board approved next year's budget yesterday."),
    ("Julien", "And I feel like nobody notices the work on the migration."),
    ("Claire", "So you feel the migration work goes unnoticed."),
    ("Claire", "What would help you most this week?"),
    ("Claire", "Let's book a slot with the ops team on Thursday."),
]
# No reformulation at all: the manager answers the concern with status and plans.
FR_UNHEARD = [
    ("Claire", "Bonjour Julien, on fait le point sur le sprint ?"),
    ("Julien", "Je suis épuisé, je n'y arrive pas avec les astreintes en plus des livraisons."),
    ("Claire", "Le comité de direction a validé le budget du second semestre hier soir."),
    ("Julien", "D'accord."),
    ("Claire", "Je t'envoie le planning des astreintes demain matin."),
]


def _transcript(lines, lang: str, roles: bool = True) -> Transcript:
    role = {"Claire": "manager", "Julien": "report"}
    return Transcript(language=lang, utterances=[
        Utterance(id=i, speaker=s, text=t, role=role[s] if roles else None)
        for i, (s, t) in enumerate(lines, 1)])


@pytest.mark.parametrize("lines,lang,reflections,acks", [
    (FR, "fr", [3, 8], [5]), (EN, "en", [3, 8], [5])])
def test_reflections_and_acknowledgements(lines, lang, reflections, acks) -> None:
    heard = listening(_transcript(lines, lang))
    # Reformulations with a cue (3), a lead (8, "Donc pour toi"/"So you feel") or only the
    # report's words said back (FR 8); not a status update (6), a question (9) or a plan.
    assert heard.evidence == reflections and heard.reflections == len(reflections)
    assert heard.acknowledgement_evidence == acks and heard.acknowledgements == 1


def test_a_restatement_without_cue_is_caught_by_the_words_said_back() -> None:
    lines = [FR[0], FR[6], FR[7]]
    assert listening(_transcript(lines, "fr")).evidence == [3]
    # The same sentence after a report's turn about something else restates nothing.
    other = [FR[0], ("Julien", "Les vacances de printemps approchent, je pars en Bretagne."),
             FR[7]]
    assert listening(_transcript(other, "fr")).evidence == []


def test_concerns_are_the_reports_worries_and_blockers() -> None:
    assert concerns(_transcript(FR, "fr")) == [2, 7]
    assert concerns(_transcript(EN, "en")) == [2, 7]
    assert concerns(_transcript(FR_UNHEARD, "fr")) == [2]


def test_listening_is_null_without_roles_or_speakers() -> None:
    assert listening(_transcript(FR, "fr", roles=False)) is None
    notes = _transcript(FR, "fr").model_copy(update={"has_speakers": False})
    assert listening(notes) is None


def _analyse(lines, lang: str, **kw):
    return analyze_transcript(_transcript(lines, lang, roles=False), manager="Claire",
                              report="Julien", date="2026-03-02", extractor=FakeExtractor(),
                              **kw)


def test_no_reformulation_is_warned_with_the_concerns_as_evidence() -> None:
    a = _analyse(FR_UNHEARD, "fr")
    w = next(w for w in a.warnings if w.code == WarningCode.NO_REFORMULATION)
    assert w.evidence == [2]
    assert "Julien" in w.message and "épuisé" in w.message and "reformul" in w.message
    assert "Si je comprends bien" in w.suggestion
    english = _analyse([(s, t) for s, t in EN if "sounds" not in t and "So you" not in t],
                       "en")
    w = next(w for w in english.warnings if w.code == WarningCode.NO_REFORMULATION)
    assert w.evidence == [2, 6] and "never said back" in w.message


def test_no_warning_when_the_manager_reformulated_or_no_concern_was_raised() -> None:
    for lines, lang in ((FR, "fr"), (EN, "en")):
        codes = {w.code for w in _analyse(lines, lang).warnings}
        assert WarningCode.NO_REFORMULATION not in codes
    calm = [FR_UNHEARD[0], ("Julien", "Le sprint avance bien, la démo est prête."),
            FR_UNHEARD[2]]
    assert WarningCode.NO_REFORMULATION not in {w.code for w in _analyse(calm, "fr").warnings}


def test_the_analysis_json_carries_listening() -> None:
    doc = _analyse(FR, "fr").model_dump(mode="json")
    assert doc["listening"]["reflections"] == 2 and doc["listening"]["evidence"] == [3, 8]
    assert doc["listening"]["acknowledgement_evidence"] == [5]
    # Roles unknown (speakers "Speaker 1", "Speaker 2"): listening is null, no warning.
    anonymous = Transcript(language="fr", utterances=[
        Utterance(id=i, speaker="Speaker 1" if s == "Claire" else "Speaker 2",
                  text=t.replace("Bonjour Julien, on", "On"))
        for i, (s, t) in enumerate(FR_UNHEARD, 1)])
    unknown = analyze_transcript(anonymous, manager="Claire", report="Julien",
                                 date="2026-03-02", extractor=FakeExtractor())
    assert WarningCode.ROLES_UNKNOWN in {w.code for w in unknown.warnings}
    assert unknown.model_dump(mode="json")["listening"] is None
    assert WarningCode.NO_REFORMULATION not in {w.code for w in unknown.warnings}


def test_reflections_per_meeting_trend_and_its_warning() -> None:
    settings = Settings(coaching={"trend_min_meetings": 3})
    metas = [MeetingCoaching(meeting_id=f"m{i}", date=dt.date(2026, 1, 5) + dt.timedelta(7 * i),
                             report="Julien", language="fr", reflections=r)
             for i, r in enumerate([4, 3, 3, 1, 0, 0])]
    t = trend("reflections", metas, settings)
    assert (t.first, t.last, t.direction) == (3.5, 0.0, "worse")
    analyses = [_analyse(FR if i < 3 else FR_UNHEARD, "fr").model_copy(update={
        "id": f"m{i}", "date": dt.date(2026, 1, 5) + dt.timedelta(7 * i)}) for i in range(6)]
    report = assemble(analyses, [], manager="Claire", since=None, as_of=dt.date(2026, 3, 1),
                      settings=settings)
    assert [m.reflections for m in report.meetings] == [2, 2, 2, 0, 0, 0]
    w = next(w for w in report.warnings if w.code == WarningCode.REFLECTIONS_WORSE)
    assert "reformulations" in w.message  # the meetings' language: French
    assert [(r.meeting_id, r.utterances) for r in w.evidence] == [("m4", [2]), ("m5", [2])]


# -- the AnnoMI eval's scoring -----------------------------------------------------------------

COLUMNS = ["transcript_id", "utterance_id", "interlocutor", "utterance_text", "annotator_id",
           "reflection_exists", "reflection_subtype"]


def _row(tid, uid, who, text, reflection="", subtype="", annotator="0"):
    return [tid, uid, who, text, annotator, reflection, subtype]


def test_the_eval_scores_reflections_against_the_labels(tmp_path) -> None:
    rows = [
        _row(0, 0, "therapist", "What brings you here today?", "False"),
        _row(0, 1, "client", "I'm worried about my drinking, it keeps getting worse."),
        _row(0, 2, "therapist", "It sounds like the drinking worries you.", "True", "simple"),
        _row(0, 3, "client", "Yes."),
        _row(0, 4, "therapist", "How many drinks do you have a week?", "True", "complex"),
        _row(1, 0, "client", "My boss keeps shouting at me in meetings."),
        _row(1, 1, "therapist", "So you feel humiliated at work.", "True", "complex"),
        # Two annotators of three say no: the majority label is no reflection.
        *[_row(1, 2, "therapist", "So you want to change jobs soon.", v, "simple", str(k))
          for k, v in enumerate(["True", "False", "False"])],
    ]
    path = tmp_path / "annomi.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([COLUMNS, *rows])
    data = load_annomi(path)
    assert sorted(data) == [0, 1] and [u["gold"] for u in data[1]] == [None, True, False]
    s = score(data)
    # tp: 0/2 and 1/1; fn: 0/4 (an asking question); fp: 1/2 (outvoted).
    assert (s["tp"], s["fp"], s["fn"]) == (2, 1, 1)
    assert (s["precision"], s["recall"], s["f1"]) == (0.6667, 0.6667, 0.6667)
    assert s["recall_by_subtype"] == {"complex": 0.5, "simple": 1.0}
    assert score({0: data[0]})["transcripts"] == 1
