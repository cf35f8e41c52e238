"""The aggregates themselves: one function per view, each a GROUP BY in the database over one school's
cases (or observations) in a scope and a period. Counts only; never a name, never a case id."""

from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date
from typing import Any

from sqlalchemy import Select, and_, bindparam, distinct, func, select, true
from sqlalchemy.orm import Session

from api.analytics.scope import (
    Period,
    Scope,
    day_parts,
    hour_of,
    iso_weekday,
    local_hour,
    local_time,
    minute_of,
    month_label,
    month_of,
    weekday_of,
)
from api.analytics.tables import Cell, Table
from api.core.db import column_rows, is_postgresql
from api.core.timeutil import local_date
from api.incidents.models import ActionPlan, FollowUp, Incident, IncidentEvent, IncidentStudent
from api.observations.models import Observation, ObservationStudent
from api.students.models import SchoolClass, Student
from api.students.service import students_in_classes

# Timeline entries that show a case was looked at: it left `open`, or bullying was established.
ASSESSMENT_EVENTS = ("status_changed", "established")
# Calendar days from report to assessment / to the adopted plan, in the buckets a leader reads.
DAY_BUCKETS = ((0, 1, "0-1"), (2, 5, "2-5"), (6, 10, "6-10"), (11, 20, "11-20"), (21, None, "21+"))
OUTSIDE_RECESS = "outside_recess"


class Filters:
    """Optional narrowing of the cases counted: a classification, a class or a grade (of the students now)."""

    def __init__(
        self, *, classification: str | None = None, class_id: int | None = None, grade: int | None = None
    ) -> None:
        self.classification, self.class_id, self.grade = classification, class_id, grade

    def as_dict(self) -> dict[str, Any]:
        """The filters given, for the audit row."""
        return {k: v for k, v in vars(self).items() if v is not None}


def _counted(session: Session, scope: Scope, period: Period, filters: Filters) -> list[Any]:
    """Conditions on Incident: the scope's school and visibility, the period, the filters; never a withdrawn
    report nor a case accusing a staff member."""
    return [
        Incident.school_id == scope.school_id,
        Incident.occurred_at >= period.start,
        Incident.occurred_at < period.end,
        *_never_counted(),
        *_narrowed(session, scope, filters),
    ]


def _never_counted() -> list[Any]:
    return [Incident.withdrawn_at.is_(None), Incident.accused_staff_id.is_(None)]


def _narrowed(session: Session, scope: Scope, filters: Filters) -> list[Any]:
    """The scope's visibility rule (nothing for a case owner, who counts every case) and the filters."""
    conds = [] if scope.incidents is true() else [scope.incidents]
    if filters.classification:
        conds.append(Incident.classification == filters.classification)
    if filters.class_id is not None or filters.grade is not None:
        about = students_in_classes(
            session, school_id=scope.school_id, class_id=filters.class_id, grade=filters.grade
        )
        conds.append(
            Incident.id.in_(select(IncidentStudent.incident_id).where(IncidentStudent.student_id.in_(about)))
        )
    return conds


def _class_labels(session: Session, school_id: int, ids: set[str]) -> dict[str, str]:
    numeric = sorted(int(i) for i in ids if i.isdigit())
    if not numeric:
        return {}
    rows = session.execute(
        select(SchoolClass.id, SchoolClass.name).where(
            SchoolClass.school_id == school_id, SchoolClass.id.in_(numeric)
        )
    )
    return {str(i): name for i, name in rows}


@functools.lru_cache(maxsize=32)
def _heatmap_statement(postgresql: bool, first_year: int, last_year: int) -> Select[Any]:
    """The heat map's GROUP BY with the school and the period as parameters, built once per kind of database
    and span of years (the wall time spells out each year's summer time): building and keying it anew on
    every request cost a quarter of what PostgreSQL takes to run it."""
    hour = local_hour(postgresql, Incident.occurred_at, first_year, last_year)
    place = func.coalesce(Incident.place, "unknown")
    return (
        select(place, hour, func.count())
        .where(
            Incident.school_id == bindparam("school_id"),
            Incident.occurred_at >= bindparam("start"),
            Incident.occurred_at < bindparam("end"),
            *_never_counted(),
        )
        .group_by(place, hour)
    )


def heatmap(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Cases by place and hour of the day (Copenhagen time)."""
    postgresql = is_postgresql(session)
    stmt = _heatmap_statement(postgresql, period.first.year, period.last.year)
    narrowed = _narrowed(session, scope, filters)
    if narrowed:
        stmt = stmt.where(*narrowed)
    found = column_rows(
        session, stmt, {"school_id": scope.school_id, "start": period.start, "end": period.end}
    )
    # Ordered here, not in the statement: PostgreSQL would sort every case to group them instead of hashing
    # them and sorting the few cells (Python's order of text is by code point, the same on every database).
    rows = sorted((p, int(h), n) for p, h, n in found)
    cells = [Cell({"place": p, "hour": str(h)}, n) for p, h, n in rows]
    return Table("heatmap", ["place", "hour"], cells)


def _recess_of(minute: int, recesses: tuple[tuple[str, str], ...]) -> str:
    clock = f"{minute // 60:02d}:{minute % 60:02d}"
    for start, end in recesses:
        if start <= clock < end:
            return f"{start}-{end}"
    return OUTSIDE_RECESS


def weekday_recess(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Cases by weekday (1 = Monday) and the school's recess they fell in (or outside every recess)."""
    local = local_time(session, Incident.occurred_at, period)
    dow, hour, minute = weekday_of(local), hour_of(session, local), minute_of(local)
    stmt = (
        select(dow, hour, minute, func.count())
        .where(*_counted(session, scope, period, filters))
        .group_by(dow, hour, minute)
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for d, h, m, n in session.execute(stmt):
        counts[(str(iso_weekday(d)), _recess_of(int(h) * 60 + int(m), scope.recess_times))] += n
    cells = [Cell({"weekday": w, "recess": r}, n) for (w, r), n in sorted(counts.items())]
    return Table("weekday-recess", ["weekday", "recess"], cells)


def _school_pupils(session: Session, school_id: int) -> Any:
    """The school's students now in a class (id, class_id), for joining a case's students to their class.

    A case's students are always its school's (reporting checks them; a student never changes school), so
    this reads the same rows as joining every student; but the few hundred of them are read once and hashed,
    where PostgreSQL would otherwise look up each involved student by id (MATERIALIZED keeps it from folding
    the subquery back into that plan)."""
    pupils = select(Student.id, Student.class_id).where(
        Student.school_id == school_id, Student.class_id.is_not(None)
    )
    cte = pupils.cte("pupils")
    return cte.prefix_with("MATERIALIZED") if is_postgresql(session) else cte


def _by_class_or_grade(
    session: Session,
    scope: Scope,
    period: Period,
    filters: Filters,
    *,
    by_grade: bool,
    by_classification: bool = True,
    name: str | None = None,
) -> Table:
    month = month_of(session, local_time(session, Incident.occurred_at, period))
    pupils = _school_pupils(session, scope.school_id)
    group = SchoolClass.grade if by_grade else pupils.c.class_id
    keys = [group, month] + ([Incident.classification] if by_classification else [])
    stmt: Select[Any] = (
        select(*keys, func.count(distinct(Incident.id)))
        .select_from(Incident)
        .join(IncidentStudent, IncidentStudent.incident_id == Incident.id)
        .join(pupils, pupils.c.id == IncidentStudent.student_id)
    )
    if by_grade:
        stmt = stmt.join(SchoolClass, SchoolClass.id == pupils.c.class_id)
    stmt = stmt.where(*_counted(session, scope, period, filters)).group_by(*keys).order_by(*keys)
    dim = "grade" if by_grade else "class"
    dims = [dim, "month"] + (["classification"] if by_classification else [])
    rows = session.execute(stmt)
    if by_classification:
        cells = [Cell({dim: str(g), "month": month_label(m), "classification": c}, n) for g, m, c, n in rows]
    else:
        cells = [Cell({dim: str(g), "month": month_label(m)}, n) for g, m, n in rows]
    table = Table(name or ("grades" if by_grade else "classes"), dims, cells)
    if not by_grade:
        table.labels = {"class": _class_labels(session, scope.school_id, {c.keys["class"] for c in cells})}
    return table


def classes(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Cases per class (of the students now) by month and classification; a case with students of two
    classes counts once in each."""
    return _by_class_or_grade(session, scope, period, filters, by_grade=False)


def class_trend(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Cases per class (of the students now) by month, all classifications together: the trend line."""
    return _by_class_or_grade(
        session, scope, period, filters, by_grade=False, by_classification=False, name="class-trend"
    )


def grades(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Cases per grade by month and classification."""
    return _by_class_or_grade(session, scope, period, filters, by_grade=True)


def knowledge_sources(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """How the adults learned of the cases (saw it, told by the student, a parent, ...)."""
    source = func.coalesce(Incident.knowledge_source, "unknown")
    stmt = (
        select(source, func.count())
        .where(*_counted(session, scope, period, filters))
        .group_by(source)
        .order_by(source)
    )
    cells = [Cell({"knowledge_source": s}, n) for s, n in session.execute(stmt)]
    return Table("knowledge-sources", ["knowledge_source"], cells)


def _bucket(days: int) -> str:
    for low, high, name in DAY_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return DAY_BUCKETS[-1][2]


def response_times(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Calendar days from the report to its first assessment (it left `open` or was established) and to
    the adopted action plan: how many cases in each bucket, and the median per stage."""
    assessed = (
        select(IncidentEvent.incident_id, func.min(IncidentEvent.at).label("at"))
        .where(IncidentEvent.kind.in_(ASSESSMENT_EVENTS))
        .group_by(IncidentEvent.incident_id)
        .subquery()
    )
    stmt = (
        select(Incident.created_at, assessed.c.at, ActionPlan.adopted_at)
        .outerjoin(assessed, assessed.c.incident_id == Incident.id)
        .outerjoin(ActionPlan, ActionPlan.incident_id == Incident.id)
        .where(*_counted(session, scope, period, filters))
        .where((assessed.c.at.is_not(None)) | (ActionPlan.adopted_at.is_not(None)))
    )
    spans: dict[str, list[int]] = {"assessment": [], "plan": []}
    for created, assessed_at, adopted_at in session.execute(stmt):
        for stage, at in (("assessment", assessed_at), ("plan", adopted_at)):
            if at is not None:
                spans[stage].append(max(0, (local_date(_aware(at)) - local_date(_aware(created))).days))
    cells: list[Cell] = []
    for stage, days in spans.items():
        if not days:
            continue
        cells.append(Cell({"stage": stage, "bucket": "all"}, len(days), float(statistics.median(days))))
        counts: dict[str, int] = defaultdict(int)
        for d in days:
            counts[_bucket(d)] += 1
        cells += [Cell({"stage": stage, "bucket": b}, counts[b]) for _, _, b in DAY_BUCKETS if counts[b]]
    return Table("response-times", ["stage", "bucket"], cells, measure="cases", value_measure="median_days")


def _aware(value: Any) -> Any:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def follow_up_outcomes(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Follow-up meetings held in the period by outcome: stopped, decreased, continued."""
    conds = _counted(session, scope, Period(date(2000, 1, 1), period.last), filters)
    stmt = (
        select(FollowUp.outcome, func.count())
        .join(Incident, Incident.id == FollowUp.incident_id)
        .where(*conds, FollowUp.held_on >= period.first, FollowUp.held_on <= period.last)
        .group_by(FollowUp.outcome)
        .order_by(FollowUp.outcome)
    )
    cells = [Cell({"outcome": o}, n) for o, n in session.execute(stmt)]
    return Table("follow-up-outcomes", ["outcome"], cells, measure="follow_ups")


def mood(session: Session, scope: Scope, period: Period, filters: Filters) -> Table:
    """Observations' mood (1-5) per class of the students now and ISO week: how many student-observations
    and their mean mood."""
    local = local_time(session, Observation.observed_at, period)
    year, month, day = day_parts(local)
    conds = [
        Observation.school_id == scope.school_id,
        Observation.observed_at >= period.start,
        Observation.observed_at < period.end,
        Observation.withdrawn_at.is_(None),
        scope.observations,
        Student.class_id.is_not(None),
    ]
    if filters.class_id is not None:
        conds.append(Student.class_id == filters.class_id)
    if filters.grade is not None:
        conds.append(Student.class_id.in_(select(SchoolClass.id).where(SchoolClass.grade == filters.grade)))
    stmt = (
        select(Student.class_id, year, month, day, func.count(), func.sum(Observation.mood))
        .select_from(Observation)
        .join(ObservationStudent, ObservationStudent.observation_id == Observation.id)
        .join(Student, Student.id == ObservationStudent.student_id)
        .where(and_(*conds))
        .group_by(Student.class_id, year, month, day)
    )
    weeks: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for class_id, y, m, d, n, total in session.execute(stmt):
        iso = date(int(y), int(m), int(d)).isocalendar()
        acc = weeks[(str(class_id), f"{iso.year:04d}-W{iso.week:02d}")]
        acc[0] += n
        acc[1] += int(total or 0)
    cells = [
        Cell({"class": c, "week": w}, n, round(total / n, 2)) for (c, w), (n, total) in sorted(weeks.items())
    ]
    table = Table("mood", ["class", "week"], cells, measure="observations", value_measure="mean_mood")
    table.labels = {"class": _class_labels(session, scope.school_id, {c.keys["class"] for c in cells})}
    return table


View = Callable[[Session, Scope, Period, Filters], Table]

VIEWS: dict[str, View] = {
    "heatmap": heatmap,
    "weekday-recess": weekday_recess,
    "classes": classes,
    "class-trend": class_trend,
    "grades": grades,
    "knowledge-sources": knowledge_sources,
    "response-times": response_times,
    "follow-up-outcomes": follow_up_outcomes,
    "mood": mood,
}
