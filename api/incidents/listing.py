"""The list of cases a caller may see, with its filters, deadline view and change feed (HTTP-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Integer, any_, bindparam, exists, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from api.clients.models import ApiClient
from api.core import audit
from api.core.db import column_rows, is_postgresql
from api.core.pagination import list_page
from api.core.timeutil import as_utc, local_date
from api.core.tombstones import Tombstone
from api.incidents import permissions
from api.incidents.deadline import deadline_status, due_soon_once, plan_pending_clause
from api.incidents.models import ActionPlan, Incident, IncidentStudent
from api.students.models import SchoolClass, Student
from api.students.service import students_in_classes
from api.users.models import User

# What the list shows of a case, read as plain rows: hydrating a page's cases, involvements, students and
# reporters as mapped objects cost ~200 µs a case, most of a sync's time (bench/feed_sync.py). The reporter
# (a staff member or an API client) is named by a join; the list shows neither the accused nor the plan.
_LISTED = (
    Incident.id,
    Incident.classification,
    Incident.status,
    Incident.occurred_at,
    Incident.place,
    Incident.knowledge_source,
    Incident.established_at,
    Incident.action_plan_due,
    Incident.created_at,
    Incident.updated_at,
    Incident.version,
    # From here on: who reported it (ListedCase takes the columns before by position).
    Incident.reported_by_id,
    User.name.label("reporter_name"),
    Incident.reported_by_client_id,
    ApiClient.name.label("client_name"),
)

_REPORTER = 11


@dataclass(slots=True)
class Named:
    """A staff member or an API client as a listed case names them."""

    id: int
    name: str


@dataclass(slots=True)
class ListedStudent:
    """A student as a listed case names them."""

    display_name: str
    class_name: str | None


@dataclass(slots=True)
class ListedInvolvement:
    """A student involved in a listed case, with their role, and whether the reader is told their name
    (decided once for the page, not asked again for each student as it is dumped)."""

    student_id: int
    role: str
    student: ListedStudent
    names_withheld: bool


@dataclass(slots=True)
class ListedPlan:
    """Of a listed case's action plan, whether it was adopted (the deadline's state)."""

    adopted_at: datetime | None


@dataclass(slots=True)
class ListedCase:
    """A case as the list presents it (IncidentListItem dumps it): its listed columns, who reported it, the
    students involved and the state of its deadline."""

    __tablename__: ClassVar[str] = "incidents"  # its ETag is the case's (api.core.etag.etag_of)

    id: int
    classification: str
    status: str
    occurred_at: datetime
    place: str | None
    knowledge_source: str | None
    established_at: datetime | None
    action_plan_due: date | None
    created_at: datetime
    updated_at: datetime
    version: int
    reported_by: Named | None
    reported_by_client: Named | None
    students: list[ListedInvolvement]
    action_plan: ListedPlan | None
    deadline_status: str | None = None

    @property
    def student_ids(self) -> list[int]:
        """The involved students' ids."""
        return [s.student_id for s in self.students]


def _among(session: Session, column: Any, ids: list[int]) -> Any:
    """`column IN ids`; on PostgreSQL as `= ANY(array)`, one parameter: a list of 100-200 ids as as many
    parameters made a new statement text for every length, parsed anew by the driver each time."""
    if is_postgresql(session):
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _listed(
    session: Session, rows: list[Any], *, today: date, soon: Any, names_withheld: bool
) -> list[ListedCase]:
    """The page's rows as listed cases: their involvements with the students (and their classes) in one
    statement and, for the cases with a deadline, whether their plan was adopted in another."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    # The page's involvements, read once (a CTE), and each student they name looked up once, with the class:
    # a 1,000-case page has ~2,000 involvements of ~600 students. Joined directly, PostgreSQL read the
    # involvements twice and looked a student up for every involvement (10.9 ms against 4.8 ms for such a
    # page); without the restriction to the page's students, it hashed every student of the municipality.
    inv = (
        select(
            IncidentStudent.id, IncidentStudent.incident_id, IncidentStudent.student_id, IncidentStudent.role
        )
        .where(_among(session, IncidentStudent.incident_id, ids))
        .cte("involved")
    )
    page_students: Any = Student.id.in_(select(inv.c.student_id))
    if is_postgresql(session):
        # The students as an array (an InitPlan), so that they are looked up by primary key: as `IN`, PostgreSQL
        # scanned every student of the municipality to hash them. (Read twice, the CTE is materialised.)
        page_students = Student.id == any_(func.array(select(inv.c.student_id).scalar_subquery()))
    students = (
        select(
            Student.id,
            Student.given_name,
            Student.preferred_name,
            Student.family_name,
            SchoolClass.name.label("class_name"),
        )
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(page_students)
        .subquery("named")
    )
    involved: dict[int, list[ListedInvolvement]] = {i: [] for i in ids}
    names: dict[int, ListedStudent] = {}
    for r in column_rows(
        session,
        select(
            inv.c.incident_id,
            inv.c.student_id,
            inv.c.role,
            students.c.given_name,
            students.c.preferred_name,
            students.c.family_name,
            students.c.class_name,
        )
        .join(students, students.c.id == inv.c.student_id)
        .order_by(inv.c.id),
    ):
        incident_id, student_id, role = r[:3]
        named = names.get(student_id)
        if named is None:
            named = names[student_id] = ListedStudent(_display_name(r), r.class_name)
        involved[incident_id].append(ListedInvolvement(student_id, role, named, names_withheld))
    due = [r.id for r in rows if r.action_plan_due is not None]
    plans: dict[int, ListedPlan] = {}
    if due:
        plans = {
            p.incident_id: ListedPlan(p.adopted_at)
            for p in column_rows(
                session,
                select(ActionPlan.incident_id, ActionPlan.adopted_at).where(
                    _among(session, ActionPlan.incident_id, due)
                ),
            )
        }
    cases = []
    for r in rows:
        # By position: the first columns of _LISTED are the first fields of ListedCase.
        reporter_id, reporter_name, client_id, client_name = r[_REPORTER:]
        case = ListedCase(
            *r[:_REPORTER],
            Named(reporter_id, reporter_name) if reporter_id is not None else None,
            Named(client_id, client_name) if client_id is not None else None,
            involved[r[0]],
            plans.get(r[0]),
        )
        case.deadline_status = deadline_status(case, today=today, soon=soon)  # type: ignore[arg-type]
        cases.append(case)
    return cases


# The student's display name as the model forms it (preferred or given name, family name).
_display_name = Student.display_name.fget  # type: ignore[attr-defined]


def list_incidents(
    session: Session,
    *,
    caller: Any,
    status: str | None = None,
    classification: str | None = None,
    deadline: str | None = None,
    student_id: int | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    created_since: datetime | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict:
    """The cases the caller may see, newest first (withdrawn reports left out); with `deadline`, those whose
    action plan is overdue, due within 2 working days, or either ('attention'), earliest deadline first."""
    visible = permissions.visibility_clause(session, caller)
    stmt = (
        select(*_LISTED)
        .outerjoin(User, User.id == Incident.reported_by_id)
        .outerjoin(ApiClient, ApiClient.id == Incident.reported_by_client_id)
        .where(visible, Incident.withdrawn_at.is_(None))
    )
    if class_id is not None or grade is not None:
        about = students_in_classes(session, school_id=caller.school_id, class_id=class_id, grade=grade)
        stmt = stmt.where(
            Incident.id.in_(select(IncidentStudent.incident_id).where(IncidentStudent.student_id.in_(about)))
        )
    if created_since is not None:
        stmt = stmt.where(Incident.created_at >= as_utc(created_since))
    if status:
        stmt = stmt.where(Incident.status == status)
    if classification:
        stmt = stmt.where(Incident.classification == classification)
    if student_id is not None:
        stmt = stmt.where(
            exists(
                select(IncidentStudent.id).where(
                    IncidentStudent.incident_id == Incident.id, IncidentStudent.student_id == student_id
                )
            )
        )
    today = local_date()
    # The last due-soon day: read once, and only when a filter or a plan still due asks for it.
    soon = due_soon_once(session, school_id=caller.school_id, today=today)
    if deadline:
        stmt = stmt.where(plan_pending_clause())
        if deadline == "overdue":
            stmt = stmt.where(Incident.action_plan_due < today)
        elif deadline == "due_soon":
            stmt = stmt.where(Incident.action_plan_due >= today, Incident.action_plan_due <= soon())
        else:
            stmt = stmt.where(Incident.action_plan_due <= soon())
        stmt = stmt.order_by(Incident.action_plan_due, Incident.id)
    else:
        stmt = stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc())
    result = list_page(
        session,
        stmt,
        {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since},
        model=Incident,
        resource="incidents",
        school_id=caller.school_id,
        # Only the tombstones of cases the caller could see (a withdrawn case's row stays, for the audit).
        tombstones_visible=Tombstone.resource_id.in_(select(Incident.id).where(visible)),
        scalars=False,
    )
    result["items"] = _listed(
        session,
        result["items"],
        today=today,
        soon=soon,
        names_withheld=permissions.withholds_student_names(caller),
    )
    # A row per student read, naming the cases on the page that name them: the whole page's ids on every row
    # would grow with the square of the page (a sync's 1,000-case page wrote 1,700 copies of 1,000 ids).
    cases_of: dict[int, list[int]] = {}
    for item in result["items"]:
        for sid in dict.fromkeys(item.student_ids):
            cases_of.setdefault(sid, []).append(item.id)
    audit.record(
        "incidents_listed",
        resource_type="incident",
        student_ids=cases_of,
        detail_by_student={sid: {"incident_ids": ids} for sid, ids in cases_of.items()},
    )
    return result
