"""Users' language: the language of the interface and of the analysis texts they read.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

One nullable column: NULL follows the browser (Accept-Language) or the settings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
