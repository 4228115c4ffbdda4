"""The critique's thresholds, pinned at their boundaries: the default numbers are part of the
coaching (../shared/domain/ONE_ON_ONES.md), so changing one must fail a test here, and each
number comes from `Settings`, so changing the setting must move the boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from copilot.analyze.critique import critique
from copilot.analyze.talk import compute_talk
from copilot.i18n import percent
from copilot.models import Analysis, Extraction, Transcript, Utterance, WarningCode
from copilot.reports.coaching import assemble
from copilot.settings import Settings


def _turns(n: int, manager_words: int = 3, report_words: int = 3) -> list[Utterance]:
    """`n` alternating turns, Claire (the manager) first."""
    return [Utterance(id=i, speaker="Claire" if i % 2 else "Julien",
                      role="manager" if i % 2 else "report",
                      text=" ".join(["mot"] * (manager_words if i % 2 else report_words)))
            for i in range(1, n + 1)]


def _analysed(utts: list[Utterance], settings: Settings, day: int = 0,
              extraction: Extraction | None = None) -> Analysis:
    """One meeting through the real talk metrics and critique, as the store would keep it."""
    ex = extraction or Extraction()
    talk = compute_talk(utts, ex.questions)
    transcript = Transcript(utterances=utts, language="fr")
    return Analysis(
        id=f"m{day}", date=dt.date(2026, 1, 5) + dt.timedelta(days=7 * day), language="fr",
        manager="Claire", report="Julien", utterances=utts, talk=talk,
        questions=ex.questions, feedback=ex.feedback, next_steps=ex.next_steps,
        warnings=critique(transcript, talk, ex, settings, "Claire", "Julien"))


def _no_question(warnings) -> list:
    return [w for w in warnings
            if w.code == WarningCode.FEW_OPEN_QUESTIONS and w.params.get("variant") == "none"]


# -- the manager asked no question ------------------------------------------------------------

def test_no_question_warning_fires_from_six_utterances() -> None:
    settings = Settings()
    five, six = _analysed(_turns(5), settings), _analysed(_turns(6), settings)
    assert _no_question(five.warnings) == []
    (w,) = _no_question(six.warnings)
    assert w.evidence == [1, 3, 5]  # the manager's turns


def test_no_question_minimum_is_the_setting() -> None:
    settings = Settings(critique={"no_question_min_utterances": 3})
    assert _no_question(_analysed(_turns(2), settings).warnings) == []
    assert _no_question(_analysed(_turns(3), settings).warnings)


# -- one threshold for "the manager talks too much" ----------------------------------------------

def _codes(a: Analysis) -> set[str]:
    return {w.code for w in a.warnings}


def test_manager_dominated_talk_above_sixty_percent_not_at_it() -> None:
    settings = Settings()
    at = _analysed(_turns(4, manager_words=6, report_words=4), settings)  # 60% of the words
    above = _analysed(_turns(4, manager_words=61, report_words=39), settings)  # 61%
    assert at.talk.manager_share == 0.6 and at.talk.report_share == 0.4
    assert WarningCode.MANAGER_DOMINATED_TALK not in _codes(at)
    assert WarningCode.MANAGER_DOMINATED_TALK in _codes(above)


def _report(settings: Settings, manager_words: int, report_words: int):
    analyses = [_analysed(_turns(4, manager_words, report_words), settings, day=d)
                for d in range(settings.coaching.trend_min_meetings)]
    return assemble(analyses, [], manager="Claire", since=None,
                    as_of=analyses[-1].date + dt.timedelta(days=1), settings=settings)


def _low_listening(report) -> list:
    return [w for w in report.warnings if w.code == WarningCode.LOW_LISTENING_RATIO]


def test_low_listening_ratio_trend_below_forty_percent_not_at_it() -> None:
    settings = Settings()
    assert _low_listening(_report(settings, manager_words=6, report_words=4)) == []
    (w,) = _low_listening(_report(settings, manager_words=7, report_words=3))
    # A French meeting's report is in French: "30 %" as that locale writes it.
    assert percent(0.3, "fr") in w.message and percent(0.4, "fr") in w.message
    # Each meeting is cited with the utterances of its own `manager_dominated_talk` warning
    # (the manager's longest monologue, the first turn).
    assert [(ref.meeting_id, ref.utterances) for ref in w.evidence] == [
        ("m0", [1]), ("m1", [1]), ("m2", [1])]


@pytest.mark.parametrize(("threshold", "warned"), [(0.5, True), (0.6, False)])
def test_one_setting_moves_the_meeting_warning_and_the_trend(threshold, warned) -> None:
    """The manager at 55% of the talk (the report at 45%), in every meeting."""
    settings = Settings(critique={"manager_share_threshold": threshold})
    report = _report(settings, manager_words=11, report_words=9)
    meetings = [m for m in report.meetings
                if WarningCode.MANAGER_DOMINATED_TALK in {w.code for w in m.warnings}]
    assert len(meetings) == (len(report.meetings) if warned else 0)
    assert bool(_low_listening(report)) is warned
