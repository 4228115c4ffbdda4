"""Uploads a client may safely send again: the job remembers the client's Idempotency-Key.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

A client whose upload got no answer (a killed API process, a cut connection) sends it again
with the same key and gets the first job back instead of a second meeting. Unique per user, so
two uploads racing with one key make one job.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(200), nullable=True))
        batch.create_unique_constraint("uq_jobs_user_idempotency_key",
                                       ["user_id", "idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint("uq_jobs_user_idempotency_key", type_="unique")
        batch.drop_column("idempotency_key")
