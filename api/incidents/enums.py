"""The incidents' vocabularies: classifications, case statuses, roles, audiences, outcomes and the default
places, each value with its Danish term (the spec's named enums)."""

from __future__ import annotations

from enum import StrEnum

from api.core.enums import documented_enum, register_enum

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
