"""psycopg's cursor, describing a result's columns only when something reads the description.

psycopg builds a `Column` object for every column of a result each time `cursor.description` is read: the
column's name decoded, its type looked up, four calls into libpq. SQLAlchemy reads the description after every
statement, but for a statement it has run before (nearly all of a request's) it only asks whether it is
None: the result's columns are known from the compiled statement. A case read returns about 150 columns over
its four SELECTs, and building and dropping their `Column` objects cost 8 % of its Python instructions.

Here `description` answers with a sequence that knows its length and makes the `Column` objects the first
time it is indexed or iterated; whatever reads the columns gets the same objects psycopg would have given.
`api.core.db.make_engine` hands this cursor to psycopg (`cursor_factory`, psycopg's own hook for it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from psycopg import Cursor, InterfaceError
from psycopg.pq import ExecStatus

# The results that describe columns (psycopg's own test: "SELECT ;" has none, yet is described, as empty).
_DESCRIBED = frozenset({ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK})


class Description(Sequence[Any]):
    """A result's columns, made on first use from the result they describe."""

    __slots__ = ("_columns", "_cursor", "_length", "_result")

    def __init__(self, cursor: Cursor[Any], result: Any) -> None:
        self._cursor, self._result, self._length = cursor, result, result.nfields
        self._columns: list[Any] | None = None

    def _made(self) -> list[Any]:
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                # psycopg's Column reads the cursor's current result: it would describe another one.
                raise InterfaceError("a result's description was first read after the cursor moved on")
            self._columns = Cursor.description.fget(self._cursor)  # type: ignore[attr-defined]
        return self._columns

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._made())

    def __repr__(self) -> str:
        return repr(self._made())


class LazyDescriptionCursor(Cursor[Any]):
    """psycopg's client cursor; `description` as above."""

    @property
    def description(self) -> Description | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _DESCRIBED):
            return Description(self, result)
        return None
