"""oauth: API clients (OAuth 2.0 client credentials), their tokens; audit rows and idempotency keys of clients

Revision ID: 0013_oauth
Revises: 0012_leader
Create Date: 2026-12-06 14:40:01.139742
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0013_oauth"
down_revision: str | Sequence[str] | None = "0012_leader"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scopes", api.core.db.JSONType, nullable=False),
        sa.Column("school_ids", api.core.db.JSONType, nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("previous_secret_hash", sa.String(length=255), nullable=True),
        sa.Column("previous_secret_expires_at", api.core.db.UTCDateTime(), nullable=True),
        sa.Column("expires_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", api.core.db.UTCDateTime(), nullable=True),
        sa.Column("last_token_at", api.core.db.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_api_clients_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_api_clients_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_clients_client_id")),
    )
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_clients_school_id"), ["school_id"], unique=False)

    op.create_table(
        "api_client_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=500), nullable=False),
        sa.Column("issued_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["api_clients.id"],
            name=op.f("fk_api_client_tokens_client_pk_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_client_tokens")),
    )
    with op.batch_alter_table("api_client_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_client_tokens_client_pk"), ["client_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_client_tokens_expires_at"), ["expires_at"], unique=False)

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_client_id"), ["client_id"], unique=False)

    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_idempotency_keys_client_id"), ["client_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_idempotency_keys_client_id_key"), ["client_id", "key"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_idempotency_keys_client_id_api_clients"),
            "api_clients",
            ["client_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_idempotency_keys_client_id_api_clients"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_idempotency_keys_client_id_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_client_id"))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("client_id")

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_client_id"))
        batch_op.drop_column("scope")
        batch_op.drop_column("client_id")

    with op.batch_alter_table("api_client_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_client_tokens_expires_at"))
        batch_op.drop_index(batch_op.f("ix_api_client_tokens_client_pk"))

    op.drop_table("api_client_tokens")
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_clients_school_id"))

    op.drop_table("api_clients")
