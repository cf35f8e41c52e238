"""perf: indexes that earn their upkeep: the cases' school-only index goes (two composite ones begin with the
school); the audit log's five single-column indexes on time, school and action become one on (school, time,
id) and a partial one for the cross-school attempts

Every report and every audited request paid for the dropped indexes on each row it wrote, and the cases'
school-only index misled PostgreSQL's planner: a sync page read all of a school's cases and sorted them,
where the feed's own index reads the page in order.

The new index is built while the audit log is locked against writes: on the municipality-scale bench
database (4.6 million audit rows) the whole upgrade took 6 seconds.

Revision ID: 0017_perf_indexes
Revises: 0016_integ_client_incidents
Create Date: 2026-12-07 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_perf_indexes"
down_revision: str | Sequence[str] | None = "0016_integ_client_incidents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CROSS_SCHOOL = sa.text("action = 'cross_school_access'")


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_school_id"))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_school_at", ["school_id", "at", "id"], unique=False)
        batch_op.create_index(
            "ix_audit_log_cross_school",
            ["at"],
            unique=False,
            postgresql_where=CROSS_SCHOOL,
            sqlite_where=CROSS_SCHOOL,
        )
        batch_op.drop_index(batch_op.f("ix_audit_log_school_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_school_id"), ["school_id"], unique=False)
        batch_op.drop_index("ix_audit_log_cross_school")
        batch_op.drop_index("ix_audit_log_school_at")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_school_id"), ["school_id"], unique=False)
