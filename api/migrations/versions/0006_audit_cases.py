"""audit-cases: notifications as kind + params (no server-built sentence); withdrawn incidents and observations

Revision ID: 0006_audit_cases
Revises: 0005_audit_writes
Create Date: 2026-12-01 21:55:49.313444
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0006_audit_cases"
down_revision: str | Sequence[str] | None = "0005_audit_writes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("incident_id", sa.Integer()),
    sa.column("params", api.core.db.JSONType),
    sa.column("message", sa.String()),
)
_incidents = sa.table(
    "incidents",
    sa.column("id", sa.Integer()),
    sa.column("classification", sa.String()),
    sa.column("action_plan_due", sa.Date()),
)


def _backfill_params() -> None:
    """Existing notifications get their kind's parameters from the case they point to."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _notifications.c.id,
            _notifications.c.kind,
            _incidents.c.classification,
            _incidents.c.action_plan_due,
        ).select_from(_notifications.outerjoin(_incidents, _incidents.c.id == _notifications.c.incident_id))
    ).all()
    for note_id, kind, classification, due in rows:
        params: dict[str, str | None] = {}
        if kind == "bullying_established":
            params = {"classification": classification, "action_plan_due": due.isoformat() if due else None}
        elif kind == "incident_reported":
            params = {"classification": classification}
        conn.execute(_notifications.update().where(_notifications.c.id == note_id).values(params=params))


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", api.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incidents_withdrawn_by_id_users"), "users", ["withdrawn_by_id"], ["id"]
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", api.core.db.JSONType, nullable=True))
    _backfill_params()
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("params", existing_type=api.core.db.JSONType, nullable=False)
        batch_op.drop_column("message")

    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", api.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_observations_withdrawn_by_id_users"), "users", ["withdrawn_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_observations_withdrawn_by_id_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.VARCHAR(length=500), nullable=True))
    # The old column held an English sentence; its kind is the best the downgrade can give back.
    op.execute(_notifications.update().values(message=_notifications.c.kind))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.VARCHAR(length=500), nullable=False)
        batch_op.drop_column("params")

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_incidents_withdrawn_by_id_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
