"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

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
