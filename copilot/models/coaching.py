"""The coaching report of one manager, per meeting and as trends."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from copilot.models.analysis import QuestionCounts, Warning
from copilot.models.memory import Cadence
from copilot.models.vocabulary import Language, Role, WarningCode


class MeetingRef(BaseModel):
    """Where a trend's evidence is: a meeting, and the utterances in it."""

    meeting_id: str
    date: dt.date
    report: str
    utterances: list[int] = Field(default_factory=list)
    quote: str | None = None


class MeetingCoaching(BaseModel):
    """One meeting's coaching figures and its warnings (each citing utterance ids)."""

    meeting_id: str
    date: dt.date
    report: str
    language: Language
    basis: Literal["time", "words"] | None = None
    listening_ratio: float | None = Field(default=None, description="The report's share of "
                                          "talk: the meeting's `talk.report_share`.")
    manager_share: float | None = None
    longest_monologue_words: int | None = None
    longest_monologue_seconds: float | None = None
    longest_monologue_role: Role | None = None
    questions: QuestionCounts = Field(default_factory=QuestionCounts)
    open_share: float | None = Field(default=None, description="Open / all manager questions.")
    praise: int = 0
    criticism: int = 0
    person_feedback: int = Field(default=0, description="Manager feedback about the person.")
    reflections: int | None = Field(default=None, description="The manager's reformulations "
                                    "(`listening.reflections`); None when the roles are unknown.")
    next_steps: int = 0
    next_steps_clear: int = Field(default=0, description="Next steps with an owner and a date.")
    development_share: float | None = Field(default=None, description="Development and career "
                                            "talk's share (the balance); None without one.")
    failure_share: float | None = Field(default=None, description="Problems and failures' "
                                        "share of the talk (the balance).")
    warnings: list[Warning] = Field(default_factory=list)


class FollowThrough(BaseModel):
    """Commitments of one side: kept, dropped, still open, overdue."""

    owner_role: Literal["manager", "report", "both"]
    commitments: int = 0
    done: int = 0
    dropped: int = 0
    open: int = 0
    overdue: int = 0
    rate: float | None = Field(default=None, description="done / (done + dropped + overdue); "
                               "None while nothing is due.")
    evidence: list[MeetingRef] = Field(default_factory=list,
                                       description="Where the dropped and overdue ones were made.")


class ReportCadence(BaseModel):
    report: str
    cadence: Cadence
    longest_gap_days: int | None = None


class Trend(BaseModel):
    """A metric's mean over the first and the last third of the meetings."""

    metric: str
    meetings: int
    first: float | None = None
    last: float | None = None
    direction: Literal["better", "worse", "stable"] | None = None


class CoachingWarning(BaseModel):
    code: WarningCode
    message: str
    evidence: list[MeetingRef] = Field(default_factory=list)
    suggestion: str | None = None


class CoachingReport(BaseModel):
    manager: str
    since: dt.date | None = None
    as_of: dt.date
    reports: list[str]
    meetings: list[MeetingCoaching] = Field(description="Oldest first.")
    averages: dict[str, float | None] = Field(default_factory=dict)
    trends: list[Trend] = Field(default_factory=list)
    follow_through: list[FollowThrough] = Field(default_factory=list)
    cadence: list[ReportCadence] = Field(default_factory=list)
    warnings: list[CoachingWarning] = Field(default_factory=list)
    language: Language = Field(default=Language.EN, description="The language its texts "
                               "(warnings, and the files' labels) are written in.")
