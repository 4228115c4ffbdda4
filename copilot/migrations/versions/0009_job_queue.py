"""Jobs on a distributed queue: when each job was last handed to the broker.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

One nullable column on `jobs`: a worker's sweep republishes a queued job whose message may be
lost (never published, or published longer ago than the broker's visibility timeout). The
`kind` column (audio, text) already exists and names the job's queue.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("published_at")
