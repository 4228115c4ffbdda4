"""Meetings saved while the vector server was down: indexed later, not lost.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

One nullable column: NULL means the meeting's vectors are in the vector store.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("vectors_pending_since", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("vectors_pending_since")
