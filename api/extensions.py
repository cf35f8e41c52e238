"""Extensions and our base classes: database, JWT, rate limiter, the flask-smorest Api/Blueprint/Schema."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import flask_smorest
import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.core.db import db  # noqa: F401  (re-exported: `from api.extensions import db`)
from api.core.etag import EtagBlueprintMixin

jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Schema(ma.Schema):
    """Base schema: unknown fields are an error (422), never silently dropped or assigned; text with NUL
    characters (which PostgreSQL cannot store) is refused."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load(pass_collection=True)
    def _refuse_nul(self, data: Any, **_kwargs: Any) -> Any:
        source = data.to_dict(flat=False) if hasattr(data, "to_dict") else data
        if isinstance(source, dict):
            for key, value in source.items():
                if _has_nul(key) or _has_nul(value):
                    name = key if isinstance(key, str) and not _has_nul(key) else "_schema"
                    raise ma.ValidationError("Text may not contain NUL characters.", field_name=name)
        elif _has_nul(source):
            raise ma.ValidationError("Text may not contain NUL characters.", field_name="_schema")
        return data


class ErrorSchema(Schema):
    """The one error shape."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for people"})
    errors = ma.fields.Dict(metadata={"description": "Details, e.g. per field for validation errors"})


class ReadSchemasRequired(MarshmallowPlugin):
    """Marks every field of a read-only (response) schema as required in the spec: the API always sends
    them (null where allowed), so generated clients need not treat each one as possibly missing."""

    def schema_helper(self, name: str, _: Any, schema: Any = None, **kwargs: Any) -> dict | None:
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        properties = (json_schema or {}).get("properties") or {}
        if properties and all(p.get("readOnly") for p in properties.values()):
            required = list(json_schema.get("required", []))
            json_schema["required"] = required + [n for n in properties if n not in required]
        return json_schema


class Api(flask_smorest.Api):
    """flask-smorest Api documenting our error schema."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("spec_kwargs", {"marshmallow_plugin": ReadSchemasRequired()})
        super().__init__(app, **kwargs)


_ERROR_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated: missing, invalid, expired or revoked token",
    403: "Authenticated, but this role may not do this",
    404: "Not found (or belongs to another school)",
    409: "Conflicts with the current state",
    412: "The If-Match ETag is stale: someone else changed the record",
    413: "Request body too large",
    422: "Invalid input",
    428: "If-Match header required",
    429: "Too many requests",
}


class Blueprint(EtagBlueprintMixin, flask_smorest.Blueprint):
    """flask-smorest Blueprint with our ETag helper (`etag`) and a shortcut to document error responses."""

    def errors(self, *codes: int) -> Callable[[Any], Any]:
        """Document these error responses (in the one error shape) on a view."""

        def decorator(func: Any) -> Any:
            for code in codes:
                func = self.alt_response(
                    code, response=HTTPStatus(code).name, description=_ERROR_DESCRIPTIONS.get(code)
                )(func)
            return func

        return decorator


def computed(
    fn: Callable[[Any], Any],
    json_type: str,
    *,
    items: str | None = None,
    nullable: bool = False,
    description: str | None = None,
) -> ma.fields.Function:
    """A read-only value computed from the object, documented in the spec with its JSON type."""
    schema: dict[str, Any] = {"type": json_type}  # apispec adds "null" for allow_none
    if items:
        schema["items"] = {"type": items}
    if description:
        schema["description"] = description
    return ma.fields.Function(fn, dump_only=True, allow_none=nullable, metadata=schema)


def public(view: Any) -> Any:
    """Mark a view (function, MethodView method or class) as reachable without authentication."""
    view._trivsel_public = True
    return view
