"""The case file (sagsakt) the school forwards with a complaint, in the order the complaint rules list it:
the complaint; the first decision and the complainant's remarks; the pupil's perspective; the antimobbestrategi
in force; the UMV; the national wellbeing survey for the class (aggregates only); the action plan; the
temporary measures; other relevant material (only what concerns the case).

The complaint is about one pupil: that child is named; every other child appears by role only ("anden elev,
udøver"), in the facts and in free text alike, and so do their parents."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.complaints.models import Complaint
from api.core import labels_da as da
from api.core.pdf import Section, render
from api.core.redaction import Redactor
from api.core.timeutil import local_date
from api.incidents import service as incident_service
from api.observations.service import observations_of_case
from api.strategy import printing as strategy_printing
from api.strategy import service as strategy_service
from api.students.service import custodial_guardians

PARTS = (
    ("klagen", "Klagen"),
    ("afgoerelse", "Første afgørelse og klagerens bemærkninger"),
    ("elevens-perspektiv", "Elevens perspektiv"),
    ("antimobbestrategi", "Antimobbestrategien"),
    ("umv", "Undervisningsmiljøvurderingen (UMV)"),
    ("trivselsmaaling", "Den nationale trivselsmåling for klassen"),
    ("handlingsplan", "Handlingsplanen"),
    ("midlertidige-foranstaltninger", "De midlertidige foranstaltninger"),
    ("andet-materiale", "Andet relevant materiale"),
)


@dataclass
class CaseFile:
    """The case file's parts as sections, and the file names they get."""

    title: str
    meta: list[str]
    sections: list[Section]

    def pdf(self) -> bytes:
        """One PDF with an index."""
        return render(title=self.title, meta=self.meta, sections=self.sections)

    def zip(self) -> bytes:
        """A ZIP holding the whole PDF and each part as its own PDF."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("00-sagsakt.pdf", self.pdf())
            for number, ((slug, _title), section) in enumerate(zip(PARTS, self.sections, strict=True), 1):
                z.writestr(
                    f"{number:02d}-{slug}.pdf",
                    render(title=self.title, meta=self.meta, sections=[section], index_title=None),
                )
        return out.getvalue()


def build(session: Session, *, caller: Any, complaint: Complaint, school_name: str) -> CaseFile:
    """Gather the case file of a complaint as the caller (a leader or resource person on the case) may see it."""
    incident = incident_service.get_incident(
        session, caller=caller, incident_id=complaint.incident_id, audited=False
    )
    links = {link.student_id: link for link in incident.students}
    child = links[complaint.student_id].student
    others = [link for sid, link in links.items() if sid != complaint.student_id]
    replacements: list[tuple[str, str]] = []
    for link in others:
        s, label = link.student, da.other_child(link.role)
        replacements += [(s.display_name, label), (f"{s.given_name} {s.family_name}", label)]
        replacements += [(s.preferred_name or "", label), (s.given_name, label), (s.family_name, label)]
    other_ids = [link.student_id for link in others]
    for g in custodial_guardians(session, school_id=incident.school_id, student_ids=other_ids):
        replacements.append((g.name, f"forælder til {da.other_child(links[g.student_id].role)}"))
    # A sibling shares the family name: never redact a word of the complaint's own child's name.
    own = {
        w.casefold()
        for w in (child.given_name, child.family_name, child.preferred_name or "", child.display_name)
    }
    redact = Redactor((n, r) for n, r in replacements if n.strip().casefold() not in own)

    def who(student_id: int) -> str:
        if student_id == complaint.student_id:
            return f"{child.display_name} ({da.ROLE.get(links[student_id].role, '')})"
        return da.other_child(links[student_id].role if student_id in links else None)

    sections = [Section(title) for _slug, title in PARTS]
    complaint_part, decision, perspective, strategy, umv, survey, plan_part, acute, other = sections

    complaint_part.facts(
        [
            ("Klager", complaint.complainant_name),
            (
                "Klager er",
                {"guardian": "forælder", "student": "eleven selv", "other": "andet"}.get(
                    complaint.complainant_kind, complaint.complainant_kind
                ),
            ),
            ("Klagen angår", child.display_name),
            ("Modtaget", da.day(complaint.received_on)),
            ("Afgørelse senest", f"{da.day(complaint.decision_due)} (20 arbejdsdage efter modtagelsen)"),
            ("Status", da.label(da.COMPLAINT_STATUS, complaint.status)),
        ]
    ).heading("Klagen").text(redact(complaint.complaint_text))

    decision.facts(
        [
            ("Afgørelse", da.label(da.DECISION, complaint.decision_outcome)),
            ("Afgjort", da.day(complaint.decided_on)),
        ]
    ).heading("Afgørelsen").text(
        redact(complaint.decision_text), empty="Kommunen har endnu ikke afgjort klagen."
    )
    decision.heading("Klagerens bemærkninger").facts(
        [
            ("Modtaget", da.day(complaint.answered_on)),
            (
                "Tilfreds med afgørelsen",
                {True: "ja", False: "nej", None: "—"}[complaint.complainant_satisfied],
            ),
        ]
    ).text(redact(complaint.complainant_answer), empty="Ingen bemærkninger registreret.")
    if complaint.forwarded_on:
        decision.facts(
            [("Videresendt til", complaint.forwarded_to), ("Videresendt", da.day(complaint.forwarded_on))]
        )

    perspective.text(
        redact(incident.pupil_perspective), empty="Elevens perspektiv er ikke registreret i sagen."
    )

    version = _strategy(session, caller=caller, incident=incident)
    if version is None:
        strategy.text("Skolen havde ingen antimobbestrategi registreret i Trivsel, da sagen blev oprettet.")
    else:
        strategy.facts(
            [
                ("Titel", version.title),
                ("Version", version.number),
                ("Vedtaget af", version.adopted_by),
                ("Vedtaget", da.day(version.adopted_on)),
                ("Gælder fra", da.day(version.applies_from)),
            ]
        )
        for heading, text in strategy_printing.version_text(version):
            strategy.heading(heading).text(text)

    umv.text(
        "Trivsel rummer ikke skolens undervisningsmiljøvurdering (UMV, undervisningsmiljøloven § 7). "
        "Skolen vedlægger den seneste UMV særskilt."
    )
    survey.text(
        "Trivsel rummer ingen resultater fra den nationale trivselsmåling for klassen. Skolen vedlægger "
        "klassens resultater som gennemsnit (aggregerede tal; aldrig den enkelte elevs svar) særskilt."
    )

    action_plan = incident.action_plan
    plan_part.facts(
        [
            ("Mobning konstateret", da.moment(incident.established_at)),
            ("Handlingsplan senest", da.day(incident.action_plan_due)),
            (
                "Handlingsplan vedtaget",
                da.moment(action_plan.adopted_at) if action_plan else "Ingen handlingsplan",
            ),
            ("Opfølgning", da.day(action_plan.follow_up_on) if action_plan else "—"),
        ]
    )
    if action_plan is not None:
        for m in action_plan.measures:
            responsible = m.responsible_user.name if m.responsible_user else m.responsible
            plan_part.heading(f"Tiltag {m.position + 1}").text(redact(m.description)).facts(
                [("Ansvarlig", redact(responsible)), ("Frist", da.day(m.due_on))]
            )
    for f in incident.follow_ups:
        plan_part.heading(f"Opfølgningsmøde {da.day(f.held_on)}").facts(
            [("Mobningen er", da.label(da.FOLLOW_UP, f.outcome))]
        ).text(redact(f.summary))

    if not incident.acute_measures:
        acute.text("Ingen midlertidige foranstaltninger registreret.")
    for measure in incident.acute_measures:
        acute.heading(da.moment(measure.taken_at)).text(redact(measure.description))

    other.heading("Sagen").facts(
        [
            ("Sag", f"#{incident.id}"),
            ("Type", da.label(da.CLASSIFICATION, incident.classification)),
            ("Tidspunkt", da.moment(incident.occurred_at)),
            ("Sted", incident.place),
            ("Involverede elever", "; ".join(who(sid) for sid in links)),
        ]
    ).text(redact(incident.description))
    other.heading("De fem målgrupper")
    for item in incident.audiences:
        other.facts(
            [
                (
                    da.label(da.AUDIENCE, item.audience),
                    f"{'udført ' + da.moment(item.done_at) if item.done_at else 'ikke udført'}",
                )
            ]
        )
        if item.how:
            other.text(redact(item.how))
    for note in _notes(session, caller=caller, incident=incident):
        other.heading(f"Samtalenotat {da.moment(note.occurred_at)}").text(redact(note.body))
    for obs in observations_of_case(session, caller=caller, incident_id=incident.id):
        about = ", ".join(who(s) for s in obs.student_ids)
        other.heading(f"Observation {da.moment(obs.observed_at)}").facts(
            [("Om", about), ("Humør", da.label(da.MOOD, obs.mood))]
        ).text(redact(obs.note))
    for ref in incident.referrals:
        other.heading(f"Henvisning {da.day(ref.referred_on)}").facts(
            [("Til", da.label(da.PARTNER, ref.partner)), ("Status", ref.status)]
        ).text(redact(ref.note))

    return CaseFile(
        title=f"Sagsakt – klage over sag #{incident.id}",
        meta=[
            school_name,
            f"Klagen angår {child.display_name}. Andre børn er anonymiseret og nævnt ved deres rolle.",
        ],
        sections=sections,
    )


def _strategy(session: Session, *, caller: Any, incident: Any) -> Any:
    if incident.strategy_version_id is not None:
        return strategy_service.get_version(session, caller=caller, version_id=incident.strategy_version_id)
    # Cases from before the school kept its strategy in Trivsel: the version in force when it was reported.
    return strategy_service.version_in_force(
        session, school_id=incident.school_id, on=local_date(incident.created_at)
    )


def _notes(session: Session, *, caller: Any, incident: Any) -> list[Any]:
    notes: list[Any] = []
    page = 1
    while True:
        result = incident_service.list_notes(
            session, caller=caller, incident=incident, page=page, page_size=100
        )
        notes += result["items"]
        if page * 100 >= result["total"]:
            return sorted(notes, key=lambda n: (n.occurred_at, n.id))
        page += 1
