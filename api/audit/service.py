"""The audit log, read (HTTP-free): filtered pages, a streamed CSV export (itself audited), and the platform's
view of access attempts across schools."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.audit import permissions
from api.core import audit
from api.core.audit import AuditEntry
from api.core.pagination import paginate
from api.core.timeutil import LOCAL_TZ, as_utc
from api.errors import InvalidInput
from api.students.roster import neutralise

CSV_COLUMNS = (
    "tidspunkt",
    "bruger_id",
    "klient_id",
    "scope",
    "roller",
    "handling",
    "ressource",
    "ressource_id",
    "elev_id",
    "udfald",
    "request_id",
    "detaljer",
)
BATCH = 500


def _filtered(stmt: Select[Any], filters: dict[str, Any]) -> Select[Any]:
    for name in ("student_id", "user_id", "client_id", "action", "resource_type", "outcome"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(AuditEntry, name) == filters[name])
    start, end = filters.get("from_moment"), filters.get("to_moment")
    if start and end and start >= end:
        raise InvalidInput("'from' is not before 'to'.", errors={"from": ["must be before 'to'"]})
    if start is not None:
        stmt = stmt.where(AuditEntry.at >= as_utc(start))
    if end is not None:
        stmt = stmt.where(AuditEntry.at < as_utc(end))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def list_entries(
    session: Session, *, caller: Any, filters: dict[str, Any], page: int, page_size: int
) -> dict:
    """The school's audit log, newest first (leaders, admins); the reading is audited with its criteria."""
    permissions.ensure_can_read(caller)
    stmt = _filtered(select(AuditEntry).where(AuditEntry.school_id == caller.school_id), filters)
    result = paginate(session, stmt, page=page, page_size=page_size)
    audit.record("audit_log_viewed", resource_type="audit_log")
    return result


def export_rows(session: Session, *, caller: Any, filters: dict[str, Any]) -> Iterator[str]:
    """The filtered log as CSV for Excel (BOM, `;`, formula cells neutralised), produced in batches as it is
    sent; the export is audited (with its criteria) before the first byte."""
    permissions.ensure_can_read(caller)
    stmt = _filtered(select(AuditEntry).where(AuditEntry.school_id == caller.school_id), filters)
    audit.record("audit_log_exported", resource_type="audit_log")
    return _csv(session, stmt)


def _csv(session: Session, stmt: Select[Any]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def take() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    out.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    yield take()
    for row in session.execute(stmt.execution_options(yield_per=BATCH)).scalars():
        writer.writerow(
            [
                neutralise(v)
                for v in (
                    as_utc(row.at).astimezone(LOCAL_TZ).isoformat(timespec="seconds"),
                    row.user_id,
                    row.client_id,
                    row.scope,
                    row.roles,
                    row.action,
                    row.resource_type,
                    row.resource_id,
                    row.student_id,
                    row.outcome,
                    row.request_id,
                    json.dumps(row.detail, ensure_ascii=False, sort_keys=True) if row.detail else "",
                )
            ]
        )
        if out.tell() > 64 * 1024:
            yield take()
    yield take()


def platform_denials(
    session: Session, *, caller: Any, filters: dict[str, Any], page: int, page_size: int
) -> dict:
    """Access attempts on another school's records, across every school (the platform's operators)."""
    permissions.ensure_platform_admin(caller)
    stmt = select(AuditEntry).where(AuditEntry.action == "cross_school_access")
    result = paginate(session, _filtered(stmt, filters), page=page, page_size=page_size)
    audit.record("platform_denials_viewed", resource_type="audit_log")
    return result
