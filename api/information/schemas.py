"""Information-duty schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.enums import register_enum
from api.core.fields import enum_field, id_field, moment_field, text_field
from api.extensions import Schema
from api.information.models import InformMethod

METHODS = [m.value for m in InformMethod]
register_enum(
    "InformedPersonKind",
    "Who is to be informed.",
    {
        "student": ("elev", "An involved pupil."),
        "guardian": ("forælder med forældremyndighed", "A guardian with custody of an involved pupil."),
    },
)


class InformerBrief(Schema):
    """Who informed."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class InformationRecordCreate(Schema):
    """A pupil (student_id) or a custodial parent (student_id and guardian_id) was informed."""

    student_id = id_field(required=True, metadata={"description": "The involved student (or whose guardian)"})
    guardian_id = id_field(
        allow_none=True,
        metadata={"description": "A guardian with custody of the student; omit for the pupil"},
    )
    informed_at = moment_field(metadata={"description": "Defaults to now"})
    method = enum_field(InformMethod, required=True)
    note = text_field(max_length=500, allow_none=True)


class InformationRecordRead(Schema):
    """One time someone was informed."""

    id = ma.fields.Integer(required=True)
    person_kind = ma.fields.String(required=True, metadata={"enum": ["student", "guardian"]})
    student_id = ma.fields.Integer(required=True)
    guardian_id = ma.fields.Integer(required=True, allow_none=True)
    informed_at = ma.fields.AwareDateTime(required=True)
    method = ma.fields.String(required=True, metadata={"enum": METHODS})
    note = ma.fields.String(required=True, allow_none=True)
    informed_by = ma.fields.Nested(InformerBrief, required=True, allow_none=True)


class InformedPerson(Schema):
    """A pupil involved in the case, or a guardian with custody of one, and whether they were informed."""

    person_kind = ma.fields.String(required=True, metadata={"enum": ["student", "guardian"]})
    student_id = ma.fields.Integer(required=True)
    student_name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, metadata={"description": "The student's role in the case"})
    guardian_id = ma.fields.Integer(required=True, allow_none=True)
    guardian_name = ma.fields.String(required=True, allow_none=True)
    relation = ma.fields.String(required=True, allow_none=True)
    informed = ma.fields.Boolean(required=True)
    records = ma.fields.List(ma.fields.Nested(InformationRecordRead), required=True)


class InformationDutyRead(Schema):
    """The case's information duty (undervisningsmiljøloven § 1 c): pupils and custodial parents concerned."""

    incident_id = ma.fields.Integer(required=True)
    required = ma.fields.Boolean(
        required=True, metadata={"description": "Bullying is established, so the law asks for it"}
    )
    people = ma.fields.List(ma.fields.Nested(InformedPerson), required=True)
    uninformed_count = ma.fields.Integer(required=True)
    can_record = ma.fields.Boolean(
        required=True, metadata={"description": "Whether this user may record now"}
    )
