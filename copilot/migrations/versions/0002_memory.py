"""Memory: person records, commitment events, signals, submitted topics, folded utterances.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Only ADD COLUMN on existing tables (no batch copy): recreating `people` or `next_steps` on
SQLite would drop a table other rows reference while foreign keys are on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copilot.text import fold

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in (
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("hire_date", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("career_reviews", sa.JSON(), nullable=True),
    ):
        op.add_column("people", column)
    op.add_column("utterances", sa.Column("folded", sa.Text(), nullable=True))
    op.add_column("next_steps", sa.Column("superseded_by", sa.Integer(), nullable=True))
    op.create_index("ix_next_steps_superseded_by", "next_steps", ["superseded_by"])

    op.create_table(
        "commitment_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("next_step_id", sa.Integer(),
                  sa.ForeignKey("next_steps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("meeting_id", sa.String(64),
                  sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_commitment_events_next_step_id", "commitment_events", ["next_step_id"])
    op.create_index("ix_commitment_events_meeting_id", "commitment_events", ["meeting_id"])

    op.create_table(
        "signals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.String(64),
                  sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("resolved_meeting_id", sa.String(64),
                  sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("resolved_evidence", sa.JSON(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_signals_meeting_id", "signals", ["meeting_id"])

    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("covered_meeting_id", sa.String(64),
                  sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("covered_evidence", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_topics_person_id", "topics", ["person_id"])

    # Fill the search column for meetings stored before this revision. Signals and vectors of
    # those meetings come from `copilot reindex` (it needs the embedding model, a migration not).
    conn = op.get_bind()
    utt = sa.table("utterances", sa.column("meeting_id", sa.String), sa.column("idx", sa.Integer),
                   sa.column("text", sa.Text), sa.column("folded", sa.Text))
    rows = conn.execute(sa.select(utt.c.meeting_id, utt.c.idx, utt.c.text)).all()
    for meeting_id, idx, text in rows:
        conn.execute(utt.update().where(utt.c.meeting_id == meeting_id, utt.c.idx == idx)
                     .values(folded=fold(text)))


def downgrade() -> None:
    op.drop_table("topics")
    op.drop_table("signals")
    op.drop_table("commitment_events")
    op.drop_index("ix_next_steps_superseded_by", "next_steps")
    with op.batch_alter_table("next_steps") as batch:
        batch.drop_column("superseded_by")
    with op.batch_alter_table("utterances") as batch:
        batch.drop_column("folded")
    with op.batch_alter_table("people") as batch:
        for name in ("career_reviews", "country", "birth_year", "hire_date", "manager_id", "role"):
            batch.drop_column(name)
