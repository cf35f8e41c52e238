"""Demo cases for Vestrup Skole: realistic cases in every state, one with an overdue action plan.

The cases are worked through the incident services, replayed at the moments the work happened (timeutil.as_of),
so their status, timeline, deadlines and notifications are exactly what the app itself writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.calendar.service import add_working_days
from api.core.timeutil import LOCAL_TZ, as_of, local_date, utcnow
from api.incidents import service
from api.incidents.models import Incident
from api.notifications.service import mark_read_until
from api.students.permissions import staff_class_ids


@contextmanager
def _when(session: Session, moment: datetime) -> Iterator[None]:
    """The services' work in the block happened at `moment`: written (flushed) before the clock moves on."""
    with as_of(moment):
        yield
        session.flush()


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


def _students(session: Session, ctx: Any) -> list[Any]:
    """The roster's students, the demo teacher's classes first (so the teacher login sees case work too)."""
    teacher_classes = staff_class_ids(session, ctx.users["teacher"])
    students = [s for s in ctx.students if s.school_id == ctx.school.id]
    return sorted(students, key=lambda s: (s.class_id not in teacher_classes, s.class_id or 0, s.id))


def _report(
    session: Session,
    *,
    reporter: Any,
    occurred_at: datetime,
    students: list[tuple[Any, str]],
    **facts: Any,
) -> Incident:
    occurred_at = min(occurred_at, utcnow() - timedelta(minutes=30))
    data = {
        "occurred_at": occurred_at,
        "students": [{"student_id": s.id, "role": role} for s, role in students],
        **facts,
    }
    with _when(session, occurred_at + timedelta(minutes=7)):
        return service.create_incident(session, caller=reporter, **data)


def _status(session: Session, incident: Incident, by: Any, at: datetime, status: str) -> None:
    with _when(session, at):
        service.update_incident(session, caller=by, incident=incident, changes={"status": status})


def _note(
    session: Session, incident: Incident, by: Any, at: datetime, kind: str, body: str, who: str
) -> None:
    with _when(session, at):
        service.add_note(session, caller=by, incident=incident, kind=kind, body=body, participants=who)


def _establish(
    session: Session, incident: Incident, by: Any, day: date, classification: str | None = None
) -> datetime:
    at = _at(day, 13, 15)
    with _when(session, at):
        service.establish(session, caller=by, incident=incident, classification=classification)
    return at


def _done(
    session: Session, incident: Incident, by: Any, at: datetime, item: Any, actions: list[str], how: str
) -> None:
    with _when(session, at):
        service.update_audience_item(
            session,
            caller=by,
            incident=incident,
            item=item,
            changes={"actions": actions, "how": how, "done": True},
        )


def _plan(
    session: Session,
    incident: Incident,
    by: Any,
    at: datetime,
    follow_up_on: date,
    measures: list[tuple[str, Any, str | None]],
) -> None:
    rows = [
        {"description": d, "responsible_user_id": getattr(u, "id", None), "responsible": r}
        for d, u, r in measures
    ]
    with _when(session, at):
        service.save_action_plan(
            session, caller=by, incident=incident, measures=rows, follow_up_on=follow_up_on
        )
    plan = incident.action_plan
    plan.informed_students_at = at + timedelta(hours=20)
    plan.informed_parents_at = at + timedelta(hours=22)


def _follow_up(session: Session, incident: Incident, by: Any, day: date, outcome: str, **more: Any) -> None:
    with _when(session, _at(day, 15, 0)):
        service.record_follow_up(session, caller=by, incident=incident, held_on=day, outcome=outcome, **more)


def seed(session: Session, ctx: Any) -> None:
    """Seven cases: open, investigating, two awaiting a plan (one overdue), monitoring, closed, a concern."""
    s = _students(session, ctx)
    if len(s) < 8:
        return
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

    cases = []
    # 1. Open: a quarrel in the SFO, logged by the SFO staff from a tablet
    cases.append(
        _report(
            session,
            reporter=sfo,
            classification="conflict",
            occurred_at=_at(days_ago(0), 14, 40),
            students=[(s[0], "target"), (s[1], "actor")],
            place="sfo",
            knowledge_source="saw",
            description="Skænderi om hvem der måtte bruge gyngen; den ene skubbede.",
        )
    )

    # 2. Investigating: teasing in the corridor, told by another student
    case = _report(
        session,
        reporter=teacher,
        classification="teasing",
        occurred_at=_at(days_ago(2), 10, 5),
        students=[(s[2], "target"), (s[3], "actor"), (s[1], "bystander")],
        place="corridor",
        knowledge_source="told_by_other_student",
        description="Øgenavne på gangen i 10-frikvarteret; gentaget flere dage ifølge en klassekammerat.",
    )
    cases.append(case)
    _status(session, case, teacher, _at(days_ago(2), 12, 0), "investigating")
    _note(
        session,
        case,
        teacher,
        _at(days_ago(1), 9, 0),
        "students",
        "Talt med begge elever hver for sig. Vi aftaler at følge op fredag.",
        "Begge elever",
    )

    # 3. Action plan being written: bullying established three working days ago, plan not due yet
    case = _report(
        session,
        reporter=pedagogue,
        classification="teasing",
        occurred_at=_at(days_ago(6), 11, 30),
        students=[(s[0], "target"), (s[3], "actor"), (s[2], "supporter")],
        place="football_pitch",
        knowledge_source="told_by_student",
        description="Bliver holdt uden for fodbolden hver dag og får at vide at han ikke må være med.",
        pupil_perspective="Han siger at han ikke har lyst til at gå ud i frikvarteret mere.",
    )
    cases.append(case)
    _status(session, case, resource, _at(days_ago(5), 8, 30), "investigating")
    at = _establish(session, case, resource, days_ago(3), classification="bullying")
    with _when(session, at + timedelta(minutes=30)):
        service.add_acute_measure(
            session,
            caller=resource,
            incident=case,
            description="En voksen går med ud på fodboldbanen i alle frikvarterer.",
        )
    _done(
        session,
        case,
        resource,
        at + timedelta(days=1),
        case.audiences[0],
        ["talk", "confront"],
        "Samtaler med de tre elever, hver for sig.",
    )

    # 4. OVERDUE: digital bullying established 14 working days ago, no plan yet
    case = _report(
        session,
        reporter=teacher,
        classification="digital_bullying",
        occurred_at=_at(days_ago(16), 19, 45),
        students=[(s[4], "target"), (s[5], "actor"), (s[6], "actor")],
        place="online",
        knowledge_source="told_by_parent",
        digital_medium="Snapchat",
        description="Billeder af eleven delt i en gruppe med grimme kommentarer; mor har screenshots.",
    )
    cases.append(case)
    _status(session, case, teacher, _at(days_ago(15), 8, 15), "investigating")
    _note(
        session,
        case,
        teacher,
        _at(days_ago(15), 15, 0),
        "parents",
        "Mor viste screenshots. Aftalt at skolen kontakter de andre forældre.",
        "Mor",
    )
    _establish(session, case, leader, days_ago(14))
    _note(
        session,
        case,
        leader,
        _at(days_ago(12), 14, 0),
        "parents",
        "Møde med forældrene til de to elever; billederne er slettet.",
        "Forældre",
    )

    # 5. Monitoring: exclusion, plan adopted, first follow-up found it decreased, psychologist involved
    case = _report(
        session,
        reporter=resource,
        classification="exclusion",
        occurred_at=_at(days_ago(30), 12, 0),
        students=[(s[7], "target"), (s[4], "actor"), (s[5], "bystander")],
        place="classroom",
        knowledge_source="saw",
        description="Ingen vil have hende med i gruppearbejde; der bliver grinet når hun taler.",
    )
    cases.append(case)
    _status(session, case, resource, _at(days_ago(29), 9, 0), "investigating")
    _establish(session, case, resource, days_ago(27))
    with _when(session, _at(days_ago(18), 10, 0)):
        service.add_referral(
            session,
            caller=leader,
            incident=case,
            partner="school_psychologist",
            referred_on=days_ago(18),
            status="accepted",
            note="PPR kigger på klassens sociale dynamik.",
        )
    plan_at = _at(days_ago(20), 14, 0)
    _plan(
        session,
        case,
        resource,
        plan_at,
        days_ago(10),
        [
            ("Faste grupper i alle fag, sammensat af klasseteamet", teacher, None),
            ("Klassemøde om fællesskab og god tone (KiVa-lektion)", teacher, None),
            ("Ugentlig samtale med eleven", resource, None),
            ("Forældremøde for klassens forældre", None, "Skoleledelsen"),
        ],
    )
    for item, actions, how in zip(
        case.audiences,
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
        _done(session, case, resource, plan_at + timedelta(days=1), item, actions, how)
    _follow_up(
        session,
        case,
        resource,
        days_ago(10),
        "decreased",
        summary="Det er blevet bedre, men hun er stadig ofte alene.",
        next_follow_up_on=today + timedelta(days=4),
    )

    # 6. Closed: bullying stopped after the plan and two follow-ups
    case = _report(
        session,
        reporter=teacher,
        classification="bullying",
        occurred_at=_at(days_ago(60), 9, 50),
        students=[(s[1], "target"), (s[6], "actor")],
        place="schoolyard",
        knowledge_source="told_by_student",
        description="Bliver taget madpakken fra og drillet hver dag ved bænkene.",
    )
    cases.append(case)
    _establish(session, case, leader, days_ago(58))
    _plan(
        session,
        case,
        leader,
        _at(days_ago(52), 14, 0),
        days_ago(45),
        [
            ("Gårdvagt ved bænkene i 10-frikvarteret", teacher, None),
            ("Samtaler med begge familier", leader, None),
        ],
    )
    _follow_up(session, case, leader, days_ago(45), "decreased", next_follow_up_on=days_ago(35))
    _follow_up(session, case, leader, days_ago(35), "stopped")
    _status(session, case, leader, _at(days_ago(35), 15, 30), "closed")

    # 7. Open wellbeing concern, with the pupil's perspective
    cases.append(
        _report(
            session,
            reporter=pedagogue,
            classification="wellbeing_concern",
            occurred_at=_at(days_ago(1), 8, 10),
            students=[(s[3], "target")],
            place="classroom",
            knowledge_source="told_by_student",
            description="Virker trist og træt; siger hun ikke har nogen at lege med.",
            pupil_perspective='"Ingen gider mig."',
        )
    )
    # People have read what they were told more than ten days ago.
    mark_read_until(session, incident_ids=[c.id for c in cases], until=utcnow() - timedelta(days=10))
    session.flush()
