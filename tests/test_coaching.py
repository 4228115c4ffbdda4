"""The per-meeting coaching checks of copilot.analyze.critique: pure functions over hand-made
utterances, and the pipeline with a FakeExtractor. No NLP model is loaded."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from copilot.analyze.base import FakeExtractor
from copilot.analyze.critique import feedback, follow_up, next_steps, questions
from copilot.analyze.critique import talk as talk_checks
from copilot.analyze.talk import compute_talk
from copilot.models import (
    Extraction,
    FeedbackItem,
    NextStep,
    Question,
    Transcript,
    Utterance,
    WarningCode,
)
from copilot.pipeline import analyze_transcript
from copilot.settings import Settings


def U(i: int, role: str, text: str) -> Utterance:
    speaker = "Claire" if role == "manager" else "Julien"
    return Utterance(id=i, speaker=speaker, role=role, text=text)


def T(*utts: Utterance) -> Transcript:
    return Transcript(utterances=list(utts), language="fr")


def fb(i: int, text: str, polarity: str, target: str = "behavior") -> FeedbackItem:
    return FeedbackItem(text=text, polarity=polarity, target=target, evidence=[i],
                        given_by="Claire")


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


# -- feedback --------------------------------------------------------------------------------------

def test_criticism_without_facts_is_flagged_with_its_evidence() -> None:
    t = T(U(1, "manager", "Ce rapport n'est pas au niveau."),
          U(2, "manager", "Le devis est parti avec deux jours de retard."))
    ex = Extraction(feedback=[fb(1, "Ce rapport n'est pas au niveau.", "negative"),
                              fb(2, "Le devis est parti avec deux jours de retard.", "negative")])
    out = [w for w in feedback.feedback_warnings(t, ex, Settings(), "Claire")
           if w.code == WarningCode.CRITICISM_WITHOUT_FACTS]
    assert [w.evidence for w in out] == [[1]]  # the dated criticism is not flagged
    assert "n'est pas au niveau" in out[0].message and out[0].suggestion


def test_a_fact_elsewhere_in_the_same_turn_counts() -> None:
    t = T(U(1, "manager", "Ce n'est pas au niveau : il manquait l'annexe mardi."))
    ex = Extraction(feedback=[fb(1, "Ce n'est pas au niveau.", "negative")])
    found = codes(feedback.feedback_warnings(t, ex, Settings(), "Claire"))
    assert WarningCode.CRITICISM_WITHOUT_FACTS not in found


def test_balance_and_order_of_praise_and_criticism() -> None:
    crit = [fb(i, f"Il manquait l'annexe {i} lundi.", "negative") for i in (1, 2, 3, 4)]
    praise = fb(5, "Bravo pour la démo de mardi.", "positive")
    t = T(*(U(f.evidence[0], "manager", f.text) for f in [*crit, praise]))
    ex = Extraction(feedback=[*crit, praise])
    found = {w.code: w for w in feedback.feedback_warnings(t, ex, Settings(), "Claire")}
    assert set(found) == {WarningCode.FEEDBACK_BALANCE, WarningCode.CRITICISM_BEFORE_PRAISE}
    assert found[WarningCode.FEEDBACK_BALANCE].evidence == [1, 2, 3, 4]  # 4 of 5 = 80%
    assert found[WarningCode.CRITICISM_BEFORE_PRAISE].evidence == [1, 5]
    # Praise first, then two criticisms (2 of 3 < 80%): neither warning.
    first = fb(1, "Bravo pour la démo de mardi.", "positive")
    later = [fb(i, f"Il manquait l'annexe {i} lundi.", "negative") for i in (2, 3)]
    t2 = T(*(U(f.evidence[0], "manager", f.text) for f in [first, *later]))
    assert codes(feedback.feedback_warnings(t2, Extraction(feedback=[first, *later]), Settings(),
                                            "Claire")) == []
    # The threshold is a setting: at 60%, two of three is too much criticism.
    assert codes(feedback.feedback_warnings(t2, Extraction(feedback=[first, *later]),
                                            Settings(critique={"criticism_share_threshold": 0.6}),
                                            "Claire")) \
        == [WarningCode.FEEDBACK_BALANCE]


def test_feedback_from_the_report_is_not_the_managers() -> None:
    t = T(U(1, "report", "Tu ne m'as pas prévenu."))
    item = FeedbackItem(text="Tu ne m'as pas prévenu.", polarity="negative", target="behavior",
                        evidence=[1], given_by="Julien")
    assert feedback.feedback_warnings(t, Extraction(feedback=[item]), Settings(), "Claire") == []


# -- questions -------------------------------------------------------------------------------------

def _questions(*pairs: tuple[int, str, str]) -> list[Question]:
    return [Question(text=text, kind=kind, evidence=[i]) for i, text, kind in pairs]


def test_leading_questions_from_the_configured_count() -> None:
    qs = _questions((1, "Tu ne crois pas qu'il faudrait relancer ?", "leading"),
                    (3, "You finished it, right?", "leading"), (5, "Comment ça va ?", "open"))
    t = T(U(1, "manager", qs[0].text), U(3, "manager", qs[1].text), U(5, "manager", qs[2].text))
    found = questions.question_warnings(t, Extraction(questions=qs), Settings(), "Claire")
    w = next(w for w in found if w.code == WarningCode.LEADING_QUESTIONS)
    assert w.evidence == [1, 3] and "relancer" in w.message
    one = Extraction(questions=qs[:1])
    assert WarningCode.LEADING_QUESTIONS not in codes(
        questions.question_warnings(t, one, Settings(), "Claire"))
    assert WarningCode.LEADING_QUESTIONS in codes(
        questions.question_warnings(t, one, Settings(critique={"leading_questions_min": 1}),
                                    "Claire"))


def test_status_review_only_unless_the_person_comes_up() -> None:
    qs = _questions((1, "Tu en es où sur le deal Ardent ?", "closed"),
                    (3, "Tu les as relancés ?", "closed"),
                    (5, "Combien de rendez-vous cette semaine ?", "closed"))
    t = T(*(U(q.evidence[0], "manager", q.text) for q in qs))
    w = questions.question_warnings(t, Extraction(questions=qs), Settings(), "Claire")
    assert [(x.code, x.evidence) for x in w] == [(WarningCode.STATUS_REVIEW_ONLY, [1, 3, 5])]
    personal = T(*t.utterances, U(7, "manager", "Et toi, comment tu te sens en ce moment ?"))
    assert questions.question_warnings(personal, Extraction(questions=qs), Settings(),
                                       "Claire") == []


# -- opening, next steps ---------------------------------------------------------------------

def test_report_not_first_counts_the_managers_words_before_the_report_talks() -> None:
    long = " ".join(["mot"] * 40)
    t = T(U(1, "manager", long), U(2, "report", "Oui."), U(3, "manager", long),
          U(4, "report", " ".join(["parole"] * 25)), U(5, "manager", long))
    w = talk_checks.opening_warning(t, Settings(), "Claire", "Julien")
    assert w is not None and w.code == WarningCode.REPORT_NOT_FIRST and w.evidence == [1, 3]
    assert "80 mots" in w.message  # a French meeting: its warnings in French
    first = T(U(1, "manager", "Comment ça va ?"), U(2, "report", " ".join(["parole"] * 25)),
              U(3, "manager", long), U(4, "report", "ok"))
    assert talk_checks.opening_warning(first, Settings(), "Claire", "Julien") is None


def test_unclear_next_steps_name_what_is_missing() -> None:
    steps = [NextStep(owner="Julien", action="envoyer le forecast", evidence=[2]),
             NextStep(owner="Claire", action="voir la direction", evidence=[3]),
             NextStep(owner="Julien", action="appeler Ardent", due=dt.date(2026, 3, 6),
                      evidence=[4])]
    w = next_steps.next_step_warning(Extraction(next_steps=steps), Settings())
    assert w is not None and w.evidence == [2, 3] and "no date" in w.message
    assert next_steps.next_step_warning(Extraction(next_steps=steps[2:]), Settings()) is None


# -- follow-up of the previous meeting ------------------------------------------------------------

class Prior(NamedTuple):  # the shape of copilot.memory.store.OpenStep
    step: NextStep
    meeting_id: str
    meeting_date: dt.date


def _prior(action: str, owner: str = "Julien", role: str = "report", day: int = 2,
           meeting: str = "m1") -> Prior:
    step = NextStep(owner=owner, owner_role=role, action=action, evidence=[9])
    return Prior(step, meeting, dt.date(2026, 3, day))


def test_commitments_of_the_previous_meeting_must_come_back() -> None:
    t = T(U(1, "manager", "Tu as pu envoyer le forecast à jour ?"), U(2, "report", "Oui, hier."))
    kept = _prior("envoyer le forecast à jour")
    dropped = _prior("demander le budget formation aux RH", owner="Claire", role="manager")
    older = _prior("réserver la salle du séminaire", day=1, meeting="m0")
    out = follow_up.revisit_warnings(t, [kept, dropped, older], Settings(), "Claire", "Julien")
    assert len(out) == 1  # only the latest earlier meeting counts; the forecast came back
    w = out[0]
    assert w.code == WarningCode.COMMITMENTS_NOT_REVISITED and w.evidence_meeting == "m1"
    assert w.evidence == [9] and "budget formation" in w.message
    assert "du manager lui-même" in w.message  # a French meeting: its warnings in French
    assert follow_up.revisit_warnings(t, [], Settings(), "Claire", "Julien") == []


def test_pipeline_passes_previous_commitments_to_the_critique() -> None:
    utts = [U(1, "manager", "Comment ça va ?"), U(2, "report", " ".join(["parole"] * 30)),
            U(3, "manager", "On fait le point sur le salon."), U(4, "report", "Très bien.")]
    ex = Extraction(questions=_questions((1, "Comment ça va ?", "open")),
                    next_steps=[NextStep(owner="Julien", action="préparer le salon",
                                         due=dt.date(2026, 3, 9), evidence=[3])])
    a = analyze_transcript(T(*utts), manager="Claire", report="Julien", date="2026-03-09",
                           settings=Settings(), extractor=FakeExtractor().enqueue(ex),
                           previous=[_prior("envoyer le devis Bertin")])
    assert codes(a.warnings) == [WarningCode.COMMITMENTS_NOT_REVISITED]
    # Without `previous` (the old signature) nothing is said about follow-up.
    b = analyze_transcript(T(*utts), manager="Claire", report="Julien", date="2026-03-09",
                           settings=Settings(), extractor=FakeExtractor().enqueue(ex))
    assert b.warnings == []


def test_talk_counts_leading_questions_apart() -> None:
    qs = _questions((1, "a", "open"), (2, "b", "closed"), (3, "c", "leading"), (4, "d", "leading"))
    talk = compute_talk([U(1, "manager", "un deux"), U(2, "report", "trois")], qs)
    assert (talk.questions.open, talk.questions.closed, talk.questions.leading) == (1, 1, 2)
