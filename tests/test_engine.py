"""The real rules engine (spaCy models loaded once) on small French and English meetings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from copilot.pipeline import analyze_path, analyze_text

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "one_on_one_fr.txt"

EN = """\
Sam: Hi Alex, how are you feeling about the launch?
Alex: Honestly a bit stressed. We shipped version 2.3 on Tuesday and 40 customers migrated.
Sam: Great job on the launch deck, the demo was very clear.
Alex: Thanks. The billing export is still broken though.
Sam: Can you send me the incident report by Friday?
Alex: Sure, I'll send it Friday morning.
Sam: You're so lazy with documentation, honestly.
Alex: I understand.
Sam: I'll ask finance for the extra budget next week.
"""


@pytest.fixture(scope="module")
def fr():
    return analyze_path(EXAMPLE, manager="Claire", report="Julien", date="2026-03-02")


@pytest.fixture(scope="module")
def en():
    return analyze_text(EN, manager="Sam", report="Alex", date="2026-03-02")


def test_french_next_steps_owner_and_due(fr) -> None:
    steps = {(s.owner, s.due): s for s in fr.next_steps}
    report_step = steps[("Julien", dt.date(2026, 3, 6))]  # "Tu m'envoies ... d'ici vendredi ?"
    assert report_step.action == "envoyer le plan de relance à Claire"
    assert report_step.evidence == [9, 10]  # the request and its acceptance
    manager_step = steps[("Claire", dt.date(2026, 3, 15))]  # "je demande ... avant le 15 mars"
    assert manager_step.action.startswith("demander le budget formation aux RH")
    assert manager_step.owner_role == "manager"
    both = [s for s in fr.next_steps if s.owner_role == "both"]
    assert both and both[0].due == dt.date(2026, 3, 13)


def test_french_feedback_and_questions(fr) -> None:
    kinds = {(f.polarity, f.target) for f in fr.feedback}
    assert kinds == {("positive", "behavior"), ("negative", "behavior")}
    assert all(f.evidence for f in fr.feedback)
    by_id = {q.evidence[0]: q.kind for q in fr.questions}
    assert by_id[1] == "open" and by_id[3] == "open" and by_id[5] == "closed"
    assert fr.talk.questions.open == sum(q.kind == "open" for q in fr.questions)


def test_french_facts_and_metrics(fr) -> None:
    fact_ids = {i for f in fr.facts for i in f.evidence}
    assert 2 in fact_ids and 4 in fact_ids  # the signed contract, the 14 of 40 clients
    assert 1 not in fact_ids  # a greeting is not a fact
    assert fr.talk.basis == "time"
    assert fr.talk.manager_share + fr.talk.report_share == pytest.approx(1.0, abs=1e-3)
    assert fr.language == "fr"
    assert not any(w.code == "personal_feedback" for w in fr.warnings)


def test_english_meeting(en) -> None:
    assert en.language == "en" and en.talk.basis == "words"
    person = [f for f in en.feedback if f.target == "person"]
    assert len(person) == 1 and person[0].evidence == [7] and person[0].suggestion
    warn = [w for w in en.warnings if w.code == "personal_feedback"]
    assert warn and warn[0].evidence == [7]
    steps = {(s.owner, s.due) for s in en.next_steps}
    assert ("Alex", dt.date(2026, 3, 6)) in steps
    assert ("Sam", dt.date(2026, 3, 13)) in steps
    first_q = next(q for q in en.questions if q.evidence == [1])
    assert first_q.kind == "open"


def test_notes_give_next_steps_without_talk() -> None:
    notes = ("# Point Julien\n\n- Signé Dupont : 120 k€\n\n## Prochaines étapes\n"
             "- Julien : envoyer le plan de relance avant vendredi\n"
             "- Claire : demander le budget aux RH\n")
    a = analyze_text(notes, manager="Claire", report="Julien", date="2026-03-02",
                     filename="notes.md")
    assert a.talk is None
    assert [w.code for w in a.warnings] == ["no_speakers"]
    owners = {(s.owner, s.due) for s in a.next_steps}
    assert owners == {("Julien", dt.date(2026, 3, 6)), ("Claire", None)}


def test_due_words_are_cut_from_the_action_at_word_boundaries() -> None:
    a = analyze_text("Claire: Je demande le budget à la direction cette semaine.\nJulien: Merci.\n",
                     manager="Claire", report="Julien", date="2026-03-02")
    assert [(s.action, s.due) for s in a.next_steps] == [
        ("demander le budget à la direction", dt.date(2026, 3, 6))]
