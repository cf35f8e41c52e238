"""Retention periods per data category (GDPR art. 5(1)(e)): the deployment's defaults (environment), a school's
own longer or shorter choice above the floor, and the floor itself with its reason.

| category | unit | default | floor | why the floor |
|---|---|---|---|---|
| closed_cases | years after the last involved student left | 5 | 3 | forældelsesloven § 3: claims (and complaints about the handling) run 3 years; the case must be there to answer them |
| observations | months (not linked to a case) | 12 | 3 | the case file of a complaint includes observations; a complaint is usually lodged within months |
| check_ins | months | 12 | 1 | a play-partner arrangement is followed up within weeks |
| audit_log | years | 3 | 1 | Datatilsynet's logging guidance: logs kept at least 6 months; art. 15 access (CJEU C-579/21) needs them |
| idempotency_keys | days | 30 | 1 | bodies go after 24 hours regardless; a phone's retries come within a day |

Expired refresh tokens are deleted when they expire (no period to choose). Floors are Trivsel's reading of the
law; a municipality's archive rules (arkivloven) may require longer and are set per deployment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import ConfigError
from api.errors import InvalidInput
from api.privacy.models import RetentionPolicy


@dataclass(frozen=True)
class Category:
    """A data category's retention rule."""

    name: str
    unit: str
    default: int
    minimum: int
    basis: str

    @property
    def setting(self) -> str:
        """The deployment's environment variable / config key."""
        return f"RETENTION_{self.name.upper()}_{self.unit.upper()}"


CATEGORIES: tuple[Category, ...] = (
    Category("closed_cases", "years", 5, 3, "forældelsesloven § 3 (3 years) after the last student left"),
    Category("observations", "months", 12, 3, "complaints' case files include observations"),
    Category("check_ins", "months", 12, 1, "arrangements are followed up within weeks"),
    Category("audit_log", "years", 3, 1, "Datatilsynet: logs kept at least 6 months; art. 15 access log"),
    Category("idempotency_keys", "days", 30, 1, "a phone's retries come within a day"),
)
BY_NAME = {c.name: c for c in CATEGORIES}
# What a school may choose for itself (idempotency keys are the deployment's alone).
SCHOOL_CATEGORIES = ("closed_cases", "observations", "check_ins", "audit_log")


def deployment_period(category: Category) -> int:
    """The deployment's period for a category (config or environment, else the default); a value below the
    floor is a configuration error, never silently used."""
    raw = current_app.config.get(category.setting) if has_app_context() else None
    raw = raw if raw is not None else os.environ.get(category.setting)
    value = category.default if raw in (None, "") else int(raw)
    if value < category.minimum:
        raise ConfigError(
            f"{category.setting}={value} is below the legal minimum of {category.minimum} {category.unit} "
            f"({category.basis})."
        )
    return value


def periods_for(session: Session, *, school_id: int) -> dict[str, int]:
    """The periods in force for a school: its own choice, else the deployment's."""
    own = session.scalar(select(RetentionPolicy).where(RetentionPolicy.school_id == school_id))
    chosen = own.periods if own is not None else {}
    return {c.name: int(chosen.get(c.name) or deployment_period(c)) for c in CATEGORIES}


def describe(session: Session, *, school_id: int) -> dict[str, Any]:
    """The policy as the API shows it: per category the period, unit, default, floor and basis."""
    periods = periods_for(session, school_id=school_id)
    own = session.scalar(select(RetentionPolicy).where(RetentionPolicy.school_id == school_id))
    return {
        "categories": [
            {
                "category": c.name,
                "unit": c.unit,
                "period": periods[c.name],
                "deployment_default": deployment_period(c),
                "legal_minimum": c.minimum,
                "basis": c.basis,
                "school_may_change": c.name in SCHOOL_CATEGORIES,
                "set_by_school": own is not None and c.name in (own.periods or {}),
            }
            for c in CATEGORIES
        ]
    }


def set_periods(session: Session, *, school_id: int, user_id: int, periods: dict[str, int | None]) -> None:
    """A school's own periods; below a floor is 422 below_legal_minimum naming the category; None goes back
    to the deployment's period."""
    errors = {
        name: [f"at least {BY_NAME[name].minimum} {BY_NAME[name].unit} ({BY_NAME[name].basis})"]
        for name, value in periods.items()
        if value is not None and value < BY_NAME[name].minimum
    }
    if errors:
        raise InvalidInput(
            "A retention period is shorter than the legal minimum.", errors=errors, type="below_legal_minimum"
        )
    own = session.scalar(select(RetentionPolicy).where(RetentionPolicy.school_id == school_id))
    if own is None:
        own = RetentionPolicy(school_id=school_id, periods={})
        session.add(own)
    merged = {**(own.periods or {}), **periods}
    own.periods = {k: v for k, v in merged.items() if v is not None}
    own.updated_by_id = user_id
    session.flush()
