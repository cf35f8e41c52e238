"""The retention purge (the worker's hourly purge job and `trivsel purge` run it): per school, what is past its
period is deleted for real (api/privacy/deletion.py), leaving tombstones:

- closed (or withdrawn) cases once every involved student left the school more than `closed_cases` years ago
  and no complaint about them is still open;
- students who left more than `closed_cases` years ago and are in no remaining case;
- observations not linked to a case older than `observations` months, and observations about nobody left;
- play-partner check-ins older than `check_ins` months, arrangements that ended that long ago or have no
  students left;
- audit rows older than `audit_log` years."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintStatus
from api.core.audit import AuditEntry
from api.core.timeutil import LOCAL_TZ, as_utc, local_date
from api.incidents.models import CaseStatus, Incident, IncidentStudent
from api.observations.models import Observation, ObservationStudent
from api.play_partners.models import ArrangementCheckIn, ArrangementStudent, PlayPartnerArrangement
from api.privacy import deletion
from api.privacy.policy import periods_for
from api.schools.models import School
from api.students.models import Student

REASON = "retention"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _start_of(day: date) -> datetime:
    return as_utc(datetime.combine(day, time.min, tzinfo=LOCAL_TZ))


def _expired_cases(session: Session, school_id: int, cutoff: date) -> list[int]:
    over = or_(Incident.status == CaseStatus.CLOSED.value, Incident.withdrawn_at.is_not(None))
    still_here = exists(
        select(IncidentStudent.id)
        .join(Student, Student.id == IncidentStudent.student_id)
        .where(
            IncidentStudent.incident_id == Incident.id,
            or_(Student.left_on.is_(None), Student.left_on > cutoff),
        )
    )
    has_students = exists(select(IncidentStudent.id).where(IncidentStudent.incident_id == Incident.id))
    open_complaint = exists(
        select(Complaint.id).where(
            Complaint.incident_id == Incident.id, Complaint.status != ComplaintStatus.CLOSED.value
        )
    )
    ended = func.coalesce(Incident.closed_at, Incident.withdrawn_at, Incident.created_at)
    return list(
        session.scalars(
            select(Incident.id).where(
                Incident.school_id == school_id,
                over,
                ~still_here,
                ~open_complaint,
                or_(has_students, ended < _start_of(cutoff)),
            )
        )
    )


def purge_school(session: Session, *, school_id: int, now: datetime) -> dict[str, int]:
    """Delete one school's data past its retention periods."""
    periods = periods_for(session, school_id=school_id)
    today = local_date(now)
    left_cutoff = _years_before(today, periods["closed_cases"])
    counts = {
        "cases": deletion.delete_incidents(
            session, school_id=school_id, ids=_expired_cases(session, school_id, left_cutoff), reason=REASON
        )
    }
    gone_students = list(
        session.scalars(
            select(Student.id).where(
                Student.school_id == school_id,
                Student.left_on.is_not(None),
                Student.left_on <= left_cutoff,
                ~exists(select(IncidentStudent.id).where(IncidentStudent.student_id == Student.id)),
                ~exists(select(Complaint.id).where(Complaint.student_id == Student.id)),
            )
        )
    )
    counts["students"] = deletion.delete_students(
        session, school_id=school_id, ids=gone_students, reason=REASON
    )
    obs_cutoff = _start_of(_months_before(today, periods["observations"]))
    old_obs = list(
        session.scalars(
            select(Observation.id).where(
                Observation.school_id == school_id,
                or_(
                    and_(Observation.incident_id.is_(None), Observation.observed_at < obs_cutoff),
                    ~exists(
                        select(ObservationStudent.id).where(
                            ObservationStudent.observation_id == Observation.id
                        )
                    ),
                ),
            )
        )
    )
    counts["observations"] = deletion.delete_observations(
        session, school_id=school_id, ids=old_obs, reason=REASON
    )
    check_in_cutoff = _months_before(today, periods["check_ins"])
    arrangements = list(
        session.scalars(
            select(PlayPartnerArrangement.id).where(
                PlayPartnerArrangement.school_id == school_id,
                or_(
                    PlayPartnerArrangement.end_date < check_in_cutoff,
                    ~exists(
                        select(ArrangementStudent.id).where(
                            ArrangementStudent.arrangement_id == PlayPartnerArrangement.id
                        )
                    ),
                ),
            )
        )
    )
    counts["arrangements"] = deletion.delete_arrangements(
        session, school_id=school_id, ids=arrangements, reason=REASON
    )
    school_arrangements = select(PlayPartnerArrangement.id).where(
        PlayPartnerArrangement.school_id == school_id
    )
    counts["check_ins"] = (
        session.execute(
            delete(ArrangementCheckIn).where(
                ArrangementCheckIn.arrangement_id.in_(school_arrangements),
                ArrangementCheckIn.day < check_in_cutoff,
            )
        ).rowcount
        or 0
    )
    audit_cutoff = _start_of(_years_before(today, periods["audit_log"]))
    counts["audit_rows"] = (
        session.execute(
            delete(AuditEntry).where(AuditEntry.school_id == school_id, AuditEntry.at < audit_cutoff)
        ).rowcount
        or 0
    )
    return counts


def purge_retention(session: Session, *, now: datetime) -> dict[str, int]:
    """Every school's data past its retention periods (the caller commits, or rolls back for a dry run)."""
    totals: dict[str, int] = {}
    for school_id in list(session.scalars(select(School.id).order_by(School.id))):
        for what, n in purge_school(session, school_id=school_id, now=now).items():
            totals[what] = totals.get(what, 0) + n
    # Audit rows of no school (failed logins, platform-level denials) follow the deployment's period.
    from api.privacy.policy import BY_NAME, deployment_period

    cutoff = _start_of(_years_before(local_date(now), deployment_period(BY_NAME["audit_log"])))
    totals["audit_rows"] = totals.get("audit_rows", 0) + (
        session.execute(
            delete(AuditEntry).where(AuditEntry.school_id.is_(None), AuditEntry.at < cutoff)
        ).rowcount
        or 0
    )
    return totals
