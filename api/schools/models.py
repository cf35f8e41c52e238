"""School model: the tenant every school-owned row belongs to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, JSONType
from api.core.timeutil import utcnow


class School(Base):
    """A school; every user, class, student and case belongs to exactly one."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # Whether the school's own closed days (school holidays) count as non-working days for deadlines.
    count_closed_days: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The school day's recesses as [{"start": "09:40", "end": "10:00"}, ...] in Copenhagen wall time, sorted:
    # the phone app dates a log "I frikvarteret" to the last one.
    recess_times: Mapped[list[Any]] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    # Whether staff may log in with e-mail and password; switched off once single sign-on works.
    password_login: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Whether case work needs a two-factor login (Unilogin ToFaktor, or the provider's acr/amr).
    case_work_requires_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
