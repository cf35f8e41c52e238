"""audit-writes: class names unique regardless of case, the same way on SQLite and PostgreSQL

Adds classes.name_key (the name case-folded in Python, spaces collapsed), fills it for every class and
makes (school, school year, name_key) the unique key instead of the exact name. SQLite's lower() folds
only ASCII, so a SQLite database may hold "Øst 9" and "øst 9" in one year: the later of such classes is
renamed "øst 9 (2)" so the new key can hold; nothing else changes.

Revision ID: 0005_audit_writes
Revises: 0004_prevention
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_audit_writes"
down_revision: str | Sequence[str] | None = "0004_prevention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

classes = sa.table(
    "classes",
    sa.column("id", sa.Integer),
    sa.column("school_id", sa.Integer),
    sa.column("school_year", sa.String),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
)


def _key(name: str) -> str:
    # The same rule as api.students.models.class_name_key, frozen here as this migration applied it.
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


def upgrade() -> None:
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=64), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(
        sa.select(classes.c.id, classes.c.school_id, classes.c.school_year, classes.c.name).order_by(
            classes.c.id
        )
    ).all()
    taken: set[tuple[int, str, str]] = set()
    for class_id, school_id, year, name in rows:
        new_name, n = name, 1
        while (school_id, year, _key(new_name)) in taken:
            n += 1
            suffix = f" ({n})"
            new_name = name[: 64 - len(suffix)] + suffix
        taken.add((school_id, year, _key(new_name)))
        conn.execute(
            classes.update().where(classes.c.id == class_id).values(name=new_name, name_key=_key(new_name))
        )

    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("uq_classes_school_id_school_year_name", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_classes_school_id_school_year_name_key"), ["school_id", "school_year", "name_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_classes_school_id_school_year_name_key"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_classes_school_id_school_year_name"), ["school_id", "school_year", "name"]
        )
        batch_op.drop_column("name_key")
