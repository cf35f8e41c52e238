"""Identity providers, the external identities linked to users, and the provider sessions behind logins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, JSONType
from api.core.timeutil import utcnow


class IdentityProvider(Base):
    """An OpenID Connect provider staff sign in with: one school's, or (school_id NULL) the whole deployment's."""

    __tablename__ = "sso_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True, default=None
    )
    name: Mapped[str] = mapped_column(String(100))
    preset: Mapped[str] = mapped_column(String(16))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    # Encrypted with a key derived from SECRET_KEY (api/sso/secrets.py); never served by the API.
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(300))
    subject_claim: Mapped[str] = mapped_column(String(64))
    email_claim: Mapped[str] = mapped_column(String(64))
    # A claim that must hold one of these values for a person to be staff (Unilogin: aktoer_gruppe).
    staff_claim: Mapped[str | None] = mapped_column(String(64), default=None)
    staff_values: Mapped[list[Any]] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    # The claim telling how the person authenticated, and the values that mean two factors.
    loa_claim: Mapped[str | None] = mapped_column(String(64), default=None)
    two_factor_values: Mapped[list[Any]] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    step_up_acr_values: Mapped[str | None] = mapped_column(String(200), default=None)
    allow_email_linking: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class ExternalIdentity(Base):
    """A person's id at a provider, linked by an admin (or by a verified e-mail the admin allowed) to a user."""

    __tablename__ = "sso_identities"
    __table_args__ = (
        UniqueConstraint("provider_id", "subject"),
        UniqueConstraint("provider_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("sso_providers.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)


class ProviderSession(Base):
    """The provider login behind one of our logins (token family): ended at the provider on logout."""

    __tablename__ = "sso_sessions"

    family_id: Mapped[str] = mapped_column(
        ForeignKey("auth_token_families.id", ondelete="CASCADE"), primary_key=True
    )
    provider_id: Mapped[int] = mapped_column(ForeignKey("sso_providers.id", ondelete="CASCADE"), index=True)
    id_token: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
