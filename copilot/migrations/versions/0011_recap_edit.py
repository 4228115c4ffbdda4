"""The recap a manager edited: kept apart from the analysis, it wins when the recap is read.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

A JSON body (RecapContent) on the meeting's row, NULL while the generated recap stands; a
reset sets it back to NULL. A meeting analysed again keeps it, as it keeps its sharing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("recap_edit", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("recap_edit")
