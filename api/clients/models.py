"""API clients (OAuth 2.0 confidential clients) and the access tokens issued to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONType, SchoolOwned
from api.core.timeutil import utcnow


class ApiClient(SchoolOwned, Base):
    """A machine client registered by a school's admin (`school_id`: the school that owns it), reading the
    schools in `school_ids` with `scopes`, until `expires_at` or revocation."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    school_ids: Mapped[list[int]] = mapped_column(JSONType)
    # argon2id hashes (api/auth/passwords); the secret itself is shown once and never stored.
    secret_hash: Mapped[str] = mapped_column(String(255))
    # After a rotation the old secret works too until its grace period ends.
    previous_secret_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_token_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def state_now(self) -> str:
        """The client's state at this moment."""
        return self.state(utcnow())

    def state(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"


class ApiClientToken(Base):
    """One access token, stored as its SHA-256 (the token itself is only in the client's hands)."""

    __tablename__ = "api_client_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(500))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    client: Mapped[ApiClient] = relationship(lazy="raise")
