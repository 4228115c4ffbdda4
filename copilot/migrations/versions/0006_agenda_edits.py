"""Agenda edits: the items a manager hid from, or ordered in, the agenda of a report.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A new table only. Rows go with either person (ON DELETE CASCADE): erasing someone erases them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agenda_edits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("manager_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("report_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("manager_id", "report_id", "item_key",
                            name="uq_agenda_edits_pair_key"),
    )
    op.create_index("ix_agenda_edits_report_id", "agenda_edits", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_agenda_edits_report_id", table_name="agenda_edits")
    op.drop_table("agenda_edits")
