"""Tombstones: what is left of a record that was deleted or anonymised, so an integration's change feed learns of
the deletion. A tombstone holds no personal data: the kind of record, its id, when, and why."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Index, Integer, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core.db import Base, SchoolOwned
from api.core.enums import register_enum
from api.core.timeutil import utcnow

# Why a record went; receivers may treat them alike, an auditor may not.
TOMBSTONE_REASON_DOCS = {
    "deleted": ("slettet", "Deleted by a user (a guardian removed, a wellbeing day cancelled)."),
    "anonymised": ("anonymiseret", "Kept without its personal data."),
    "retention": (
        "slettet efter opbevaringsperioden",
        "Deleted by the retention purge when its period ran out.",
    ),
    "erasure_request": (
        "slettet på anmodning",
        "Deleted on a request to erase a student's data (GDPR art. 17).",
    ),
    "withdrawn": ("trukket tilbage", "Withdrawn by its reporter right after logging it (Fortryd)."),
}
TOMBSTONE_REASONS = tuple(TOMBSTONE_REASON_DOCS)
register_enum("TombstoneReason", "Why a record left the feed.", TOMBSTONE_REASON_DOCS)


class Tombstone(SchoolOwned, Base):
    """One deleted or anonymised record: its resource type and id, the time and the reason; never a name."""

    __tablename__ = "tombstones"
    __table_args__ = (Index("ix_tombstones_school_id_deleted_at_id", "school_id", "deleted_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The collection the record was served from, e.g. "students", "guardians", "incidents".
    resource: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


def record_tombstone(
    session: Session, *, school_id: int, resource: str, resource_id: int, reason: str = "deleted"
) -> Tombstone:
    """Add a tombstone to the session's transaction, so it commits (or rolls back) with the deletion itself."""
    if reason not in TOMBSTONE_REASONS:
        raise ValueError(f"unknown tombstone reason {reason!r}")
    tombstone = Tombstone(school_id=school_id, resource=resource, resource_id=resource_id, reason=reason)
    session.add(tombstone)
    return tombstone


def purge(session: Session, *, now: datetime) -> int:
    """Drop tombstones older than TOMBSTONE_RETENTION_DAYS (a change-feed cursor that old is 410 anyway)."""
    keep = timedelta(days=current_app.config.get("TOMBSTONE_RETENTION_DAYS", 90))
    return session.execute(delete(Tombstone).where(Tombstone.deleted_at < now - keep)).rowcount or 0
