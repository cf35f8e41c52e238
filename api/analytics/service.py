"""Aggregates for a school's staff and for a municipality (HTTP-free). Every read is audited with its
criteria: counts carry no student, so the audit row names the view, the period and the filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.analytics import permissions, scope, tables
from api.analytics.views import VIEWS, Filters
from api.core import audit
from api.errors import NotFound
from api.schools.service import current_school
from api.students.service import get_class

VIEW_NAMES = list(VIEWS)


def _view(name: str) -> Any:
    try:
        return VIEWS[name]
    except KeyError:
        raise NotFound("No such aggregate.") from None


def staff_view(
    session: Session,
    *,
    caller: Any,
    view: str,
    date_from: date | None = None,
    date_to: date | None = None,
    classification: str | None = None,
    class_id: int | None = None,
    grade: int | None = None,
) -> tables.Table:
    """One aggregate over the cases (or observations) the caller may see (an API client: its token's school),
    small cells suppressed."""
    permissions.ensure_can_view(caller)
    compute = _view(view)
    if class_id is not None:
        get_class(session, caller=caller, class_id=class_id)  # another school's class is 404 (audited)
    period = scope.period_of(date_from, date_to)
    school = current_school(session, caller=caller)
    whole = permissions.sees_whole_school(caller)
    own = scope.for_school(school) if whole else scope.for_staff(session, caller, school)
    filters = Filters(classification=classification, class_id=class_id, grade=grade)
    table = compute(session, own, period, filters)
    table.date_from, table.date_to = period.first, period.last
    # Only a view narrowed to a class or broken down by class can show a class in full: ask which are the
    # caller's only then (one statement fewer for the rest). A client works in no class.
    by_class = class_id is not None or tables.CLASS_DIMENSION in table.dimensions
    full = scope.own_classes(session, caller) if by_class and not whole else frozenset()
    tables.suppress(table, threshold=own.threshold, full_classes=full, whole_view_class=class_id)
    audit.record(
        "analytics_viewed",
        resource_type="analytics",
        resource_id=view,
        detail={"period": [period.first.isoformat(), period.last.isoformat()], **filters.as_dict()},
    )
    return table


def schools_view(
    session: Session,
    *,
    caller: Any,
    schools: list[Any],
    view: str,
    date_from: date | None = None,
    date_to: date | None = None,
    classification: str | None = None,
    grade: int | None = None,
) -> list[tuple[Any, tables.Table]]:
    """One aggregate for each of these schools side by side, every small cell suppressed (the municipality
    checks who may ask; each school's audit log shows the read)."""
    compute = _view(view)
    period = scope.period_of(date_from, date_to)
    filters = Filters(classification=classification, grade=grade)
    out = []
    for school in schools:
        whole = scope.for_school(school)
        table = compute(session, whole, period, filters)
        table.date_from, table.date_to = period.first, period.last
        tables.suppress(table, threshold=whole.threshold, full_classes=frozenset(), whole_view_class=None)
        audit.record(
            "analytics_viewed",
            resource_type="analytics",
            resource_id=view,
            school_id=school.id,
            detail={
                "period": [period.first.isoformat(), period.last.isoformat()],
                "municipality": True,
                **filters.as_dict(),
            },
        )
        out.append((school, table))
    return out
