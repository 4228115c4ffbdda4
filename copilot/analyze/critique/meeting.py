"""Every check of the critique on one meeting, in the order the warnings are reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copilot.analyze.critique.balance import mostly_failures_warning
from copilot.analyze.critique.feedback import feedback_warnings, personal_feedback_warnings
from copilot.analyze.critique.follow_up import PriorStep, revisit_warnings
from copilot.analyze.critique.listening import no_reformulation_warning
from copilot.analyze.critique.meeting_types import meeting_type_warnings
from copilot.analyze.critique.next_steps import next_step_warning, no_next_steps_warning
from copilot.analyze.critique.questions import open_question_warning, question_warnings
from copilot.analyze.critique.talk import (
    manager_dominated_talk,
    no_speakers_warning,
    not_one_on_one_warning,
    opening_warning,
    roles_unknown_warning,
    single_speaker_warning,
)
from copilot.meeting_types import MeetingTemplate
from copilot.models import (
    BalanceShare,
    Extraction,
    Listening,
    SectionCoverage,
    Talk,
    Transcript,
    Warning,
)
from copilot.settings import Settings


@dataclass(frozen=True)
class Signals:
    """What the pipeline measured before the critique, for the checks that read it: the
    manager's reflections (None: the listening check computes them), the kinds of talk
    (copilot.analyze.balance; empty: not computed), the meeting type's template and what the
    meeting covered of it."""

    listening: Listening | None = None
    balance: Sequence[BalanceShare] = ()
    template: MeetingTemplate | None = None
    coverage: Sequence[SectionCoverage] = ()


def critique(
    transcript: Transcript,
    talk: Talk | None,
    extraction: Extraction,
    settings: Settings,
    manager: str,
    report: str,
    previous: Sequence[PriorStep] | None = None,
    signals: Signals | None = None,
) -> list[Warning]:
    """Every warning for one meeting. `previous` are commitments still open from earlier 1:1s
    with this report (None when unknown: nothing is said about follow-up then); `signals`:
    what the pipeline measured first (listening, balance, the template's coverage).

    Talk and question checks need the roles: without them nothing is said about who talked or
    asked, only that the roles (or the speakers) are unknown.
    """
    signals = signals or Signals()
    found: list[Warning | None] = []
    single = single_speaker_warning(transcript)
    if not transcript.has_speakers:
        found.append(no_speakers_warning(transcript.language))
    elif single is not None:
        found.append(single)
    elif talk is not None and talk.manager_share is None:
        found.append(roles_unknown_warning(transcript, manager, report))
    found.append(not_one_on_one_warning(transcript))
    roles_known = talk is not None and talk.manager_share is not None
    if roles_known and single is None:  # one voice: who talked how much says nothing
        found.append(manager_dominated_talk(transcript, talk, settings, manager, report))
        found.append(open_question_warning(transcript, extraction, settings, manager))
        found.append(no_reformulation_warning(transcript, manager, report,
                                                signals.listening))
    found.extend(personal_feedback_warnings(extraction, manager, transcript.language))
    found.extend(feedback_warnings(transcript, extraction, settings, manager))
    found.append(mostly_failures_warning(transcript, signals.balance, settings))
    if roles_known:
        found.extend(question_warnings(transcript, extraction, settings, manager))
        if single is None:
            found.append(opening_warning(transcript, settings, manager, report))
    found.append(no_next_steps_warning(transcript, extraction, settings))
    found.append(next_step_warning(extraction, settings, transcript.language))
    if previous:
        found.extend(revisit_warnings(transcript, previous, settings, manager, report))
    found.extend(meeting_type_warnings(transcript, signals.template, signals.coverage))
    return [w for w in found if w is not None]
