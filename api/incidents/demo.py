"""Demo cases for Vestrup Skole: realistic cases in every state, one with an overdue action plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.calendar.service import add_working_days
from api.core.timeutil import LOCAL_TZ, local_date, utcnow
from api.incidents.models import (
    ActionPlan,
    AcuteMeasure,
    Audience,
    AudienceItem,
    CaseNote,
    FollowUp,
    Incident,
    IncidentEvent,
    IncidentStudent,
    PlanMeasure,
    Referral,
)
from api.incidents.notices import tell_of_establishment, tell_of_report
from api.students.models import ClassStaff, SchoolClass, Student

ORDER = 20

_FALLBACK_CLASSES = {
    "3.A": (3, [("Emma", "Nielsen"), ("Noah", "Jensen"), ("Ida", "Hansen"), ("Oscar", "Pedersen")]),
    "5.B": (5, [("Freja", "Andersen"), ("William", "Christensen"), ("Alma", "Larsen"), ("Karl", "Sørensen")]),
}


def _school_year(today: date) -> str:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, Iterable) and not isinstance(value, str) else [value]


def _students(session: Session, ctx: Any) -> list[Student]:
    """The students seeder's students (it runs first in the full app); otherwise a fallback roster."""
    shared = [
        s if isinstance(s, Student) else session.get(Student, s) for s in _as_list(ctx.shared.get("students"))
    ]
    students = [s for s in shared if s is not None and s.school_id == ctx.school.id]
    if len(students) >= 8:
        # Prefer the demo teacher's classes so that the teacher login sees case work too.
        teacher_classes = set(
            session.scalars(select(ClassStaff.class_id).where(ClassStaff.user_id == ctx.users["teacher"].id))
        )
        students.sort(key=lambda s: (s.class_id not in teacher_classes, s.class_id or 0, s.id))
        return students
    # FALLBACK (only while the students domain's seeder is absent): a small roster of our own.
    year = _school_year(local_date())
    created: list[Student] = []
    for name, (grade, kids) in _FALLBACK_CLASSES.items():
        cls = SchoolClass(school_id=ctx.school.id, name=name, grade=grade, school_year=year)
        session.add(cls)
        session.flush()
        if name == "3.A":
            for role, staff_role in (
                ("teacher", "class_teacher"),
                ("pedagogue", "pedagogue"),
                ("sfo_staff", "sfo_contact"),
            ):
                session.add(ClassStaff(class_id=cls.id, user_id=ctx.users[role].id, role=staff_role))
        for given, family in kids:
            student = Student(school_id=ctx.school.id, given_name=given, family_name=family, class_id=cls.id)
            session.add(student)
            created.append(student)
    session.flush()
    ctx.shared.setdefault("students", created)
    return created


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Copenhagen wall-clock time on a day, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _working_days_ago(session: Session, school: Any, today: date, n: int) -> date:
    day = today
    while n > 0:
        day -= timedelta(days=1)
        if add_working_days(session, school=school, start=day - timedelta(days=1), days=1) == day:
            n -= 1
    return day


class _Case:
    def __init__(self, session: Session, incident: Incident) -> None:
        self.session, self.incident = session, incident

    def event(self, at: datetime, actor: Any, kind: str, /, **detail: Any) -> None:
        self.session.add(
            IncidentEvent(
                incident_id=self.incident.id, at=at, actor_id=actor.id, kind=kind, detail=detail or None
            )
        )

    def status(self, at: datetime, actor: Any, old: str, new: str) -> None:
        self.event(at, actor, "status_changed", old=old, new=new)

    def note(self, at: datetime, author: Any, kind: str, body: str, participants: str | None = None) -> None:
        note = CaseNote(
            incident_id=self.incident.id,
            author_id=author.id,
            kind=kind,
            participants=participants,
            body=body,
            occurred_at=at,
            created_at=at,
        )
        self.session.add(note)
        self.session.flush()
        self.event(at, author, "note_added", note_id=note.id, kind=kind)


def _incident(
    session: Session,
    ctx: Any,
    *,
    reporter: Any,
    classification: str,
    occurred_at: datetime,
    students: list[tuple[Student, str]],
    place: str,
    description: str,
    knowledge_source: str,
    **extra: Any,
) -> _Case:
    occurred_at = min(occurred_at, utcnow() - timedelta(minutes=30))
    incident = Incident(
        school_id=ctx.school.id,
        classification=classification,
        status="open",
        occurred_at=occurred_at,
        place=place,
        description=description,
        knowledge_source=knowledge_source,
        reported_by_id=reporter.id,
        created_at=occurred_at + timedelta(minutes=7),
        updated_at=occurred_at + timedelta(minutes=7),
        **extra,
    )
    incident.students = [IncidentStudent(student_id=s.id, role=role) for s, role in students]
    session.add(incident)
    session.flush()
    case = _Case(session, incident)
    case.event(
        incident.created_at, reporter, "created", classification=classification, students=incident.student_ids
    )
    sent = tell_of_report(session, incident, actor=reporter, was_bullying_like=False, was_accusing=False)
    _told(sent, incident.created_at)
    return case


def _told(sent: list[Any], at: datetime) -> None:
    """Dates the notifications the app sent as of the moment it happened; read by now unless recent."""
    for notification in sent:
        notification.created_at = at
        notification.read_at = None if at > utcnow() - timedelta(days=10) else at + timedelta(hours=2)


def _establish(session: Session, ctx: Any, case: _Case, by: Any, day: date) -> datetime:
    at = _at(day, 13, 15)
    incident = case.incident
    incident.established_at = at
    incident.established_by_id = by.id
    incident.action_plan_due = add_working_days(session, school=ctx.school, start=day, days=10)
    incident.audiences = [AudienceItem(audience=a.value, position=i) for i, a in enumerate(Audience)]
    case.event(
        at,
        by,
        "established",
        classification=incident.classification,
        action_plan_due=incident.action_plan_due.isoformat(),
    )
    case.status(at, by, incident.status, "action_plan")
    incident.status = "action_plan"
    _told(tell_of_establishment(session, incident, actor=by), at)
    return at


def _done(item: AudienceItem, by: Any, at: datetime, actions: list[str], how: str) -> None:
    item.done_by_id, item.done_at, item.actions, item.how = by.id, at, actions, how


def _plan(
    session: Session,
    case: _Case,
    by: Any,
    at: datetime,
    follow_up_on: date,
    measures: list[tuple[str, Any, str | None]],
) -> ActionPlan:
    plan = ActionPlan(
        incident_id=case.incident.id,
        follow_up_on=follow_up_on,
        informed_students_at=at + timedelta(hours=20),
        informed_parents_at=at + timedelta(hours=22),
        adopted_at=at,
        adopted_by_id=by.id,
        updated_at=at,
        updated_by_id=by.id,
    )
    plan.measures = [
        PlanMeasure(position=i, description=d, responsible_user_id=getattr(u, "id", None), responsible=r)
        for i, (d, u, r) in enumerate(measures)
    ]
    session.add(plan)
    case.event(at, by, "action_plan_saved", measures=len(measures), adopted=True, created=True, on_time=True)
    return plan


def seed(session: Session, ctx: Any) -> None:
    """Seven cases: open, investigating, two awaiting a plan (one overdue), monitoring, closed, a concern."""
    students = _students(session, ctx)
    if len(students) < 8:
        return
    s = students
    u = ctx.users
    teacher, pedagogue, sfo, leader, resource = (
        u["teacher"],
        u["pedagogue"],
        u["sfo_staff"],
        u["leader"],
        u["resource_person"],
    )
    today = local_date()

    def days_ago(n: int) -> date:
        return _working_days_ago(session, ctx.school, today, n)

    # 1. Open: a quarrel in the SFO, logged by the SFO staff from a tablet
    _incident(
        session,
        ctx,
        reporter=sfo,
        classification="conflict",
        occurred_at=_at(days_ago(0), 14, 40),
        students=[(s[0], "target"), (s[1], "actor")],
        place="sfo",
        knowledge_source="saw",
        description="Skænderi om hvem der måtte bruge gyngen; den ene skubbede.",
    )

    # 2. Investigating: teasing in the corridor, told by another student
    case = _incident(
        session,
        ctx,
        reporter=teacher,
        classification="teasing",
        occurred_at=_at(days_ago(2), 10, 5),
        students=[(s[2], "target"), (s[3], "actor"), (s[1], "bystander")],
        place="corridor",
        knowledge_source="told_by_other_student",
        description="Øgenavne på gangen i 10-frikvarteret; gentaget flere dage ifølge en klassekammerat.",
    )
    case.status(_at(days_ago(2), 12, 0), teacher, "open", "investigating")
    case.incident.status = "investigating"
    case.note(
        _at(days_ago(1), 9, 0),
        teacher,
        "students",
        "Talt med begge elever hver for sig. Vi aftaler at følge op fredag.",
        "Begge elever",
    )

    # 3. Action plan being written: bullying established three working days ago, plan not due yet
    case = _incident(
        session,
        ctx,
        reporter=pedagogue,
        classification="teasing",
        occurred_at=_at(days_ago(6), 11, 30),
        students=[(s[0], "target"), (s[3], "actor"), (s[2], "supporter")],
        place="football_pitch",
        knowledge_source="told_by_student",
        description="Bliver holdt uden for fodbolden hver dag og får at vide at han ikke må være med.",
        pupil_perspective="Han siger at han ikke har lyst til at gå ud i frikvarteret mere.",
    )
    case.status(_at(days_ago(5), 8, 30), resource, "open", "investigating")
    case.incident.status = "investigating"
    case.event(_at(days_ago(3), 13, 0), resource, "classification_changed", old="teasing", new="bullying")
    case.incident.classification = "bullying"
    at = _establish(session, ctx, case, resource, days_ago(3))
    session.add(
        AcuteMeasure(
            incident_id=case.incident.id,
            description="En voksen går med ud på fodboldbanen i alle frikvarterer.",
            taken_at=at + timedelta(minutes=30),
            recorded_by_id=resource.id,
        )
    )
    case.event(at + timedelta(minutes=30), resource, "acute_measure_added")
    session.flush()
    _done(
        case.incident.audiences[0],
        resource,
        at + timedelta(days=1),
        ["talk", "confront"],
        "Samtaler med de tre elever, hver for sig.",
    )

    # 4. OVERDUE: digital bullying established 14 working days ago, no plan yet
    case = _incident(
        session,
        ctx,
        reporter=teacher,
        classification="digital_bullying",
        occurred_at=_at(days_ago(16), 19, 45),
        students=[(s[4], "target"), (s[5], "actor"), (s[6], "actor")],
        place="online",
        knowledge_source="told_by_parent",
        digital_medium="Snapchat",
        description="Billeder af eleven delt i en gruppe med grimme kommentarer; mor har screenshots.",
    )
    case.status(_at(days_ago(15), 8, 15), teacher, "open", "investigating")
    case.incident.status = "investigating"
    case.note(
        _at(days_ago(15), 15, 0),
        teacher,
        "parents",
        "Mor viste screenshots. Aftalt at skolen kontakter de andre forældre.",
        "Mor",
    )
    _establish(session, ctx, case, leader, days_ago(14))
    case.note(
        _at(days_ago(12), 14, 0),
        leader,
        "parents",
        "Møde med forældrene til de to elever; billederne er slettet.",
        "Forældre",
    )

    # 5. Monitoring: exclusion, plan adopted, first follow-up found it decreased, psychologist involved
    case = _incident(
        session,
        ctx,
        reporter=resource,
        classification="exclusion",
        occurred_at=_at(days_ago(30), 12, 0),
        students=[(s[7], "target"), (s[4], "actor"), (s[5], "bystander")],
        place="classroom",
        knowledge_source="saw",
        description="Ingen vil have hende med i gruppearbejde; der bliver grinet når hun taler.",
    )
    case.status(_at(days_ago(29), 9, 0), resource, "open", "investigating")
    case.incident.status = "investigating"
    at = _establish(session, ctx, case, resource, days_ago(27))
    plan_at = _at(days_ago(20), 14, 0)
    _plan(
        session,
        case,
        resource,
        plan_at,
        today + timedelta(days=4),
        [
            ("Faste grupper i alle fag, sammensat af klasseteamet", teacher, None),
            ("Klassemøde om fællesskab og god tone (KiVa-lektion)", teacher, None),
            ("Ugentlig samtale med eleven", resource, None),
            ("Forældremøde for klassens forældre", None, "Skoleledelsen"),
        ],
    )
    for item, actions, how in zip(
        case.incident.audiences,
        [
            ["talk", "confront"],
            ["involve"],
            ["contact", "meeting"],
            ["inform", "student_log"],
            ["inform", "follow"],
        ],
        [
            "Samtaler med alle tre.",
            "KiVa-lektion i klassen.",
            "Møde med forældrene.",
            "Orienteret på teammødet.",
            "Lederen følger sagen.",
        ],
        strict=True,
    ):
        _done(item, resource, plan_at + timedelta(days=1), actions, how)
    session.add(
        FollowUp(
            incident_id=case.incident.id,
            held_on=days_ago(10),
            outcome="decreased",
            summary="Det er blevet bedre, men hun er stadig ofte alene.",
            next_follow_up_on=today + timedelta(days=4),
            recorded_by_id=resource.id,
            created_at=_at(days_ago(10), 15, 0),
        )
    )
    case.event(_at(days_ago(10), 15, 0), resource, "follow_up_recorded", outcome="decreased")
    case.status(_at(days_ago(10), 15, 0), resource, "action_plan", "monitoring")
    case.incident.status = "monitoring"
    session.add(
        Referral(
            incident_id=case.incident.id,
            partner="school_psychologist",
            referred_on=days_ago(18),
            status="accepted",
            note="PPR kigger på klassens sociale dynamik.",
            created_by_id=leader.id,
            created_at=_at(days_ago(18), 10, 0),
        )
    )
    case.event(
        _at(days_ago(18), 10, 0), leader, "referral_added", partner="school_psychologist", status="accepted"
    )

    # 6. Closed: bullying stopped after the plan and two follow-ups
    case = _incident(
        session,
        ctx,
        reporter=teacher,
        classification="bullying",
        occurred_at=_at(days_ago(60), 9, 50),
        students=[(s[1], "target"), (s[6], "actor")],
        place="schoolyard",
        knowledge_source="told_by_student",
        description="Bliver taget madpakken fra og drillet hver dag ved bænkene.",
    )
    at = _establish(session, ctx, case, leader, days_ago(58))
    plan_at = _at(days_ago(52), 14, 0)
    _plan(
        session,
        case,
        leader,
        plan_at,
        days_ago(45),
        [
            ("Gårdvagt ved bænkene i 10-frikvarteret", teacher, None),
            ("Samtaler med begge familier", leader, None),
        ],
    )
    for n, outcome in ((45, "decreased"), (35, "stopped")):
        session.add(
            FollowUp(
                incident_id=case.incident.id,
                held_on=days_ago(n),
                outcome=outcome,
                recorded_by_id=leader.id,
                created_at=_at(days_ago(n), 14, 0),
            )
        )
        case.event(_at(days_ago(n), 14, 0), leader, "follow_up_recorded", outcome=outcome)
    case.status(_at(days_ago(45), 14, 0), leader, "action_plan", "monitoring")
    case.status(_at(days_ago(35), 14, 30), leader, "monitoring", "closed")
    case.incident.status = "closed"
    case.incident.closed_at = _at(days_ago(35), 14, 30)

    # 7. Open wellbeing concern, with the pupil's perspective
    _incident(
        session,
        ctx,
        reporter=pedagogue,
        classification="wellbeing_concern",
        occurred_at=_at(days_ago(1), 8, 10),
        students=[(s[3], "target")],
        place="classroom",
        knowledge_source="told_by_student",
        description="Virker trist og træt; siger hun ikke har nogen at lege med.",
        pupil_perspective='"Ingen gider mig."',
    )
    session.flush()
