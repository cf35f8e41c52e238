"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from api import create_app
from api.cli import upgrade_database
from api.core.db import Base, make_engine
from tests.conftest import drop_postgres_database, fresh_postgres_database


def _fresh_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    return fresh_postgres_database("migr")


def test_migrations_match_models(backend, tmp_path):
    url = _fresh_url(backend, tmp_path)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        upgrade_database()
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    if backend != "sqlite":
        drop_postgres_database(url)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_class_name_keys_are_backfilled_and_case_duplicates_renamed(backend, tmp_path):
    """A database from before name_key may hold "Øst 9" and "øst 9" in one year (the old key was the exact
    name, and SQLite's lower() is ASCII-only); the upgrade keys every class and renames the later ones."""
    from alembic import command
    from sqlalchemy import text

    from api.cli import alembic_config

    url = _fresh_url(backend, tmp_path)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        command.upgrade(alembic_config(url), "0004_prevention")
    engine = make_engine(url)
    names = [("Øst 9", "2026/27"), ("Ærø 8", "2026/27"), ("øst 9", "2026/27"), ("ØST  9", "2026/27")]
    names.append(("øst 9", "2027/28"))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO schools (id, name, slug, count_closed_days, created_at, version) "
                "VALUES (1, 'S', 's', false, CURRENT_TIMESTAMP, 1)"
            )
        )
        for i, (name, year) in enumerate(names, start=1):
            conn.execute(
                text(
                    "INSERT INTO classes (id, school_id, name, grade, school_year, created_at, version) "
                    "VALUES (:id, 1, :name, 9, :year, CURRENT_TIMESTAMP, 1)"
                ),
                {"id": i, "name": name, "year": year},
            )
    with app.app_context():
        upgrade_database()
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT id, name, name_key FROM classes ORDER BY id"))]
    engine.dispose()
    if backend != "sqlite":
        drop_postgres_database(url)
    assert rows == [
        (1, "Øst 9", "øst 9"),
        (2, "Ærø 8", "ærø 8"),
        (3, "øst 9 (2)", "øst 9 (2)"),
        (4, "ØST  9 (3)", "øst 9 (3)"),
        (5, "øst 9", "øst 9"),  # another school year
    ]


def test_rebuilding_a_table_keeps_the_rows_that_refer_to_it(backend, tmp_path):
    """SQLite rebuilds a table (copy, drop, rename) to add a foreign key; with foreign keys on, the drop
    cascaded and deleted every incident's students and notifications. 0005 rebuilds `incidents`."""
    from alembic import command
    from sqlalchemy import text

    from api.cli import alembic_config

    url = _fresh_url(backend, tmp_path)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    config = alembic_config(url)
    engine = make_engine(url)
    now = datetime(2026, 4, 1, 8, tzinfo=UTC)
    with app.app_context():
        command.upgrade(config, "0004_prevention")
        with engine.begin() as conn:
            for statement in (
                "INSERT INTO schools (id, name, slug, count_closed_days, created_at, version) "
                "VALUES (1, 'S', 's', false, :now, 1)",
                "INSERT INTO users (id, email, name, password_hash, active, created_at, updated_at, version, "
                "school_id) VALUES (1, 'a@b.dk', 'A', 'x', true, :now, :now, 1, 1)",
                "INSERT INTO students (id, school_id, given_name, family_name, active, sfo_enrolled, "
                "created_at, updated_at, version) VALUES (1, 1, 'Anna', 'Holm', true, false, :now, :now, 1)",
                "INSERT INTO incidents (id, classification, status, occurred_at, reported_by_id, created_at, "
                "updated_at, version, school_id, action_plan_due) "
                "VALUES (1, 'bullying', 'action_plan', :now, 1, :now, :now, 1, 1, :due)",
                "INSERT INTO incident_students (id, incident_id, student_id, role) VALUES (1, 1, 1, 'target')",
                "INSERT INTO notifications (id, user_id, kind, message, created_at, school_id, incident_id) "
                "VALUES (1, 1, 'bullying_established', 'Case #1: bullying established', :now, 1, 1)",
            ):
                conn.execute(text(statement), {"now": now, "due": date(2026, 4, 20)})
        upgrade_database()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM incident_students")).scalar() == 1
        params = conn.execute(text("SELECT params FROM notifications")).scalar()
    engine.dispose()
    if backend != "sqlite":
        drop_postgres_database(url)
    params = json.loads(params) if isinstance(params, str) else params
    assert params == {"classification": "bullying", "action_plan_due": "2026-04-20"}
