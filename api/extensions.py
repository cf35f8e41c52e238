"""Extensions and our base classes: database, JWT, rate limiter, the flask-smorest Api/Blueprint/Schema."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import apispec
import flask_limiter
import flask_smorest
import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, request
from flask.wrappers import Response
from flask_compress import Compress
from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config as jwt_config
from flask_jwt_extended.default_callbacks import default_decode_key_callback
from flask_jwt_extended.tokens import _decode_jwt
from flask_limiter.util import get_remote_address
from jwt import ExpiredSignatureError, get_unverified_header
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from api.core import openapi
from api.core.deprecation import DeprecationBlueprintMixin
from api.core.etag import EtagBlueprintMixin
from api.core.operation_roles import ROLES
from api.errors import ERROR_TYPES


class JWT(JWTManager):
    """flask-jwt-extended, verifying a token in one parse.

    The library parses every token three times: claims and header unverified, for a decode-key callback
    that may pick a key per token, then verified. Trivsel has one key (`JWT_SECRET_KEY`) and no such
    callback, so the first two parses only cost: a third of the authentication's Python time. The verified
    parse is the library's own `_decode_jwt`, with the library's own options; with a decode-key callback
    registered, or for an expired token (whose header and claims the expired-token callback receives), the
    library's path runs unchanged."""

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: str | None = None, allow_expired: bool = False
    ) -> dict:
        if self._decode_key_callback is not default_decode_key_callback:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        kwargs = {
            "algorithms": jwt_config.decode_algorithms,
            "audience": jwt_config.decode_audience,
            "csrf_value": csrf_value,
            "encoded_token": encoded_token,
            "identity_claim_key": jwt_config.identity_claim_key,
            "issuer": jwt_config.decode_issuer,
            "leeway": jwt_config.leeway,
            "secret": jwt_config.decode_key,
            "verify_aud": jwt_config.decode_audience is not None,
            "verify_sub": jwt_config.verify_sub,
        }
        try:
            return _decode_jwt(**kwargs, allow_expired=allow_expired)
        except ExpiredSignatureError as exc:
            exc.jwt_header = get_unverified_header(encoded_token)  # type: ignore[attr-defined]
            exc.jwt_data = _decode_jwt(**kwargs, allow_expired=True)  # type: ignore[attr-defined]
            raise


jwt = JWT()


class Limiter(flask_limiter.Limiter):
    """flask-limiter, its limits checked only by the operations that declare one (`limiter.limit`: login and
    the token endpoint), each in its own wrapper.

    The library also checks every request before its view, for default, application-wide and blueprint
    limits. Trivsel sets none, so that check only ever found nothing to count, on every request (about 2 % of
    a student read's processor time). If one is ever configured, the check stays."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        manager = self.limit_manager
        configured = manager.default_limits or manager.application_limits or manager._blueprint_limits
        hooks = app.before_request_funcs.get(None, [])
        if not (configured or self._meta_limits) and self._check_request_limit in hooks:
            hooks.remove(self._check_request_limit)


limiter = Limiter(key_func=get_remote_address)

COMPRESSED_MIMETYPES = [
    "application/json",
    "text/javascript",
    "application/javascript",
    "text/css",
    "text/html",
    "image/svg+xml",
    "text/plain",
    "text/csv",
    "application/manifest+json",
]


class Compression(Compress):
    """flask-compress, brotli or gzip by Accept-Encoding, leaving validators to the app.

    flask-compress appends the coding to a strong ETag (`"incidents-1-v2:br"`) and may answer 304 itself.
    Our ETags name a record's version, which If-Match on a write and If-None-Match on a read compare in the
    app before any coding is applied; a suffix the app never issued would make every such check fail for a
    compressing client. So the ETag stays as the app set it, conditional requests stay the app's, and
    `Vary: Accept-Encoding` (which flask-compress adds) keeps caches apart per coding. Login and token
    responses are not compressed: they carry secrets (BREACH)."""

    def init_app(self, app: Flask) -> None:
        """Configure (brotli first, then gzip) and register the after-request hook."""
        app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
        app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
        app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_MIMETYPES)
        # Quality 5: smaller than gzip -6 at about its cost (flask-compress's 4 is larger than gzip for JS).
        app.config.setdefault("COMPRESS_BR_LEVEL", 5)
        app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
        super().init_app(app)

    def after_request(self, response: Response | None) -> Response:
        """Compress the response when the client accepts it; the ETag is kept as it was."""
        if response is not None and request.path.startswith(("/api/v1/auth/", "/oauth/")):
            return response
        etag = response.headers.get("ETag") if response is not None else None
        response = super().after_request(response)
        if etag is not None:
            response.headers["ETag"] = etag
        return response


compress = Compression()


def _has_nul(value: Any) -> bool:
    """Whether a string anywhere in a parsed value (keys included) holds NUL (iterative: no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
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


def _error_type_doc() -> str:
    lines = "\n".join(f"- `{name}`: {meaning}" for name, meaning in ERROR_TYPES.items())
    return (
        f"What kind of error this is: stable, for programs to branch on (`message` is for people).\n\n{lines}"
    )


class ErrorSchema(Schema):
    """The one error shape."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status phrase"})
    type = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(list(ERROR_TYPES)),
        metadata={"description": _error_type_doc()},
    )
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for people"})
    errors = ma.fields.Dict(
        required=True,
        metadata={
            "description": "Details, {} when there are none. Field errors are keyed by the field's name "
            "(body, query and header fields alike), with a list of messages; a nested field keeps its own "
            'nesting, e.g. {"students": {"0": {"role": ["..."]}}}.'
        },
    )


def _schema_doc(schema: Any) -> str | None:
    """A schema class's own docstring (not one inherited from a base class such as Schema)."""
    cls = schema if isinstance(schema, type) else type(schema)
    return inspect.cleandoc(cls.__doc__) if cls.__dict__.get("__doc__") else None


class ReadSchemasRequired(MarshmallowPlugin):
    """Marks every field of a read-only (response) schema as required in the spec: the API always sends
    them (null where allowed), so generated clients need not treat each one as possibly missing. Each
    schema is described by its class's docstring."""

    def schema_helper(self, name: str, _: Any, schema: Any = None, **kwargs: Any) -> dict | None:
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        properties = (json_schema or {}).get("properties") or {}
        if properties and all(p.get("readOnly") for p in properties.values()):
            required = list(json_schema.get("required", []))
            json_schema["required"] = required + [n for n in properties if n not in required]
        doc = _schema_doc(schema) if schema is not None else None
        if json_schema is not None and doc:
            json_schema.setdefault("description", doc)
        return json_schema


class FinishedSpec(apispec.APISpec):
    """The spec as served and committed: apispec's, through the finishing pass (api.core.openapi)."""

    def to_dict(self) -> dict[str, Any]:
        """The finished spec."""
        return openapi.finish(super().to_dict(), roles=ROLES)


class Api(flask_smorest.Api):
    """flask-smorest Api documenting our error schema."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("spec_kwargs", {"marshmallow_plugin": ReadSchemasRequired()})
        super().__init__(app, **kwargs)

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        # flask-smorest builds a plain APISpec; ours only adds the finishing pass to to_dict.
        self.spec.__class__ = FinishedSpec


_ERROR_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated: missing, invalid, expired or revoked token",
    403: "Authenticated, but this role may not do this",
    404: "Not found (or belongs to another school)",
    409: "Conflicts with the current state",
    410: "Gone: the cursor or updated_since is older than deletions are kept (start a full sync)",
    412: "The If-Match ETag is stale: someone else changed the record",
    413: "Request body too large",
    422: "Invalid input",
    428: "If-Match header required",
    429: "Too many requests",
}


class ArgumentsParser(FlaskParser):
    """webargs reading JSON through the app's request (so one parse, with the app's limits and errors) and
    reporting field errors by field name, without webargs' location level."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[ma.Schema], ma.Schema] = {}

    def _get_schema(self, argmap: Any, req: Any) -> ma.Schema:
        """One instance per schema class for the process: webargs would build the class's instance (its
        fields, its hooks) anew for every request. A schema keeps no state between loads."""
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req) or not req.get_data(cache=True):
            return webargs_core.missing
        return req.get_json(force=True)

    def handle_error(
        self,
        error: ma.ValidationError,
        req: Any,
        schema: ma.Schema,
        *,
        error_status_code: int | None,
        error_headers: Any,
    ) -> Any:
        """422 with `errors` keyed by field name, whichever location (body, query, form, files) it came from."""
        fields: dict[str, Any] = {}
        for messages in error.normalized_messages().values():
            if not isinstance(messages, dict):
                messages = {"_schema": messages}
            for name, problems in messages.items():
                if isinstance(fields.get(name), list) and isinstance(problems, list):
                    fields[name] = fields[name] + problems
                else:
                    fields[name] = problems
        abort(
            error_status_code or self.DEFAULT_VALIDATION_STATUS,
            exc=error,
            messages=fields,
            schema=schema,
            headers=error_headers,
        )


class Blueprint(EtagBlueprintMixin, DeprecationBlueprintMixin, flask_smorest.Blueprint):
    """flask-smorest Blueprint with our ETag helper (`etag`), a shortcut to document error responses, and the
    errors every operation may give documented on every operation."""

    ARGUMENTS_PARSER = ArgumentsParser()

    def __init__(self, *args: Any, every_operation_errors: tuple[int, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # First, so flask-smorest's response callback turns these into references like the others.
        self._prepare_doc_cbks.insert(0, self._prepare_input_errors_doc)
        self._prepare_doc_cbks.append(self._prepare_deprecation_doc)
        # Errors a blueprint-wide hook may give (e.g. the incidents' two-factor rule), on each operation.
        self._every_operation_errors = every_operation_errors
        if every_operation_errors:
            self._prepare_doc_cbks.insert(0, self._prepare_blueprint_errors_doc)

    def _prepare_blueprint_errors_doc(self, doc: dict, doc_info: dict, **_kwargs: Any) -> dict:
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        for code in self._every_operation_errors:
            if code not in responses and str(code) not in responses:
                responses[code] = [HTTPStatus(code).name]
        return doc

    @staticmethod
    def _prepare_input_errors_doc(doc: dict, doc_info: dict, **_kwargs: Any) -> dict:
        """Any operation may answer 422 (an unknown query argument); one that takes a JSON body also 400
        (not JSON, or nested too deep) and 413 (too large); one that needs credentials also 403 (an API
        client's token on an operation not open to clients, or without its scope)."""
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        codes = [422]
        if (doc_info.get("manual_doc") or {}).get("security") != []:
            codes.append(403)
        parameters = (doc_info.get("arguments") or {}).get("parameters") or []
        if any(isinstance(p, dict) and p.get("in") == "json" for p in parameters):
            codes += [400, 413]
        for code in codes:
            if code not in responses and str(code) not in responses:
                responses[code] = [HTTPStatus(code).name]
        return doc

    def errors(self, *codes: int) -> Callable[[Any], Any]:
        """Document these error responses (in the one error shape) on a view."""

        def decorator(func: Any) -> Any:
            for code in codes:
                func = self.alt_response(
                    code, response=HTTPStatus(code).name, description=_ERROR_DESCRIPTIONS.get(code)
                )(func)
            return func

        return decorator


def actions_field(values: list[str], description: str, **metadata: Any) -> ma.fields.List:
    """A read's list of what its reader may do now (`allowed_actions`): the app offers exactly these, and the API
    refuses every other action."""
    return ma.fields.List(
        ma.fields.String(metadata={"enum": values}),
        dump_only=True,
        metadata={"description": description, **metadata},
    )


def computed(
    fn: Callable[[Any], Any],
    json_type: str,
    *,
    items: str | None = None,
    nullable: bool = False,
    description: str | None = None,
    enum: list[str] | None = None,
) -> ma.fields.Function:
    """A read-only value computed from the object, documented in the spec with its JSON type (and the values
    it takes, or its items take)."""
    schema: dict[str, Any] = {"type": json_type}  # apispec adds "null" for allow_none
    if items:
        schema["items"] = {"type": items, **({"enum": enum} if enum else {})}
    elif enum:
        schema["enum"] = enum
    if description:
        schema["description"] = description
    return ma.fields.Function(fn, dump_only=True, allow_none=nullable, metadata=schema)


def public(view: Any) -> Any:
    """Mark a view (function, MethodView method or class) as reachable without authentication."""
    view._trivsel_public = True
    return view
