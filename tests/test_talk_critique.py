"""Talk metrics and critique are pure functions: tested on hand-made utterances and a fake
engine."""

from __future__ import annotations

from copilot.analyze.base import FakeExtractor
from copilot.analyze.roles import infer_roles
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


def U(i, speaker, text, start=None, end=None, role=None):
    return Utterance(id=i, speaker=speaker, text=text, start=start, end=end, role=role)


def test_time_basis_and_monologue() -> None:
    utts = [
        U(1, "Claire", "Bonjour comment ça va", 0, 10, "manager"),
        U(2, "Claire", "je voulais aussi dire", 10, 40, "manager"),
        U(3, "Julien", "ça va bien merci", 40, 60, "report"),
    ]
    talk = compute_talk(utts, [Question(text="?", kind="open", evidence=[1])])
    assert talk.basis == "time"
    assert talk.manager_share == 0.6667 and talk.report_share == 0.3333
    assert talk.turns == 2
    assert talk.longest_monologue.evidence == [1, 2] and talk.longest_monologue.seconds == 40
    assert talk.questions.open == 1 and talk.questions.closed == 0


def test_words_basis_when_a_turn_has_no_time() -> None:
    utts = [U(1, "A", "one two three", 0, 5), U(2, "B", "four")]
    talk = compute_talk(utts, [])
    assert talk.basis == "words"
    assert [s.share for s in talk.speakers] == [0.75, 0.25]
    assert talk.manager_share is None  # nobody matched the manager


def test_roles_from_names() -> None:
    assert infer_roles(["Claire Martin", "Julien"], "claire", "Julien") == {
        "Claire Martin": "manager", "Julien": "report"}
    assert infer_roles(["CLAIRE", "Speaker 2"], "Claire", "Julien") == {
        "CLAIRE": "manager", "Speaker 2": "report"}
    assert infer_roles(["Speaker 1", "Speaker 2"], "Claire", "Julien") == {}
    assert infer_roles(["Zoé", "Bob"], "zoe", "Bob") == {"Zoé": "manager", "Bob": "report"}


def _transcript(utts):
    return Transcript(utterances=utts, language="fr")


def _manager_talks_most():
    """Eight turns, Claire 30 words each and Julien 5: the manager talks 86% of the words."""
    return [U(i, "Claire" if i % 2 else "Julien", "mot " * (30 if i % 2 else 5))
            for i in range(1, 9)]


def test_critique_warnings_with_evidence() -> None:
    utts = _manager_talks_most()
    fake = FakeExtractor().enqueue(Extraction(
        feedback=[FeedbackItem(text="Tu es désorganisé.", polarity="negative", target="person",
                               evidence=[3], suggestion="SBI", given_by="Claire")],
        questions=[Question(text="Tu as fini ?", kind="closed", evidence=[i]) for i in (1, 5, 7)],
    ))
    a = analyze_transcript(_transcript(utts), manager="Claire", report="Julien",
                           date="2026-03-02", settings=Settings(), extractor=fake)
    codes = {w.code: w for w in a.warnings}
    # The coaching checks add more codes on this status-only, manager-first meeting.
    assert set(codes) == {
        WarningCode.MANAGER_DOMINATED_TALK, WarningCode.PERSONAL_FEEDBACK,
        WarningCode.NO_NEXT_STEPS, WarningCode.FEW_OPEN_QUESTIONS,
        WarningCode.STATUS_REVIEW_ONLY, WarningCode.REPORT_NOT_FIRST}
    personal = codes[WarningCode.PERSONAL_FEEDBACK]
    assert personal.evidence == [3] and personal.suggestion == "SBI"
    assert codes[WarningCode.FEW_OPEN_QUESTIONS].evidence == [1, 5, 7]
    assert codes[WarningCode.MANAGER_DOMINATED_TALK].evidence  # cites the manager's turns
    assert fake.history[0][1].manager == "Claire"


def test_threshold_is_configurable_and_next_steps_silence_warning() -> None:
    utts = _manager_talks_most()
    fake = FakeExtractor().enqueue(Extraction(
        next_steps=[NextStep(owner="Julien", action="envoyer le plan", evidence=[2])],
        questions=[Question(text="Comment ?", kind="open", evidence=[1])],
    ))
    settings = Settings(critique={"manager_share_threshold": 0.95, "opening_manager_words": 500,
                                  "dated_next_steps_share": 0.0})
    a = analyze_transcript(_transcript(utts), manager="Claire", report="Julien",
                           date="2026-03-02", settings=settings, extractor=fake)
    assert [w.code for w in a.warnings] == []


def test_unknown_roles_warns_with_quotes() -> None:
    utts = [U(1, "Speaker 1", "Bonjour"), U(2, "Speaker 2", "Salut"),
            U(3, "Speaker 1", "On avance")]
    a = analyze_transcript(_transcript(utts), manager="Claire", report="Julien",
                           date="2026-03-02", settings=Settings(), extractor=FakeExtractor())
    w = next(w for w in a.warnings if w.code == WarningCode.ROLES_UNKNOWN)
    assert w.evidence == [1, 2] and "Speaker 1" in w.message
    assert a.talk.manager_share is None
