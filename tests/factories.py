"""Factories for test data; each commits so the app under test sees it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from api.auth import service as auth_service
from api.schools.models import School
from api.users.models import User

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_school(session: Session, *, name: str | None = None, slug: str | None = None, **kw: Any) -> School:
    """A school."""
    n = next(_seq)
    school = School(name=name or f"Skole {n}", slug=slug or f"skole-{n}", **kw)
    session.add(school)
    session.commit()
    return school


def make_user(
    session: Session,
    school: School,
    *roles: str,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    active: bool = True,
) -> User:
    """A user of a school with these roles (default teacher)."""
    from api.auth.passwords import hash_password

    n = next(_seq)
    user = User(
        school_id=school.id,
        email=email or f"user{n}@example.dk",
        name=name or f"Bruger {n}",
        password_hash=hash_password(password),
        active=active,
    )
    user.set_roles(list(roles) or ["teacher"])
    session.add(user)
    session.commit()
    return user


def token_for(app: Flask, user: User) -> str:
    """A valid access token for a user (as a login would issue)."""
    from api.core.db import db

    with app.test_request_context():
        u = db.session.get(User, user.id)
        pair = auth_service.issue_tokens(db.session, user=u)
        db.session.commit()
    return pair.access_token


def auth(app: Flask, user: Any) -> dict[str, str]:
    """Authorization header for a user, or for an API client (a token from /oauth/token)."""
    if isinstance(user, ApiClientCaller):
        return {"Authorization": f"Bearer {client_token(app, user)}"}
    return {"Authorization": f"Bearer {token_for(app, user)}"}


@dataclass
class ApiClientCaller:
    """An API client registered for tests, with its secret (the seventh kind of caller)."""

    id: int
    client_id: str
    secret: str
    school_id: int
    scopes: tuple[str, ...]
    roles: tuple[str, ...] = ()


ALL_READ_SCOPES = (
    "roster:read",
    "incidents:read",
    "incidents:read:text",
    "observations:read",
    "prevention:read",
    "analytics:read",
    "webhooks:manage",
)


def make_api_client(
    session: Session,
    school: School,
    *scopes: str,
    school_ids: list[int] | None = None,
    expires_at: Any = None,
    name: str = "Kommunens dashboard",
) -> ApiClientCaller:
    """An API client of a school (default: every scope but incidents:write), as an admin would register it."""
    from datetime import timedelta

    from api.auth.passwords import hash_password
    from api.clients.models import ApiClient
    from api.core.timeutil import utcnow

    n = next(_seq)
    secret = f"trvs_test-secret-{n}"
    wanted = list(scopes or ALL_READ_SCOPES)
    row = ApiClient(
        school_id=school.id,
        client_id=f"trvc_test{n}",
        name=name,
        scopes=wanted,
        school_ids=school_ids or [school.id],
        secret_hash=hash_password(secret),
        expires_at=expires_at or utcnow() + timedelta(days=30),
    )
    session.add(row)
    session.commit()
    return ApiClientCaller(
        id=row.id, client_id=row.client_id, secret=secret, school_id=school.id, scopes=tuple(wanted)
    )


def request_token(app: Flask, caller: ApiClientCaller, **form: Any) -> Any:
    """POST /oauth/token with HTTP Basic client authentication; the raw response."""
    import base64

    basic = base64.b64encode(f"{caller.client_id}:{caller.secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **form}
    return app.test_client().post("/oauth/token", data=data, headers={"Authorization": f"Basic {basic}"})


def client_token(app: Flask, caller: ApiClientCaller, **form: Any) -> str:
    """An access token for an API client."""
    resp = request_token(app, caller, **form)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.json["access_token"]


def make_class(
    session: Session, school: School, *, name: str | None = None, grade: int = 3, school_year: str = "2026/27"
) -> Any:
    """A class of a school."""
    from api.students.models import SchoolClass

    n = next(_seq)
    cls = SchoolClass(
        school_id=school.id,
        name=name or f"{grade}.{chr(65 + n % 26)}{n}",
        grade=grade,
        school_year=school_year,
    )
    session.add(cls)
    session.commit()
    return cls


def attach_staff(session: Session, school_class: Any, user: User, role: str = "class_teacher") -> None:
    """Attach a staff member to a class."""
    from api.students.models import ClassStaff

    session.add(ClassStaff(class_id=school_class.id, user_id=user.id, role=role))
    session.commit()


def make_student(
    session: Session,
    school: School,
    school_class: Any = None,
    *,
    given_name: str | None = None,
    family_name: str = "Jensen",
    **kw: Any,
) -> Any:
    """A student of a school, optionally in a class."""
    from api.students.models import Student

    n = next(_seq)
    student = Student(
        school_id=school.id,
        given_name=given_name or f"Elev{n}",
        family_name=family_name,
        class_id=school_class.id if school_class is not None else None,
        **kw,
    )
    session.add(student)
    session.commit()
    return student
