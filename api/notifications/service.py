"""Notifications: other domains call `notify`; each user reads and marks their own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.core.fields import valid_id
from api.core.pagination import paginate
from api.core.timeutil import utcnow
from api.errors import NotFound
from api.notifications.models import PARAMS
from api.notifications.models import Notification as Notification
from api.notifications.models import NotificationKind as NotificationKind  # what other domains send
from api.users.models import User


def notify(
    session: Session,
    *,
    user_ids: Iterable[int],
    kind: str,
    params: dict[str, Any] | None = None,
    incident_id: int | None = None,
    caller: Any = None,
) -> list[Notification]:
    """Send a notification of this kind, with its parameters, to each of these active users except `caller`
    (nobody is told of their own action). The caller makes sure each recipient may know what it says."""
    params = dict(params or {})
    if kind not in PARAMS or set(params) != set(PARAMS[kind]):
        raise ValueError(
            f"notification {kind!r} takes the parameters {PARAMS.get(kind)}, not {sorted(params)}"
        )
    ids = sorted(set(user_ids) - {getattr(caller, "id", None)})
    if not ids:
        return []
    users = session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id))
    created = [
        Notification(
            school_id=user.school_id, user_id=user.id, kind=kind, params=params, incident_id=incident_id
        )
        for user in users
    ]
    session.add_all(created)
    session.flush()
    return created


def list_notifications(
    session: Session, *, caller: Any, unread: bool | None = None, page: int = 1, page_size: int = 25
) -> dict:
    """The caller's own notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == caller.id)
    if unread is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(session, stmt, page=page, page_size=page_size)


def mark_read(session: Session, *, caller: Any, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (someone else's is 404)."""
    note = session.get(Notification, notification_id) if valid_id(notification_id) else None
    if note is None or note.user_id != caller.id:
        raise NotFound("Notification not found.")
    if note.read_at is None:
        note.read_at = utcnow()
        session.flush()
    return note


def mark_read_until(session: Session, *, incident_ids: Iterable[int], until: datetime) -> None:
    """Mark the notifications of these cases sent up to `until` read two hours after they came (the demo's
    history: people read their older notifications)."""
    for note in session.scalars(
        select(Notification).where(
            Notification.incident_id.in_(sorted(set(incident_ids))), Notification.created_at <= until
        )
    ):
        note.read_at = note.created_at + timedelta(hours=2)


def retract(session: Session, *, incident_id: int) -> int:
    """Remove the unread notifications about an incident its reporter withdrew; returns how many."""
    result = session.execute(
        delete(Notification).where(Notification.incident_id == incident_id, Notification.read_at.is_(None))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
