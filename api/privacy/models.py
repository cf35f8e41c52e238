"""Privacy models: a school's own retention periods."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, JSONType, SchoolOwned


class RetentionPolicy(SchoolOwned, Base):
    """A school's own retention periods (absent categories follow the deployment's)."""

    __tablename__ = "retention_policies"
    __table_args__ = (UniqueConstraint("school_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    periods: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
