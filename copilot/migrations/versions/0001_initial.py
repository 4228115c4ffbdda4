"""Initial schema: people, meetings, utterances, analyses, next_steps.

Revision ID: 0001
Revises:
Create Date: 2026-03-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Written out by hand rather than from Base.metadata: a migration must keep describing the
    # schema as it was at this revision, whatever tables.py becomes later.
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name_key", name="uq_people_name_key"),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_meetings_date", "meetings", ["date"])
    op.create_index("ix_meetings_manager_id", "meetings", ["manager_id"])
    op.create_index("ix_meetings_report_id", "meetings", ["report_id"])
    op.create_table(
        "utterances",
        sa.Column(
            "meeting_id", sa.String(64),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("speaker", sa.String(200), nullable=True),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("start", sa.Float(), nullable=True),
        sa.Column("end", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "analyses",
        sa.Column(
            "meeting_id", sa.String(64),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "next_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id", sa.String(64),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("owner_role", sa.String(16), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("due_text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("evidence", sa.JSON(), nullable=False),
    )
    op.create_index("ix_next_steps_meeting_id", "next_steps", ["meeting_id"])


def downgrade() -> None:
    op.drop_table("next_steps")
    op.drop_table("analyses")
    op.drop_table("utterances")
    op.drop_table("meetings")
    op.drop_table("people")
