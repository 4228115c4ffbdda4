"""Audio state: a recording analysed in the background (POST /v1/meetings answers 202), and
the stored voiceprints."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from copilot.models.vocabulary import JobStage


class JobError(BaseModel):
    code: str
    message: str
    hint: str | None = None


class Job(BaseModel):
    job_id: str
    stage: JobStage
    percent: float = Field(description="0-100 over all stages.")
    error: JobError | None = Field(default=None, description="Why it failed (stage failed).")
    meeting_id: str | None = Field(default=None, description="The stored analysis, when done.")
    filename: str | None = None
    attempts: int = Field(default=0, description="Starts; above 1 after a server restart.")
    created_at: dt.datetime
    updated_at: dt.datetime


class VoiceprintInfo(BaseModel):
    """A stored voiceprint, without the vector (`copilot voiceprint list`)."""

    person: str
    encoder: str
    seconds: float = Field(description="Seconds of speech it was computed from.")
    updated_at: dt.datetime
