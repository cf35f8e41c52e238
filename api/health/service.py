"""What readiness checks: the database answers and its schema is at the newest migration."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@cache
def migration_heads() -> frozenset[str]:
    """The newest revisions the code ships (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def database_answers(session: Session) -> bool:
    """Whether the database answers a trivial query."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:
        session.rollback()
        return False
    return True


def migrations_pending(session: Session) -> bool:
    """Whether the database's schema is behind (or ahead of) the code's migrations."""
    from alembic.migration import MigrationContext

    current = MigrationContext.configure(session.connection()).get_current_heads()
    return frozenset(current) != migration_heads()
