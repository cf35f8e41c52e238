"""Query plans of the hot requests, as the app really sends them: each request goes through the app (a test
client), every SELECT it runs is captured with its parameters and explained by PostgreSQL. Used by the
plan test (reduced data) and by query_plans.py (full data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

# Tables small enough that a sequential scan is the right plan whatever the data (a school's classes...).
SMALL_TABLES = {
    "schools",
    "classes",
    "class_staff",
    "users",
    "user_roles",
    "auth_token_families",
    "auth_revoked_access_tokens",
    "incident_places",
    "calendar_closed_days",
}


@dataclass
class HotRequest:
    """A request someone makes all day, who makes it, and the index its main query should use."""

    name: str
    who: str  # "leader" or "teacher"
    path: str
    indexes: tuple[str, ...]  # every one of these must appear in the request's plans ("a|b": either)


@dataclass
class Explained:
    """One SELECT of a request and its plan."""

    sql: str
    plan: str


@dataclass
class RequestPlans:
    """What a hot request ran and how PostgreSQL planned it."""

    request: HotRequest
    status: int
    plans: list[Explained] = field(default_factory=list)

    def text(self) -> str:
        """Every statement and its plan, for people."""
        parts = [f"{self.request.who} GET {self.request.path} -> {self.status}"]
        for n, e in enumerate(self.plans, 1):
            parts.append(f"[{n}] {e.sql}\n{e.plan}")
        return "\n\n".join(parts)

    def seq_scans(self, big: set[str]) -> list[str]:
        """Tables of `big` that a plan reads with a sequential scan."""
        found = []
        for e in self.plans:
            found += [t for t in re.findall(r"Seq Scan on (\w+)", e.plan) if t in big]
        return found

    def missing_indexes(self, tables: set[str] | None = None) -> list[str]:
        """The intended indexes no plan of this request uses (only those on `tables`, when given: on a table
        of a few pages a sequential scan is the right plan)."""
        joined = "\n".join(e.plan for e in self.plans)
        wanted = [
            i
            for i in self.request.indexes
            if tables is None or any(i.split("|")[0].startswith(f"ix_{t}_") for t in tables)
        ]
        return [i for i in wanted if not any(alt in joined for alt in i.split("|"))]


def hot_requests(ids: dict[str, Any]) -> list[HotRequest]:
    """The hot requests (issue 16 item 6) for the ids of one school's leader, teacher and a student."""
    student, day = ids["student_id"], ids["today"]
    tokens = ("ix_student_name_tokens_lookup",)
    involvement = ("ix_incident_students_student_id",)
    return [
        HotRequest("student search", "teacher", "/api/v1/students?q=%C3%A5s", tokens),
        HotRequest(
            "incident list", "leader", "/api/v1/incidents?page_size=25", ("ix_incidents_school_occurred",)
        ),
        HotRequest(
            "incident list, teacher",
            "teacher",
            "/api/v1/incidents?page_size=25",
            ("ix_incident_students_incident_id", "ix_students_class_id"),
        ),
        HotRequest(
            "incident list by status",
            "leader",
            "/api/v1/incidents?status=investigating&page_size=25",
            # A rare status may be read through the school's index and sorted: either plan is right.
            ("ix_incidents_school_occurred|ix_incidents_status",),
        ),
        HotRequest(
            "incident list by classification",
            "leader",
            "/api/v1/incidents?classification=bullying&page_size=25",
            ("ix_incidents_school_occurred|ix_incidents_classification",),
        ),
        HotRequest(
            "incident list of a student", "leader", f"/api/v1/incidents?student_id={student}", involvement
        ),
        HotRequest(
            "deadline attention list",
            "leader",
            "/api/v1/incidents?deadline=attention",
            ("ix_incidents_action_plan_due",),
        ),
        HotRequest(
            "student log",
            "leader",
            f"/api/v1/students/{student}/log?limit=25",
            (*involvement, "ix_observation_students_student_id"),
        ),
        HotRequest(
            "today's play-partner list",
            "teacher",
            f"/api/v1/play-partner-arrangements?date={day.isoformat()}",
            ("ix_play_partner_arrangements_school_id|ix_play_partner_arrangements_end_date",),
        ),
    ]


def pick_ids(session: Any, school_id: int) -> dict[str, Any]:
    """A leader, a teacher with classes, and a student of that teacher's class with a case history."""
    from api.core.timeutil import local_date
    from api.incidents.models import IncidentStudent
    from api.students.models import ClassStaff, Student
    from api.users.models import User, UserRole

    leader = session.scalar(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.school_id == school_id, UserRole.role == "leader")
        .order_by(User.id)
    )
    teacher = session.scalar(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(ClassStaff, ClassStaff.user_id == User.id)
        .where(User.school_id == school_id, UserRole.role == "teacher", ClassStaff.role == "class_teacher")
        .order_by(User.id)
    )
    class_id = session.scalar(
        select(ClassStaff.class_id).where(ClassStaff.user_id == teacher).order_by(ClassStaff.id)
    )
    student = session.scalar(
        select(Student.id)
        .join(IncidentStudent, IncidentStudent.student_id == Student.id)
        .where(Student.class_id == class_id)
        .group_by(Student.id)
        .order_by(text("count(*) DESC"), Student.id)
    )
    return {"leader": leader, "teacher": teacher, "student_id": student, "today": local_date()}


def bearer(app: Flask, user_id: int) -> dict[str, str]:
    """An Authorization header for this user (a real login's tokens, issued without the password)."""
    from api.auth import service as auth_service
    from api.core.db import db
    from api.users.models import User

    with app.test_request_context():
        token = auth_service.issue_tokens(db.session, user=db.session.get(User, user_id)).access_token
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def capture(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement sent on this engine meanwhile, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain_requests(
    app: Flask, requests: list[HotRequest], ids: dict[str, Any], *, analyze: bool
) -> list[RequestPlans]:
    """Run each hot request through the app and explain every SELECT it sent."""
    from api.core.db import make_engine

    engine = make_engine(app.config["DATABASE_URL"])
    headers = {who: bearer(app, ids[who]) for who in ("leader", "teacher")}
    client = app.test_client()
    out = []
    option = "(ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)" if analyze else "(COSTS OFF)"
    for req in requests:
        client.get(req.path, headers=headers[req.who])  # warm the caches, as a busy server has them
        with capture(engine) as seen:
            resp = client.get(req.path, headers=headers[req.who])
        result = RequestPlans(req, resp.status_code)
        with engine.connect() as conn:
            for statement, parameters in seen:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                rows = conn.exec_driver_sql(f"EXPLAIN {option} {statement}", parameters).all()
                result.plans.append(
                    Explained(" ".join(statement.split())[:300], "\n".join(r[0] for r in rows))
                )
            conn.rollback()
        out.append(result)
    return out


def big_tables(engine: Engine, threshold: int) -> set[str]:
    """Tables with more rows than `threshold` (by the planner's statistics), not counting the small ones."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            )
        ).all()
    return {name for name, tuples in rows if tuples > threshold and name not in SMALL_TABLES}
