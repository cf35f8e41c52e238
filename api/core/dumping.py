"""A Read schema's dump, planned once: the same dictionaries marshmallow's `Schema.dump` makes (keys, order,
values), without its per-value dispatch. A list page of 100 cases dumps ~5,000 values; marshmallow spends
~40 µs a case getting and formatting them, more than reading the page (bench/feed_sync.py).

The plan keeps marshmallow's rules: a value is read as `utils.get_value` reads it (missing: the field's
dump_default, else the key is left out); None stays None; integers, strings and ISO dates and times are
formatted as their fields format them; a computed field calls its function; a nested schema is planned in
turn. Any other field is serialized by the field itself, and a schema with dump hooks or its own
`get_attribute` is dumped by marshmallow, so a plan never answers differently, only sooner.

A plan is a small function written out for its schema (`_source`), one statement per field, compiled once
when the schema is first dumped; only the schema's own field names are written into it.
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


# A formatting: an expression over the value `v`, written into the generated dump, which may call one
# function as `{helper}` (a function call per value was most of a plan's cost).
Format = tuple[str, Callable[[Any], Any] | None]

# The names every formatting's expression may use besides its helper.
_EXPRESSION_NAMES = {"ensure_text": utils.ensure_text_type}


def _leaf(field: ma.fields.Field) -> Format | None:
    """The formatting of a simple field's value (None stays None), or None when the field formats itself."""
    kind = type(field)
    if kind in (ma.fields.Integer, ma.fields.Int) and not field.as_string:  # type: ignore[attr-defined]
        return "v if v is None or type(v) is int else int(v)", None
    if kind in (ma.fields.String, ma.fields.Str):
        return "v if v is None or type(v) is str else ensure_text(v)", None
    if kind in (ma.fields.DateTime, ma.fields.AwareDateTime, ma.fields.NaiveDateTime, ma.fields.Date):
        fmt = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)  # type: ignore[attr-defined]
        if fmt is not None:
            return "None if v is None else {helper}(v)", fmt
    return None


def _function(format_: Format) -> Callable[[Any], Any]:
    """A formatting as a function of the value (for a dotted attribute, read outside the generated dump)."""
    expression, helper = format_
    source = f"lambda v: {expression.format(helper='helper')}"
    return eval(source, {**_EXPRESSION_NAMES, "helper": helper})  # noqa: S307 - our own expressions


def _nested(field: ma.fields.Nested) -> Callable[[Any], Any]:
    schema = field.schema
    many = bool(schema.many or field.many)
    dump = planned(schema)
    if many:
        return lambda v: None if v is None else [dump(each) for each in v]
    return lambda v: None if v is None else dump(v)


# A step of a plan: (key, call, attribute, format, default). With `call`, the value is call(obj) (missing: no
# key); without, it is the object's `attribute` (missing: the default; still missing: no key), formatted.
Step = tuple[str, Callable[[Any], Any] | None, str, Format | None, Any]


def _step(key: str, name: str, field: ma.fields.Field, schema: ma.Schema) -> Step:
    """How the field puts its value under its key for an object."""
    if type(field) is ma.fields.Function and field.serialize_func is not None:  # type: ignore[attr-defined]
        return (key, field.serialize_func, name, None, missing)  # type: ignore[attr-defined]
    format_: Format | None = None
    if type(field) is ma.fields.Nested:
        format_ = "{helper}(v)", _nested(field)  # type: ignore[arg-type]
    elif type(field) is ma.fields.List and type(field.inner) is ma.fields.Nested:  # type: ignore[attr-defined]
        format_ = "None if v is None else [{helper}(item) for item in v]", _nested(field.inner)  # type: ignore[attr-defined]
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
        fmt = _function(format_)

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


def _source(steps: list[Step]) -> tuple[str, dict[str, Any]]:
    """The dump function of these steps, written out: one statement per field, where a loop over the steps
    paid for unpacking and testing each step on every object (a third of a 1,000-case page's dump)."""
    names: dict[str, Any] = {
        **_EXPRESSION_NAMES,
        "missing": missing,
        "by_attribute": _BY_ATTRIBUTE,
        "get_value": utils.get_value,
    }
    lines = [
        "def dump(obj):",
        # Whether the object is read by attribute is asked once for the object, not once for each value.
        "    kind = type(obj)",
        "    plain = by_attribute.get(kind)",
        "    if plain is None:",
        "        plain = by_attribute[kind] = not hasattr(obj, '__getitem__')",
        "    get = getattr if plain else get_value",
        "    out = {}",
    ]
    for n, (key, call, attribute, format_, default) in enumerate(steps):
        # Keys and attributes are the schema's own names, written as literals.
        if call is not None:
            names[f"call{n}"] = call
            lines += [f"    v = call{n}(obj)", "    if v is not missing:", f"        out[{key!r}] = v"]
            continue
        assert format_ is not None
        expression, names[f"helper{n}"] = format_
        lines.append(f"    v = get(obj, {attribute!r}, missing)")
        if default is not missing:
            names[f"default{n}"] = default
            lines += [
                "    if v is missing:",
                f"        v = default{n}()" if callable(default) else f"        v = default{n}",
            ]
        lines += [
            "    if v is not missing:",
            f"        out[{key!r}] = {expression.format(helper=f'helper{n}')}",
        ]
    lines.append("    return out")
    return "\n".join(lines), names


def planned(schema: ma.Schema) -> Dump:
    """A function dumping one object as `schema.dump(obj, many=False)` does."""
    if not _plain(schema):
        return lambda obj: schema.dump(obj, many=False)
    steps = [
        _step(field.data_key if field.data_key is not None else name, name, field, schema)
        for name, field in schema.dump_fields.items()
    ]
    source, names = _source(steps)
    exec(compile(source, f"<dump of {type(schema).__name__}>", "exec"), names)  # noqa: S102 - our own fields
    return names["dump"]


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
