"""Wellbeing day and group-plan schemas."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.core.etag import etag_of
from api.core.fields import day_field, id_field, text_field
from api.core.pagination import FeedQuery
from api.extensions import Schema, computed
from api.observations.schemas import StudentBrief, UserBrief
from api.wellbeing_days.models import KIND_VALUES

MAX_GROUPS = 500
MAX_SEED = 2**31 - 1

_title = text_field(min_length=1, max_length=200)
_kind = ma.fields.String(
    validate=ma.validate.OneOf(KIND_VALUES),
    metadata={"description": "wellbeing_day (trivselsdag), theme_day (temadag), excursion, concert, other"},
)
_description = text_field(allow_none=True, max_length=5000)
_class_ids = ma.fields.List(id_field(), validate=ma.validate.Length(max=200))
_grades = ma.fields.List(
    ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=10)),
    validate=ma.validate.Length(max=11),
    metadata={"description": "Whole grades taking part (0 = børnehaveklasse)"},
)
_adult_ids = ma.fields.List(id_field(), validate=ma.validate.Length(max=200))


class ClassBrief(Schema):
    """A class as named on other records."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    grade = ma.fields.Integer(dump_only=True)


class WellbeingDayCreate(Schema):
    """A new wellbeing day or event; at least one class or grade takes part."""

    date = day_field(required=True)
    title = text_field(required=True, min_length=1, max_length=200)
    kind = _kind
    description = _description
    class_ids = _class_ids
    grades = _grades
    adult_ids = _adult_ids


class WellbeingDayUpdate(Schema):
    """Changes to a wellbeing day; every field optional."""

    date = day_field()
    title = _title
    kind = _kind
    description = _description
    class_ids = _class_ids
    grades = _grades
    adult_ids = _adult_ids


class WellbeingDayRead(Schema):
    """A wellbeing day or event."""

    id = ma.fields.Integer(dump_only=True)
    date = ma.fields.Date(dump_only=True, attribute="day")
    title = ma.fields.String(dump_only=True)
    kind = ma.fields.String(dump_only=True, metadata={"enum": KIND_VALUES})
    description = ma.fields.String(dump_only=True, allow_none=True)
    classes = ma.fields.List(ma.fields.Nested(ClassBrief), dump_only=True)
    grades = ma.fields.List(ma.fields.Integer(), dump_only=True)
    adults = ma.fields.List(ma.fields.Nested(UserBrief), dump_only=True)
    groups_planned = ma.fields.Boolean(dump_only=True)
    group_count = ma.fields.Integer(dump_only=True, allow_none=True)
    created_by = ma.fields.Nested(UserBrief, dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = computed(
        etag_of, "string", description="The record's version: If-Match to change it, If-None-Match to re-read"
    )


# On the list's page: whether this caller may plan a day (the UI shows the form by it; POST checks it again).
WELLBEING_DAY_PAGE_EXTRA = {
    "can_create": ma.fields.Boolean(
        metadata={"description": "Whether this caller may plan wellbeing days (the planners' roles)"}
    )
}


class WellbeingDayQuery(FeedQuery):
    """Filters for the list of days (by date)."""

    from_date = day_field(data_key="from", metadata={"description": "On or after this day"})
    to_date = day_field(data_key="to", metadata={"description": "On or before this day"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KIND_VALUES))


class PinIn(Schema):
    """A student placed in a group by hand."""

    student_id = id_field(required=True)
    group = ma.fields.Integer(
        strict=True,
        required=True,
        validate=ma.validate.Range(min=1, max=MAX_GROUPS),
        metadata={"description": "1-based"},
    )


class GroupPlanCreate(Schema):
    """How to build the groups: a group size (groups of at most this many) or a number of groups."""

    group_size = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=2, max=100),
        metadata={"description": "Largest group size; sizes come out balanced (differ by at most one)"},
    )
    group_count = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=MAX_GROUPS))
    seed = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=0, max=MAX_SEED),
        metadata={"description": "The same input and seed give the same groups. Default: a new random seed"},
    )
    keep_play_partners = ma.fields.Boolean(
        metadata={"description": "Keep students of active play-partner arrangements together"}
    )
    pinned = ma.fields.List(ma.fields.Nested(PinIn), validate=ma.validate.Length(max=1000))

    @ma.validates_schema
    def _size_or_count(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("group_size" in data) == ("group_count" in data):
            raise ma.ValidationError("Give exactly one of group_size and group_count.", "group_size")


class GroupMove(Schema):
    """Move a student to another group (or swap two students)."""

    student_id = id_field(required=True)
    group = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(min=1, max=MAX_GROUPS))
    swap_with = id_field(
        allow_none=True, metadata={"description": "A student of the target group who moves the other way"}
    )


class GroupStudent(StudentBrief):
    """A student in a group."""

    pinned = ma.fields.Boolean(dump_only=True)


class GroupRead(Schema):
    """One group."""

    number = ma.fields.Integer(dump_only=True)
    size = ma.fields.Integer(dump_only=True)
    grades = ma.fields.List(ma.fields.Integer(), dump_only=True)
    students = ma.fields.List(ma.fields.Nested(GroupStudent), dump_only=True)
    adults = ma.fields.List(ma.fields.Nested(UserBrief), dump_only=True)


class GroupStats(Schema):
    """How well the plan mixes, and whether it still keeps open cases apart."""

    student_count = ma.fields.Integer(dump_only=True)
    group_count = ma.fields.Integer(dump_only=True)
    min_size = ma.fields.Integer(dump_only=True)
    max_size = ma.fields.Integer(dump_only=True)
    min_distinct_grades = ma.fields.Integer(dump_only=True)
    max_grade_share = ma.fields.Float(
        dump_only=True, metadata={"description": "Largest share of one grade in any group (0-1)"}
    )
    groups_with_open_case = ma.fields.List(
        ma.fields.Integer(),
        dump_only=True,
        metadata={
            "description": "Groups now holding both sides of an open case you may see (e.g. opened after "
            "planning); a case you may not see is not disclosed here"
        },
    )


class GroupPlanRead(Schema):
    """A wellbeing day's groups."""

    wellbeing_day_id = ma.fields.Integer(dump_only=True)
    seed = ma.fields.Integer(dump_only=True, allow_none=True)
    group_size = ma.fields.Integer(dump_only=True, allow_none=True)
    group_count = ma.fields.Integer(dump_only=True, allow_none=True)
    keep_play_partners = ma.fields.Boolean(dump_only=True)
    planned_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    groups = ma.fields.List(ma.fields.Nested(GroupRead), dump_only=True)
    unassigned = ma.fields.List(
        ma.fields.Nested(StudentBrief),
        dump_only=True,
        metadata={"description": "Participating students in no group (e.g. added after planning)"},
    )
    stats = ma.fields.Nested(GroupStats, dump_only=True)
    can_plan = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "Whether this caller may build and change the groups (the planners' roles)"},
    )
