"""A Read schema's dump, planned once: the same dictionaries marshmallow's `Schema.dump` makes (keys, order,
values), without its per-value dispatch. A list page of 100 cases dumps ~5,000 values; marshmallow spends
~40 µs a case getting and formatting them, more than reading the page (bench/feed_sync.py).

The plan keeps marshmallow's rules: a value is read as `utils.get_value` reads it (missing: the field's
dump_default, else the key is left out); None stays None; integers, strings and ISO dates and times are
formatted as their fields format them; a computed field calls its function; a nested schema is planned in
turn. Any other field is serialized by the field itself, and a schema with dump hooks or its own
`get_attribute` is dumped by marshmallow, so a plan never answers differently, only sooner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import missing, utils
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Dump = Callable[[Any], Any]


# The types whose objects marshmallow reads by attribute (no __getitem__), learnt as they come: a plan asks once
# per object, where asking for each value was a tenth of a 1,000-case sync page's dump.
_BY_ATTRIBUTE: dict[type, bool] = {}


def _reader(key: str, default: Any) -> Callable[[Any], Any]:
    """`utils.get_value(obj, key)` and the field's dump_default, as marshmallow's Field.serialize reads (for a
    dotted attribute; a plain one is read by the plan itself)."""
    callable_default = callable(default)

    def read(obj: Any) -> Any:
        value = utils.get_value(obj, key, missing)
        if value is missing:
            value = default() if callable_default else default
        return value

    return read


def _leaf(field: ma.fields.Field) -> Callable[[Any], Any] | None:
    """The formatting of a simple field's value (None stays None), or None when the field formats itself."""
    kind = type(field)
    if kind in (ma.fields.Integer, ma.fields.Int) and not field.as_string:  # type: ignore[attr-defined]
        return lambda v: None if v is None else int(v)
    if kind in (ma.fields.String, ma.fields.Str):
        return lambda v: v if type(v) is str or v is None else utils.ensure_text_type(v)
    if kind in (ma.fields.DateTime, ma.fields.AwareDateTime, ma.fields.NaiveDateTime, ma.fields.Date):
        fmt = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)  # type: ignore[attr-defined]
        if fmt is not None:
            return lambda v: None if v is None else fmt(v)
    return None


def _nested(field: ma.fields.Nested) -> Callable[[Any], Any]:
    schema = field.schema
    many = bool(schema.many or field.many)
    dump = planned(schema)
    if many:
        return lambda v: None if v is None else [dump(each) for each in v]
    return lambda v: None if v is None else dump(v)


# A step of a plan: (key, call, attribute, format, default). With `call`, the value is call(obj) (missing: no
# key); without, it is the object's `attribute` (missing: the default; still missing: no key), formatted.
Step = tuple[str, Callable[[Any], Any] | None, str, Callable[[Any], Any] | None, Any]


def _step(key: str, name: str, field: ma.fields.Field, schema: ma.Schema) -> Step:
    """How the field puts its value under its key for an object."""
    if type(field) is ma.fields.Function and field.serialize_func is not None:  # type: ignore[attr-defined]
        return (key, field.serialize_func, name, None, missing)  # type: ignore[attr-defined]
    format_: Callable[[Any], Any] | None = None
    if type(field) is ma.fields.Nested:
        format_ = _nested(field)  # type: ignore[arg-type]
    elif type(field) is ma.fields.List and type(field.inner) is ma.fields.Nested:  # type: ignore[attr-defined]
        each = _nested(field.inner)  # type: ignore[attr-defined]

        def format_(v: Any) -> Any:
            return None if v is None else [each(item) for item in v]
    else:
        format_ = _leaf(field)
    if format_ is None or not field._CHECK_ATTRIBUTE:
        return (
            key,
            lambda obj: field.serialize(name, obj, accessor=schema.get_attribute),
            name,
            None,
            missing,
        )
    attribute = field.attribute or name
    if "." in attribute:
        read = _reader(attribute, field.dump_default)
        fmt = format_

        def value(obj: Any) -> Any:
            v = read(obj)
            return missing if v is missing else fmt(v)

        return (key, value, name, None, missing)
    return (key, None, attribute, format_, field.dump_default)


def _plain(schema: ma.Schema) -> bool:
    """Whether marshmallow's dump of this schema is its fields' values and nothing else."""
    return (
        not schema._hooks[PRE_DUMP]
        and not schema._hooks[POST_DUMP]
        and type(schema).get_attribute is ma.Schema.get_attribute
        and schema.dict_class is dict
    )


def planned(schema: ma.Schema) -> Dump:
    """A function dumping one object as `schema.dump(obj, many=False)` does."""
    if not _plain(schema):
        return lambda obj: schema.dump(obj, many=False)
    steps = [
        _step(field.data_key if field.data_key is not None else name, name, field, schema)
        for name, field in schema.dump_fields.items()
    ]
    by_attribute = _BY_ATTRIBUTE
    get_value = utils.get_value

    def dump(obj: Any) -> dict[str, Any]:
        # Whether the object is read by attribute is asked once for the object, not once for each value.
        kind = type(obj)
        plain = by_attribute.get(kind)
        if plain is None:
            plain = by_attribute[kind] = not hasattr(obj, "__getitem__")
        out = {}
        for key, call, attribute, fmt, default in steps:
            if call is not None:
                v = call(obj)
            else:
                v = getattr(obj, attribute, missing) if plain else get_value(obj, attribute, missing)
                if v is missing:
                    v = default() if callable(default) else default
                if v is not missing:
                    v = fmt(v)  # type: ignore[misc]
            if v is not missing:
                out[key] = v
        return out

    return dump


class PlannedList(ma.fields.List):
    """A list of nested objects dumped by a plan of their schema (documented and loaded as a List)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[Any] | None:
        if value is None:
            return None
        schema = self.inner.schema  # type: ignore[attr-defined]
        plan = self.__dict__.get("_plan")
        if plan is None or plan[0] is not schema:
            plan = self._plan = (schema, _nested(self.inner))  # type: ignore[arg-type]
        each = plan[1]
        return [each(item) for item in value]
