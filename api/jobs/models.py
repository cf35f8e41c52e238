"""State of the scheduled jobs, and the reminders already sent (so each is sent once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, SchoolOwned
from api.core.timeutil import utcnow


class JobState(Base):
    """One scheduled job: when it runs next, who holds it now, how its last runs went."""

    __tablename__ = "job_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    locked_by: Mapped[str | None] = mapped_column(String(100), default=None)
    last_started_at: Mapped[datetime | None] = mapped_column(default=None)
    last_succeeded_at: Mapped[datetime | None] = mapped_column(default=None)
    last_failed_at: Mapped[datetime | None] = mapped_column(default=None)
    # The exception's class only: a message could hold data.
    last_error: Mapped[str | None] = mapped_column(String(100), default=None)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)


class ReminderMark(SchoolOwned, Base):
    """A reminder sent for one state of one record (e.g. plan of case 12 due 2026-04-20 is overdue)."""

    __tablename__ = "reminder_marks"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "state_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(Integer)
    state_key: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
