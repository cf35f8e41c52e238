"""Observation schemas (create, update, read, list filters, turn into an incident) and the small
student/user briefs the prevention domains share."""

from __future__ import annotations

import marshmallow as ma

from api.core.fields import day_field, id_field, moment_field, text_field
from api.core.pagination import FeedQuery
from api.extensions import Schema
from api.incidents.models import Classification, InvolvementRole
from api.observations.models import CONTEXT_VALUES, MOOD_MAX, MOOD_MIN, NOTE_MAX, TAG_VALUES
from api.users.schemas import UserBrief


class StudentBrief(Schema):
    """A student as named on other records (names and classes are visible to all staff)."""

    id = ma.fields.Integer(dump_only=True)
    display_name = ma.fields.String(dump_only=True)
    class_id = ma.fields.Integer(dump_only=True, allow_none=True)
    class_name = ma.fields.String(dump_only=True, allow_none=True)
    grade = ma.fields.Integer(dump_only=True, allow_none=True)


_student_ids = ma.fields.List(
    id_field(), validate=ma.validate.Length(min=1, max=30), metadata={"description": "1-30 students"}
)
_context = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(CONTEXT_VALUES))
_tags = ma.fields.List(
    ma.fields.String(validate=ma.validate.OneOf(TAG_VALUES)),
    validate=ma.validate.Length(max=len(TAG_VALUES)),
    metadata={"description": "Quick tags; duplicates are dropped"},
)
_mood = ma.fields.Integer(
    strict=True,
    validate=ma.validate.Range(min=MOOD_MIN, max=MOOD_MAX),
    metadata={"description": "1 (very bad) to 5 (very good)"},
)
_note = text_field(allow_none=True, max_length=NOTE_MAX)
_sensitive = ma.fields.Boolean(
    metadata={"description": "Only leaders, resource persons and the author see the note"}
)


class ObservationCreate(Schema):
    """A new observation: students and a mood are enough."""

    student_ids = ma.fields.List(
        id_field(),
        required=True,
        validate=ma.validate.Length(min=1, max=30),
        metadata={"description": "1-30"},
    )
    mood = ma.fields.Integer(
        strict=True,
        required=True,
        validate=ma.validate.Range(min=MOOD_MIN, max=MOOD_MAX),
        metadata={"description": "1 (very bad) to 5 (very good)"},
    )
    context = _context
    tags = _tags
    note = _note
    sensitive = _sensitive
    observed_at = moment_field(metadata={"description": "Default: now. Not in the future."})


class ObservationUpdate(Schema):
    """Changes to an observation; every field optional."""

    student_ids = _student_ids
    mood = _mood
    context = _context
    tags = _tags
    note = _note
    sensitive = _sensitive
    observed_at = moment_field()


class ObservationRead(Schema):
    """An observation as the viewer may see it."""

    id = ma.fields.Integer(dump_only=True)
    students = ma.fields.List(ma.fields.Nested(StudentBrief), dump_only=True)
    mood = ma.fields.Integer(dump_only=True)
    context = ma.fields.String(dump_only=True, allow_none=True, metadata={"enum": CONTEXT_VALUES})
    tags = ma.fields.List(ma.fields.String(metadata={"enum": TAG_VALUES}), dump_only=True)
    note = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "null when there is none or it is hidden"}
    )
    note_hidden = ma.fields.Boolean(
        dump_only=True, metadata={"description": "The note is sensitive and not for this viewer"}
    )
    sensitive = ma.fields.Boolean(dump_only=True)
    observed_at = ma.fields.AwareDateTime(dump_only=True)
    author = ma.fields.Nested(UserBrief, dump_only=True)
    incident_id = ma.fields.Integer(dump_only=True, allow_none=True)
    withdrawn_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When its author withdrew it (then it is in no list or log)"},
    )
    withdrawn_by = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = ma.fields.String(
        dump_only=True,
        metadata={"description": "The record's version: If-Match to change it, If-None-Match to re-read"},
    )


class ObservationQuery(FeedQuery):
    """Filters for the observation list (newest first)."""

    student_id = id_field(strict=False)
    from_date = day_field(data_key="from", metadata={"description": "Observed on or after this day"})
    to_date = day_field(data_key="to", metadata={"description": "Observed on or before this day"})
    mine = ma.fields.Boolean(metadata={"description": "Only observations I wrote"})
    context = ma.fields.String(validate=ma.validate.OneOf(CONTEXT_VALUES))
    class_id = id_field(
        strict=False, metadata={"description": "Only observations about a student who is now in this class"}
    )
    grade = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=10),
        metadata={"description": "Only observations about a student now in a class of this grade (0-10)"},
    )


class IncidentStudentIn(Schema):
    """A student of the new incident and their part in it."""

    student_id = id_field(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf([r.value for r in InvolvementRole]))


class ObservationToIncident(Schema):
    """Turn an observation into an incident."""

    classification = ma.fields.String(
        required=True, validate=ma.validate.OneOf([c.value for c in Classification])
    )
    students = ma.fields.List(
        ma.fields.Nested(IncidentStudentIn),
        validate=ma.validate.Length(min=1, max=30),
        metadata={"description": "Default: the observation's students, as targets"},
    )
    place = text_field(allow_none=True, max_length=100)
    description = text_field(
        allow_none=True,
        max_length=5000,
        metadata={"description": "Default: the observation's note, unless it is sensitive"},
    )
