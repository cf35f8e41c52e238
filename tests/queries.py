"""Counting the SQL statements a request sends: one helper for every query-count test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from api.core.db import make_engine


@contextmanager
def statements(database_url: str) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    engine = make_engine(database_url)
    sent: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", before)
