"""School settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.permissions import ensure_roles
from api.errors import Conflict, InvalidInput
from api.schools.models import School


def current_school(session: Session, *, caller: Any) -> School:
    """The caller's own school."""
    return session.get(School, caller.school_id)


def update_school(
    session: Session,
    *,
    caller: Any,
    school: School,
    name: str | None = None,
    count_closed_days: bool | None = None,
    recess_times: list[dict[str, str]] | None = None,
    password_login: bool | None = None,
    case_work_requires_two_factor: bool | None = None,
    if_match: IfMatch | str | None = None,
) -> School:
    """An admin changes the school's name or settings; only the settings given change (`if_match`: the
    version read)."""
    ensure_roles(caller, "admin", action="change the school's settings")
    if if_match is not None:
        check_if_match(school, if_match)
    changed: list[str] = []
    if name is not None:
        if not name.strip():
            raise InvalidInput("The name cannot be blank.", errors={"name": ["blank"]})
        school.name = name.strip()
        changed.append("name")
    if count_closed_days is not None:
        school.count_closed_days = count_closed_days
        changed.append("count_closed_days")
    if password_login is not None:
        if not password_login and school.password_login:
            from api.sso.service import ensure_sso_ready

            # Nobody may be locked out: the admin switching passwords off must be able to sign in with SSO.
            ensure_sso_ready(session, caller=caller)
        school.password_login = password_login
        changed.append("password_login")
    if case_work_requires_two_factor is not None:
        school.case_work_requires_two_factor = case_work_requires_two_factor
        changed.append("case_work_requires_two_factor")
    if recess_times is not None:
        school.recess_times = checked_recess_times(recess_times)
        changed.append("recess_times")
    audit.record("school_updated", resource_type="school", resource_id=school.id, detail={"fields": changed})
    session.flush()
    return school


def checked_recess_times(recesses: list[dict[str, str]]) -> list[dict[str, str]]:
    """The recesses sorted by start; 422 when one ends before it starts or two overlap."""
    ordered = sorted(({"start": r["start"], "end": r["end"]} for r in recesses), key=lambda r: r["start"])
    # "HH:MM" strings compare like the times they name.
    for position, recess in enumerate(ordered):
        if recess["end"] <= recess["start"]:
            raise InvalidInput(
                f"The recess at {recess['start']} ends before it starts.",
                errors={"recess_times": ["ends before it starts"]},
            )
        if position and recess["start"] < ordered[position - 1]["end"]:
            raise InvalidInput(
                f"The recesses at {ordered[position - 1]['start']} and {recess['start']} overlap.",
                errors={"recess_times": ["overlapping recesses"]},
            )
    return ordered


def create_school(session: Session, *, name: str, slug: str) -> School:
    """A new school (tenant); the slug is its short unique name."""
    slug = slug.strip().lower()
    if not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise InvalidInput("The slug may hold only letters, digits and '-'.", errors={"slug": ["invalid"]})
    if session.scalar(select(School.id).where(School.slug == slug)) is not None:
        raise Conflict(
            f"A school with slug {slug!r} exists already.",
            errors={"slug": ["already in use"]},
            type="duplicate",
        )
    school = School(name=name.strip(), slug=slug, recess_times=[])
    session.add(school)
    session.flush()
    return school


def school_by_id(session: Session, school_id: int) -> School:
    """A school by its id (other domains' rules read its calendar settings)."""
    return session.get(School, school_id)  # type: ignore[return-value]


def get_school_by_slug(session: Session, slug: str) -> School | None:
    """The school with this slug, if any."""
    return session.scalar(select(School).where(School.slug == slug.strip().lower()))


def existing_school_ids(session: Session, *, school_ids: list[int]) -> set[int]:
    """Which of these ids are schools of this deployment."""
    if not school_ids:
        return set()
    return set(session.scalars(select(School.id).where(School.id.in_(sorted(set(school_ids))))))
