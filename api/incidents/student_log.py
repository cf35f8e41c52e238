"""The incident domain's entries in a student's log: reports and establishments, case notes, action plans -
each only for viewers who may see it (case workers see all; a reporter sees their report and own notes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.core.student_log import LogEntry, log_source
from api.incidents import permissions
from api.incidents.models import CaseNote, Incident, IncidentEvent, IncidentStudent


def _involving(stmt: Select[Any], student: Any) -> Select[Any]:
    # A report its reporter withdrew is kept for the audit but is no part of the student's log.
    return stmt.join(IncidentStudent, IncidentStudent.incident_id == Incident.id).where(
        IncidentStudent.student_id == student.id,
        Incident.school_id == student.school_id,
        Incident.withdrawn_at.is_(None),
    )


def _before(stmt: Select[Any], column: Any, before: datetime | None) -> Select[Any]:
    return stmt if before is None else stmt.where(column < before)


@log_source("incident")
def incident_entries(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """The student's incidents (when reported) and establishments of bullying."""
    visible = permissions.visibility_clause(session, viewer)
    base = _involving(select(Incident, IncidentStudent.role), student).where(visible)
    entries: list[LogEntry] = []
    reported = _before(base, Incident.occurred_at, before).order_by(
        Incident.occurred_at.desc(), Incident.id.desc()
    )
    for incident, role in session.execute(reported.limit(limit)):
        entries.append(
            LogEntry(
                kind="incident",
                occurred_at=incident.occurred_at,
                summary=f"Incident: {incident.classification} (role: {role}); case {incident.status}",
                ref_type="incident",
                ref_id=incident.id,
                author_id=incident.reported_by_id,
                # A report by an API client (incidents:write) is authored by the client, named as such.
                author_name=incident.reported_by.name
                if incident.reported_by is not None
                else incident.reported_by_client.name,
                detail={
                    "event": "reported",
                    "classification": incident.classification,
                    "role": role,
                    "status": incident.status,
                },
            )
        )
    established = _before(
        base.where(Incident.established_at.is_not(None)), Incident.established_at, before
    ).order_by(Incident.established_at.desc(), Incident.id.desc())
    for incident, role in session.execute(established.limit(limit)):
        due = incident.action_plan_due.isoformat() if incident.action_plan_due else "-"
        entries.append(
            LogEntry(
                kind="incident",
                occurred_at=incident.established_at,
                summary=f"{incident.classification} established (role: {role}); action plan due {due}",
                ref_type="incident",
                ref_id=incident.id,
                author_id=incident.established_by_id,
                author_name=incident.established_by.name if incident.established_by else None,
                detail={
                    "event": "established",
                    "classification": incident.classification,
                    "role": role,
                    "action_plan_due": incident.action_plan_due.isoformat()
                    if incident.action_plan_due
                    else None,
                },
            )
        )
    entries.sort(key=lambda e: (e.occurred_at, e.ref_id), reverse=True)
    return entries[:limit]


@log_source("case_note")
def note_entries(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """Notes of conversations in the student's cases (workers: all; a reporter: their own)."""
    may_read = permissions.worker_clause(session, viewer) | (
        permissions.visibility_clause(session, viewer) & (CaseNote.author_id == viewer.id)
    )
    stmt = _involving(select(CaseNote).join(Incident, Incident.id == CaseNote.incident_id), student).where(
        may_read
    )
    stmt = _before(stmt, CaseNote.occurred_at, before).order_by(
        CaseNote.occurred_at.desc(), CaseNote.id.desc()
    )
    return [
        LogEntry(
            kind="case_note",
            occurred_at=note.occurred_at,
            summary=f"Case note: conversation with {note.kind} (case {note.incident_id})",
            ref_type="incident",
            ref_id=note.incident_id,
            author_id=note.author_id,
            author_name=note.author.name,
            detail={"conversation_with": note.kind, "incident_id": note.incident_id},
        )
        for note in session.scalars(stmt.limit(limit))
    ]


_PLAN_EVENTS = ("action_plan_saved", "plan_reopened")


@log_source("action_plan")
def plan_entries(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """Action plans written and reopened in the student's cases (case workers only), from the timeline."""
    stmt = _involving(
        select(IncidentEvent).join(Incident, Incident.id == IncidentEvent.incident_id), student
    ).where(permissions.worker_clause(session, viewer), IncidentEvent.kind.in_(_PLAN_EVENTS))
    stmt = _before(stmt, IncidentEvent.at, before).order_by(IncidentEvent.at.desc(), IncidentEvent.id.desc())
    entries = []
    for event in session.scalars(stmt.limit(limit)):
        detail = event.detail or {}
        if event.kind == "plan_reopened":
            summary = (
                f"Action plan reopened: bullying continued; revised plan due {detail.get('action_plan_due')}"
            )
        else:
            what = "adopted" if detail.get("adopted") else "revised"
            summary = f"Action plan {what}: {detail.get('measures')} measure(s)"
        entries.append(
            LogEntry(
                kind="action_plan",
                occurred_at=event.at,
                summary=f"{summary} (case {event.incident_id})",
                ref_type="incident",
                ref_id=event.incident_id,
                author_id=event.actor_id,
                author_name=event.actor.name if event.actor else None,
                detail={
                    "event": event.kind,
                    "adopted": bool(detail.get("adopted")),
                    "measures": detail.get("measures"),
                    "action_plan_due": detail.get("action_plan_due"),
                    "incident_id": event.incident_id,
                },
            )
        )
    return entries
