"""Municipalities (HTTP-free): grouping schools (command line), and the municipality user's view."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.analytics import service as analytics
from api.analytics.tables import Table
from api.core import audit
from api.errors import Conflict, InvalidInput, NotFound
from api.municipalities import permissions
from api.municipalities.models import Municipality, MunicipalitySchool
from api.schools.models import School


def _slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise InvalidInput("The slug may hold only letters, digits and '-'.", errors={"slug": ["invalid"]})
    return slug


def create_municipality(session: Session, *, name: str, slug: str) -> Municipality:
    """A new municipality (the deployment's setup; no acting user)."""
    slug = _slug(slug)
    if not name.strip():
        raise InvalidInput("The name cannot be blank.", errors={"name": ["blank"]})
    if session.scalar(select(Municipality.id).where(Municipality.slug == slug)) is not None:
        raise Conflict(
            f"A municipality with slug {slug!r} exists already.",
            errors={"slug": ["already in use"]},
            type="duplicate",
        )
    municipality = Municipality(name=name.strip(), slug=slug)
    session.add(municipality)
    session.flush()
    audit.record("municipality_created", resource_type="municipality", resource_id=municipality.id)
    return municipality


def by_slug(session: Session, slug: str) -> Municipality | None:
    """The municipality with this slug, if any."""
    return session.scalar(select(Municipality).where(Municipality.slug == slug.strip().lower()))


def assign_school(session: Session, *, municipality: Municipality | None, school: School) -> None:
    """Put a school in a municipality (moving it from another), or take it out of any with None."""
    link = session.scalar(select(MunicipalitySchool).where(MunicipalitySchool.school_id == school.id))
    if link is not None:
        session.delete(link)
        session.flush()
    if municipality is not None:
        session.add(MunicipalitySchool(municipality_id=municipality.id, school_id=school.id))
    session.flush()
    audit.record(
        "municipality_school_assigned",
        resource_type="municipality",
        resource_id=municipality.id if municipality is not None else None,
        school_id=school.id,
        detail={"school_id": school.id},
    )


def municipality_of_school(session: Session, school_id: int) -> Municipality | None:
    """The municipality a school belongs to, if any."""
    return session.scalar(
        select(Municipality)
        .join(MunicipalitySchool, MunicipalitySchool.municipality_id == Municipality.id)
        .where(MunicipalitySchool.school_id == school_id)
    )


def schools_of(session: Session, municipality_id: int) -> list[School]:
    """The municipality's schools, by name."""
    return list(
        session.scalars(
            select(School)
            .join(MunicipalitySchool, MunicipalitySchool.school_id == School.id)
            .where(MunicipalitySchool.municipality_id == municipality_id)
            .order_by(School.name, School.id)
        )
    )


def _own(session: Session, caller: Any) -> tuple[Municipality, list[School]]:
    """The caller's municipality and the schools of it they are shown (404 when there is none)."""
    permissions.ensure_municipality_user(caller)
    municipality = municipality_of_school(session, caller.school_id)
    if municipality is None:
        raise NotFound("Your school belongs to no municipality.")
    schools = schools_of(session, municipality.id)
    shown = set(permissions.shown_school_ids(caller, [s.id for s in schools]))
    return municipality, [s for s in schools if s.id in shown]


def current(session: Session, *, caller: Any) -> dict[str, Any]:
    """The municipality user's (or API client's) municipality and the schools of it they are shown."""
    municipality, schools = _own(session, caller)
    return {"id": municipality.id, "name": municipality.name, "schools": schools}


def school_municipality(session: Session, *, caller: Any) -> Municipality | None:
    """The municipality of the admin's own school, if any."""
    permissions.ensure_school_admin(caller)
    return municipality_of_school(session, caller.school_id)


def side_by_side(
    session: Session,
    *,
    caller: Any,
    view: str,
    date_from: date | None = None,
    date_to: date | None = None,
    classification: str | None = None,
    grade: int | None = None,
) -> list[tuple[School, Table]]:
    """One aggregate for each school of the user's municipality (an API client: of its own schools in it),
    small cells suppressed."""
    _municipality, schools = _own(session, caller)
    return analytics.schools_view(
        session,
        caller=caller,
        schools=schools,
        view=view,
        date_from=date_from,
        date_to=date_to,
        classification=classification,
        grade=grade,
    )
