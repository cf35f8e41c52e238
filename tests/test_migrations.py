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
