"""On PostgreSQL a request's transaction begins with its first write, not its first statement.

psycopg sends `BEGIN` as a round trip of its own before the first statement, and `COMMIT` as another at the
end: for a request that only reads (and writes its one audit row) they were two of its five round trips.

Under READ COMMITTED, PostgreSQL's default and the one Trivsel uses, every statement takes its own snapshot
whether or not a transaction is open, so a read run on its own sees exactly what it would have seen inside
one. So a plain `SELECT` issued while no transaction is open runs on its own (psycopg's autocommit). Any
other statement opens the transaction as before: a write, a locking read (`FOR UPDATE`, `FOR SHARE`, whose
lock must last until the commit), a streamed read (its server-side cursor lives in a transaction), a `WITH`
(which may write), anything sent as text. From then on every
statement joins it, and it commits at the request's edge as always.

One statement more may run on its own: one marked `ALONE` by the code that knows it is the last statement of
a unit of work that has written nothing yet. That is the request's audit row of a request that wrote nothing
else (`api.core.transactions.commit`): a single statement is atomic by itself.
"""

from __future__ import annotations

import re
from typing import Any

from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

# The execution option marking a statement that may run on its own although it writes.
ALONE = "trivsel_alone"

_IDLE = TransactionStatus.IDLE
# A SELECT that locks rows, or takes an advisory lock, needs the transaction that keeps the lock.
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|pg_advisory", re.IGNORECASE)


def may_run_alone(statement: str, context: Any, cursor: Any = None) -> bool:
    """Whether a statement issued while no transaction is open may run outside one."""
    if context is not None and context.execution_options.get(ALONE):
        return True
    if isinstance(cursor, ServerCursor):
        return False  # a streamed result is read through a cursor that lives in a transaction
    if context is None or context.compiled is None or context.is_crud or context.is_text or context.isddl:
        return False  # a write, text, DDL: the transaction begins here
    return statement.lstrip()[:6].upper() == "SELECT" and _LOCKING.search(statement) is None


def _before_cursor_execute(
    _conn: Any, cursor: Any, statement: str, _parameters: Any, context: Any, _executemany: bool
) -> None:
    driver = cursor.connection
    if driver.pgconn.transaction_status != _IDLE:
        return  # a transaction is open: the statement joins it
    alone = may_run_alone(statement, context, cursor)
    if driver.autocommit != alone:
        driver.autocommit = alone


def install(engine: Engine) -> None:
    """Begin transactions lazily on this (psycopg) engine."""
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
