"""Bulk writing for the benchmark data: ids handed out in Python (so children can point at parents without
reading anything back), the models' own Python-side defaults filled in, and rows written with PostgreSQL
COPY (psycopg) or, on SQLite, SQLAlchemy Core `insert()` executemany."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.engine import Connection

from api.core.db import Base

BATCH = 20_000


class BulkWriter:
    """Buffers rows per table and writes them in batches; `next_id` allocates primary keys."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        self._next: dict[str, int] = {}
        self._buffers: dict[str, list[dict[str, Any]]] = {}
        self._queued = 0
        self._tables = Base.metadata.tables

    def table(self, name: str) -> Table:
        """The model table of this name."""
        return self._tables[name]

    def next_id(self, name: str) -> int:
        """A fresh primary key for a row of this table (after whatever the table already holds)."""
        if name not in self._next:
            table = self.table(name)
            self._next[name] = (self.conn.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self._next[name]
        self._next[name] = value + 1
        return value

    def add(self, name: str, row: dict[str, Any]) -> None:
        """Queue one row (it may still be changed until the next checkpoint or flush)."""
        self._buffers.setdefault(name, []).append(row)
        self._queued += 1

    def checkpoint(self) -> None:
        """A point where every queued row is complete: write them all (parents first) once enough are queued."""
        if self._queued >= BATCH:
            self.flush()

    def add_many(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        """Queue many rows."""
        for row in rows:
            self.add(name, row)

    def flush(self, *names: str) -> None:
        """Write what is queued (for these tables, in this order, or for all in dependency order)."""
        order = names or [t.name for t in Base.metadata.sorted_tables if t.name in self._buffers]
        for name in order:
            if self._buffers.get(name):
                self._queued -= len(self._buffers[name])
                self._write(name)

    def finish(self) -> None:
        """Write everything and move the id sequences past the ids handed out."""
        self.flush()
        if self.postgres:
            for name in self._next:  # table names from our own metadata, not input
                sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT coalesce(max(id), 1) FROM {name}))"  # noqa: S608
                self.conn.execute(text(sql))

    def _defaults(self, table: Table, given: set[str]) -> dict[str, Any]:
        """Values of the columns not given that have a Python-side default (as the ORM would fill in)."""
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.name in given or column.default is None:
                continue
            default = column.default
            if default.is_callable:
                values[column.name] = default.arg(None)  # type: ignore[attr-defined]
            elif default.is_scalar:
                values[column.name] = default.arg  # type: ignore[attr-defined]
        return values

    def _write(self, name: str) -> None:
        rows = self._buffers.pop(name)
        table = self.table(name)
        given = set(rows[0])
        unknown = given - set(table.c.keys())
        if unknown:
            raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
        defaults = self._defaults(table, given)
        columns = [c.name for c in table.columns if c.name in given or c.name in defaults]
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        if not self.postgres:
            self.conn.execute(table.insert(), [{**defaults, **row} for row in rows])
            return
        from psycopg.types.json import Jsonb

        json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
        raw = self.conn.connection.driver_connection
        quoted = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for c in columns:
                    value = row[c] if c in row else defaults[c]
                    if c in json_columns and value is not None:
                        value = Jsonb(value)
                    values.append(value)
                copy.write_row(values)
