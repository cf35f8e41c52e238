"""leader: municipalities grouping schools, and the attention list's last visit

Revision ID: 0012_leader
Revises: 0011_feed
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0012_leader"
down_revision: str | Sequence[str] | None = "0011_feed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("slug", name=op.f("uq_municipalities_slug")),
    )
    op.create_table(
        "municipality_schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_municipality_schools_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_municipality_schools_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality_schools")),
        sa.UniqueConstraint("school_id", name=op.f("uq_municipality_schools_school_id")),
    )
    with op.batch_alter_table("municipality_schools", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipality_schools_municipality_id"), ["municipality_id"], unique=False
        )
    op.create_table(
        "attention_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_attention_visits_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_attention_visits")),
    )


def downgrade() -> None:
    op.drop_table("attention_visits")
    with op.batch_alter_table("municipality_schools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_schools_municipality_id"))
    op.drop_table("municipality_schools")
    op.drop_table("municipalities")
