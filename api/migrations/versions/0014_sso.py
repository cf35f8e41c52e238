"""sso: identity providers, linked external ids, provider sessions; school sign-in settings

Revision ID: 0014_sso
Revises: 0013_oauth
Create Date: 2026-12-06 15:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0014_sso"
down_revision: str | Sequence[str] | None = "0013_oauth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_login", sa.Boolean(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("case_work_requires_two_factor", sa.Boolean(), server_default="0", nullable=False)
        )
    op.create_table(
        "sso_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("preset", sa.String(length=16), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=300), nullable=False),
        sa.Column("subject_claim", sa.String(length=64), nullable=False),
        sa.Column("email_claim", sa.String(length=64), nullable=False),
        sa.Column("staff_claim", sa.String(length=64), nullable=True),
        sa.Column("staff_values", api.core.db.JSONType, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("loa_claim", sa.String(length=64), nullable=True),
        sa.Column("two_factor_values", api.core.db.JSONType, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("step_up_acr_values", sa.String(length=200), nullable=True),
        sa.Column("allow_email_linking", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_sso_providers_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_providers")),
    )
    with op.batch_alter_table("sso_providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_providers_school_id"), ["school_id"], unique=False)
    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=16), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("last_sign_in_at", api.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sso_providers.id"],
            name=op.f("fk_sso_identities_provider_id_sso_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_sso_identities_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sso_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("provider_id", "subject", name=op.f("uq_sso_identities_provider_id_subject")),
        sa.UniqueConstraint("provider_id", "user_id", name=op.f("uq_sso_identities_provider_id_user_id")),
    )
    with op.batch_alter_table("sso_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_identities_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sso_identities_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sso_identities_school_id"), ["school_id"], unique=False)
    op.create_table(
        "sso_sessions",
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["auth_token_families.id"],
            name=op.f("fk_sso_sessions_family_id_auth_token_families"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sso_providers.id"],
            name=op.f("fk_sso_sessions_provider_id_sso_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("family_id", name=op.f("pk_sso_sessions")),
    )
    with op.batch_alter_table("sso_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_sessions_provider_id"), ["provider_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sso_sessions")
    op.drop_table("sso_identities")
    op.drop_table("sso_providers")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("case_work_requires_two_factor")
        batch_op.drop_column("password_login")
