"""The antimobbestrategi (HTTP-free): versions, the version in force on a day, the audiences a case's
checklist is built from, and the review reminder (good practice, not law)."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.pagination import paginate
from api.core.scoping import get_in_school
from api.core.timeutil import local_date
from api.errors import InvalidInput
from api.strategy import permissions, vestrup
from api.strategy.models import StrategyVersion

# The strategy's five audiences when bullying is established (the keys the case checklist uses).
AUDIENCES = ("students", "class", "parents", "staff", "leadership")
# § 1 c: the pupils and the custodial parents are informed; the strategy: the leader is always told.
REQUIRED_AUDIENCES = ("students", "parents", "leadership")
# Not a legal rule (§ 1 b says "efter behov"): a yearly look is common good practice. Per deployment:
# STRATEGY_REVIEW_DAYS.
DEFAULT_REVIEW_DAYS = 365


def review_days() -> int:
    """How long a strategy may go without review before leaders are reminded (STRATEGY_REVIEW_DAYS)."""
    value = current_app.config.get("STRATEGY_REVIEW_DAYS") if has_app_context() else None
    return int(value or os.environ.get("STRATEGY_REVIEW_DAYS") or DEFAULT_REVIEW_DAYS)


def _response(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    seen: list[str] = []
    for item in items:
        if item["audience"] in seen:
            raise InvalidInput(
                "Each audience appears once in the response section.",
                errors={"response": [f"{item['audience']} appears twice"]},
            )
        seen.append(item["audience"])
    missing = [a for a in REQUIRED_AUDIENCES if a not in seen]
    if missing:
        raise InvalidInput(
            "The response section must say what the school does towards the students, the parents and the "
            "leadership.",
            errors={"response": [f"missing: {', '.join(missing)}"]},
        )
    return [{"audience": i["audience"], "text": i["text"].strip()} for i in items]


def add_version(
    session: Session,
    *,
    caller: Any,
    title: str,
    purpose: str,
    definitions: str,
    prevention: str,
    detection: str,
    intervention: str,
    digital_bullying: str,
    adopted_by: str,
    adopted_on: date,
    applies_from: date,
    response: list[dict[str, Any]] | None = None,
) -> StrategyVersion:
    """Record a version the school board adopted (leaders, admins); it gets the next number. Without a
    response section the strategy's own (Vestrup's) is used."""
    permissions.ensure_can_write(caller)
    return _record(
        session,
        school_id=caller.school_id,
        created_by_id=caller.id,
        title=title,
        purpose=purpose,
        definitions=definitions,
        prevention=prevention,
        detection=detection,
        intervention=intervention,
        digital_bullying=digital_bullying,
        adopted_by=adopted_by,
        adopted_on=adopted_on,
        applies_from=applies_from,
        response=response,
    )


def _record(
    session: Session,
    *,
    school_id: int,
    created_by_id: int | None,
    title: str,
    purpose: str,
    definitions: str,
    prevention: str,
    detection: str,
    intervention: str,
    digital_bullying: str,
    adopted_by: str,
    adopted_on: date,
    applies_from: date,
    response: list[dict[str, Any]] | None,
) -> StrategyVersion:
    if applies_from < adopted_on:
        raise InvalidInput(
            "A strategy cannot apply before it was adopted.",
            errors={"applies_from": ["must be on or after adopted_on"]},
        )
    last = session.scalar(
        select(func.max(StrategyVersion.number)).where(StrategyVersion.school_id == school_id)
    )
    version = StrategyVersion(
        school_id=school_id,
        number=(last or 0) + 1,
        title=title.strip(),
        purpose=purpose,
        definitions=definitions,
        prevention=prevention,
        detection=detection,
        intervention=intervention,
        digital_bullying=digital_bullying,
        response=_response(response or vestrup.default_response()),
        adopted_by=adopted_by.strip(),
        adopted_on=adopted_on,
        applies_from=applies_from,
        created_by_id=created_by_id,
    )
    session.add(version)
    session.flush()
    audit.record("strategy_version_added", resource_type="strategy_version", resource_id=version.id)
    return version


def seed_version_one(session: Session, *, school_id: int) -> StrategyVersion:
    """Vestrup Skole's strategy as a school's version 1 (demo data), recorded by nobody in particular."""
    return _record(session, school_id=school_id, created_by_id=None, **vestrup.version_one())


def list_versions(session: Session, *, caller: Any, page: int = 1, page_size: int = 25) -> dict:
    """The school's versions, newest first."""
    permissions.ensure_can_read(caller)
    stmt = (
        select(StrategyVersion)
        .where(StrategyVersion.school_id == caller.school_id)
        .order_by(StrategyVersion.number.desc())
    )
    page_data = paginate(session, stmt, page=page, page_size=page_size)
    in_force = version_in_force(session, school_id=caller.school_id, on=local_date())
    for v in page_data["items"]:
        v.in_force = in_force is not None and v.id == in_force.id
    return page_data


def get_version(session: Session, *, caller: Any, version_id: int) -> StrategyVersion:
    """One version of the school's strategy (404 for another school's)."""
    permissions.ensure_can_read(caller)
    version = get_in_school(
        session, StrategyVersion, version_id, school_id=caller.school_id, what="Strategy version"
    )
    in_force = version_in_force(session, school_id=caller.school_id, on=local_date())
    version.in_force = in_force is not None and in_force.id == version.id
    return version


def version_in_force(session: Session, *, school_id: int, on: date) -> StrategyVersion | None:
    """The version that applies on a day: the latest applies_from on or before it (the higher number on a tie)."""
    return session.scalar(
        select(StrategyVersion)
        .where(StrategyVersion.school_id == school_id, StrategyVersion.applies_from <= on)
        .order_by(StrategyVersion.applies_from.desc(), StrategyVersion.number.desc())
        .limit(1)
    )


# Only its id, by a statement built once: every new case links the version in force, and the version's texts
# are long.
_IN_FORCE_ID = (
    select(StrategyVersion.id)
    .where(
        StrategyVersion.school_id == bindparam("school_id"), StrategyVersion.applies_from <= bindparam("on")
    )
    .order_by(StrategyVersion.applies_from.desc(), StrategyVersion.number.desc())
    .limit(1)
)


def in_force_id(session: Session, *, school_id: int, on: date | None = None) -> int | None:
    """The id of the version in force (today by default), for a new case to link; None if the school has none
    (the version `version_in_force` answers)."""
    return session.scalar(_IN_FORCE_ID, {"school_id": school_id, "on": on or local_date()})


def audiences(session: Session, *, version_id: int | None) -> list[str]:
    """The audiences, in the strategy's order, that a case's checklist is built from when bullying is
    established; the five default audiences when the case links no version."""
    version = session.get(StrategyVersion, version_id) if version_id is not None else None
    if version is None:
        return list(AUDIENCES)
    return [item["audience"] for item in version.response]


def review_status(session: Session, *, caller: Any, today: date | None = None) -> dict[str, Any]:
    """When the strategy was last adopted and when a review is due (good practice, not law), and whether the
    caller may record a new version."""
    permissions.ensure_can_read(caller)
    status = _review(session, school_id=caller.school_id, today=today or local_date())
    return {**status, "can_add_version": permissions.may_write(caller)}


def _review(session: Session, *, school_id: int, today: date) -> dict[str, Any]:
    latest = session.scalar(
        select(StrategyVersion)
        .where(StrategyVersion.school_id == school_id)
        .order_by(StrategyVersion.number.desc())
        .limit(1)
    )
    days = review_days()
    if latest is None:
        return {
            "status": "missing",
            "latest_version_id": None,
            "last_adopted_on": None,
            "review_due_on": None,
            "review_period_days": days,
            "basis": "law",
        }
    due = latest.adopted_on + timedelta(days=days)
    return {
        "status": "review_due" if due <= today else "ok",
        "latest_version_id": latest.id,
        "last_adopted_on": latest.adopted_on,
        "review_due_on": due,
        "review_period_days": days,
        # A missing strategy breaks § 1 b; an old one only good practice.
        "basis": "good_practice",
    }


def review_reminders(session: Session, *, now: datetime) -> dict[str, int]:
    """Tell each school's leaders, once per version, when its strategy is due for review (scheduled job)."""
    from api.jobs.service import first_time
    from api.notifications.service import NotificationKind, notify
    from api.users.service import active_user_ids

    today = local_date(now)
    sent = 0
    school_ids = session.scalars(select(StrategyVersion.school_id).distinct())
    for school_id in list(school_ids):
        status = _review(session, school_id=school_id, today=today)
        if status["status"] != "review_due":
            continue
        if not first_time(
            session,
            school_id=school_id,
            kind="strategy_review_due",
            subject_id=status["latest_version_id"],
            state_key="due",
            now=now,
        ):
            continue
        notify(
            session,
            user_ids=active_user_ids(session, role="leader", school_id=school_id),
            kind=NotificationKind.STRATEGY_REVIEW_DUE,
            params={
                "version_id": status["latest_version_id"],
                "review_due_on": status["review_due_on"].isoformat(),
            },
        )
        sent += 1
    return {"schools_reminded": sent}
