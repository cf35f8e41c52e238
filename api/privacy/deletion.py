"""Real deletion, shared by the retention purge and erasure on request: rows are removed (their dependants by
the database's ON DELETE CASCADE: timelines, notes, plans, links, guardians, search tokens, information records,
complaints, notifications), idempotency keys that name them go too, and each deleted record leaves a tombstone
without personal data.

Deletion reaches into every domain's tables, like the schema itself does: it is the one place that must know
them all, and tests/privacy/test_retention.py scans every table afterwards, so a new table holding a child's text
is caught there."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.core.idempotency import IdempotencyKey
from api.core.redaction import Redactor
from api.core.tombstones import record_tombstone
from api.incidents.models import (
    ActionPlan,
    AcuteMeasure,
    AudienceItem,
    CaseNote,
    FollowUp,
    Incident,
    PlanMeasure,
    Referral,
)
from api.observations.models import Observation
from api.play_partners.models import ArrangementCheckIn, PlayPartnerArrangement
from api.students.models import Guardian, Student

ERASED = "[slettet elev]"


def _tombstones(session: Session, school_id: int, resource: str, ids: Iterable[int], reason: str) -> None:
    for rid in ids:
        record_tombstone(session, school_id=school_id, resource=resource, resource_id=rid, reason=reason)


def forget_idempotency(session: Session, *, school_id: int, paths: Sequence[str]) -> int:
    """Delete the idempotency keys (and their kept bodies) of writes to or creating these paths."""
    if not paths:
        return 0
    pattern = re.compile("|".join(rf"{re.escape(p)}(?:/|$)" for p in paths))
    rows = session.execute(
        select(IdempotencyKey.id, IdempotencyKey.path, IdempotencyKey.response_headers).where(
            IdempotencyKey.school_id == school_id
        )
    )
    ids = [
        rid
        for rid, path, headers in rows
        if pattern.match(path or "") or pattern.match(str((headers or {}).get("Location") or ""))
    ]
    if ids:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.id.in_(ids)))
    return len(ids)


def delete_incidents(session: Session, *, school_id: int, ids: Sequence[int], reason: str) -> int:
    """Delete cases with everything hanging on them (observations linked to them stay, unlinked)."""
    if not ids:
        return 0
    session.execute(delete(Incident).where(Incident.school_id == school_id, Incident.id.in_(ids)))
    _tombstones(session, school_id, "incidents", ids, reason)
    forget_idempotency(session, school_id=school_id, paths=[f"/api/v1/incidents/{i}" for i in ids])
    return len(ids)


def delete_students(session: Session, *, school_id: int, ids: Sequence[int], reason: str) -> int:
    """Delete students with their guardians, search tokens and every link to cases, observations,
    arrangements and groups."""
    if not ids:
        return 0
    guardian_ids = list(
        session.scalars(
            select(Guardian.id).where(Guardian.school_id == school_id, Guardian.student_id.in_(ids))
        )
    )
    session.execute(delete(Student).where(Student.school_id == school_id, Student.id.in_(ids)))
    _tombstones(session, school_id, "guardians", guardian_ids, reason)
    _tombstones(session, school_id, "students", ids, reason)
    forget_idempotency(session, school_id=school_id, paths=[f"/api/v1/students/{i}" for i in ids])
    return len(ids)


def delete_observations(session: Session, *, school_id: int, ids: Sequence[int], reason: str) -> int:
    """Delete observations."""
    if not ids:
        return 0
    session.execute(delete(Observation).where(Observation.school_id == school_id, Observation.id.in_(ids)))
    _tombstones(session, school_id, "observations", ids, reason)
    forget_idempotency(session, school_id=school_id, paths=[f"/api/v1/observations/{i}" for i in ids])
    return len(ids)


def delete_arrangements(session: Session, *, school_id: int, ids: Sequence[int], reason: str) -> int:
    """Delete play-partner arrangements with their check-ins."""
    if not ids:
        return 0
    session.execute(
        delete(PlayPartnerArrangement).where(
            PlayPartnerArrangement.school_id == school_id, PlayPartnerArrangement.id.in_(ids)
        )
    )
    _tombstones(session, school_id, "play-partner-arrangements", ids, reason)
    forget_idempotency(
        session, school_id=school_id, paths=[f"/api/v1/play-partner-arrangements/{i}" for i in ids]
    )
    return len(ids)


def _redact_column(session: Session, column: Any, key: Any, where: Any, redact: Redactor) -> int:
    table = column.class_
    changed = 0
    for row_id, text in session.execute(select(key, column).where(where)).all():
        new = redact(text)
        if new != text:
            session.execute(update(table).where(key == row_id).values({column.key: new}))
            changed += 1
    return changed


def redact_names(
    session: Session,
    *,
    school_id: int,
    names: Iterable[str],
    incident_ids: Sequence[int],
    observation_ids: Sequence[int],
    arrangement_ids: Sequence[int],
) -> int:
    """Take these names out of the free text of records that stay (cases, observations and arrangements
    shared with other children)."""
    from api.complaints.models import Complaint
    from api.information.models import InformationRecord

    redact = Redactor((n, ERASED) for n in names)
    n = 0
    if incident_ids:
        inc = Incident.id.in_(incident_ids)
        by_incident = [
            (Incident.description, Incident.id, inc),
            (Incident.pupil_perspective, Incident.id, inc),
            (CaseNote.body, CaseNote.id, CaseNote.incident_id.in_(incident_ids)),
            (CaseNote.participants, CaseNote.id, CaseNote.incident_id.in_(incident_ids)),
            (AcuteMeasure.description, AcuteMeasure.id, AcuteMeasure.incident_id.in_(incident_ids)),
            (FollowUp.summary, FollowUp.id, FollowUp.incident_id.in_(incident_ids)),
            (Referral.note, Referral.id, Referral.incident_id.in_(incident_ids)),
            (AudienceItem.how, AudienceItem.id, AudienceItem.incident_id.in_(incident_ids)),
            (InformationRecord.note, InformationRecord.id, InformationRecord.incident_id.in_(incident_ids)),
            (Complaint.complaint_text, Complaint.id, Complaint.incident_id.in_(incident_ids)),
            (Complaint.decision_text, Complaint.id, Complaint.incident_id.in_(incident_ids)),
            (Complaint.complainant_answer, Complaint.id, Complaint.incident_id.in_(incident_ids)),
        ]
        plans = select(ActionPlan.id).where(ActionPlan.incident_id.in_(incident_ids))
        by_incident += [
            (PlanMeasure.description, PlanMeasure.id, PlanMeasure.plan_id.in_(plans)),
            (PlanMeasure.responsible, PlanMeasure.id, PlanMeasure.plan_id.in_(plans)),
        ]
        for column, key, where in by_incident:
            n += _redact_column(session, column, key, where, redact)
    if observation_ids:
        n += _redact_column(
            session, Observation.note, Observation.id, Observation.id.in_(observation_ids), redact
        )
    if arrangement_ids:
        n += _redact_column(
            session,
            PlayPartnerArrangement.purpose,
            PlayPartnerArrangement.id,
            PlayPartnerArrangement.id.in_(arrangement_ids),
            redact,
        )
        n += _redact_column(
            session,
            ArrangementCheckIn.note,
            ArrangementCheckIn.id,
            ArrangementCheckIn.arrangement_id.in_(arrangement_ids),
            redact,
        )
    return n
