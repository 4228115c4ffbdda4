"""Plain records the store hands to the domain modules (no SQLAlchemy: importing this is cheap).

The ORM rows stay inside the store package; agenda, lifecycle, search, people and jobs work on
these small immutable copies (or on the pydantic models of copilot/models.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from copilot.models import NextStep

# SQLite's INTEGER (and PostgreSQL's BIGINT) range. A larger Python int cannot even be bound
# as a parameter ("Python int too large to convert to SQLite INTEGER"), so an id outside it,
# typed in a URL or on the command line, is an id that does not exist.
_MIN_ID, _MAX_ID = -(2**63), 2**63 - 1


def storable_id(value: int) -> bool:
    return _MIN_ID <= value <= _MAX_ID


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class OpenStep(NamedTuple):
    """An open next step and the meeting it was agreed in."""

    step: NextStep
    meeting_id: str
    meeting_date: dt.date


@dataclass(frozen=True)
class StepRecord:
    """A commitment (a stored next step) as the lifecycle compares it with a new meeting."""

    id: int
    owner: str | None
    owner_role: str | None
    action: str
    due: dt.date | None = None
    evidence: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SignalRecord:
    """A blocker, deferred topic or area a meeting raised (table `signals`)."""

    id: int
    meeting_id: str
    kind: str
    label: str | None
    text: str
    evidence: list[int] = field(default_factory=list)
    thread_id: int | None = None


@dataclass(frozen=True)
class TopicRecord:
    """A submitted topic still waiting for a meeting that talks about it."""

    id: int
    text: str


class HeldMeeting(NamedTuple):
    """A meeting as the agenda needs it: when it was, in which language."""

    id: str
    date: dt.date
    language: str


@dataclass(frozen=True)
class PersonFacts:
    """What the store knows about a person; copilot/memory/people.py builds the record."""

    name: str
    role: str | None
    manager: str | None
    hire_date: dt.date | None
    birth_year: int | None
    country: str | None
    career_reviews: list[dict]
    meetings: int  # as report or manager
    report_dates: list[dt.date]  # dates of their 1:1s as the report, oldest first


@dataclass(frozen=True)
class UtteranceHit:
    """An utterance found by search, with its meeting."""

    meeting_id: str
    date: dt.date
    report: str
    manager: str
    idx: int
    speaker: str | None
    role: str | None
    text: str


@dataclass(frozen=True)
class ActiveJob:
    """A job left queued or running, as a sweep (copilot.jobs.judge) judges it."""

    id: str
    stage: str
    worker: str | None
    upload: str
    attempts: int
    updated_at: dt.datetime  # always timezone-aware (UTC); the holder's heartbeat
    kind: str = "audio"
    created_at: dt.datetime | None = None
    published_at: dt.datetime | None = None  # last handed to the broker; None: never


@dataclass(frozen=True)
class JobClaim:
    """What `start_job` found: "run" (claimed, one more attempt), "busy" (another live worker
    holds it) or "over" (gone, done or failed)."""

    status: str
    kind: str = "audio"
    upload: str = ""
    voice_upload: str | None = None
    params: dict | None = None
    attempts: int = 0
    meeting_saved: bool = False  # the meeting (id = job id) is stored: an earlier run saved it
