"""What a caller may do on a case now: one rule per action. The services check these rules before they act and
IncidentRead lists the actions that pass (`allowed_actions`), so the UI shows exactly what the API allows.

A rule answers with the refusal (403 for the caller's role or relation to the case, 409 for the case's state)
or None. Seeing the case at all (404 otherwise) is checked before any of these.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from api.core.enums import documented_enum
from api.core.permissions import deny
from api.core.timeutil import WITHDRAW_WINDOW, as_utc, utcnow
from api.errors import Conflict
from api.incidents import permissions
from api.incidents.models import CaseStatus, Incident
from api.incidents.workflow import WITHDRAWN


@documented_enum(
    {
        "edit_facts": ("ret oplysninger", "Change place, time, description and how the adult knows."),
        "change_students": ("skift elever", "Change the involved students and their roles."),
        "reclassify": ("skift type", "Change the classification."),
        "set_pupil_perspective": ("elevens perspektiv", "Record the pupil's own perspective."),
        "set_accused_staff": ("anklaget medarbejder", "Mark the case as accusing a staff member."),
        "add_note": ("tilføj note", "Add a case note."),
        "establish": ("konstatér mobning", "Establish bullying (starts the action plan's deadline)."),
        "add_acute_measure": ("akut tiltag", "Record an acute measure."),
        "update_checklist": ("opdatér de fem parter", "Record what was done towards the five audiences."),
        "write_action_plan": ("skriv handlingsplan", "Write the action plan."),
        "record_follow_up": ("registrér opfølgning", "Record a follow-up meeting."),
        "add_referral": ("henvis", "Refer the case to an external partner."),
        "update_referral": ("opdatér henvisning", "Update a referral."),
        "withdraw": ("fortryd", "Withdraw the report just after logging it."),
    }
)
class CaseAction(StrEnum):
    """Something a caller may do on a case (status changes are listed in `allowed_transitions`)."""

    EDIT_FACTS = "edit_facts"
    CHANGE_STUDENTS = "change_students"
    RECLASSIFY = "reclassify"
    SET_PUPIL_PERSPECTIVE = "set_pupil_perspective"
    SET_ACCUSED_STAFF = "set_accused_staff"
    ADD_NOTE = "add_note"
    ESTABLISH = "establish"
    ADD_ACUTE_MEASURE = "add_acute_measure"
    UPDATE_CHECKLIST = "update_checklist"
    WRITE_ACTION_PLAN = "write_action_plan"
    RECORD_FOLLOW_UP = "record_follow_up"
    ADD_REFERRAL = "add_referral"
    UPDATE_REFERRAL = "update_referral"
    WITHDRAW = "withdraw"


ACTION_VALUES = [a.value for a in CaseAction]


@dataclass(frozen=True)
class Access:
    """The caller's relation to one case, asked once: 'full' (works it), 'reporter' or None; owner or not."""

    view: str | None
    owner: bool
    reporter: bool

    @property
    def worker(self) -> bool:
        """Works the case (sees all of it)."""
        return self.view == "full"


def access_of(
    session: Session, user: Any, incident: Incident, *, class_ids: AbstractSet[int] | None = None
) -> Access:
    """The user's relation to the case (`class_ids`: the user's classes, when the caller knows them)."""
    worker = permissions.is_worker(session, user, incident, class_ids=class_ids)
    reporter = permissions.is_reporter(user, incident)
    return Access(
        view="full" if worker else ("reporter" if reporter else None),
        owner=worker and user.has_role(*permissions.OWNER_ROLES),
        reporter=reporter,
    )


WORKERS = "the case's workers (the class's staff, resource persons, leaders)"
OWNERS = "leaders and resource persons"


def problem(incident: Incident, access: Access, action: str) -> tuple[int, str] | None:
    """Why the caller may not take `action` on the case now: (403 or 409, reason), or None."""
    if incident.withdrawn_at is not None:
        return WITHDRAWN
    closed = incident.status == CaseStatus.CLOSED
    established = incident.established_at is not None
    if action in (CaseAction.EDIT_FACTS, CaseAction.ADD_NOTE):
        return None if access.view else (403, "Only the case's reporter and workers may do this.")
    if action == CaseAction.CHANGE_STUDENTS:
        if established and not access.owner:
            return 403, f"Bullying was established: only {OWNERS} may change the students of the case."
        return None if access.view else (403, "Only the case's reporter and workers may change its students.")
    if action == CaseAction.RECLASSIFY:
        if established and not access.owner:
            return 403, f"Bullying was established: only {OWNERS} may reclassify the case."
        return None if access.worker else (403, f"Only {WORKERS} may reclassify a case.")
    if action in (CaseAction.SET_PUPIL_PERSPECTIVE, CaseAction.SET_ACCUSED_STAFF):
        return None if access.worker else (403, f"Only {WORKERS} may do this.")
    if action == CaseAction.ESTABLISH:
        if not access.owner:
            return 403, f"Only {OWNERS} may establish bullying."
        if established:
            return 409, "Bullying is already established on this case."
        return (409, "The case is closed; reopen it first.") if closed else None
    if action in (CaseAction.ADD_ACUTE_MEASURE, CaseAction.UPDATE_CHECKLIST):
        if not access.worker:
            return 403, f"Only {WORKERS} may do this."
        if action == CaseAction.UPDATE_CHECKLIST and not established:
            return 409, "The checklist of the five audiences exists once bullying is established."
        return (409, "The case is closed.") if closed and action == CaseAction.ADD_ACUTE_MEASURE else None
    if action in (CaseAction.WRITE_ACTION_PLAN, CaseAction.RECORD_FOLLOW_UP):
        if not access.owner:
            return 403, f"Only {OWNERS} may do this."
        if closed:
            return 409, "The case is closed; reopen it first."
        plan = incident.action_plan
        if action == CaseAction.RECORD_FOLLOW_UP and (plan is None or plan.adopted_at is None):
            return 409, "There is no action plan to follow up yet."
        return None
    if action in (CaseAction.ADD_REFERRAL, CaseAction.UPDATE_REFERRAL):
        if not access.owner:
            return 403, f"Only {OWNERS} may refer a case to external partners."
        if action == CaseAction.UPDATE_REFERRAL and not incident.referrals:
            return 409, "The case has no referrals."
        return None
    if action == CaseAction.WITHDRAW:
        if not access.reporter:
            return 403, "Only the reporter may withdraw a report."
        if utcnow() - as_utc(incident.created_at) > WITHDRAW_WINDOW:
            return (
                409,
                "A report can be withdrawn only just after it was logged; ask a case worker to close it.",
            )
        if established or incident.status != CaseStatus.OPEN:
            return 409, "The case is already being worked; ask a case worker to close it."
        return None
    raise ValueError(f"unknown case action {action!r}")


def allowed(session: Session, user: Any, incident: Incident, *, access: Access | None = None) -> list[str]:
    """The actions the user may take on the case now."""
    access = access or access_of(session, user, incident)
    return [a.value for a in CaseAction if problem(incident, access, a) is None]


def ensure(
    session: Session, user: Any, incident: Incident, action: str, *, access: Access | None = None
) -> None:
    """Raise the refusal (403 audited as denied, or 409) unless the user may take `action` now."""
    found = problem(incident, access or access_of(session, user, incident), action)
    if found is not None:
        refuse(incident, *found)


def refuse(incident: Incident, code: int, reason: str) -> NoReturn:
    """Raise a refusal of an action or a transition: 403 (audited as denied) or 409. A withdrawn report
    refuses everything with a type of its own, so "Fortryd" sent twice is told apart from a withdrawal refused
    (the case is being worked, the minutes are up)."""
    if code == 403:
        raise deny(
            reason, resource_type="incident", resource_id=incident.id, student_ids=tuple(incident.student_ids)
        )
    raise Conflict(reason, type="withdrawn" if incident.withdrawn_at is not None else None)
