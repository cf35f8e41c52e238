"""When a user last looked at the attention list ("new since your last visit")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base


class AttentionVisit(Base):
    """The moment a user last marked the attention list as seen."""

    __tablename__ = "attention_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column()
