"""tombstones: deleted or anonymised records, for the change feed

Revision ID: 0010_tombstones
Revises: 0009_frontend_recess_times
Create Date: 2026-12-06 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0010_tombstones"
down_revision: str | Sequence[str] | None = "0009_frontend_recess_times"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("deleted_at", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_tombstones_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstones")),
    )
    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tombstones_school_id_deleted_at_id", ["school_id", "deleted_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tombstones_school_id"), ["school_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tombstones_school_id"))
        batch_op.drop_index("ix_tombstones_school_id_deleted_at_id")
    op.drop_table("tombstones")
