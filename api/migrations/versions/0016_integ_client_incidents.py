"""integ: an incident reported by an API client (incidents:write) names the client instead of a user

Revision ID: 0016_integ_client_incidents
Revises: 0015_law
Create Date: 2026-12-06 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_integ_client_incidents"
down_revision: str | Sequence[str] | None = "0015_law"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_by_client_id", sa.Integer(), nullable=True))
        batch_op.alter_column("reported_by_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_incidents_reported_by_client_id"), ["reported_by_client_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_incidents_reported_by_client_id_api_clients"),
            "api_clients",
            ["reported_by_client_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "one_reporter", "reported_by_id IS NOT NULL OR reported_by_client_id IS NOT NULL"
        )


def downgrade() -> None:
    # A client's reports have no user to name in the older schema; refuse rather than lose cases.
    reports = op.get_bind().scalar(sa.text("SELECT count(*) FROM incidents WHERE reported_by_id IS NULL"))
    if reports:
        raise RuntimeError(
            f"{reports} incidents were reported by API clients; the older schema cannot keep them."
        )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_incidents_one_reporter"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_incidents_reported_by_client_id_api_clients"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_incidents_reported_by_client_id"))
        batch_op.alter_column("reported_by_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("reported_by_client_id")
