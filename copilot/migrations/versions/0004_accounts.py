"""Accounts: organisations, users, API tokens, sessions, the audit log; people per organisation;
what a meeting shares with the report and the manager's private notes; who uploaded a job.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Every existing row joins the default organisation (id 1), so a home from before accounts keeps
working as the local owner's. `people.name_key` was unique across the database; it becomes unique
per organisation, which SQLite can only do by rebuilding the table (batch mode). The store turns
foreign keys off around migrations (see copilot.memory.store.base.migrate): dropping the old
`people` table with them on would cascade into topics and voiceprints.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("recordings_days", sa.Integer(), nullable=True),
        sa.Column("transcripts_days", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.execute(sa.text("INSERT INTO organisations (id, name, created_at) "
                       "VALUES (1, 'default', CURRENT_TIMESTAMP)"))
    if op.get_bind().dialect.name == "postgresql":
        # An explicit id leaves PostgreSQL's sequence behind: the next organisation would get 1.
        op.execute(sa.text("SELECT setval(pg_get_serial_sequence('organisations', 'id'), "
                           "(SELECT max(id) FROM organisations))"))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("org_id", sa.Integer(), nullable=False, server_default="1"))
        batch.drop_constraint("uq_people_name_key", type_="unique")
        batch.create_unique_constraint("uq_people_org_name_key", ["org_id", "name_key"])
        batch.create_index("ix_people_org_id", ["org_id"])
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("share_recap", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("share_transcript", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("private_notes", sa.Text(), nullable=True))
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_index("ix_jobs_user_id", ["user_id"])
    _account_tables()


def _account_tables() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_index("ix_users_person_id", "users", ["person_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=True),
        sa.Column("last_used_at", _WHEN, nullable=True),
        sa.Column("revoked_at", _WHEN, nullable=True),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "sessions",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(320), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("object_kind", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(200), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    for column in ("at", "org_id", "person_id"):
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])


def downgrade() -> None:
    for table in ("audit_log", "sessions", "api_tokens", "users"):
        op.drop_table(table)
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_user_id")
        batch.drop_column("user_id")
    with op.batch_alter_table("meetings") as batch:
        for column in ("private_notes", "share_transcript", "share_recap"):
            batch.drop_column(column)
    with op.batch_alter_table("people") as batch:
        batch.drop_index("ix_people_org_id")
        batch.drop_constraint("uq_people_org_name_key", type_="unique")
        batch.create_unique_constraint("uq_people_name_key", ["name_key"])
        batch.drop_column("org_id")
    op.drop_table("organisations")
