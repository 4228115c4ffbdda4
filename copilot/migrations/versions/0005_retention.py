"""Retention: when a meeting's transcript was removed by the retention upkeep.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

One nullable column: existing meetings keep their transcript (NULL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("transcript_removed_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("transcript_removed_at")
