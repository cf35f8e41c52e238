"""Incident (hændelse) and case models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.changes import touches_by
from api.core.db import Base, JSONType, SchoolOwned, school_column
from api.core.timeutil import utcnow
from api.incidents.enums import (  # noqa: F401 - the vocabularies, imported from the models too
    AUDIENCE_ACTIONS,
    BULLYING_LIKE,
    DEFAULT_PLACES,
    DESCRIPTIONS_OF_CLASSIFICATION,
    Audience,
    CaseStatus,
    Classification,
    FollowUpOutcome,
    InvolvementRole,
    KnowledgeSource,
    NoteKind,
    Partner,
    ReferralStatus,
)
from api.students.models import Student
from api.users.models import User


class Incident(SchoolOwned, Base):
    """Something staff saw or were told; it becomes a case that is worked until closed."""

    __tablename__ = "incidents"
    # The case list of a school, newest first (with or without filters), reads this index in order.
    __table_args__ = (
        Index("ix_incidents_school_occurred", "school_id", "occurred_at"),
        Index("ix_incidents_school_updated", "school_id", "updated_at", "id"),  # the change feed's keyset
        # A staff member or an API client reported it; a case never lacks its reporter.
        CheckConstraint(
            "reported_by_id IS NOT NULL OR reported_by_client_id IS NOT NULL", name="one_reporter"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: the two above begin with it. A third, on the school alone, made PostgreSQL read
    # a school's every case and sort them for one sync page (18 ms) instead of reading the page in the
    # feed's order (2.5 ms), and every report paid for its upkeep.
    school_id: Mapped[int] = school_column(index=False)
    classification: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN.value, index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    place: Mapped[str | None] = mapped_column(String(100), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    knowledge_source: Mapped[str | None] = mapped_column(String(32), default=None)
    digital_medium: Mapped[str | None] = mapped_column(String(100), default=None)
    # How the student(s) experience it, in their words (the law asks for the pupil's perspective).
    pupil_perspective: Mapped[str | None] = mapped_column(Text, default=None)
    # A staff member accused of the bullying: then only leaders (other than that person) see the case.
    accused_staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, default=None)
    # The staff member who reported it, or (null here) the API client that did (incidents:write, e.g. a
    # student-support system): the client row is kept while it has reports (api/clients refuses its deletion).
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, default=None)
    reported_by_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id"), index=True, default=None
    )
    established_at: Mapped[datetime | None] = mapped_column(default=None)
    established_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The law's deadline for the action plan: the 10th working day after the day bullying was established.
    action_plan_due: Mapped[date | None] = mapped_column(Date, index=True, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Withdrawn by its reporter just after logging it ("Fortryd"): kept for the audit, out of every list,
    # log, count and separation rule.
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The antimobbestrategi version in force when the case was reported (api/strategy).
    strategy_version_id: Mapped[int | None] = mapped_column(ForeignKey("strategy_versions.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    reported_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[reported_by_id])
    # Loaded on use: a staff report (null id) costs no statement, a client's one per request at most.
    reported_by_client: Mapped[Any] = relationship("ApiClient", lazy="select")
    accused_staff: Mapped[User | None] = relationship(lazy="selectin", foreign_keys=[accused_staff_id])
    established_by: Mapped[User | None] = relationship(lazy="selectin", foreign_keys=[established_by_id])
    withdrawn_by: Mapped[User | None] = relationship(lazy="selectin", foreign_keys=[withdrawn_by_id])
    students: Mapped[list[IncidentStudent]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="IncidentStudent.id",
    )
    audiences: Mapped[list[AudienceItem]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="AudienceItem.position"
    )
    acute_measures: Mapped[list[AcuteMeasure]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="AcuteMeasure.id"
    )
    action_plan: Mapped[ActionPlan | None] = relationship(
        cascade="all, delete-orphan", lazy="select", uselist=False
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="FollowUp.id"
    )
    referrals: Mapped[list[Referral]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="Referral.id"
    )

    __mapper_args__ = {"version_id_col": version}

    # Set by the service for the reader at hand (not stored): "full" or "reporter", and the deadline state.
    # Until it is set, a case shows the least: the reporter view, no actions.
    view = "reporter"
    deadline_status = None
    allowed_transitions = ()
    allowed_actions = ()

    @property
    def student_ids(self) -> list[int]:
        """The involved students' ids."""
        return [s.student_id for s in self.students]


class IncidentStudent(Base):
    """A student involved in an incident, with their role."""

    __tablename__ = "incident_students"
    __table_args__ = (UniqueConstraint("incident_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    incident: Mapped[Incident] = relationship(back_populates="students")
    student: Mapped[Student] = relationship(lazy="joined")


class IncidentEvent(Base):
    """One line of a case's timeline. Append-only: never updated, never deleted by the application."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    kind: Mapped[str] = mapped_column(String(40))
    # Ids, enum values and field names only; never note text.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)

    actor: Mapped[User | None] = relationship(lazy="selectin")


@event.listens_for(IncidentEvent, "before_update")
@event.listens_for(IncidentEvent, "before_delete")
def _timeline_is_append_only(_mapper: Any, _connection: Any, target: IncidentEvent) -> None:
    raise RuntimeError(f"incident timeline entries cannot be changed (event {target.id})")


class CaseNote(Base):
    """A note of a conversation (samtale) in a case: with the students, the class, the parents..."""

    __tablename__ = "incident_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    participants: Mapped[str | None] = mapped_column(String(300), default=None)
    body: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class AudienceItem(Base):
    """One of the five audiences on an established case: who did what towards them, when and how."""

    __tablename__ = "incident_audience_items"
    __table_args__ = (UniqueConstraint("incident_id", "audience"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    actions: Mapped[list[str] | None] = mapped_column(JSONType, default=None)
    how: Mapped[str | None] = mapped_column(Text, default=None)
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    done_by: Mapped[User | None] = relationship(lazy="selectin")

    __mapper_args__ = {"version_id_col": version}


class AcuteMeasure(Base):
    """A measure taken at once, before the action plan exists."""

    __tablename__ = "incident_acute_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship(lazy="selectin")


class ActionPlan(Base):
    """The action plan (handlingsplan): measures, who does each, when it is followed up, who was informed."""

    __tablename__ = "incident_action_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)
    informed_students_at: Mapped[datetime | None] = mapped_column(default=None)
    informed_parents_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the plan came to exist (first saved with measures); cleared when a follow-up reopens it.
    adopted_at: Mapped[datetime | None] = mapped_column(default=None)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reopened_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    adopted_by: Mapped[User | None] = relationship(lazy="selectin", foreign_keys=[adopted_by_id])
    measures: Mapped[list[PlanMeasure]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PlanMeasure.position"
    )

    __mapper_args__ = {"version_id_col": version}


class PlanMeasure(Base):
    """One measure of an action plan and who carries it out."""

    __tablename__ = "incident_plan_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("incident_action_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    responsible: Mapped[str | None] = mapped_column(String(200), default=None)
    due_on: Mapped[date | None] = mapped_column(Date, default=None)

    responsible_user: Mapped[User | None] = relationship(lazy="selectin")


class FollowUp(Base):
    """A follow-up meeting (KiVa: 1-2 weeks after the plan): did the bullying stop, decrease or continue?"""

    __tablename__ = "incident_follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    next_follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship(lazy="selectin")


class Referral(Base):
    """A referral to an external partner (school psychologist, inclusion consultant, SSP, ...)."""

    __tablename__ = "incident_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(32))
    partner_name: Mapped[str | None] = mapped_column(String(200), default=None)
    referred_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class IncidentPlace(SchoolOwned, Base):
    """A place on the school's list of where incidents happen (no rows: the default list)."""

    __tablename__ = "incident_places"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)


# Case work is a change of the case: its updated_at and ETag move, and the change feed shows it again.
for _part in (IncidentStudent, CaseNote, AudienceItem, AcuteMeasure, ActionPlan, FollowUp, Referral):
    touches_by(_part, Incident, "incident_id")
touches_by(PlanMeasure, ActionPlan, "plan_id")
