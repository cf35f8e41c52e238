"""Test setup: a fresh app per test, the same suite on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import create_app, discovery
from api.core.db import Base, make_engine, normalize_url
from tests.spec import SpecCheckingClient

discovery.load_models()

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# Checkouts side by side on one machine get their own PostgreSQL databases.
CHECKOUT = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]

# Fast hashing in tests (production uses argon2id defaults).
FAST_ARGON2 = (1, 8, 1)


def fresh_postgres_database(purpose: str = "test") -> str:
    """An empty database of this checkout and worker on the server TEST_DATABASE_URL names."""
    base = make_url(normalize_url(os.environ["TEST_DATABASE_URL"]))
    name = f"trivsel_{purpose}_{CHECKOUT}_{WORKER}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database built from the models for the whole session, per backend (dropped afterwards)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = fresh_postgres_database()
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield url
    engine.dispose()
    if request.param != "sqlite":
        drop_postgres_database(url)


def drop_postgres_database(url: str) -> None:
    """Remove a database made by fresh_postgres_database."""
    target = make_url(normalize_url(url))
    base = make_url(normalize_url(os.environ["TEST_DATABASE_URL"]))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def _clean(url: str) -> None:
    engine = make_engine(url)
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    """An app for tests on this database."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "ARGON2_PARAMS": FAST_ARGON2,
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }
    config.update(overrides)
    application = create_app(config)
    # Every response a test meets is held to the committed spec (tests/spec.py).
    application.test_client_class = SpecCheckingClient
    return application


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """A fresh app per test; the tables are emptied afterwards."""
    application = make_test_app(database_url)
    try:
        yield application
    finally:
        _clean(database_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """A database session inside an app context, for arranging data and checking results."""
    from api.core.db import db

    with app.app_context():
        yield db.session


@pytest.fixture
def backend(database_url: str) -> str:
    """'sqlite' or 'postgresql'."""
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"
