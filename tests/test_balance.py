"""The balance of the conversation: the classifier on real fr/en talk, shares by time and by
words, the mostly_failures warning, weeks without development talk (coaching warning and agenda
item, on a real SQLite store), and the eval's scorer. No NLP model."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from copilot.analyze.balance import classify, compute_balance, cue_scores, shares
from copilot.analyze.base import FakeExtractor
from copilot.analyze.critique.balance import mostly_failures_warning
from copilot.ingest.formats import parse_text
from copilot.memory import Store, build_agenda
from copilot.models import (
    Analysis,
    BalanceShare,
    Extraction,
    TalkKind,
    Transcript,
    Utterance,
    WarningCode,
)
from copilot.pipeline import analyze_transcript
from copilot.reports.coaching import build_report
from copilot.settings import get_settings
from eval import balance as ev

K = TalkKind
FAILURES_FR = ev.transcript(next(m["text"] for m in ev.tomllib.loads(
    (ev.DATA / "meetings.toml").read_text(encoding="utf-8"))["meeting"]
    if m["id"] == "fr-failures"), "fr")
BALANCED_EN = """Sam: How are you doing these days?
Alex: Good, a bit tired but fine.
Sam: Great job on Tuesday's demo, the client loved it.
Alex: Thanks, we rehearsed a lot.
Sam: The deploy on Friday failed though, what happened?
Alex: An untested migration script, it's fixed now.
Sam: Okay. This sprint you take the export tickets?
Alex: Yes, and the demo to sales is on Thursday.
Sam: Where do you see yourself in two years?
Alex: I'd like to move towards a tech lead role and take a training in architecture."""


def _u(*texts: str, times: list[tuple[float, float]] | None = None) -> list[Utterance]:
    return [Utterance(id=i, speaker="A" if i % 2 else "B", text=t,
                      start=times[i - 1][0] if times else None,
                      end=times[i - 1][1] if times else None)
            for i, t in enumerate(texts, 1)]


def test_each_kind_is_recognised_in_french_and_english() -> None:
    fr = _u("Où en est le devis pour le client ? On livre le lot deux mardi ?",
            "La mise en production a planté vendredi, le client est mécontent.",
            "Bravo pour la démo, beau travail, ils ont adoré.",
            "Tu te vois où dans deux ans ? Tech lead, une formation ?",
            "Je suis épuisé, beaucoup de pression et je dors mal.")
    assert [lab.kind for lab in classify(fr, "fr")] == [K.OPERATIONS, K.PROBLEMS, K.SUCCESSES,
                                                        K.DEVELOPMENT, K.WELLBEING]
    en = _u("Can you give me an update on the billing migration and the release?",
            "We missed the deadline and the customer complained.",
            "Congratulations, the client signed, great work.",
            "I'd like to grow into a team lead role, maybe with some training.",
            "I'm exhausted, the workload is too much and I sleep badly.")
    assert [lab.kind for lab in classify(en, "en")] == [K.OPERATIONS, K.PROBLEMS, K.SUCCESSES,
                                                        K.DEVELOPMENT, K.WELLBEING]
    # "no problem" agrees, it reports no problem
    assert K.PROBLEMS not in cue_scores("No problem, I'll do it.", "en")
    assert K.PROBLEMS not in cue_scores("Pas de souci, je m'en occupe.", "fr")


def test_uncued_turns_and_backchannels_take_their_stretch() -> None:
    utts = _u("D'accord.",  # the start: the first cued kind after it
              "Le déploiement a planté hier soir, on a eu une panne.",
              "Mm.",  # a backchannel counts for the failure it is in
              "Et ensuite on a tout relancé à la main vers minuit.",
              "Bravo d'avoir tenu bon, beau travail.",
              "Merci.")
    labels = classify(utts, "fr")
    assert [lab.kind for lab in labels] == [K.PROBLEMS] * 4 + [K.SUCCESSES] * 2
    assert [lab.cued for lab in labels] == [False, True, False, False, True, False]
    # a lone weak cue inside another stretch belongs to it
    utts = _u("Le serveur a planté, encore une panne.", "Oui, chez le client.",
              "Et ça a cassé l'export aussi, une erreur de plus.")
    assert [lab.kind for lab in classify(utts, "fr")] == [K.PROBLEMS] * 3


def test_shares_by_words_and_by_time_all_kinds_in_order_summing_to_one() -> None:
    texts = ("We missed the deadline and the customer complained about the delay again.",
             "Well done.")
    by_words = shares(_u(*texts), classify(_u(*texts), "en"))
    assert [b.kind for b in by_words] == list(TalkKind)
    assert sum(b.share for b in by_words) == pytest.approx(1.0)
    words = {b.kind: b.share for b in by_words}
    assert words[K.PROBLEMS] == pytest.approx(12 / 14, abs=1e-3)
    # timed: the short praise was said slowly, over 6 s of the 10
    timed = _u(*texts, times=[(0.0, 4.0), (4.0, 10.0)])
    by_time = {b.kind: b.share for b in shares(timed, classify(timed, "en"))}
    assert by_time[K.SUCCESSES] == pytest.approx(0.6) and by_time[K.PROBLEMS] == pytest.approx(0.4)
    assert by_time[K.WELLBEING] == 0.0
    evidence = {b.kind: b.evidence for b in by_words}
    assert evidence[K.PROBLEMS] == [1] and evidence[K.SUCCESSES] == [2]
    assert shares([], []) == []
    assert compute_balance(Transcript(utterances=_u("   "), language="en")) == []


def test_the_pipeline_writes_the_balance_into_the_analysis_json() -> None:
    transcript = parse_text(BALANCED_EN, filename="m.txt", lang="en")
    analysis = analyze_transcript(transcript, manager="Sam", report="Alex", date="2026-03-02",
                                  extractor=FakeExtractor().enqueue(Extraction()))
    body = json.loads(analysis.model_dump_json())
    assert [b["kind"] for b in body["balance"]] == [str(k) for k in TalkKind]
    assert all(isinstance(b["share"], float) for b in body["balance"])
    assert sum(b["share"] for b in body["balance"]) == pytest.approx(1.0)
    assert all(b["share"] > 0 for b in body["balance"])  # this 1:1 touched every kind
    assert WarningCode.MOSTLY_FAILURES not in {w.code for w in analysis.warnings}


def test_mostly_failures_fires_on_a_meeting_of_failures_only() -> None:
    settings = get_settings()
    balance = compute_balance(FAILURES_FR)
    warning = mostly_failures_warning(FAILURES_FR, balance, settings)
    assert warning is not None and warning.code == WarningCode.MOSTLY_FAILURES
    assert warning.params["share"] >= 0.8 and warning.message.startswith("Les problèmes")
    texts = {u.id: u.text for u in FAILURES_FR.utterances}
    assert warning.evidence and "planté" in texts[warning.evidence[0]]
    balanced = parse_text(BALANCED_EN, filename="m.txt", lang="en")
    assert mostly_failures_warning(balanced, compute_balance(balanced), settings) is None
    assert balance[1].share == 1.0  # every turn of it is about a failure
    worse = [b.model_copy(update={"share": 0.79 if b.kind == K.PROBLEMS else b.share})
             for b in balance]
    assert mostly_failures_warning(FAILURES_FR, worse, settings) is None  # below 0.8
    lower = get_settings(critique={"mostly_failures_share": 0.7})
    assert mostly_failures_warning(FAILURES_FR, worse, lower) is not None
    longer = get_settings(critique={"mostly_failures_min_utterances": 50})
    assert mostly_failures_warning(FAILURES_FR, balance, longer) is None
    # through the pipeline, with its evidence
    analysis = analyze_transcript(FAILURES_FR, manager="Claire", report="Julien",
                                  date="2026-03-02",
                                  extractor=FakeExtractor().enqueue(Extraction()))
    found = [w for w in analysis.warnings if w.code == WarningCode.MOSTLY_FAILURES]
    assert found and found[0].evidence == warning.evidence


# -- weeks without development talk: the coaching report and the agenda ----------------------

START = dt.date(2026, 1, 5)


def _balance(dev: float) -> list[BalanceShare]:
    return [BalanceShare(kind=k, share={K.OPERATIONS: 0.8 - dev, K.DEVELOPMENT: dev,
                                        K.PROBLEMS: 0.2}.get(k, 0.0)) for k in TalkKind]


def _store(store: Store, devs: list[float | None]) -> list[str]:
    ids = []
    for k, dev in enumerate(devs):
        ids.append(f"m{k}")
        store.save(Analysis(
            id=f"m{k}", date=START + dt.timedelta(weeks=k), language="fr", manager="Claire",
            report="Julien", engine="fake", balance=[] if dev is None else _balance(dev),
            utterances=[Utterance(id=1, speaker="Claire", role="manager",
                                  text="Point sur le pipeline."),
                        Utterance(id=2, speaker="Julien", role="report",
                                  text="Trois deals en cours.")]))
    return ids


@pytest.fixture
def store(light_store):
    with Store.open(get_settings()) as s:
        yield s


def test_weeks_without_development_talk_warn_and_go_on_the_agenda(store) -> None:
    ids = _store(store, [0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # 8 weekly 1:1s
    day = START + dt.timedelta(weeks=8)
    agenda = build_agenda(store, "Julien", manager="Claire", date=day)
    item = next(i for i in agenda.items if i.kind == "development_talk")
    # the latest 1:1s back to six weeks before the day, newest first; the first one had it
    assert item.related == ids[:1:-1] and item.from_meeting == "m7"
    assert item.text.startswith("Développement et carrière") and "6 derniers 1:1" in item.text
    assert not any(i.kind == "not_covered" and i.basis == "career" for i in agenda.items)
    assert sum(i.kind == "suggested_question" and i.basis == "career" for i in agenda.items) == 1
    report = build_report(store, "Claire", as_of=day, settings=get_settings())
    warning = next(w for w in report.warnings if w.code == WarningCode.NO_DEVELOPMENT_TALK)
    assert [r.meeting_id for r in warning.evidence] == ids[2:]
    assert "Julien" in warning.message and warning.suggestion
    assert [m.development_share for m in report.meetings][:2] == [0.3, 0.0]
    assert {t.metric for t in report.trends} >= {"development_share", "failure_share"}


def test_development_talk_in_the_window_or_too_little_history_says_nothing(store) -> None:
    _store(store, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.0])
    day = START + dt.timedelta(weeks=8)
    assert not any(i.kind == "development_talk"
                   for i in build_agenda(store, "Julien", manager="Claire", date=day).items)
    report = build_report(store, "Claire", as_of=day, settings=get_settings())
    assert WarningCode.NO_DEVELOPMENT_TALK not in {w.code for w in report.warnings}
    # four weeks of history: nothing to say yet
    early = START + dt.timedelta(weeks=4)
    assert not any(i.kind == "development_talk"
                   for i in build_agenda(store, "Julien", manager="Claire", date=early).items)


def test_meetings_without_a_balance_are_unknown_not_missing(store) -> None:
    _store(store, [None] * 6 + [0.0, 0.0])  # stored before balances: only two are known
    day = START + dt.timedelta(weeks=8)
    assert not any(i.kind == "development_talk"
                   for i in build_agenda(store, "Julien", manager="Claire", date=day).items)
    assert store.balances(["m0", "m7"])["m0"] == []


# -- the eval's scorer -----------------------------------------------------------------------

def test_the_eval_scores_accuracy_and_per_kind_f1() -> None:
    gold = [K.OPERATIONS, K.PROBLEMS, K.PROBLEMS, K.SUCCESSES]
    pred = [K.OPERATIONS, K.PROBLEMS, K.SUCCESSES, K.SUCCESSES]
    s = ev.score(gold, pred)
    assert s["accuracy"] == 0.75 and s["f1"]["operations"] == 1.0
    assert s["f1"]["problems"] == pytest.approx(0.667, abs=1e-3)
    assert s["f1"]["successes"] == pytest.approx(0.667, abs=1e-3)
    assert s["f1"]["wellbeing"] is None
    stretches = ev.load_stretches()
    assert {s.split for s in stretches} == {"dev", "held_out"}
    for lang in ("fr", "en"):
        mine = [s for s in stretches if s.language == lang]
        assert 40 <= len(mine) <= 60
        assert sum(s.split == "held_out" for s in mine) == len(mine) // 2
    figures = ev.run()
    assert figures["dev.all"]["n"] == 50 and figures["held_out.all"]["n"] == 50
    assert figures["mostly_failures"]["meetings"] >= 4
