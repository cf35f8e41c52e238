"""Alembic environment: the app's metadata; batch mode on SQLite (needs the naming convention)."""

from __future__ import annotations

from alembic import context

from api import discovery
from api.core.db import Base, make_engine

discovery.load_models()
config = context.config
target_metadata = Base.metadata


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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
