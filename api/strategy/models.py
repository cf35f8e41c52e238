"""The school's antimobbestrategi (undervisningsmiljøloven § 1 b), kept as numbered versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, JSONType, SchoolOwned
from api.core.timeutil import utcnow


class StrategyVersion(SchoolOwned, Base):
    """One adopted version of the strategy. Never edited: a revision is a new version, so a case keeps the
    text that was in force when it was reported."""

    __tablename__ = "strategy_versions"
    __table_args__ = (UniqueConstraint("school_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    definitions: Mapped[str] = mapped_column(Text)
    prevention: Mapped[str] = mapped_column(Text)
    detection: Mapped[str] = mapped_column(Text)
    intervention: Mapped[str] = mapped_column(Text)
    # § 1 b: the strategy must include one against digital bullying.
    digital_bullying: Mapped[str] = mapped_column(Text)
    # What the school does towards each audience when bullying is established: [{"audience", "text"}].
    response: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # Who fixed it (the school board, by law) and when; from which day it applies.
    adopted_by: Mapped[str] = mapped_column(String(200))
    adopted_on: Mapped[date] = mapped_column(Date)
    applies_from: Mapped[date] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
