"""Privacy schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.enums import register_enum
from api.core.fields import enum_field
from api.extensions import Schema

register_enum(
    "RetentionUnit",
    "The unit of a retention period.",
    {"years": ("år", "Years."), "months": ("måneder", "Months."), "days": ("dage", "Days.")},
)
register_enum(
    "AccessExportFormat",
    "How a student's access export is delivered.",
    {"json": ("JSON", "The API's JSON, streamed."), "pdf": ("PDF", "A readable PDF.")},
)


class RetentionCategory(Schema):
    """A data category's retention."""

    category = ma.fields.String(required=True)
    unit = ma.fields.String(required=True, metadata={"enum": ["years", "months", "days"]})
    period = ma.fields.Integer(required=True)
    deployment_default = ma.fields.Integer(required=True)
    legal_minimum = ma.fields.Integer(required=True)
    basis = ma.fields.String(required=True, metadata={"description": "Why the minimum"})
    school_may_change = ma.fields.Boolean(required=True)
    set_by_school = ma.fields.Boolean(required=True)


class RetentionPolicyRead(Schema):
    """The retention periods in force for the school."""

    categories = ma.fields.List(ma.fields.Nested(RetentionCategory), required=True)


def _period(unit: str) -> ma.fields.Integer:
    return ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(min=0, max=100 if unit != "months" else 1200),
        metadata={"description": f"In {unit}; null returns to the deployment's period"},
    )


class RetentionPolicyUpdate(Schema):
    """The school's own periods (each at least its legal minimum)."""

    closed_cases = _period("years")
    observations = _period("months")
    check_ins = _period("months")
    audit_log = _period("years")


class ErasureResult(Schema):
    """What the erasure removed."""

    students = ma.fields.Integer(required=True)
    cases = ma.fields.Integer(required=True)
    observations = ma.fields.Integer(required=True)
    arrangements = ma.fields.Integer(required=True)
    redacted_texts = ma.fields.Integer(
        required=True, metadata={"description": "Shared records the name was taken out of"}
    )


class AccessExportQuery(Schema):
    """The export's form."""

    format = enum_field(("json", "pdf"), load_default="json")
