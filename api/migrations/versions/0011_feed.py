"""feed: classes get updated_at; every collection the change feed reads gets its (school_id, updated_at, id) keyset index

Revision ID: 0011_feed
Revises: 0010_tombstones
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0011_feed"
down_revision: str | Sequence[str] | None = "0010_tombstones"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEED_TABLES = (
    "classes",
    "students",
    "guardians",
    "incidents",
    "observations",
    "play_partner_arrangements",
    "wellbeing_days",
)


def upgrade() -> None:
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", api.core.db.UTCDateTime(), nullable=True))
    # Existing classes were last changed, as far as anyone knows, when they were made.
    op.execute("UPDATE classes SET updated_at = created_at")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=api.core.db.UTCDateTime(), nullable=False)
    for table in FEED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_school_updated", ["school_id", "updated_at", "id"], unique=False
            )


def downgrade() -> None:
    for table in reversed(FEED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_school_updated")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
