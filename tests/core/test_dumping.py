"""A planned dump answers exactly what marshmallow's Schema.dump answers: the same keys in the same order, the
same values, for every kind of field and object a Read schema meets (and marshmallow itself where a schema
has hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import marshmallow as ma

from api.core.dumping import PlannedList, planned
from api.extensions import computed


@dataclass
class Child:
    id: Any
    name: Any


@dataclass
class Record:
    id: Any
    title: Any
    at: Any
    day: Any
    flag: Any
    child: Any
    children: Any
    tags: Any
    inner: Any = None


class ChildRead(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True, allow_none=True)


class HookedRead(ma.Schema):
    id = ma.fields.Integer()

    @ma.post_dump
    def _mark(self, data: dict, **_kwargs: Any) -> dict:
        return {**data, "hooked": True}


class RecordRead(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    label = ma.fields.String(attribute="title", data_key="heading", allow_none=True)
    at = ma.fields.AwareDateTime(allow_none=True)
    naive = ma.fields.DateTime(attribute="at", format="%Y-%m-%d %H:%M", allow_none=True, dump_only=True)
    day = ma.fields.Date(allow_none=True)
    flag = ma.fields.Boolean(allow_none=True)
    child = ma.fields.Nested(ChildRead, allow_none=True)
    child_name = ma.fields.String(attribute="child.name", allow_none=True, dump_only=True)
    children = ma.fields.List(ma.fields.Nested(ChildRead), allow_none=True)
    hooked = ma.fields.Nested(HookedRead, attribute="child", allow_none=True, dump_only=True)
    tags = ma.fields.List(ma.fields.String(), allow_none=True)
    absent = ma.fields.String()
    defaulted = ma.fields.Integer(dump_default=7)
    called = ma.fields.String(dump_default=lambda: "x")
    size = computed(lambda r: len(ma.utils.get_value(r, "children") or []), "integer")
    as_text = ma.fields.Integer(attribute="id", as_string=True, dump_only=True)
    amount = ma.fields.Decimal(attribute="id", allow_none=True, dump_only=True)


def _records() -> list[Any]:
    cet = timezone(timedelta(hours=1))
    return [
        Record(
            id=3,
            title="Første",
            at=datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC),
            day=date(2026, 3, 2),
            flag=True,
            child=Child(1, "Anna"),
            children=[Child(1, "Anna"), Child("2", b"Bo"), None],
            tags=["a", 5],
        ),
        Record(
            id=Decimal(4),
            title=12,
            at=datetime(2026, 3, 2, 10, 0, tzinfo=cet),
            day=None,
            flag=None,
            child=None,
            children=None,
            tags=None,
        ),
        {
            "id": 5,
            "title": None,
            "at": None,
            "day": date(2026, 1, 1),
            "flag": 0,
            "child": {"id": 9, "name": None},
            "children": [],
            "tags": [],
            "absent": "here",
            "defaulted": 1,
        },
    ]


def test_a_planned_dump_is_marshmallows_dump_key_for_key():
    schema = RecordRead()
    dump = planned(schema)
    for record in _records():
        expected = schema.dump(record)
        got = dump(record)
        assert got == expected
        assert list(got) == list(expected)
        assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_a_schema_with_hooks_is_dumped_by_marshmallow():
    schema = HookedRead()
    assert planned(schema)(Child(2, "x")) == {"id": 2, "hooked": True}


def test_a_planned_list_dumps_its_items_as_a_list_of_nested_does():
    class Page(ma.Schema):
        items = PlannedList(ma.fields.Nested(RecordRead))

    class Plain(ma.Schema):
        items = ma.fields.List(ma.fields.Nested(RecordRead))

    page = {"items": _records()}
    assert Page().dump(page) == Plain().dump(page)
    assert Page().dump({"items": None}) == {"items": None}
