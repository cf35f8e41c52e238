"""On PostgreSQL a request's transaction begins with its first write, not its first statement.

psycopg sends `BEGIN` as a round trip of its own before the first statement, and `COMMIT` as another at the
end: for a request that only reads (and writes its one audit row) they were two of its five round trips.

Under READ COMMITTED, PostgreSQL's default and the one Trivsel uses, every statement takes its own snapshot
whether or not a transaction is open, so a read run on its own sees exactly what it would have seen inside
one. So a plain `SELECT` issued while no transaction is open runs on its own (psycopg's autocommit). Any
other statement opens the transaction as before: a write, a locking read (`FOR UPDATE`, `FOR SHARE`, whose
lock must last until the commit), a streamed read (its server-side cursor lives in a transaction), a `WITH`
(which may write), anything sent as text. From then on every statement joins it, and it commits at the
request's edge as always.

The choice is made where SQLAlchemy hands each statement to psycopg (a dialect of psycopg's, registered as the
driver `psycopg_lazybegin`, which `api.core.db.make_engine` uses). An engine event did the same first, but
it made SQLAlchemy dispatch events around every statement: 0.2 to 0.7 million instructions more per request
(`bench/instructions.py`).

One statement more may run on its own: one marked `ALONE` by the code that knows it is the last statement of
a unit of work that has written nothing yet. That is the request's audit row of a request that wrote nothing
else (`api.core.transactions.commit`): a single statement is atomic by itself. An executemany never runs on
its own, marked or not: its executions are atomic only together.
"""

from __future__ import annotations

from typing import Any

from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

# The execution option marking a statement that may run on its own although it writes.
ALONE = "trivsel_alone"
# The driver name of the dialect below, for a URL: postgresql+psycopg_lazybegin://
DRIVER = "psycopg_lazybegin"

_IDLE = TransactionStatus.IDLE
# A SELECT that locks rows, or takes an advisory lock, needs the transaction that keeps the lock. SQLAlchemy
# writes its keywords in capitals: plain substring tests, because a regular expression over every statement
# cost 34 µs on the 700 characters of the caller's, and a case read sends statements several times as long.
_LOCKING = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE", "pg_advisory")


def may_run_alone(statement: str, context: Any, cursor: Any = None) -> bool:
    """Whether a statement issued while no transaction is open may run outside one."""
    if context is not None and context.executemany:
        return False  # several executions: atomic only together
    if context is not None and context.execution_options.get(ALONE):
        return True
    if isinstance(cursor, ServerCursor):
        return False  # a streamed result is read through a cursor that lives in a transaction
    if context is None or context.compiled is None or context.is_crud or context.is_text or context.isddl:
        return False  # a write, text, DDL: the transaction begins here
    return statement.startswith("SELECT") and not any(lock in statement for lock in _LOCKING)


def _choose(cursor: Any, statement: str, context: Any) -> None:
    """Run the statement on its own, or in the transaction (begun by psycopg with it if none is open)."""
    driver = cursor.connection
    if driver.pgconn.transaction_status != _IDLE:
        return  # a transaction is open: the statement joins it, whatever it is
    alone = may_run_alone(statement, context, cursor)
    if driver.autocommit != alone:
        driver.autocommit = alone


class LazyBeginDialect(PGDialect_psycopg):
    """SQLAlchemy's psycopg dialect, beginning the transaction at the first statement that needs one."""

    # Compiles as its parent does (a subclass must say so, or SQLAlchemy caches no compiled statement).
    supports_statement_cache = True

    def do_execute(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        _choose(cursor, statement, context)
        super().do_execute(cursor, statement, parameters, context)

    def do_execute_no_params(self, cursor: Any, statement: str, context: Any = None) -> None:
        _choose(cursor, statement, context)
        super().do_execute_no_params(cursor, statement, context)

    def do_executemany(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        _choose(cursor, statement, context)
        super().do_executemany(cursor, statement, parameters, context)


registry.register(f"postgresql.{DRIVER}", __name__, "LazyBeginDialect")
