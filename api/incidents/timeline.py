"""The case's notes and timeline: what was said and what happened, append-only; the reporter sees the case's
course and their own doings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.core.pagination import paginate
from api.core.timeutil import utcnow
from api.incidents import permissions
from api.incidents.actions import CaseAction
from api.incidents.actions import ensure as ensure_action
from api.incidents.models import CaseNote, Incident, IncidentEvent, NoteKind
from api.incidents.records import audit_case, clean_text, not_future, record_event

# Timeline entries the reporter view shows (besides the reporter's own doings).
REPORTER_EVENT_KINDS = (
    "created",
    "updated",
    "status_changed",
    "classification_changed",
    "students_changed",
    "established",
    "withdrawn",
)


def add_note(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    kind: NoteKind | str,
    body: str,
    participants: str | None = None,
    occurred_at: datetime | None = None,
) -> CaseNote:
    """Add a note of a conversation to the case (its reporter or workers); notes are never edited."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.ADD_NOTE)
    note = CaseNote(
        incident_id=incident.id,
        author_id=caller.id,
        kind=NoteKind(kind).value,
        participants=clean_text(participants, "participants"),
        body=clean_text(body, "body", required=True),
        occurred_at=not_future(occurred_at, "occurred_at") if occurred_at else utcnow(),
    )
    session.add(note)
    session.flush()
    record_event(session, incident, caller, "note_added", note_id=note.id, kind=note.kind)
    audit_case("case_note_added", incident, note_id=note.id, kind=note.kind)
    return note


def list_notes(
    session: Session, *, caller: Any, incident: Incident, page: int = 1, page_size: int = 25
) -> dict:
    """The case's notes, newest first: all of them for workers, their own for the reporter."""
    view = permissions.ensure_visible(session, caller, incident)
    stmt = select(CaseNote).where(CaseNote.incident_id == incident.id)
    if view != "full":
        stmt = stmt.where(CaseNote.author_id == caller.id)
    stmt = stmt.order_by(CaseNote.occurred_at.desc(), CaseNote.id.desc())
    result = paginate(session, stmt, page=page, page_size=page_size)
    audit_case("case_notes_viewed", incident, note_ids=[n.id for n in result["items"]])
    return result


def list_timeline(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    order: str = "asc",
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """Everything that happened to the case, oldest first (or newest first with order=desc). The reporter
    view shows the case's course (status, classification, facts) and their own doings, not the case work."""
    view = permissions.ensure_visible(session, caller, incident)
    stmt = select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)
    if view != "full":
        stmt = stmt.where(
            or_(IncidentEvent.kind.in_(REPORTER_EVENT_KINDS), IncidentEvent.actor_id == caller.id)
        )
    if order == "desc":
        stmt = stmt.order_by(IncidentEvent.at.desc(), IncidentEvent.id.desc())
    else:
        stmt = stmt.order_by(IncidentEvent.at, IncidentEvent.id)
    result = paginate(session, stmt, page=page, page_size=page_size)
    audit_case("incident_timeline_viewed", incident)
    return result
