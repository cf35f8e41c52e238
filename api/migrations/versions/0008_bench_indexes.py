"""bench: the index the school's case list needs at municipality scale

Revision ID: 0008_bench_indexes
Revises: 0007_webhooks
Create Date: 2026-12-01 21:45:00.000000

- ix_incidents_school_occurred (school_id, occurred_at): the case list of one school, newest first; without
  it PostgreSQL walks ix_incidents_occurred_at backwards across every school's cases.

Today's play-partner list needs none: a school has about 70 arrangements in three years, and PostgreSQL reads
them through ix_play_partner_arrangements_school_id.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_bench_indexes"
down_revision: str | Sequence[str] | None = "0007_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_school_occurred", ["school_id", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_school_occurred")
