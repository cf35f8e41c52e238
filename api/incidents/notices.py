"""Who is told of a case, and when: the strategy's "Skolelederen orienteres, hvis vi får viden om mobning eller
digital mobning". The recipients are one rule (permissions.notification_recipients); the person who acted is
never told of their own action. Notifications carry a kind and parameters, never a sentence."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.incidents import permissions
from api.incidents.models import BULLYING_LIKE, Incident
from api.notifications.service import Notification, NotificationKind, notify


def _tell(
    session: Session, incident: Incident, *, caller: Any, kind: str, params: dict[str, Any]
) -> list[Notification]:
    session.flush()  # the recipients rule reads the involved students' classes
    return notify(
        session,
        user_ids=permissions.notification_recipients(session, incident),
        kind=kind,
        params=params,
        incident_id=incident.id,
        caller=caller,
    )


def tell_of_report(
    session: Session, incident: Incident, *, caller: Any, was_bullying_like: bool, was_accusing: bool
) -> list[Notification]:
    """A case that now accuses a staff member, or is now reported as bullying-like (at the report or by a
    later change), tells whoever may see it."""
    if incident.accused_staff_id is not None and not was_accusing:
        return _tell(session, incident, caller=caller, kind=NotificationKind.STAFF_ACCUSED, params={})
    if incident.classification in BULLYING_LIKE and not was_bullying_like and not was_accusing:
        params = {"classification": incident.classification}
        return _tell(session, incident, caller=caller, kind=NotificationKind.INCIDENT_REPORTED, params=params)
    return []


def tell_of_establishment(session: Session, incident: Incident, *, caller: Any) -> list[Notification]:
    """Bullying established: whoever may see the case is told, with the action plan's deadline."""
    due = incident.action_plan_due.isoformat() if incident.action_plan_due else None
    params = {"classification": incident.classification, "action_plan_due": due}
    return _tell(session, incident, caller=caller, kind=NotificationKind.BULLYING_ESTABLISHED, params=params)
