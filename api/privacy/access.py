"""The access export for one student (GDPR art. 15): everything Trivsel holds about the child as JSON (the API's
field names) or a readable PDF, with the access log (who, by role, read or changed what and when: CJEU
C-579/21). Other children appear only by role ("anden elev, udøver"), in facts and free text alike.

The JSON is produced piece by piece as it is sent, the access log in batches, so one child's export never holds
the school's history in memory."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint
from api.core import labels_da as da
from api.core.audit import AuditEntry
from api.core.pdf import Section, render
from api.core.redaction import Redactor
from api.core.timeutil import utcnow
from api.incidents import service as incident_service
from api.information.models import InformationRecord
from api.observations import service as observation_service
from api.play_partners import service as play_service
from api.students.schemas import GuardianRead, StudentRead
from api.students.service import list_guardians
from api.wellbeing_days import service as wellbeing_service

PAGE = 100
LOG_BATCH = 500
FORMAT = "trivsel-access-export/1"


def _pages(fetch: Callable[[int], dict]) -> Iterator[Any]:
    page = 1
    while True:
        result = fetch(page)
        yield from result["items"]
        if page * PAGE >= result["total"]:
            return
        page += 1


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _redactor(others: list[tuple[Any, str]]) -> Redactor:
    pairs: list[tuple[str, str]] = []
    for student, label in others:
        for name in (
            student.display_name,
            f"{student.given_name} {student.family_name}",
            student.given_name,
            student.family_name,
            student.preferred_name or "",
        ):
            pairs.append((name, label))
    return Redactor(pairs)


def _case(session: Session, caller: Any, incident: Any, sid: int) -> dict[str, Any]:
    own = next(link for link in incident.students if link.student_id == sid)
    others = [
        (link.student, da.other_child(link.role)) for link in incident.students if link.student_id != sid
    ]
    own_names = {own.student.given_name.casefold(), own.student.family_name.casefold()}
    redact = _redactor([(s, label) for s, label in others])
    if any(n in own_names for s, _ in others for n in (s.given_name.casefold(), s.family_name.casefold())):
        redact = Redactor([(s.display_name, label) for s, label in others])  # siblings: full names only
    plan = incident.action_plan
    notes = _pages(
        lambda p: incident_service.list_notes(
            session, caller=caller, incident=incident, page=p, page_size=PAGE
        )
    )
    info = session.scalars(
        select(InformationRecord).where(
            InformationRecord.incident_id == incident.id, InformationRecord.student_id == sid
        )
    )
    complaints = session.scalars(
        select(Complaint).where(Complaint.incident_id == incident.id, Complaint.student_id == sid)
    )
    return {
        "id": incident.id,
        "role": own.role,
        "classification": incident.classification,
        "status": incident.status,
        "occurred_at": _iso(incident.occurred_at),
        "place": incident.place,
        "description": redact(incident.description),
        "pupil_perspective": redact(incident.pupil_perspective),
        "other_students": [label for _s, label in others],
        "established_at": _iso(incident.established_at),
        "action_plan_due": _iso(incident.action_plan_due),
        "closed_at": _iso(incident.closed_at),
        "acute_measures": [
            {"taken_at": _iso(m.taken_at), "description": redact(m.description)}
            for m in incident.acute_measures
        ],
        "action_plan": None
        if plan is None
        else {
            "adopted_at": _iso(plan.adopted_at),
            "follow_up_on": _iso(plan.follow_up_on),
            "measures": [
                {"description": redact(m.description), "due_on": _iso(m.due_on)} for m in plan.measures
            ],
        },
        "follow_ups": [
            {"held_on": _iso(f.held_on), "outcome": f.outcome, "summary": redact(f.summary)}
            for f in incident.follow_ups
        ],
        "referrals": [
            {"partner": r.partner, "referred_on": _iso(r.referred_on), "status": r.status}
            for r in incident.referrals
        ],
        "notes": [
            {"occurred_at": _iso(n.occurred_at), "kind": n.kind, "body": redact(n.body)} for n in notes
        ],
        "information": [
            {
                "person_kind": r.person_kind,
                "informed_at": _iso(r.informed_at),
                "method": r.method,
                "note": redact(r.note),
            }
            for r in info
        ],
        "complaints": [
            {
                "received_on": _iso(c.received_on),
                "status": c.status,
                "complainant_name": c.complainant_name,
                "complaint_text": redact(c.complaint_text),
                "decision_outcome": c.decision_outcome,
                "decided_on": _iso(c.decided_on),
            }
            for c in complaints
        ],
    }


def _cases(session: Session, caller: Any, sid: int) -> Iterator[dict[str, Any]]:
    def fetch(p: int) -> dict:
        return incident_service.list_incidents(session, caller=caller, student_id=sid, page=p, page_size=PAGE)

    for item in _pages(fetch):
        incident = incident_service.get_incident(session, caller=caller, incident_id=item.id, audited=False)
        yield _case(session, caller, incident, sid)


def _observations(session: Session, caller: Any, sid: int) -> Iterator[dict[str, Any]]:
    def fetch(p: int) -> dict:
        return observation_service.list_observations(
            session, caller=caller, student_id=sid, page=p, page_size=PAGE
        )

    for o in _pages(fetch):
        others = [(s, "anden elev") for s in o.students if s.id != sid]
        yield {
            "id": o.id,
            "observed_at": _iso(o.observed_at),
            "mood": o.mood,
            "context": o.context,
            "tags": o.tags,
            "note": _redactor(others)(o.note),
            "incident_id": o.incident_id,
            "other_students": ["anden elev" for _ in others],
        }


def _arrangements(session: Session, caller: Any, sid: int) -> Iterator[dict[str, Any]]:
    def fetch(p: int) -> dict:
        return play_service.list_arrangements(session, caller=caller, student_id=sid, page=p, page_size=PAGE)

    for a in _pages(fetch):
        others = [(s, "anden elev") for s in a.students if s.id != sid]
        redact = _redactor(others)
        yield {
            "id": a.id,
            "start_date": _iso(a.start_date),
            "end_date": _iso(a.end_date),
            "purpose": redact(a.purpose),
            "status": a.status,
            "other_students": ["anden elev" for _ in others],
        }


def _access_log(session: Session, school_id: int, sid: int) -> Iterator[dict[str, Any]]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.school_id == school_id, AuditEntry.student_id == sid)
        .order_by(AuditEntry.at, AuditEntry.id)
        .execution_options(yield_per=LOG_BATCH)
    )
    for row in session.scalars(stmt):
        # Who by role (art. 15 asks for the recipients; the staff member's name is not the child's data).
        yield {
            "at": _iso(row.at),
            "roles": row.roles.split(",") if row.roles else [],
            "action": row.action,
            "resource_type": row.resource_type,
            "resource_id": row.resource_id,
            "outcome": row.outcome,
        }


def _parts(session: Session, caller: Any, student: Any, school_name: str) -> list[tuple[str, Any]]:
    guardians = list(
        _pages(lambda p: list_guardians(session, caller=caller, student=student, page=p, page_size=PAGE))
    )
    return [
        ("format", FORMAT),
        ("generated_at", utcnow().isoformat()),
        ("school", school_name),
        ("student", StudentRead().dump(student)),
        ("guardians", GuardianRead(many=True).dump(guardians)),
        ("cases", _cases(session, caller, student.id)),
        ("observations", _observations(session, caller, student.id)),
        ("play_partner_arrangements", _arrangements(session, caller, student.id)),
        (
            "wellbeing_day_groups",
            wellbeing_service.groups_of_student(session, school_id=student.school_id, student_id=student.id),
        ),
        ("access_log", _access_log(session, student.school_id, student.id)),
    ]


def json_stream(session: Session, *, caller: Any, student: Any, school_name: str) -> Iterator[str]:
    """The export as JSON text, piece by piece."""
    yield "{"
    for n, (key, value) in enumerate(_parts(session, caller, student, school_name)):
        yield ("," if n else "") + json.dumps(key) + ":"
        if isinstance(value, Iterator):
            yield "["
            for i, item in enumerate(value):
                yield ("," if i else "") + json.dumps(item, ensure_ascii=False)
            yield "]"
        else:
            yield json.dumps(value, ensure_ascii=False)
    yield "}\n"


def pdf(session: Session, *, caller: Any, student: Any, school_name: str) -> bytes:
    """The export as a readable PDF in Danish."""
    parts = dict(_parts(session, caller, student, school_name))
    s = parts["student"]
    me = Section("Eleven").facts(
        [
            ("Navn", s["display_name"]),
            ("Klasse", s.get("class_name")),
            ("Elev-id", s.get("external_id")),
            ("SFO", "ja" if s.get("sfo_enrolled") else "nej"),
            ("Udmeldt", s.get("left_on")),
        ]
    )
    for g in parts["guardians"]:
        me.heading(f"Forælder: {g['name']}").facts(
            [
                ("Relation", g["relation"]),
                ("Telefon", g.get("phone")),
                ("E-mail", g.get("email")),
                ("Forældremyndighed", "ja" if g["has_custody"] else "nej"),
            ]
        )
    cases = Section("Sager")
    for c in parts["cases"]:
        cases.heading(f"Sag #{c['id']}: {da.label(da.CLASSIFICATION, c['classification'])}").facts(
            [
                ("Rolle", da.label(da.ROLE, c["role"])),
                ("Status", da.label(da.STATUS, c["status"])),
                ("Tidspunkt", c["occurred_at"]),
                ("Andre elever", "; ".join(c["other_students"]) or "—"),
            ]
        ).text(c["description"])
        if c["pupil_perspective"]:
            cases.text(f"Elevens perspektiv: {c['pupil_perspective']}")
        for m in c["acute_measures"]:
            cases.text(f"Midlertidig foranstaltning: {m['description']}")
        if c["action_plan"]:
            for m in c["action_plan"]["measures"]:
                cases.text(f"Handlingsplan: {m['description']}")
        for n in c["notes"]:
            cases.text(f"Samtalenotat {n['occurred_at'][:10]}: {n['body']}")
        for i in c["information"]:
            cases.text(
                f"Orienteret ({i['person_kind']}) {i['informed_at'][:10]} via {da.label(da.METHOD, i['method'])}"
            )
        for k in c["complaints"]:
            cases.text(f"Klage modtaget {k['received_on']}: {k['complaint_text']}")
    if cases.blocks == []:
        cases.text("Ingen sager.")
    obs = Section("Observationer")
    for o in parts["observations"]:
        obs.heading(o["observed_at"][:16].replace("T", " ")).facts(
            [("Humør", da.label(da.MOOD, o["mood"]))]
        ).text(o["note"])
    if obs.blocks == []:
        obs.text("Ingen observationer.")
    plays = Section("Legemakker-aftaler")
    for a in parts["play_partner_arrangements"]:
        plays.heading(f"{a['start_date']} – {a['end_date']}").text(a["purpose"])
    if plays.blocks == []:
        plays.text("Ingen aftaler.")
    days = Section("Trivselsdage")
    for w in parts["wellbeing_day_groups"]:
        days.heading(f"{w['day']} {w['title']}").text(f"Gruppe {w['group']}")
    if days.blocks == []:
        days.text("Ingen grupper.")
    log = Section("Hvem har set eller ændret oplysningerne (adgangslog)")
    rows = [
        (
            r["at"][:19].replace("T", " "),
            f"{r['action']} ({', '.join(r['roles']) or 'system'}){'' if r['outcome'] == 'allowed' else ' – afvist'}",
        )
        for r in parts["access_log"]
    ]
    log.facts(rows) if rows else log.text("Ingen registreringer.")
    return render(
        title=f"Indsigt: oplysninger om {s['display_name']}",
        meta=[
            school_name,
            "Efter databeskyttelsesforordningens artikel 15. Andre børn er nævnt ved deres rolle.",
        ],
        sections=[me, cases, obs, plays, days, log],
    )
