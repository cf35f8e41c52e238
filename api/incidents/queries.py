"""The query-string arguments of the incidents' lists: the case list (and its change feed) and a case's
timeline."""

from __future__ import annotations

import marshmallow as ma

from api.core.enums import enum_values
from api.core.fields import id_field, moment_field
from api.core.pagination import FeedQuery, PageQuery
from api.incidents.models import CaseStatus, Classification


class IncidentQuery(FeedQuery):
    """Filters for the case list."""

    status = ma.fields.String(validate=ma.validate.OneOf(enum_values(CaseStatus)))
    classification = ma.fields.String(validate=ma.validate.OneOf(enum_values(Classification)))
    deadline = ma.fields.String(
        validate=ma.validate.OneOf(["overdue", "due_soon", "attention"]),
        metadata={"description": "Action plan overdue, due within 2 working days, or either (attention)"},
    )
    student_id = id_field(strict=False)
    class_id = id_field(
        strict=False, metadata={"description": "Only cases involving a student who is now in this class"}
    )
    grade = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=10),
        metadata={"description": "Only cases involving a student now in a class of this grade (0-10)"},
    )
    created_since = moment_field(
        metadata={
            "description": "Only cases reported at or after this moment (ISO 8601; without an offset: "
            "Copenhagen time), e.g. what is new since Monday"
        }
    )


class TimelineQuery(PageQuery):
    """Order of the timeline."""

    order = ma.fields.String(load_default="asc", validate=ma.validate.OneOf(["asc", "desc"]))
