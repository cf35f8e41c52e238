"""Demo strategy: Vestrup Skole's antimobbestrategi as version 1 (before the demo cases, which link it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.strategy.service import seed_version_one


def seed(session: Session, ctx: Any) -> None:
    """Version 1: the seed text."""
    seed_version_one(session, school_id=ctx.school.id)
