"""ORM rows of the audio tables (migration 0003): voiceprints and background jobs.

Imported at the end of copilot/memory/tables.py so that `Base.metadata` always holds every
table the migrations create (the store test compares the two).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copilot.memory.tables import Base, utcnow


class VoiceprintRow(Base):
    __tablename__ = "voiceprints"
    __table_args__ = (UniqueConstraint("person_id", "encoder", name="uq_voiceprints_person_encoder"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    encoder: Mapped[str] = mapped_column(String(64))  # vectors of two encoders do not compare
    vector: Mapped[list[float]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JobRow(Base):
    """An audio analysis running in the background (copilot/jobs.py)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="audio")
    # queued, decoding, transcribing, diarizing, analysing, done, failed
    stage: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[dict | None] = mapped_column(JSON)
    meeting_id: Mapped[str | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"))
    upload: Mapped[str] = mapped_column(Text)  # relative to COPILOT_HOME
    voice_upload: Mapped[str | None] = mapped_column(Text)  # a manager voice sample, if sent
    filename: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON)  # manager, report, date, lang, engine
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid running it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
