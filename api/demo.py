"""Demo data: Vestrup Skole with a user for every role; domains add their own demo data via `demo.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from api import discovery
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


@dataclass
class DemoContext:
    """What domain seeders build on: the school, its users by role, and whatever earlier seeders share."""

    school: School
    users: dict[str, User]
    shared: dict[str, Any] = field(default_factory=dict)


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
    seeders = sorted(discovery.domain_modules("demo"), key=lambda m: getattr(m, "ORDER", 100))
    for module in seeders:
        module.seed(session, ctx)
        session.flush()
    return [(role, email, DEMO_PASSWORD) for role, email, _name, _roles in DEMO_USERS]
