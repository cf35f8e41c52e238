"""Observation logic (HTTP-free): log, list, read, change, turn into an incident."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.etag import IfMatch, check_if_match, etag_of
from api.core.inputs import text_or_none
from api.core.pagination import list_page
from api.core.scoping import get_in_school
from api.core.timeutil import LOCAL_TZ, WITHDRAW_WINDOW, as_utc, utcnow
from api.core.tombstones import Tombstone, record_tombstone
from api.core.views import View
from api.errors import Conflict, InvalidInput
from api.incidents.service import create_incident
from api.observations import permissions
from api.observations.models import Observation, ObservationStudent
from api.students.service import students_in_classes, students_of_school

# Phones' clocks drift; an observation "a minute in the future" is still now.
CLOCK_SKEW = timedelta(minutes=5)


class ObservationView(View):
    """An observation as one reader sees it: the note only when granted (a sensitive one's is need-to-know)."""

    PRIVATE = ("note",)


def present(viewer: Any, observation: Observation) -> ObservationView:
    """The observation as `viewer` may see it: without the note of a sensitive one they may not read."""
    shown = permissions.can_see_note(viewer, observation)
    return ObservationView(
        observation,
        granted=("note",) if shown else (),
        students=[link.student for link in observation.students],
        tags=list(observation.tags or []),
        note_hidden=not shown and observation.note is not None,
        etag=etag_of(observation),
    )


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _check_moment(observed_at: datetime) -> datetime:
    observed_at = as_utc(observed_at)
    if observed_at > utcnow() + CLOCK_SKEW:
        raise InvalidInput(
            "An observation cannot be in the future.", errors={"observed_at": ["in the future"]}
        )
    return observed_at


def create_observation(
    session: Session,
    *,
    caller: Any,
    student_ids: list[int],
    mood: int,
    context: str | None = None,
    tags: list[str] | None = None,
    note: str | None = None,
    sensitive: bool = False,
    observed_at: datetime | None = None,
) -> Observation:
    """Log an observation by `caller` about one or more students of the school."""
    permissions.ensure_child_facing(caller, action="log observations")
    ids = _unique(student_ids)
    students_of_school(session, school_id=caller.school_id, student_ids=ids)
    observation = Observation(
        school_id=caller.school_id,
        author_id=caller.id,
        mood=mood,
        context=context,
        tags=_unique(tags or []),
        note=text_or_none(note),
        sensitive=bool(sensitive),
        observed_at=_check_moment(observed_at) if observed_at is not None else utcnow(),
    )
    observation.students = [ObservationStudent(student_id=i) for i in ids]
    session.add(observation)
    session.flush()
    audit.record(
        "observation_created",
        resource_type="observation",
        resource_id=observation.id,
        student_ids=ids,
        detail={"mood": mood, "sensitive": observation.sensitive},
    )
    return observation


def get_observation(
    session: Session, *, caller: Any, observation_id: int, audited: bool = True
) -> Observation:
    """An observation the caller may see (404 for another school's, 403 without need-to-know)."""
    observation = get_in_school(
        session, Observation, observation_id, school_id=caller.school_id, what="Observation"
    )
    permissions.ensure_can_view(session, caller, observation)
    if audited:
        audit.record(
            "observation_read",
            resource_type="observation",
            resource_id=observation.id,
            student_ids=observation.student_ids,
            detail={"note_shown": permissions.can_see_note(caller, observation)},
        )
    return observation


def _day_start(day: date) -> datetime:
    return as_utc(datetime.combine(day, time.min, tzinfo=LOCAL_TZ))


def list_observations(
    session: Session,
    *,
    caller: Any,
    student_id: int | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
    mine: bool | None = None,
    context: str | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict[str, Any]:
    """One page of the observations the caller may see, newest first (withdrawn ones left out)."""
    permissions.ensure_child_facing(caller, action="see observations")
    if from_date and to_date and from_date > to_date:
        raise InvalidInput("'from' is after 'to'.", errors={"from": ["after 'to'"]})
    stmt: Select[Any] = select(Observation).where(
        Observation.school_id == caller.school_id,
        Observation.withdrawn_at.is_(None),
        permissions.visible_clause(session, caller),
    )
    if class_id is not None or grade is not None:
        about = students_in_classes(session, school_id=caller.school_id, class_id=class_id, grade=grade)
        stmt = stmt.where(
            Observation.id.in_(
                select(ObservationStudent.observation_id).where(ObservationStudent.student_id.in_(about))
            )
        )
    if student_id is not None:
        stmt = stmt.where(
            Observation.id.in_(
                select(ObservationStudent.observation_id).where(ObservationStudent.student_id == student_id)
            )
        )
    if from_date is not None:
        stmt = stmt.where(Observation.observed_at >= _day_start(from_date))
    if to_date is not None:
        stmt = stmt.where(Observation.observed_at < _day_start(to_date + timedelta(days=1)))
    if mine:
        stmt = stmt.where(Observation.author_id == caller.id)
    if context is not None:
        stmt = stmt.where(Observation.context == context)
    stmt = stmt.order_by(Observation.observed_at.desc(), Observation.id.desc())
    result = list_page(
        session,
        stmt,
        {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since},
        model=Observation,
        resource="observations",
        school_id=caller.school_id,
        # Only the tombstones of observations the caller could see (a withdrawn one's row stays).
        tombstones_visible=Tombstone.resource_id.in_(
            select(Observation.id).where(permissions.visible_clause(session, caller))
        ),
    )
    items: list[Observation] = result["items"]
    audit.record(
        "observations_listed",
        resource_type="observation",
        student_ids=[i for o in items for i in o.student_ids],
        detail={"count": len(items)},
    )
    result["items"] = [present(caller, o) for o in items]
    return result


def update_observation(
    session: Session,
    *,
    caller: Any,
    observation: Observation,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Observation:
    """Apply the author's (or a leader's / resource person's) corrections (`if_match`: the version read)."""
    permissions.ensure_can_edit(caller, observation)
    if if_match is not None:
        check_if_match(observation, if_match)
    _refuse_withdrawn(observation)
    before = set(observation.student_ids)
    if "student_ids" in changes:
        ids = _unique(changes["student_ids"])
        students_of_school(session, school_id=caller.school_id, student_ids=ids)
        keep = [link for link in observation.students if link.student_id in ids]
        have = {link.student_id for link in keep}
        observation.students = keep + [ObservationStudent(student_id=i) for i in ids if i not in have]
    if "mood" in changes:
        observation.mood = changes["mood"]
    if "context" in changes:
        observation.context = changes["context"]
    if "tags" in changes:
        observation.tags = _unique(changes["tags"])
    if "note" in changes:
        observation.note = text_or_none(changes["note"])
    if "sensitive" in changes:
        observation.sensitive = bool(changes["sensitive"])
    if "observed_at" in changes:
        observation.observed_at = _check_moment(changes["observed_at"])
    observation.updated_at = utcnow()
    session.flush()
    session.refresh(observation, ["students"])
    audit.record(
        "observation_updated",
        resource_type="observation",
        resource_id=observation.id,
        student_ids=before | set(observation.student_ids),
        detail={"fields": sorted(changes)},
    )
    return observation


def convert_to_incident(
    session: Session,
    *,
    caller: Any,
    observation: Observation,
    classification: str,
    students: list[dict[str, Any]] | None = None,
    place: str | None = None,
    description: str | None = None,
) -> Observation:
    """Turn an observation into an incident, keeping the link (once; a second time is 409).

    A sensitive note is never copied implicitly: the incident's readers may be others than the note's."""
    _refuse_withdrawn(observation)
    if observation.incident_id is not None:
        raise Conflict(
            f"This observation was already turned into incident {observation.incident_id}.",
            errors={"incident_id": [observation.incident_id]},
        )
    if students:
        roles: dict[int, str] = {}
        for s in students:
            roles.setdefault(s["student_id"], s["role"])
        involved = [{"student_id": i, "role": r} for i, r in roles.items()]
    else:
        involved = [{"student_id": i, "role": "target"} for i in observation.student_ids]
    if description is None and not observation.sensitive:
        description = observation.note
    incident = create_incident(
        session,
        caller=caller,
        classification=classification,
        students=involved,
        occurred_at=observation.observed_at,
        place=place,
        description=description,
    )
    observation.incident_id = incident.id
    observation.updated_at = utcnow()
    session.flush()
    audit.record(
        "observation_converted",
        resource_type="observation",
        resource_id=observation.id,
        student_ids=set(observation.student_ids) | {s["student_id"] for s in involved},
        detail={"incident_id": incident.id, "classification": classification},
    )
    return observation


def _refuse_withdrawn(observation: Observation) -> None:
    if observation.withdrawn_at is not None:
        raise Conflict("The observation was withdrawn by its author.", type="withdrawn")


def withdraw_observation(session: Session, *, caller: Any, observation: Observation) -> Observation:
    """Withdraw an observation its author just logged ("Fortryd"): kept for the audit with who withdrew it
    and when, but gone from the lists and the student log. Once it became an incident, withdraw that."""
    permissions.ensure_can_withdraw(caller, observation)
    _refuse_withdrawn(observation)
    if observation.incident_id is not None:
        raise Conflict(
            f"This observation became incident {observation.incident_id}; that report is withdrawn instead.",
            errors={"incident_id": [observation.incident_id]},
        )
    if utcnow() - as_utc(observation.created_at) > WITHDRAW_WINDOW:
        raise Conflict("An observation can be withdrawn only just after it was logged; correct it instead.")
    now = utcnow()
    observation.withdrawn_at = now
    observation.withdrawn_by = caller
    observation.updated_at = now
    record_tombstone(
        session,
        school_id=observation.school_id,
        resource="observations",
        resource_id=observation.id,
        reason="withdrawn",
    )
    session.flush()
    audit.record(
        "observation_withdrawn",
        resource_type="observation",
        resource_id=observation.id,
        student_ids=observation.student_ids,
    )
    return observation


def observations_of_case(session: Session, *, caller: Any, incident_id: int) -> list[Observation]:
    """The observations linked to a case that the caller may see, oldest first (for the complaint's case file:
    only what concerns the case). Not audited: the caller audits the export they go into."""
    permissions.ensure_child_facing(caller, action="see observations")
    stmt = (
        select(Observation)
        .where(
            Observation.school_id == caller.school_id,
            Observation.incident_id == incident_id,
            Observation.withdrawn_at.is_(None),
            permissions.visible_clause(session, caller),
        )
        .order_by(Observation.observed_at, Observation.id)
    )
    return list(session.scalars(stmt))
