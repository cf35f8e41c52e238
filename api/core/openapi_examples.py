"""Examples for the spec, generated from the schemas: a field's own `example` first, else a value built from
its type, format, bounds and name, so every request body and success response carries one without anybody
writing them by hand (api.core.openapi calls `add_examples` on every operation)."""

from __future__ import annotations

from typing import Any

# A `name` is a person's unless the schema is about a class, a school or a place.
_NAME_BY_OWNER = {
    "Class": "3.A",
    "School": "Vestrup Skole",
    "Places": "schoolyard",
    "Endpoint": "Kommunens dashboard",
}

_STRING_FORMATS = {
    "date": "2026-04-01",
    "date-time": "2026-04-01T09:30:00+02:00",
    "email": "laerer@vestrup.example",
    "uri": "https://tools.example.org/hooks/trivsel",
    "url": "https://tools.example.org/hooks/trivsel",
    "uri-reference": "/api/v1/incidents/42",
    "uuid": "7d444840-9dc0-11d1-b245-5ffdce74fad2",
    "time": "10:00:00",
    "binary": "elev_id;fornavn;efternavn\n",
}
_BY_NAME = {
    "display_name": "Åse Østergård",
    "given_name": "Åse",
    "family_name": "Østergård",
    "preferred_name": "Åse",
    "name": "Mette Hansen",
    "email": "laerer@vestrup.example",
    "etag": '"incidents-42-v3"',
    "place": "schoolyard",
    "school_year": "2026/27",
    "class_name": "3.A",
    "phone": "+45 12 34 56 78",
    "password": "correct horse battery",
    "new_password": "correct horse battery staple",
    "current_password": "correct horse battery",
    "description": "Was kept out of the football game again.",
    "note": "Talked with both; agreed to meet again Friday.",
    "text": "Talked with both; agreed to meet again Friday.",
}


def resolve(node: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in node and seen < 20:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


def example_of(
    node: dict[str, Any],
    spec: dict[str, Any],
    *,
    name: str = "",
    request: bool = False,
    depth: int = 0,
    owner: str = "",
) -> Any:
    """An example value for a schema: its own `example`, else built from its type, format and properties."""
    if "$ref" in node:
        owner = node["$ref"].rsplit("/", 1)[-1]
    node = resolve(node, spec)
    if "example" in node:
        return node["example"]
    if node.get("examples"):
        return node["examples"][0]
    if "const" in node:
        return node["const"]
    if "default" in node and node["default"] is not None:
        return node["default"]
    if node.get("enum"):
        return next((v for v in node["enum"] if v is not None), None)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if resolve(o, spec).get("type") != "null"]
            return example_of(options[0], spec, name=name, request=request, depth=depth) if options else None
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            value = example_of(part, spec, name=name, request=request, depth=depth)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    types = node.get("type")
    kind = next((t for t in types if t != "null"), "null") if isinstance(types, list) else types
    if kind == "object" or (kind is None and "properties" in node):
        if depth > 6:
            return {}
        out = {}
        for prop, sub in node.get("properties", {}).items():
            sub_resolved = resolve(sub, spec)
            if request and sub_resolved.get("readOnly"):
                continue
            if not request and sub_resolved.get("writeOnly"):
                continue
            out[prop] = example_of(sub, spec, name=prop, request=request, depth=depth + 1, owner=owner)
        return out
    if kind == "array":
        item = example_of(node.get("items", {}), spec, name=name, request=request, depth=depth + 1)
        count = max(1, node.get("minItems", 1))
        if node.get("uniqueItems") and count > 1 and isinstance(item, int):
            return [item + i for i in range(count)]
        return [item] * count
    if kind in {"integer", "number"}:
        low = node.get("minimum", 1)
        value = 42 if name.endswith(("id", "ids")) else low
        if "maximum" in node:
            value = min(value, node["maximum"])
        return max(value, low)
    if kind == "boolean":
        return True
    if kind == "string":
        if node.get("format") in _STRING_FORMATS:
            return _STRING_FORMATS[node["format"]]
        value = _BY_NAME.get(name, "text")
        if name == "name":
            value = next(
                (
                    v
                    for prefix, v in _NAME_BY_OWNER.items()
                    if owner.startswith(prefix) and "Staff" not in owner
                ),
                value,
            )
        low, high = node.get("minLength", 0), node.get("maxLength")
        if len(value) < low:
            value = value + "x" * (low - len(value))
        return value[:high] if high else value
    return None


# A binary answer's example says what the bytes are (a document cannot be shown in the spec).
_BINARY_EXAMPLES = {"application/pdf": "%PDF-1.4 (a PDF document)", "application/zip": "PK (a ZIP archive)"}


def add_examples(op: dict[str, Any], spec: dict[str, Any]) -> None:
    body = op.get("requestBody", {}).get("content", {})
    for media in body.values():
        if "example" not in media and "examples" not in media and "schema" in media:
            media["example"] = example_of(media["schema"], spec, request=True)
    for code, response in op.get("responses", {}).items():
        if not code.startswith("2") or "$ref" in response:
            continue
        for content_type, media in response.get("content", {}).items():
            if "example" in media or "examples" in media or "schema" not in media:
                continue
            if content_type == "application/json":
                media["example"] = example_of(media["schema"], spec)
            elif content_type == "text/csv":
                media["example"] = "name;class\nÅse Østergård;3.A\n"
            elif content_type == "text/html":
                media["example"] = "<!doctype html><title>Grupper</title><h1>Gruppe 1</h1>"
            elif content_type in _BINARY_EXAMPLES:
                media["example"] = _BINARY_EXAMPLES[content_type]
