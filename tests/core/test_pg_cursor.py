"""psycopg's cursor describes a result's columns only when they are read (api/core/pg_cursor.py): SQLAlchemy,
which already knows the columns of a statement it has run before, makes none of psycopg's Column objects,
and whatever reads the description gets what psycopg would have given."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import _cursor_base
from sqlalchemy import select, text

from api.core.db import db
from api.core.pg_cursor import LazyDescriptionCursor
from api.students.models import Student


@pytest.fixture
def driver(app, backend) -> Any:
    """A raw psycopg connection from the app's pool (PostgreSQL only)."""
    if backend != "postgresql":
        pytest.skip("psycopg only")
    with app.app_context(), db.engine.connect() as conn:
        yield conn.connection.dbapi_connection


@pytest.fixture
def columns_made(monkeypatch) -> list[int]:
    """Every psycopg Column object made meanwhile (its index)."""
    made: list[int] = []

    class Counted(_cursor_base.Column):
        def __init__(self, cursor: Any, index: int) -> None:
            made.append(index)
            super().__init__(cursor, index)

    monkeypatch.setattr(_cursor_base, "Column", Counted)
    return made


def test_the_app_uses_the_cursor(driver):
    assert isinstance(driver.cursor(), LazyDescriptionCursor)


def test_a_statement_run_before_makes_no_column_objects(app, backend, session, columns_made):
    if backend != "postgresql":
        pytest.skip("psycopg only")
    stmt = select(Student.id, Student.given_name).where(Student.id > 0).order_by(Student.id)
    first = session.execute(stmt).all()
    assert columns_made  # the first run: SQLAlchemy reads the columns from psycopg
    columns_made.clear()
    again = session.execute(stmt).all()
    assert again == first
    assert columns_made == []  # known from the compiled statement
    assert list(session.execute(text("SELECT 1 AS one, 'x' AS two")).mappings()) == [{"one": 1, "two": "x"}]


def test_the_description_reads_as_psycopgs(driver):
    cur = driver.cursor()
    cur.execute("SELECT 1 AS a, 'x'::text AS b, NULL::date AS c")
    lazy = cur.description
    plain = psycopg.Cursor.description.fget(cur)
    assert len(lazy) == 3
    assert [tuple(col) for col in lazy] == [tuple(col) for col in plain]
    assert lazy[0].name == "a" and lazy[1][0] == "b" and lazy[-1].type_code == plain[2].type_code
    assert [col.name for col in lazy[1:]] == ["b", "c"]
    cur.execute("SELECT")  # rows of no columns: described, as empty
    assert cur.description is not None and len(cur.description) == 0 and list(cur.description) == []
    cur.execute("SET LOCAL statement_timeout = 0")  # no rows at all
    assert cur.description is None
    driver.rollback()


def test_a_description_first_read_after_the_cursor_moved_on_is_refused(driver):
    cur = driver.cursor()
    cur.execute("SELECT 1 AS a")
    early = cur.description
    cur.execute("SELECT 2 AS b")
    with pytest.raises(psycopg.InterfaceError):
        list(early)
    assert cur.description[0].name == "b"
    driver.rollback()
