"""A school's own closed days (school holidays), stored as periods of one or more days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, SchoolOwned
from api.core.timeutil import utcnow


class ClosedPeriod(SchoolOwned, Base):
    """Days the school is closed (e.g. autumn holiday), first and last day included."""

    __tablename__ = "calendar_closed_days"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="period_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_day: Mapped[date] = mapped_column(Date, index=True)
    last_day: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
