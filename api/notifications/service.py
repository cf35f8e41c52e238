"""Notifications: other domains call `notify`; each user reads and marks their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.pagination import paginate
from api.core.timeutil import utcnow
from api.errors import NotFound
from api.notifications.models import Notification
from api.users.models import User


def notify(
    session: Session, *, user_ids: Iterable[int], kind: str, message: str, incident_id: int | None = None
) -> list[Notification]:
    """Send one notification to each of these (active) users. The caller makes sure the message holds no
    note text and nothing the recipient may not see."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    users = session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))
    created = [
        Notification(
            school_id=user.school_id,
            user_id=user.id,
            kind=kind,
            message=message[:500],
            incident_id=incident_id,
        )
        for user in users
    ]
    session.add_all(created)
    session.flush()
    return created


def list_notifications(
    session: Session, *, actor: Any, unread: bool | None = None, page: int = 1, page_size: int = 25
) -> dict:
    """The actor's own notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if unread is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(session, stmt, page=page, page_size=page_size)


def mark_read(session: Session, *, actor: Any, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (someone else's is 404)."""
    note = session.get(Notification, notification_id) if 0 < notification_id < 2**31 else None
    if note is None or note.user_id != actor.id:
        raise NotFound("Notification not found.")
    if note.read_at is None:
        note.read_at = utcnow()
        session.flush()
    return note
