"""The school's list of places staff choose from when reporting (a default list until the school sets its own)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.errors import InvalidInput
from api.incidents import permissions
from api.incidents.models import DEFAULT_PLACES, IncidentPlace
from api.incidents.records import clean_text

MAX_PLACES = 50


def places_of(session: Session, *, school_id: int) -> tuple[list[str], bool]:
    """The school's list of places, and whether it chose its own (otherwise the default list)."""
    names = list(
        session.scalars(
            select(IncidentPlace.name)
            .where(IncidentPlace.school_id == school_id)
            .order_by(IncidentPlace.position, IncidentPlace.id)
        )
    )
    return (names, True) if names else (list(DEFAULT_PLACES), False)


def places_etag(places: list[str]) -> str:
    """A version tag of a list of places."""
    return '"incident-places-' + hashlib.sha256("\n".join(places).encode()).hexdigest()[:16] + '"'


def get_places(session: Session, *, caller: Any) -> dict:
    """The places staff choose from when reporting (any staff member)."""
    places, customized = places_of(session, school_id=caller.school_id)
    return {"places": places, "customized": customized}


def set_places(
    session: Session, *, caller: Any, places: list[str], if_match: IfMatch | str | None = None
) -> dict:
    """Replace the school's list of places (admin, leader; `if_match` names the list read, unless an internal
    caller passes None); an empty list returns to the default list."""
    permissions.ensure_can_edit_places(caller)
    if if_match is not None:
        check_if_match(places_etag(places_of(session, school_id=caller.school_id)[0]), if_match)
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in places:
        name = clean_text(raw, "places", required=True)
        assert name is not None
        if name.lower() in seen:
            raise InvalidInput("A place is listed twice.", errors={"places": [f"duplicate {name!r}"]})
        seen.add(name.lower())
        cleaned.append(name)
    if len(cleaned) > MAX_PLACES:
        raise InvalidInput(f"At most {MAX_PLACES} places.", errors={"places": ["too many"]})
    for row in session.scalars(select(IncidentPlace).where(IncidentPlace.school_id == caller.school_id)):
        session.delete(row)
    session.flush()
    session.add_all(
        IncidentPlace(school_id=caller.school_id, name=name, position=i) for i, name in enumerate(cleaned)
    )
    session.flush()
    audit.record("incident_places_updated", resource_type="incident_places", detail={"count": len(cleaned)})
    return get_places(session, caller=caller)


def validated_place(session: Session, school_id: int, place: Any) -> str | None:
    """The place, if it is one of the school's (None when none is given)."""
    place = clean_text(place, "place")
    if place is None:
        return None
    allowed, _ = places_of(session, school_id=school_id)
    if place not in allowed:
        raise InvalidInput(
            "Unknown place; choose one from the school's list.",
            errors={"place": [f"must be one of {', '.join(allowed)}"]},
        )
    return place
