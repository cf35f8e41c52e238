"""Incident (hændelse) and case models."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
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
from api.core.db import Base, JSONType, SchoolOwned
from api.core.enums import documented_enum, register_enum
from api.core.timeutil import utcnow
from api.students.models import Student
from api.users.models import User

# Each classification's Danish term and meaning (the spec's Classification enum; EstablishableClassification).
DESCRIPTIONS_OF_CLASSIFICATION = {
    "conflict": ("konflikt", "A spontaneous quarrel or disagreement between equals."),
    "teasing": ("drilleri", "Teasing that both sides can take part in and stop."),
    "bullying": (
        "mobning",
        "Planned, repeated harm of one student by one or more others; the strategy's action applies.",
    ),
    "digital_bullying": (
        "digital mobning",
        "Bullying online or by phone (social media, chats, pictures).",
    ),
    "exclusion": ("negligering / udelukkelse", "Systematically leaving a student out of the community."),
    "wellbeing_concern": (
        "mistrivsel",
        "A student is not thriving, with no one else's act behind it (yet).",
    ),
    "value_rule_breach": (
        "brud på værdiregelsæt",
        "A breach of the school's value rules (værdiregelsæt).",
    ),
}


@documented_enum(DESCRIPTIONS_OF_CLASSIFICATION)
class Classification(StrEnum):
    """What kind of incident it is (can change as the case is investigated)."""

    CONFLICT = "conflict"
    TEASING = "teasing"
    BULLYING = "bullying"
    DIGITAL_BULLYING = "digital_bullying"
    EXCLUSION = "exclusion"
    WELLBEING_CONCERN = "wellbeing_concern"
    VALUE_RULE_BREACH = "value_rule_breach"


# Classifications that, once established by a leader or resource person, start the law's action-plan clock.
BULLYING_LIKE = (
    Classification.BULLYING,
    Classification.DIGITAL_BULLYING,
    Classification.EXCLUSION,
    Classification.VALUE_RULE_BREACH,
)

register_enum(
    "EstablishableClassification",
    "The classifications a case owner can establish (konstatere): the bullying-like ones, which start the law's "
    "action-plan clock.",
    {c.value: DESCRIPTIONS_OF_CLASSIFICATION[c.value] for c in BULLYING_LIKE},
)
register_enum(
    "DeadlineStatus",
    "Where the action plan's deadline stands (null when no plan is due).",
    {
        "pending": ("afventer", "Due later than two working days from now."),
        "due_soon": ("snart", "Due within two working days."),
        "overdue": ("overskredet", "Past its deadline with no plan."),
        "met": ("overholdt", "The plan was written in time."),
    },
)
register_enum(
    "DeadlineFilter",
    "Which action-plan deadlines a case list asks for.",
    {
        "overdue": ("overskredet", "Action plan overdue."),
        "due_soon": ("snart", "Action plan due within two working days."),
        "attention": ("kræver opmærksomhed", "Either of the two."),
    },
)
register_enum(
    "CaseView",
    "How much of a case its reader is shown.",
    {
        "full": ("fuld", "The case's workers: everything, with the case work."),
        "reporter": ("indberetter", "Whoever reported it: their report, without the case work."),
        "client": (
            "API-klient",
            "An API client without incidents:read:text: the case's facts and state, no free text or case work.",
        ),
    },
)


@documented_enum(
    {
        "open": ("åben", "Reported; nobody has started investigating."),
        "investigating": ("undersøges", "An adult investigates what happened."),
        "action_plan": (
            "handlingsplan",
            "Bullying is established; the action plan is being written or carried out.",
        ),
        "monitoring": ("følges", "The measures are in place; follow-up meetings check that it stopped."),
        "closed": ("lukket", "The case is closed."),
    }
)
class CaseStatus(StrEnum):
    """Where the case is in the workflow."""

    OPEN = "open"
    INVESTIGATING = "investigating"
    ACTION_PLAN = "action_plan"
    MONITORING = "monitoring"
    CLOSED = "closed"


@documented_enum(
    {
        "target": ("udsat", "The student it was aimed at."),
        "actor": ("udøver", "A student who did it."),
        "bystander": ("tilskuer", "A student who saw it."),
        "supporter": ("medløber", "A student who joined in or egged it on."),
    }
)
class InvolvementRole(StrEnum):
    """A student's part in an incident."""

    TARGET = "target"
    ACTOR = "actor"
    BYSTANDER = "bystander"
    SUPPORTER = "supporter"


@documented_enum(
    {
        "saw": ("så det selv", "The adult saw it."),
        "told_by_student": ("eleven fortalte", "The student concerned told the adult."),
        "told_by_other_student": ("en anden elev fortalte", "Another student told the adult."),
        "told_by_parent": ("en forælder fortalte", "A parent told the adult."),
        "other": ("andet", "Some other way."),
    }
)
class KnowledgeSource(StrEnum):
    """How the adult knows about the incident."""

    SAW = "saw"
    TOLD_BY_STUDENT = "told_by_student"
    TOLD_BY_OTHER_STUDENT = "told_by_other_student"
    TOLD_BY_PARENT = "told_by_parent"
    OTHER = "other"


@documented_enum(
    {
        "students": ("de involverede elever", "The students involved: talk, confront."),
        "class": ("resten af klassen", "The rest of the class: inform or involve."),
        "parents": ("forældrene", "The parents: contact, meeting."),
        "staff": ("personalet", "The staff group: inform, describe in the student log, sparring."),
        "leadership": ("ledelsen", "The leadership: always informed, follows the case."),
    }
)
class Audience(StrEnum):
    """The strategy's five audiences when bullying is established."""

    STUDENTS = "students"
    CLASS = "class"
    PARENTS = "parents"
    STAFF = "staff"
    LEADERSHIP = "leadership"


# What the strategy says to do towards each audience (the UI shows these as checkboxes, in Danish).
AUDIENCE_ACTIONS: dict[str, tuple[str, ...]] = {
    Audience.STUDENTS: ("talk", "confront"),
    Audience.CLASS: ("inform", "involve"),
    Audience.PARENTS: ("contact", "meeting"),
    Audience.STAFF: ("inform", "student_log", "sparring"),
    Audience.LEADERSHIP: ("inform", "follow"),
}


@documented_enum(
    {
        "students": ("eleverne", "A conversation with the students."),
        "class": ("klassen", "A conversation with the class."),
        "parents": ("forældrene", "A conversation with the parents."),
        "staff": ("personalet", "A conversation with staff."),
        "other": ("andet", "Anything else."),
    }
)
class NoteKind(StrEnum):
    """Who a case note (samtale) was with."""

    STUDENTS = "students"
    CLASS = "class"
    PARENTS = "parents"
    STAFF = "staff"
    OTHER = "other"


@documented_enum(
    {
        "stopped": ("stoppet", "The bullying has stopped."),
        "decreased": ("aftaget", "The bullying has decreased."),
        "continued": ("fortsat", "The bullying continues; the action plan is reopened."),
    }
)
class FollowUpOutcome(StrEnum):
    """What a follow-up meeting found."""

    STOPPED = "stopped"
    DECREASED = "decreased"
    CONTINUED = "continued"


@documented_enum(
    {
        "school_psychologist": ("skolepsykolog", "The school psychologist (PPR)."),
        "inclusion_consultant": ("inklusionskonsulent", "The municipality's inclusion consultant."),
        "ssp": ("SSP", "The school, social services and police cooperation."),
        "interdisciplinary_forum": ("tværfagligt forum", "The municipality's interdisciplinary forum."),
        "other": ("andet", "Another partner."),
    }
)
class Partner(StrEnum):
    """External partners a case can be referred to."""

    SCHOOL_PSYCHOLOGIST = "school_psychologist"
    INCLUSION_CONSULTANT = "inclusion_consultant"
    SSP = "ssp"
    INTERDISCIPLINARY_FORUM = "interdisciplinary_forum"
    OTHER = "other"


@documented_enum(
    {
        "planned": ("planlagt", "The referral is planned."),
        "sent": ("sendt", "The referral was sent."),
        "accepted": ("modtaget", "The partner accepted it."),
        "completed": ("afsluttet", "The partner's work is done."),
        "declined": ("afvist", "The partner declined it."),
    }
)
class ReferralStatus(StrEnum):
    """Where a referral stands."""

    PLANNED = "planned"
    SENT = "sent"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    DECLINED = "declined"


DEFAULT_PLACES = (
    "schoolyard",
    "football_pitch",
    "corridor",
    "classroom",
    "toilets",
    "sfo",
    "bus",
    "online",
    "other",
)


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
