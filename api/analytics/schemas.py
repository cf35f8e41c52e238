"""Aggregate schemas: the query (period and filters) and the one table shape every view answers in."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.core.fields import day_field, enum_field, id_field
from api.extensions import Schema
from api.incidents.models import Classification


class PeriodQuery(Schema):
    """The period (whole Copenhagen days) and the filters of an aggregate."""

    date_from = day_field(
        metadata={"description": "First day counted (default: 1 August of the current school year)"}
    )
    date_to = day_field(metadata={"description": "Last day counted (default: today)"})
    classification = enum_field(Classification)
    grade = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=10),
        metadata={"description": "Only cases involving a student now in a class of this grade (0-10)"},
    )


class StaffQuery(PeriodQuery):
    """A staff member's aggregate may also be narrowed to one class."""

    class_id = id_field(
        strict=False,
        metadata={"description": "Only cases (observations) about a student now in this class"},
    )


class CellRead(Schema):
    """One cell: the dimensions' values, the count (null when suppressed) and a mean or median if any."""

    keys = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        dump_only=True,
        metadata={"description": "Each dimension's value in this cell (ids and enum values, as text)"},
    )
    count = ma.fields.Integer(dump_only=True, allow_none=True)
    value = ma.fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "The table's value_measure, if it has one"}
    )
    suppressed = ma.fields.Boolean(
        dump_only=True, metadata={"description": "The count is under the threshold and hidden"}
    )


class CellsField(ma.fields.List):
    """The cells, documented as a list of CellRead and dumped in one pass: a table may hold hundreds of cells,
    and each cell's four values are cast here as CellRead's fields cast them (text, integer, float, flag)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(ma.fields.Nested(CellRead), **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[dict[str, Any]] | None:
        if value is None:
            return None
        return [
            {
                "keys": {str(k): None if v is None else str(v) for k, v in cell["keys"].items()},
                "count": None if cell["count"] is None else int(cell["count"]),
                "value": None if cell["value"] is None else float(cell["value"]),
                "suppressed": cell["suppressed"],
            }
            for cell in value
        ]


class TableRead(Schema):
    """An aggregate: dimensions, cells and labels; only cells with something counted are listed."""

    view = ma.fields.String(dump_only=True)
    date_from = ma.fields.Date(dump_only=True)
    date_to = ma.fields.Date(dump_only=True)
    threshold = ma.fields.Integer(
        dump_only=True, metadata={"description": "Counts under this are suppressed outside your own classes"}
    )
    measure = ma.fields.String(dump_only=True, metadata={"description": "What `count` counts"})
    value_measure = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "What `value` is (mean_mood, median_days)"}
    )
    dimensions = ma.fields.List(ma.fields.String(), dump_only=True)
    labels = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String()),
        dump_only=True,
        metadata={"description": "Display names of ids, by dimension (class: {id: name})"},
    )
    cells = CellsField(dump_only=True)


class SchoolBriefRead(Schema):
    """A school as the municipality names it."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)


class SchoolTableRead(Schema):
    """One school's aggregate."""

    school = ma.fields.Nested(SchoolBriefRead, dump_only=True)
    table = ma.fields.Nested(TableRead, dump_only=True)


class SchoolsTableRead(Schema):
    """The same aggregate for each school of a municipality, side by side."""

    view = ma.fields.String(dump_only=True)
    schools = ma.fields.List(ma.fields.Nested(SchoolTableRead), dump_only=True)
