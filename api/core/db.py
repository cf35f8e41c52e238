"""Database: declarative base with a naming convention, UTC-aware datetimes, engine and per-context session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from api.core import lazy_begin
from api.core.pg_cursor import LazyDescriptionCursor

# Ids are 32-bit integers on PostgreSQL; a larger id in a URL is simply not found.
MAX_ID = 2**31 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware in UTC, on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use api.core.timeutil.utcnow()")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is UTC:  # PostgreSQL's connections speak UTC (make_engine)
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def school_column(*, index: bool = True) -> Mapped[int]:
    """The school (tenant) a row belongs to; without an index of its own where a composite one begins with it."""
    return mapped_column(Integer, ForeignKey("schools.id", ondelete="CASCADE"), index=index)


class SchoolOwned:
    """Mixin for rows that belong to one school (tenant); every query filters on it."""

    school_id: Mapped[int] = school_column()


def is_postgresql(session: Session) -> bool:
    """Whether the session talks to PostgreSQL (else SQLite), where a statement is best written differently."""
    return session.get_bind().dialect.name == "postgresql"


def column_rows(session: Session, stmt: Any, params: dict[str, Any] | None = None) -> list[Any]:
    """The rows of a statement that selects columns, not entities, run as plain SQL on the session's
    connection (its transaction), after the session's pending changes are flushed as the ORM would.

    The ORM's handling of such a statement (its compile state, row processing per column) only adds to
    it: on a sync page of 1,000 cases it was a tenth of the request."""
    session.flush()
    return session.connection().execute(stmt, params).all()


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_ENGINES: dict[str, Engine] = {}


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """One engine per database URL per process (tests build many apps against one database)."""
    url = normalize_url(url)
    key = f"{url}|{echo}"
    engine = _ENGINES.get(key)
    if engine is None:
        # Statement parameters can hold a child's name or a note: they never reach an error message or a log.
        kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": not echo}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            # No ping before every checkout (a round trip on every request): a connection found dead is
            # handled when it fails instead. SQLAlchemy then discards the pool's older connections too, and
            # the request is run again on a fresh one (api.core.transactions.is_disconnect).
            # Connections are renewed hourly, before a firewall's idle timeout drops them unseen.
            kwargs.update(pool_size=10, max_overflow=20, pool_recycle=3600)
            # The session's time zone is UTC whatever the server's default: times come back in UTC as they
            # are stored (no conversion of each value read), and nothing the database computes from a time
            # depends on how the server was set up (Copenhagen wall time is the UTC moment plus the offset
            # in force, read in this zone: api/analytics/scope.py). Options in the URL
            # (`?options=-c lock_timeout=...`) are kept, after this one.
            given = make_url(url).query.get("options")
            given = " ".join(given) if isinstance(given, tuple) else given
            kwargs["connect_args"] = {"options": " ".join(filter(None, ("-c TimeZone=UTC", given)))}
        target: Any = url
        if url.startswith("postgresql+psycopg://"):
            # psycopg, with the transaction begun at a request's first write (api/core/lazy_begin.py).
            target = make_url(url).set(drivername=f"postgresql+{lazy_begin.DRIVER}")
            # Its cursor describes a result's columns only when asked (api/core/pg_cursor.py).
            kwargs["connect_args"]["cursor_factory"] = LazyDescriptionCursor
        engine = create_engine(target, **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        from api.core.metrics import watch_pool

        watch_pool(engine)
        _ENGINES[key] = engine
    return engine


class Database:
    """The app's engine and a session per application context."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
        app.extensions["trivsel_db"] = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        app.teardown_appcontext(self._close)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["trivsel_db"].kw["bind"]

    @property
    def session(self) -> Session:
        session = g.get("_db_session")
        if session is None:
            session = current_app.extensions["trivsel_db"]()
            g._db_session = session
        return session

    def _close(self, _exc: BaseException | None) -> None:
        session = g.pop("_db_session", None)
        if session is not None:
            session.close()


db = Database()
