"""Alembic environment: the app's metadata; batch mode on SQLite (needs the naming convention)."""

from __future__ import annotations

from alembic import context

from api import discovery
from api.core.db import Base, make_engine

discovery.load_models()
config = context.config
target_metadata = Base.metadata
# Several app replicas run `trivsel db upgrade` as they start: on PostgreSQL they take turns on this
# advisory lock, so one migrates and the others then find the schema current.
MIGRATION_LOCK = 7_311_605_016


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Render our UTC type as the plain aware DateTime it stores as.
    from sqlalchemy import JSON

    from api.core.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "api.core.db.UTCDateTime()"
    if type_ == "type" and isinstance(obj, JSON) and getattr(obj, "_variant_mapping", None):
        return "api.core.db.JSONType"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copy-drop-rename; with foreign keys on, dropping the old table
            # would cascade and delete every row that refers to it (an incident's students, events,
            # notifications...). Off for the migration (outside a transaction, as SQLite requires),
            # checked after it, then on again.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end SQLAlchemy's implicit transaction, so the migration runs in its own
        else:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
            connection.commit()  # the lock is the session's; the migration runs in a transaction of its own
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            render_item=_render_item,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if not sqlite:
                # Also after a failure: the pooled connection must not keep the lock for the next upgrade.
                connection.rollback()
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
                connection.commit()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
