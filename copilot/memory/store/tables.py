"""The relational schema (SQLAlchemy 2 typed ORM). Migrations in copilot/migrations create it.

Every table lives here, so `Base.metadata` holds all that the migrations create (the store test
compares the two): meetings and what is tracked across them, then the audio tables
(voiceprints, background jobs), then accounts.

The full `Analysis` is kept as JSON in `analyses.body` so a meeting reads back exactly as it was
produced; `utterances` and `next_steps` copy the parts that are queried across meetings (the
agenda, later search and commitment tracking). A next step's `status` is the only thing that
changes after a save, so the `next_steps` row, not the JSON body, is the truth about it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from copilot.memory.store.records import utcnow


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A UTC instant. SQLite keeps no time zone and hands back naive datetimes, which the API
    would then serialise without an offset (not an RFC 3339 date-time, as its OpenAPI says):
    read back as aware UTC, everywhere at once."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None,
                             dialect: object) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("org_id", "name_key", name="uq_people_org_name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The first spelling we saw; later spellings ("JULIEN", "julien") match it by name_key.
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    # 0004: names are unique per organisation; two tenants may each have a "Julien".
    org_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Person record (0002). manager_id has no FK constraint: adding one to an existing SQLite
    # table means copying `people`, which meetings reference; erasure clears it by hand.
    role: Mapped[str | None] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(Integer)
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(2))
    career_reviews: Mapped[list | None] = mapped_column(JSON)


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # = Analysis.id
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(32))
    engine: Mapped[str] = mapped_column(String(32))
    # Kept as a column so listing meetings never has to parse every JSON body.
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # 0004: what the manager shares with the report, and their private notes.
    share_recap: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    share_transcript: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    private_notes: Mapped[str | None] = mapped_column(Text)
    # 0005: when retention removed its words (the figures stay); None: the transcript is whole.
    transcript_removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # 0008: saved while the vector server was down; indexed at the next save or reindex.
    vectors_pending_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # 0011: the recap as the manager edited it (RecapContent JSON); None: the generated one.
    recap_edit: Mapped[str | None] = mapped_column(Text)

    manager: Mapped[Person] = relationship(foreign_keys=[manager_id])
    report: Mapped[Person] = relationship(foreign_keys=[report_id])
    # passive_deletes: the database's ON DELETE CASCADE removes children, not N ORM deletes.
    utterances: Mapped[list[UtteranceRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    next_steps: Mapped[list[NextStepRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="NextStepRow.id"
    )
    analysis: Mapped[AnalysisRow] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class UtteranceRow(Base):
    __tablename__ = "utterances"

    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)  # = Utterance.id
    speaker: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(16))
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    # Lower-case, accent-free copy for keyword search ("reunion" finds "Réunion").
    folded: Mapped[str | None] = mapped_column(Text)


class AnalysisRow(Base):
    __tablename__ = "analyses"

    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    # Lets a later release read (or migrate) bodies written by an older schema.
    schema_version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


class NextStepRow(Base):
    __tablename__ = "next_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    owner: Mapped[str | None] = mapped_column(String(200))
    owner_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date | None] = mapped_column(Date)
    due_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    evidence: Mapped[list[int]] = mapped_column(JSON, default=list)
    # A later commitment that renewed this one (same owner, same action); the agenda shows the
    # newest of such a chain only. No FK constraint for the same reason as people.manager_id.
    superseded_by: Mapped[int | None] = mapped_column(Integer, index=True)


class CommitmentEventRow(Base):
    """News about a commitment: closed (done/dropped), reopened, blocked, postponed, renewed."""

    __tablename__ = "commitment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_step_id: Mapped[int] = mapped_column(
        ForeignKey("next_steps.id", ondelete="CASCADE"), index=True
    )
    # The meeting that reported it; NULL for a manual update. Deleting that meeting deletes the
    # event, and the store recomputes the commitment's status.
    meeting_id: Mapped[str | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[list[int]] = mapped_column(JSON, default=list)
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    due: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class SignalRow(Base):
    """What a meeting said that matters later: a blocker, a deferred topic, an area touched."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Deferred topics: open until a later meeting covers them.
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    resolved_meeting_id: Mapped[str | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    resolved_evidence: Mapped[list[int] | None] = mapped_column(JSON)
    # Blockers: the first blocker of a chain of similar ones (recurring blockers).
    thread_id: Mapped[int | None] = mapped_column(Integer)


class TopicRow(Base):
    """A topic submitted ahead of a 1:1 (`copilot topic add`)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    covered_meeting_id: Mapped[str | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    covered_evidence: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class VoiceprintRow(Base):
    __tablename__ = "voiceprints"
    __table_args__ = (
        UniqueConstraint("person_id", "encoder", name="uq_voiceprints_person_encoder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    encoder: Mapped[str] = mapped_column(String(64))  # vectors of two encoders do not compare
    vector: Mapped[list[float]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class JobRow(Base):
    """An analysis running in the background (copilot/jobs.py): kind "audio" (a recording) or
    "text" (a transcript sent with Prefer: respond-async), also its queue's name."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="audio")
    # queued, decoding, transcribing, diarizing, analysing, done, failed
    stage: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[dict | None] = mapped_column(JSON)
    meeting_id: Mapped[str | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"))
    upload: Mapped[str] = mapped_column(Text)  # relative to COPILOT_STORAGE_DIR
    voice_upload: Mapped[str | None] = mapped_column(Text)  # a manager voice sample, if sent
    filename: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON)  # manager, report, date, lang, engine
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid running it
    # 0004: who uploaded it (None: the local owner); only they read its status.
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # 0008: when the job was last handed to the broker (None: never); a sweep republishes a
    # queued job whose message may be lost (copilot/queue.py).
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # 0010: the client's Idempotency-Key: the same upload sent again gets this job back.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("user_id", "idempotency_key",
                                       name="uq_jobs_user_idempotency_key"),)

# Accounts (0004): organisations, users, API tokens, browser sessions and the audit log.
# Secrets are never stored: passwords as argon2id hashes, tokens and session ids as SHA-256
# digests (they are random 256-bit values, so a fast hash is enough).


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    recordings_days: Mapped[int | None] = mapped_column(Integer)
    transcripts_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # 0007: fr or en; None follows the browser or the settings.
    language: Mapped[str | None] = mapped_column(String(2))


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class SessionRow(Base):
    __tablename__ = "sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """Append-only: the store inserts and never updates, except erasure, which blanks what an
    entry says about the erased person and keeps the fact that something happened."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    org_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(16))
    object_kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict | None] = mapped_column(JSON)


class AgendaEditRow(Base):
    """A manager's edit of one agenda item for one report: hidden, or its place (0006)."""

    __tablename__ = "agenda_edits"
    __table_args__ = (UniqueConstraint("manager_id", "report_id", "item_key",
                                       name="uq_agenda_edits_pair_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    item_key: Mapped[str] = mapped_column(String(200))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    position: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
