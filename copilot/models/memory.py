"""What is remembered across meetings: commitments, agendas, people, topics, search."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from copilot.models.accounts import AuditEntry
from copilot.models.analysis import Analysis
from copilot.models.vocabulary import (
    AgendaKind,
    CommitmentEventKind,
    CommitmentStatus,
    Language,
    Role,
)


class MeetingSummary(BaseModel):
    id: str
    date: dt.date
    manager: str
    report: str
    language: Language
    source: str | None = None
    next_steps: int = 0
    warnings: int = 0


class CommitmentEvent(BaseModel):
    """Something that happened to a commitment after it was made: why it is closed, or news."""

    kind: CommitmentEventKind
    source: Literal["auto", "manual"] = "auto"
    meeting_id: str | None = Field(default=None, description="The meeting that reported it.")
    meeting_date: dt.date | None = None
    evidence: list[int] = Field(default_factory=list, description="Utterance ids in meeting_id.")
    score: float | None = Field(default=None, description="Match score (auto events).")
    reason: str | None = Field(default=None, description="Why: owner, meaning and words matched.")
    due: dt.date | None = Field(default=None, description="New due date (renewed/postponed).")
    at: dt.datetime | None = None


class AgendaItem(BaseModel):
    kind: AgendaKind
    text: str
    owner: str | None = None
    owner_role: Role | Literal["both"] | None = None
    due: dt.date | None = None
    overdue: bool = False
    from_meeting: str | None = None
    from_date: dt.date | None = None
    evidence: list[int] = Field(default_factory=list)
    # What the item is, why it is on the agenda, and its history.
    id: int | None = Field(default=None, description="Commitment, topic or signal id.")
    manager_promise: bool = Field(default=False, description="The manager's own promise.")
    detail: str | None = Field(default=None, description="Why this item is on the agenda.")
    updates: list[CommitmentEvent] = Field(
        default_factory=list, description="Later news about a commitment (blocked, postponed)."
    )
    related: list[str] = Field(default_factory=list, description="Other meetings it came up in.")
    # What the item is about in words of no language (an area, a deadline's kind and date): its
    # text is written in the agenda's language, so a key hashed from it would change with it.
    basis: str | None = Field(default=None, exclude=True)

    @computed_field(description="Stable across agendas: what hiding and ordering name.")
    @property
    def key(self) -> str:
        if self.id is not None:
            return f"{self.kind}:{self.id}"
        # Its text says how many days ago the last 1:1 was: the meeting it follows is stable.
        basis = (self.from_meeting if self.kind == "overdue_one_on_one" and self.from_meeting
                 else self.basis or " ".join(self.text.split()).casefold())
        return f"{self.kind}:{hashlib.sha256(basis.encode()).hexdigest()[:12]}"


class Cadence(BaseModel):
    """How regular the 1:1s with one report are."""

    meetings: int
    last_meeting: dt.date | None = None
    days_since_last: int | None = None
    average_interval_days: float | None = None
    median_interval_days: float | None = None
    expected_next: dt.date | None = None
    overdue: bool = False


class Agenda(BaseModel):
    report: str
    manager: str | None = None
    date: dt.date
    items: list[AgendaItem]
    cadence: Cadence | None = None
    language: Language | None = Field(
        default=None, description="Its texts' language: of the latest meeting, or the one asked.")
    hidden: list[AgendaItem] = Field(default_factory=list, description="Items the manager "
                                     "hid from this agenda (they can restore them).")


class Commitment(BaseModel):
    """A next step followed across meetings (the `next_steps` row is its truth)."""

    id: int
    report: str
    manager: str
    owner: str | None = None
    owner_role: Role | Literal["both"] | None = None
    action: str
    due: dt.date | None = None
    due_text: str | None = None
    status: CommitmentStatus
    meeting_id: str
    meeting_date: dt.date
    evidence: list[int] = Field(default_factory=list)
    events: list[CommitmentEvent] = Field(default_factory=list)
    closed_by: CommitmentEvent | None = Field(
        default=None, description="The event that closed it (done/dropped), with evidence."
    )
    superseded_by: int | None = Field(
        default=None, description="A later commitment that renewed this one."
    )


class CareerReview(BaseModel):
    """An 'entretien de parcours professionnel' that took place."""

    date: dt.date
    kind: Literal["parcours", "recap", "mid_career", "pre_retirement"] = "parcours"


class PersonRecord(BaseModel):
    name: str
    role: str | None = Field(default=None, description="Job title.")
    manager: str | None = None
    hire_date: dt.date | None = None
    birth_year: int | None = None
    country: str | None = Field(default=None, description="ISO 3166 alpha-2, e.g. FR.")
    career_reviews: list[CareerReview] = Field(default_factory=list)
    meetings: int = 0
    cadence: Cadence | None = None


class PersonUpdate(BaseModel):
    """Fields to set on a person record; absent fields are left as they are."""

    # The column's length: PostgreSQL refuses a longer value where SQLite kept it.
    role: str | None = Field(default=None, max_length=200)
    manager: str | None = None
    hire_date: dt.date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    career_review: CareerReview | None = Field(default=None, description="Add one review.")


class LegalDeadline(BaseModel):
    kind: Literal["first_year", "periodic", "recap", "mid_career", "pre_retirement"]
    due: dt.date
    window_start: dt.date | None = None
    overdue: bool = False
    text: str
    basis: str = Field(description="What the date is computed from.")
    person: str | None = Field(default=None, description="Whose (the organisation calendar).")


class Topic(BaseModel):
    """A topic the report submitted ahead of a 1:1."""

    id: int
    person: str
    text: str
    submitted_by: str | None = None
    submitted_on: dt.date
    status: Literal["open", "covered", "dropped"] = "open"
    covered_meeting: str | None = None
    covered_evidence: list[int] = Field(default_factory=list)


class TopicIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    submitted_by: str | None = Field(default=None, max_length=200)
    date: dt.date | None = Field(default=None, description="Submitted on (default today).")


class SearchHit(BaseModel):
    meeting_id: str
    date: dt.date
    report: str
    manager: str
    utterance_id: int
    speaker: str | None = None
    role: Role | None = None
    text: str
    score: float
    match: Literal["semantic", "keyword", "both"]


class SearchResults(BaseModel):
    query: str
    person: str | None = None
    since: dt.date | None = None
    hits: list[SearchHit]
    semantic: bool = Field(default=True, description="False when the vector index was unusable.")
    warning: str | None = Field(default=None, description="Why the results are keyword-only "
                                "(the vector server is down, the index is unusable).")


class ErasureReport(BaseModel):
    """What erasing a person removed (counts per kind) and what is kept by design."""

    person: str
    meetings: list[str] = Field(description="Ids of the meetings erased (every one they were in).")
    removed: dict[str, int] = Field(description="How many of each were deleted: meetings, "
                                    "utterances, commitments, signals, topics, jobs, "
                                    "voiceprints, uploads, vectors.")
    kept: list[str] = Field(description="What stays on purpose, and why.")
    at: dt.datetime


class PersonExport(BaseModel):
    """Everything stored about one person (GDPR access / portability)."""

    person: PersonRecord
    exported_at: dt.datetime
    meetings: list[Analysis]
    commitments: list[Commitment]
    topics: list[Topic]
    audit: list[AuditEntry] = Field(
        default_factory=list, description="The audit log's entries about this person.")
