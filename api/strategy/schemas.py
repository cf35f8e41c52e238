"""Strategy schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.enums import register_enum
from api.core.fields import day_field, enum_field, text_field
from api.core.pagination import PageQuery
from api.extensions import Schema

AUDIENCE_KEYS = ("students", "class", "parents", "staff", "leadership")
SECTION_MAX = 20_000
register_enum(
    "StrategyReviewStatus",
    "Whether the antimobbestrategi is due for review.",
    {
        "missing": ("mangler", "The school has no strategy in Trivsel."),
        "ok": ("i orden", "Reviewed within the configured period."),
        "review_due": ("bør revideres", "Not reviewed for the configured period."),
    },
)
register_enum(
    "ReviewBasis",
    "What a reminder rests on.",
    {
        "law": ("lovkrav", "Required by law."),
        "good_practice": ("god praksis", "Good practice, not law (the strategy's review period)."),
    },
)


class ResponseItem(Schema):
    """What the school does towards one audience when bullying is established, in its own words."""

    audience = enum_field(AUDIENCE_KEYS, required=True)
    text = text_field(max_length=2000, min_length=1, required=True)


def _section(description: str) -> ma.fields.String:
    return text_field(
        max_length=SECTION_MAX, min_length=1, required=True, metadata={"description": description}
    )


class StrategyVersionCreate(Schema):
    """A version the school board adopted."""

    title = text_field(max_length=200, min_length=1, required=True)
    purpose = _section("Formål")
    definitions = _section("Begreber: trivsel, mobning, konflikt, drilleri")
    prevention = _section("Forebyggelse")
    detection = _section("Hvordan vi opdager mobning og mistrivsel")
    intervention = _section("Indgriben og genoprettelse")
    digital_bullying = _section("Strategien mod digital mobning (undervisningsmiljøloven § 1 b)")
    response = ma.fields.List(
        ma.fields.Nested(ResponseItem),
        validate=ma.validate.Length(min=1, max=5),
        metadata={
            "description": "The audiences the case checklist is built from when bullying is established; "
            "students, parents and leadership are required. Default: the five audiences in Vestrup Skole's words."
        },
    )
    adopted_by = text_field(
        max_length=200, min_length=1, required=True, metadata={"description": "e.g. Skolebestyrelsen"}
    )
    adopted_on = day_field(required=True)
    applies_from = day_field(required=True)


class StrategyVersionSummary(Schema):
    """A version in the list."""

    id = ma.fields.Integer(required=True)
    number = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    adopted_by = ma.fields.String(required=True)
    adopted_on = ma.fields.Date(required=True)
    applies_from = ma.fields.Date(required=True)
    in_force = ma.fields.Boolean(required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class StrategyVersionRead(StrategyVersionSummary):
    """A version with its text."""

    purpose = ma.fields.String(required=True)
    definitions = ma.fields.String(required=True)
    prevention = ma.fields.String(required=True)
    detection = ma.fields.String(required=True)
    intervention = ma.fields.String(required=True)
    digital_bullying = ma.fields.String(required=True)
    response = ma.fields.List(ma.fields.Nested(ResponseItem), required=True)


class StrategyReviewRead(Schema):
    """Whether the strategy is due for review. A missing strategy breaks the law (§ 1 b); an old one only good
    practice ("revideres efter behov")."""

    status = ma.fields.String(required=True, metadata={"enum": ["missing", "ok", "review_due"]})
    basis = ma.fields.String(required=True, metadata={"enum": ["law", "good_practice"]})
    latest_version_id = ma.fields.Integer(required=True, allow_none=True)
    last_adopted_on = ma.fields.Date(required=True, allow_none=True)
    review_due_on = ma.fields.Date(required=True, allow_none=True)
    review_period_days = ma.fields.Integer(required=True)
    can_add_version = ma.fields.Boolean(
        required=True,
        metadata={"description": "Whether this caller may record a new version (leaders and admins)"},
    )


class StrategyListQuery(PageQuery):
    """Paging only."""
