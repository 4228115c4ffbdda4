"""The one schema: core, CLI JSON, API bodies and the eval harness all use these models."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["manager", "report"]
Language = Literal["fr", "en"]


class Utterance(BaseModel):
    """One speaker turn (or, for notes without speakers, one line or sentence)."""

    id: int
    speaker: str | None = None
    role: Role | None = None
    start: float | None = Field(default=None, description="Seconds from the start.")
    end: float | None = None
    text: str


class Transcript(BaseModel):
    """What every input format (text, VTT, SRT, JSON, notes, audio) is turned into."""

    utterances: list[Utterance]
    language: Language
    has_speakers: bool = True
    source_format: str = "text"
    language_detected: bool = Field(
        default=True, description="False when the language was forced with --lang."
    )

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for u in self.utterances:
            if u.speaker is not None:
                seen.setdefault(u.speaker, None)
        return list(seen)


class SpeakerTalk(BaseModel):
    speaker: str
    role: Role | None = None
    seconds: float | None = None
    words: int
    share: float
    turns: int = 0


class QuestionCounts(BaseModel):
    open: int = 0
    closed: int = 0


class Monologue(BaseModel):
    speaker: str
    role: Role | None = None
    words: int
    seconds: float | None = None
    evidence: list[int]


class Talk(BaseModel):
    basis: Literal["time", "words"]
    manager_share: float | None = Field(
        default=None, description="Null when no speaker could be matched to the manager."
    )
    report_share: float | None = None
    speakers: list[SpeakerTalk]
    questions: QuestionCounts
    turns: int
    longest_monologue: Monologue | None = None


class Question(BaseModel):
    text: str
    kind: Literal["open", "closed"]
    evidence: list[int]


class Fact(BaseModel):
    text: str
    evidence: list[int]


class FeedbackItem(BaseModel):
    text: str
    polarity: Literal["positive", "negative"]
    target: Literal["behavior", "person"]
    evidence: list[int]
    suggestion: str | None = None
    given_by: str | None = Field(default=None, description="Speaker who gave the feedback.")


class NextStep(BaseModel):
    owner: str | None = Field(description="Person who committed; null only in notes that name nobody.")
    owner_role: Role | Literal["both"] | None = None
    action: str
    due: dt.date | None = None
    due_text: str | None = Field(default=None, description="The words the due date came from.")
    evidence: list[int]


class Warning(BaseModel):
    code: str
    message: str
    evidence: list[int] = Field(default_factory=list)
    suggestion: str | None = None


class Extraction(BaseModel):
    """What an extraction engine returns; the pipeline adds metrics and critique."""

    facts: list[Fact] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)


class Analysis(BaseModel):
    id: str
    date: dt.date
    language: Language
    manager: str
    report: str
    source: str | None = Field(default=None, description="File name or 'api'.")
    source_format: str = "text"
    engine: str = "rules"
    utterances: list[Utterance]
    talk: Talk | None = Field(default=None, description="Null for notes without speakers.")
    questions: list[Question] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)


class MeetingSummary(BaseModel):
    id: str
    date: dt.date
    manager: str
    report: str
    language: Language
    source: str | None = None
    next_steps: int = 0
    warnings: int = 0


class AgendaItem(BaseModel):
    kind: Literal["open_commitment"]
    text: str
    owner: str | None = None
    owner_role: Role | Literal["both"] | None = None
    due: dt.date | None = None
    overdue: bool = False
    from_meeting: str | None = None
    from_date: dt.date | None = None
    evidence: list[int] = Field(default_factory=list)


class Agenda(BaseModel):
    report: str
    manager: str | None = None
    date: dt.date
    items: list[AgendaItem]
