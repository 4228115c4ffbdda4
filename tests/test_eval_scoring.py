"""The eval harness: scoring arithmetic on hand-made items, and the labelled case files.

None of this needs the rules engine or ../shared/eval-data: the end-to-end test swaps the
pipeline for one that returns the gold labels, which must then score exactly 1.0.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `eval` is not an installed package; plain `pytest` needs this
    sys.path.insert(0, str(ROOT))

from copilot.models import Analysis, Fact, FeedbackItem, NextStep, Question, Warning
from copilot.settings import CritiqueSettings
from eval import external
from eval.cases import (
    WARNING_CODES,
    CaseError,
    derived_warnings,
    load_case,
    load_cases,
    manager_word_share,
)
from eval.defaults import gold_thresholds
from eval.scoring import (
    PRF,
    Item,
    aggregate,
    binary,
    classification,
    match,
    merge_same_evidence,
    score_case,
    score_items,
    score_warnings,
    to_item,
)


def it(evidence, text="", **fields):
    return Item(frozenset(evidence), fields, text)


# --- counts -----------------------------------------------------------------------------------


def test_prf_values_and_undefined_cases():
    prf = PRF(tp=2, fp=1, fn=3)
    assert prf.precision == pytest.approx(2 / 3)
    assert prf.recall == pytest.approx(2 / 5)
    assert prf.f1 == pytest.approx(2 * (2 / 3) * (2 / 5) / (2 / 3 + 2 / 5))
    assert prf.support == 5
    assert PRF(0, 0, 0).precision is None and PRF(0, 0, 0).f1 is None  # nothing to measure
    assert PRF(0, 2, 0).recall is None and PRF(0, 2, 0).precision == 0.0
    assert PRF(0, 1, 1).f1 == 0.0
    assert PRF(1, 1, 0) + PRF(0, 2, 3) == PRF(1, 3, 3)
    assert PRF(1, 1, 0).as_dict() == {
        "tp": 1,
        "fp": 1,
        "fn": 0,
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
        "support": 1,
    }


# --- matching ---------------------------------------------------------------------------------


def test_match_needs_intersecting_evidence_and_is_one_to_one():
    gold = [it([3]), it([7, 8])]
    pred = [it([8]), it([8]), it([4])]
    assert match(pred, gold) == [(0, 1)]  # [4] touches nothing; the second [8] finds no partner


def test_match_prefers_agreeing_fields_on_a_shared_turn():
    # Praise and criticism in one turn: each prediction must pair with the gold it agrees with.
    gold = [
        it([5], polarity="positive", target="behavior"),
        it([5], polarity="negative", target="person"),
    ]
    pred = [
        it([5], polarity="negative", target="person"),
        it([5], polarity="positive", target="behavior"),
    ]
    assert match(pred, gold) == [(1, 0), (0, 1)]
    res = score_items("feedback", pred, gold)
    assert res.counts["feedback.polarity"] == PRF(2, 0, 0)
    assert res.counts["feedback.target"] == PRF(2, 0, 0)


def test_match_prefers_larger_overlap_when_fields_tie():
    gold = [it([2, 3], kind="open"), it([3], kind="open")]
    pred = [it([3], kind="open")]
    assert match(pred, gold) == [(0, 1)]  # Jaccard 1.0 beats 0.5


# --- per-type and per-field scores ------------------------------------------------------------


def test_next_steps_detection_owner_and_due():
    gold = [
        it([2], owner="Zoé", due=dt.date(2026, 3, 6)),
        it([5, 6], owner="Marc", due=None),
        it([9], owner="Zoé", due=dt.date(2026, 3, 31)),
    ]
    pred = [
        it([2], owner=" zoe ", due=dt.date(2026, 3, 6)),  # owner key ignores case and accents
        it([6], owner="Marc", due=dt.date(2026, 3, 13)),  # matched, but gold has no due date
        it([12], owner="Marc", due=None),  # spurious
    ]
    res = score_items("next_steps", pred, gold)
    assert res.counts["next_steps"] == PRF(2, 1, 1)
    assert res.counts["next_steps.owner"] == PRF(2, 1, 1)
    assert res.counts["next_steps.due"] == PRF(1, 2, 2)
    assert res.counts["next_steps.due"].precision == pytest.approx(1 / 3)
    assert [sorted(i.evidence) for i in res.missed] == [[9]]
    assert [sorted(i.evidence) for i in res.spurious] == [[12]]
    assert res.wrong_fields == [
        {
            "field": "due",
            "gold": {"text": "", "evidence": [5, 6], "owner": "Marc", "due": None},
            "predicted": {"text": "", "evidence": [6], "owner": "Marc", "due": "2026-03-13"},
        }
    ]


def test_missing_owner_is_wrong_and_two_unowned_items_agree():
    res = score_items(
        "next_steps", [it([1], owner=None, due=None)], [it([1], owner="Zoé", due=None)]
    )
    assert res.counts["next_steps.owner"] == PRF(0, 1, 1)
    res = score_items(
        "next_steps", [it([1], owner=None, due=None)], [it([1], owner=None, due=None)]
    )
    assert res.counts["next_steps.owner"] == PRF(1, 0, 0)


def test_questions_kind_and_facts_detection():
    gold = [it([1], kind="open"), it([3], kind="closed"), it([5], kind="open")]
    pred = [it([1], kind="open"), it([3], kind="open"), it([4], kind="closed")]
    res = score_items("questions", pred, gold)
    assert res.counts["questions"] == PRF(2, 1, 1)
    assert res.counts["questions.kind"] == PRF(1, 2, 2)
    facts = score_items("facts", [it([2]), it([2]), it([6])], [it([2]), it([7])])
    assert facts.counts == {"facts": PRF(1, 2, 1)}  # facts: detection only, no field


def test_sentence_level_facts_count_once_per_utterance():
    # Gold facts are one per utterance; two sentence-level facts of turn 4 are one prediction.
    pred = [it([4], "On est à 55 %."), it([4], "Le client a signé."), it([4, 5], "x"), it([9], "y")]
    merged = merge_same_evidence(pred)
    assert [(sorted(i.evidence), i.text) for i in merged] == [
        ([4], "On est à 55 %. / Le client a signé."),
        ([4, 5], "x"),
        ([9], "y"),
    ]
    res = score_case({"facts": pred}, {"facts": [it([4]), it([5])]}, [], [], WARNING_CODES)
    assert res.counts["facts"] == PRF(2, 1, 0)
    # Other types keep every prediction: two next steps in one turn are two commitments.
    res = score_case({"next_steps": pred[:2]}, {"next_steps": [it([4])]}, [], [], WARNING_CODES)
    assert res.counts["next_steps"] == PRF(1, 1, 0)


def test_empty_sides():
    assert score_items("facts", [], []).counts["facts"] == PRF(0, 0, 0)
    assert score_items("facts", [it([1])], []).counts["facts"] == PRF(0, 1, 0)
    assert score_items("facts", [], [it([1])]).counts["facts"] == PRF(0, 0, 1)


def test_warnings_over_known_codes_only():
    counts = score_warnings(
        ["no_next_steps", "personal_feedback", "roles_unknown"],
        ["personal_feedback", "few_open_questions"],
        WARNING_CODES,
    )
    assert counts["warnings"] == PRF(1, 1, 1)  # roles_unknown is not a scored code
    assert counts["warnings.personal_feedback"] == PRF(1, 0, 0)
    assert counts["warnings.no_next_steps"] == PRF(0, 1, 0)
    assert counts["warnings.few_open_questions"] == PRF(0, 0, 1)
    assert counts["warnings.no_speakers"] == PRF(0, 0, 0)


def test_micro_average_sums_counts_over_cases():
    case1 = {"facts": PRF(1, 0, 0)}
    case2 = {"facts": PRF(0, 0, 3), "questions": PRF(2, 2, 0)}
    total = aggregate([case1, case2])
    assert total["facts"] == PRF(1, 0, 3)
    assert total["facts"].precision == 1.0 and total["facts"].recall == 0.25
    assert total["facts"].f1 == pytest.approx(0.4)  # macro over cases would give 0.5
    assert total["questions"] == PRF(2, 2, 0)


def test_score_case_with_models_lists_errors_with_text():
    gold = {
        "next_steps": [it([4], "envoyer le plan", owner="Inès", due=dt.date(2026, 3, 6))],
        "questions": [it([1], "Comment ça va ?", kind="open")],
    }
    step = NextStep(
        owner="ines", action="envoyer le plan", due=dt.date(2026, 3, 6), evidence=[4, 5]
    )
    q = Question(text="Tu en es où ?", kind="closed", evidence=[3])
    pred = {"next_steps": [to_item("next_steps", step)], "questions": [to_item("questions", q)]}
    res = score_case(pred, gold, ["no_speakers"], [], WARNING_CODES)
    assert res.counts["next_steps"] == PRF(1, 0, 0)
    assert res.counts["next_steps.owner"] == PRF(1, 0, 0)
    assert res.counts["questions"] == PRF(0, 1, 1)
    assert res.counts["feedback"] == PRF(0, 0, 0)
    assert res.counts["warnings"] == PRF(0, 1, 0)
    assert res.errors["questions"]["missed"] == [
        {"text": "Comment ça va ?", "evidence": [1], "kind": "open"}
    ]
    assert res.errors["questions"]["spurious"] == [
        {"text": "Tu en es où ?", "evidence": [3], "kind": "closed"}
    ]


# --- classification metrics (external sets) --------------------------------------------------


def test_classification_and_binary():
    rep = classification(
        ["open", "open", "closed", "closed"], ["open", "closed", "closed", None], ("open", "closed")
    )
    assert rep["n"] == 4 and rep["accuracy"] == 0.5
    assert rep["per_class"]["open"] == {
        "tp": 1,
        "fp": 0,
        "fn": 1,
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    assert rep["per_class"]["closed"]["f1"] == 0.5
    assert rep["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 2, abs=1e-4)
    assert binary([True, True, False, False], [True, False, True, False]) == PRF(1, 1, 1)
    assert classification([], [], ("open", "closed"))["accuracy"] is None


def test_external_sets_on_tiny_csvs(tmp_path):
    annomi = tmp_path / external.ANNOMI
    annomi.parent.mkdir(parents=True)
    annomi.write_text(
        "interlocutor,utterance_text,question_subtype\n"
        "therapist,How do you feel?,open\ntherapist,Did you drink?,closed\n"
        "therapist,That sounds hard.,n/a\nclient,What now?,n/a\ntherapist,Why not?,open\n",
        encoding="utf-8",
    )
    kind = lambda text, lang: "open" if text.startswith(("How", "What")) else "closed"
    rep = external.annomi(annomi, kind)
    assert (rep["n"], rep["accuracy"], rep["errors"]) == (3, round(2 / 3, 4), 0)

    review = tmp_path / external.CODE_REVIEW
    review.parent.mkdir(parents=True)
    header = "description," + ",".join(external.TRAITS)
    rows = [
        ("You are clueless", [1, 0, 1, 0, 0, 0, 0, 0, 0]),
        ("Please rename x", [0] * 9),
        ("This is vague", [0, 0, 0, 1, 0, 0, 0, 0, 0]),
        ("You never test", [1, 0, 0, 0, 0, 0, 0, 0, 0]),
    ]
    review.write_text(
        header + "\n" + "\n".join(f"{t},{','.join(map(str, v))}" for t, v in rows), encoding="utf-8"
    )
    fb = lambda text, lang: (
        "negative",
        "person" if "clueless" in text or "rename" in text else None,
    )
    rep = external.code_review(review, fb)
    assert (rep["n"], rep["positives"], rep["tp"], rep["fp"], rep["fn"]) == (4, 2, 1, 1, 1)
    assert (rep["clean_n"], rep["clean_false_positives"], rep["clean_false_positive_rate"]) == (
        1,
        1,
        1.0,
    )


def test_run_external_skips_a_missing_folder(tmp_path):
    assert "skipped" in external.run_external(tmp_path / "nope")


# --- the labelled case files ------------------------------------------------------------------


CASES = load_cases()


def test_case_set_covers_what_it_should():
    assert len(CASES) >= 40  # issue 14: at least 40 1:1s, half of them held out
    assert (
        sum(c.language == "fr" for c in CASES) >= 8 and sum(c.language == "en" for c in CASES) >= 8
    )
    assert sum(c.format == "notes" for c in CASES) >= 2
    heldout = sum(c.split == "heldout" for c in CASES) / len(CASES)
    assert 0.45 <= heldout <= 0.55
    assert len({c.id for c in CASES}) == len(CASES)
    text_cases = [c for c in CASES if c.format == "text"]
    assert all(8 <= len(c.utterances) <= 25 for c in text_cases)
    codes = {w for c in CASES for w in c.warnings}
    assert codes == set(WARNING_CODES)  # every warning is exercised by some case


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_labels_are_consistent(case):
    # Loading already checked ids, owners, dates and due_text; here the derived facts.
    assert set(case.warnings) == derived_warnings(case)
    share = manager_word_share(case)
    if share is not None:  # keep clear of the threshold so tokenizer details cannot flip it
        assert abs(share - gold_thresholds().manager_share) >= 0.03, share
    for step in case.next_steps:
        assert step.due is None or step.due.year == case.date.year


def test_gold_thresholds_are_the_settings_defaults_whatever_the_environment(monkeypatch):
    monkeypatch.setenv("COPILOT_MIN_QUESTIONS", "9")
    monkeypatch.setenv("COPILOT_MANAGER_SHARE_THRESHOLD", "0.9")
    gold_thresholds.cache_clear()
    try:
        limits = gold_thresholds()
    finally:
        gold_thresholds.cache_clear()
    fields = CritiqueSettings.model_fields
    assert limits.min_questions == fields["min_questions"].default
    assert limits.manager_share == fields["manager_share_threshold"].default
    assert limits.open_share == fields["open_question_share_threshold"].default
    assert limits.no_question_min_utterances == fields["no_question_min_utterances"].default
    assert limits.no_next_steps_min_utterances == fields["no_next_steps_min_utterances"].default


def test_label_typos_are_caught(tmp_path):
    good = (ROOT / "eval" / "data" / "cases" / "en07-reorg-chat.toml").read_text(encoding="utf-8")
    for bad, why in [
        (good.replace("evidence = [8]", "evidence = [13]"), "outside 1..12"),
        (good.replace('split = "heldout"', 'split = "test"'), "split"),
        (good.replace('date = "2026-04-16"', 'date = "2026-04-31"'), "date"),
        (good.replace("evidence = [7]", "evidence = [8]"), "not the manager's"),
        (good.replace("Nina: Sure.", "Sure."), "not a 'Name: text' turn"),
    ]:
        path = tmp_path / "en07-reorg-chat.toml"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(CaseError, match=why):
            load_case(path)


# --- end to end, with the gold labels as the prediction ---------------------------------------


def _perfect_analysis(case):
    def fake_analyze_text(text, *, manager, report, date, lang, filename, **_ignored):
        return Analysis(
            id="x",
            date=date,
            language=case.language,
            manager=manager,
            report=report,
            utterances=[],
            source_format=case.format,
            next_steps=[
                NextStep(owner=s.owner, action=s.action, due=s.due, evidence=s.evidence)
                for s in case.next_steps
            ],
            feedback=[
                FeedbackItem(text="t", polarity=f.polarity, target=f.target, evidence=f.evidence)
                for f in case.feedback
            ],
            questions=[
                Question(text="q", kind=q.kind, evidence=q.evidence) for q in case.questions
            ],
            facts=[Fact(text="f", evidence=f.evidence) for f in case.facts],
            warnings=[Warning(code=w, message="m") for w in case.warnings],
        )

    return fake_analyze_text


def test_main_scores_gold_as_perfect(tmp_path, monkeypatch):
    import copilot.pipeline
    from eval import __main__ as cli

    cases = {c.transcript: c for c in CASES}
    monkeypatch.setattr(
        copilot.pipeline,
        "analyze_text",
        lambda text, **kw: _perfect_analysis(cases[text])(text, **kw),
    )
    out = tmp_path / "r.json"
    assert cli.main(["--shared", str(tmp_path / "none"), "--out", str(out), "--verbose"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["n_cases"] == len(CASES) and "skipped" in doc["external"]
    for key, value in doc["scores"]["all"].items():
        if value["support"]:
            assert value["f1"] == 1.0, key
    assert all(
        not any(e["missed"] or e["spurious"] for e in r["errors"].values()) for r in doc["cases"]
    )
    assert cli.main(["--split", "heldout", "--shared", str(tmp_path), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["n_cases"] == sum(
        c.split == "heldout" for c in CASES
    )


def test_main_exits_non_zero_when_cases_do_not_load(tmp_path, monkeypatch):
    from eval import __main__ as cli

    def broken(**_kw):
        raise CaseError("x.toml: boom")

    monkeypatch.setattr(cli, "load_cases", broken)
    assert cli.main(["--out", str(tmp_path / "r.json")]) == 2
