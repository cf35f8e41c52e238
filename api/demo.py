"""Demo data: Vestrup Skole with a user for every role; each domain's `demo.py` adds its own, in the order
SEEDERS lists (tests/test_discovery.py fails when a domain's seeder is missing from it)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from api.config import ConfigError
from api.schools.models import School
from api.schools.service import create_school, get_school_by_slug
from api.users.models import User
from api.users.service import create_user_in_school

DEMO_SLUG = "vestrup"
DEMO_PASSWORD = "trivsel-demo"
DEMO_USERS = [
    ("admin", "admin@vestrup.example", "Anne Administrator", ["admin"]),
    ("leader", "leder@vestrup.example", "Lars Skoleleder", ["leader"]),
    ("teacher", "laerer@vestrup.example", "Tina Lærer", ["teacher"]),
    ("pedagogue", "paedagog@vestrup.example", "Peter Pædagog", ["pedagogue"]),
    ("sfo_staff", "sfo@vestrup.example", "Sofie SFO", ["sfo_staff"]),
    ("resource_person", "akt@vestrup.example", "Rikke AKT-vejleder", ["resource_person"]),
]


# The domains whose `demo.py` seeds, in order: the school's settings and calendar, the roster (which sets
# ctx.classes and ctx.students), then the work done with the children.
SEEDERS = (
    "schools",
    "calendar",
    "students",
    "strategy",  # before the cases, which link the version in force
    "incidents",
    "observations",
    "play_partners",
    "wellbeing_days",
)


@dataclass
class DemoContext:
    """What domain seeders build on: the school, its users by role, and the roster's classes and students."""

    school: School
    users: dict[str, User]
    classes: dict[str, Any] = field(default_factory=dict)  # name -> SchoolClass, set by the roster seeder
    students: list[Any] = field(default_factory=list)  # set by the roster seeder

    @property
    def shared(self) -> Mapping[str, Any]:
        """The roster as one read-only mapping (older seeders read it so)."""
        return MappingProxyType({"classes": self.classes, "students": self.students})


def ensure_demo_allowed() -> None:
    """Refuse demo data in production: its admin's password is published in the README."""
    if current_app.config.get("TRIVSEL_ENV") == "production":
        raise ConfigError("Demo data is never loaded in production (TRIVSEL_ENV=production).")


def load_demo(session: Session) -> list[tuple[str, str, str]] | None:
    """Create the demo school if it is not there; returns (role, email, password) per user, or None."""
    ensure_demo_allowed()
    if get_school_by_slug(session, DEMO_SLUG) is not None:
        return None
    school = create_school(session, name="Vestrup Skole", slug=DEMO_SLUG)
    users: dict[str, User] = {}
    for role, email, name, roles in DEMO_USERS:
        users[role] = create_user_in_school(
            session, school_id=school.id, email=email, name=name, roles=roles, password=DEMO_PASSWORD
        )
    ctx = DemoContext(school=school, users=users)
    for domain in SEEDERS:
        importlib.import_module(f"api.{domain}.demo").seed(session, ctx)
        session.flush()
    return [(role, email, DEMO_PASSWORD) for role, email, _name, _roles in DEMO_USERS]
