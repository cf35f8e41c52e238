"""Play-partner arrangement and check-in schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.fields import day_field, id_field, text_field
from api.core.pagination import FeedQuery, PageQuery
from api.extensions import Schema, actions_field
from api.observations.schemas import StudentBrief, UserBrief
from api.play_partners.models import OUTCOME_VALUES, RECESS_VALUES, STATUS_VALUES
from api.play_partners.permissions import ACTION_VALUES

_recesses = ma.fields.List(
    ma.fields.String(validate=ma.validate.OneOf(RECESS_VALUES)),
    validate=ma.validate.Length(min=1, max=len(RECESS_VALUES)),
    metadata={"description": "The recesses it covers"},
)
_weekdays = ma.fields.List(
    ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=7)),
    validate=ma.validate.Length(min=1, max=7),
    metadata={"description": "ISO weekdays: 1 = Monday ... 7 = Sunday"},
)
_student_ids = ma.fields.List(
    id_field(), validate=ma.validate.Length(min=2, max=10), metadata={"description": "2-10 students"}
)
_purpose = text_field(
    max_length=500,
    metadata={"description": "What the adults should do; shown to all staff on duty"},
)


class ArrangementCreate(Schema):
    """A new arrangement."""

    student_ids = ma.fields.List(
        id_field(),
        required=True,
        validate=ma.validate.Length(min=2, max=10),
        metadata={"description": "2-10 students"},
    )
    recesses = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(RECESS_VALUES)),
        required=True,
        validate=ma.validate.Length(min=1, max=len(RECESS_VALUES)),
    )
    weekdays = ma.fields.List(
        ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=7)),
        required=True,
        validate=ma.validate.Length(min=1, max=7),
        metadata={"description": "ISO weekdays: 1 = Monday ... 7 = Sunday"},
    )
    start_date = day_field(metadata={"description": "Default: today"})
    end_date = day_field(required=True)
    responsible_id = id_field(required=True, metadata={"description": "A staff member of the school"})
    purpose = _purpose
    status = ma.fields.String(
        validate=ma.validate.OneOf(STATUS_VALUES), metadata={"description": "Default: active"}
    )


class ArrangementUpdate(Schema):
    """Changes to an arrangement; every field optional."""

    student_ids = _student_ids
    recesses = _recesses
    weekdays = _weekdays
    start_date = day_field()
    end_date = day_field()
    responsible_id = id_field()
    purpose = _purpose
    status = ma.fields.String(validate=ma.validate.OneOf(STATUS_VALUES))


class ArrangementRead(Schema):
    """An arrangement, with the other arrangements that book one of its students at the same time."""

    id = ma.fields.Integer(dump_only=True)
    students = ma.fields.List(ma.fields.Nested(StudentBrief), dump_only=True)
    recesses = ma.fields.List(ma.fields.String(metadata={"enum": RECESS_VALUES}), dump_only=True)
    weekdays = ma.fields.List(ma.fields.Integer(), dump_only=True)
    start_date = ma.fields.Date(dump_only=True)
    end_date = ma.fields.Date(dump_only=True)
    responsible = ma.fields.Nested(UserBrief, dump_only=True)
    purpose = ma.fields.String(dump_only=True)
    status = ma.fields.String(dump_only=True, metadata={"enum": STATUS_VALUES})
    overlaps = ma.fields.List(
        ma.fields.Integer(),
        dump_only=True,
        metadata={
            "description": "Ids of other active or paused arrangements sharing a student, a period, a weekday"
            " and a recess with this one (allowed, but the adults should know)"
        },
    )
    case_conflict = ma.fields.Boolean(
        dump_only=True,
        metadata={
            "description": "Two of its students are now target and actor of an open bullying-like case that "
            "you may see: end the arrangement, the only change it then takes (a case you may not see does not "
            "set it)",
            "example": False,
        },
    )
    created_by = ma.fields.Nested(UserBrief, dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    allowed_actions = actions_field(
        ACTION_VALUES,
        "What this caller may do on the arrangement now (the API refuses every other action): edit (PATCH its "
        "fields), pause / resume / end (PATCH status paused / active / ended), check_in (POST a check-in). Empty "
        "for an API client. An ended arrangement takes nothing more; one pairing both sides of an open case is "
        "neither paused nor resumed, and a change that keeps the pair is refused",
        example=["edit", "check_in", "pause", "end"],
    )
    etag = ma.fields.String(
        dump_only=True,
        metadata={"description": "The record's version: If-Match to change it, If-None-Match to re-read"},
    )


# On the list's page: whether this caller may make one (the UI shows the form by it; POST checks it again).
ARRANGEMENT_PAGE_EXTRA = {
    "can_create": ma.fields.Boolean(
        metadata={
            "description": "Whether this caller may make arrangements (child-facing roles; not a client)"
        }
    )
}


class ArrangementQuery(FeedQuery):
    """Filters for the arrangement list."""

    date = day_field(
        metadata={"description": "Only arrangements in force that day (active, in period, weekday matches)"}
    )
    recess = ma.fields.String(
        validate=ma.validate.OneOf(RECESS_VALUES), metadata={"description": "Only those covering this recess"}
    )
    student_id = id_field(strict=False)
    responsible_id = id_field(strict=False)
    status = ma.fields.String(validate=ma.validate.OneOf(STATUS_VALUES))


class CheckInCreate(Schema):
    """Whether the arrangement happened, and how it went."""

    date = day_field(metadata={"description": "Default: today. Not in the future; within the period."})
    recess = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(RECESS_VALUES))
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(OUTCOME_VALUES))
    note = text_field(allow_none=True, max_length=1000)


class CheckInRead(Schema):
    """A check-in as the viewer may see it."""

    id = ma.fields.Integer(dump_only=True)
    arrangement_id = ma.fields.Integer(dump_only=True)
    date = ma.fields.Date(dump_only=True)
    recess = ma.fields.String(dump_only=True, allow_none=True, metadata={"enum": RECESS_VALUES})
    outcome = ma.fields.String(dump_only=True, metadata={"enum": OUTCOME_VALUES})
    note = ma.fields.String(dump_only=True, allow_none=True)
    note_hidden = ma.fields.Boolean(dump_only=True)
    author = ma.fields.Nested(UserBrief, dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class CheckInQuery(PageQuery):
    """Filters for the check-ins of an arrangement (newest first)."""

    from_date = day_field(data_key="from")
    to_date = day_field(data_key="to")
