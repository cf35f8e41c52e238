"""School settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.permissions import ensure_roles
from api.core import audit
from api.errors import Conflict, InvalidInput
from api.schools.models import School


def current_school(session: Session, *, actor: Any) -> School:
    """The actor's own school."""
    return session.get(School, actor.school_id)


def update_school(session: Session, *, actor: Any, school: School, changes: dict[str, Any]) -> School:
    """An admin changes the school's name or settings."""
    ensure_roles(actor, "admin", action="change the school's settings")
    for key, value in changes.items():
        setattr(school, key, value.strip() if isinstance(value, str) else value)
    audit.record(
        "school_updated", resource_type="school", resource_id=school.id, detail={"fields": sorted(changes)}
    )
    session.flush()
    return school


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
    school = School(name=name.strip(), slug=slug)
    session.add(school)
    session.flush()
    return school


def get_school_by_slug(session: Session, slug: str) -> School | None:
    """The school with this slug, if any."""
    return session.scalar(select(School).where(School.slug == slug.strip().lower()))
