"""The finishing pass over the spec the app generates: what every operation shares is documented here, once,
from the mechanisms that cause it, so no route repeats it and none can forget it.

- `operationId` on every operation (api.core.operation_ids).
- Named enums: an inline `enum` whose values are those of a registered enum (api.core.enums) becomes a
  reference to that one component, so one concept is one type in generated clients (nullable too).
- Error responses per operation: each names the error `type`s it can carry (api.errors.ERROR_TYPES), derived
  from what the operation takes (a body, an Idempotency-Key, If-Match, query arguments) plus the few types
  one operation alone raises (EXTRA_ERROR_TYPES), with an example body per type.
- Response headers: Cache-Control and X-Request-ID (api.core.lifecycle sets them on every API response),
  Location on a 201, Idempotent-Replayed on the success of an operation that takes an Idempotency-Key,
  Retry-After and the rate-limit headers (flask-limiter) where an operation documents 429; on every operation
  an API client may call (its `oauth2` security), the per-client RateLimit and RateLimit-Policy headers
  (api.clients.limits) on its successes and its 429, instead of flask-limiter's, which those never send.
- Who may call each operation (api.core.operation_roles), added to its description.
- An example on every request body and success response (api.core.openapi_examples).
"""

from __future__ import annotations

import copy
import json
import re
from http import HTTPStatus
from typing import Any

from api.core.enums import enum_docs
from api.core.openapi_examples import add_examples
from api.core.operation_ids import METHODS, operation_id
from api.errors import ERROR_TYPE_STATUS, ERROR_TYPES

# Error types only some operations raise, by operationId and status.
EXTRA_ERROR_TYPES: dict[str, dict[int, list[str]]] = {
    "listStudentLogEntries": {422: ["unknown_log_kind"]},
    "createPlayPartnerArrangement": {409: ["separation_rule", "open_case_separation"]},
    "updatePlayPartnerArrangement": {409: ["separation_rule", "open_case_separation"]},
    "buildWellbeingDayGroups": {422: ["separation_rule", "open_case_separation"]},
    "moveWellbeingDayGroupMember": {422: ["separation_rule", "open_case_separation"]},
    "logIn": {403: ["password_login_disabled"]},
    "getIncidentCaseFile": {409: ["no_complaint"]},
    "eraseStudent": {409: ["data_still_needed"]},
    "replaceRetentionPolicy": {422: ["below_legal_minimum"]},
    # Editing the places is case work where the school asks for two factors (reading them is the quick log's).
    "replaceIncidentPlaces": {403: ["step_up_required"]},
}
# Error types every operation under a path raises (a blueprint-wide rule), by path prefix and status.
PATH_ERROR_TYPES: dict[str, dict[int, list[str]]] = {
    # The school may require a two-factor sign-in for case work (api/incidents/permissions.py).
    "/api/v1/incidents": {403: ["step_up_required"], 409: ["withdrawn"]},
    # Nothing more is done with a withdrawn report or observation (api/incidents/actions.py, observations).
    "/api/v1/observations": {409: ["withdrawn"]},
}


def _enum_ref(node: dict[str, Any], by_values: dict[frozenset[str], str]) -> dict[str, Any] | None:
    values = node.get("enum")
    if not isinstance(values, list):
        return None
    name = by_values.get(frozenset(v for v in values if v is not None))
    if name is None:
        return None
    rest = {k: v for k, v in node.items() if k not in {"enum", "type", "title"}}
    ref = {"$ref": f"#/components/schemas/{name}"}
    types = node.get("type")
    if None in values or (isinstance(types, list) and "null" in types):
        return {"anyOf": [ref, {"type": "null"}], **rest}
    return {**ref, **rest}


def _name_enums(node: Any, by_values: dict[frozenset[str], str]) -> Any:
    if isinstance(node, list):
        return [_name_enums(v, by_values) for v in node]
    if not isinstance(node, dict):
        return node
    replaced = _enum_ref(node, by_values)
    if replaced is not None:
        return replaced
    return {k: _name_enums(v, by_values) for k, v in node.items()}


# --- errors ----------------------------------------------------------------------------------------------


def _example_name(error_type: str, status: int) -> str:
    """The example component of a type answered with a status (a few types come with more than one)."""
    return (
        f"error_{error_type}" if ERROR_TYPE_STATUS[error_type] == status else f"error_{error_type}_{status}"
    )


def _error_example(error_type: str, status: int) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if error_type == "validation_error":
        errors = {"classification": ["Must be one of: conflict, teasing, bullying, …"]}
    elif error_type == "unknown_query_argument":
        errors = {"clas_id": ["Unknown query argument."]}
    elif error_type == "unknown_log_kind":
        errors = {"kind": ["one of: incident, observation, …"]}
    elif error_type.startswith("idempotency_key_reused"):
        errors = {"Idempotency-Key": ["already used with a different request"]}
    elif error_type == "idempotency_response_expired":
        errors = {"Idempotency-Key": ["response expired"]}
    elif error_type == "duplicate":
        errors = {"email": ["already in use"]}
    elif error_type == "internal_error":
        errors = {"request_id": "3f2a9c0d41e24c55b1f0a7d9c2e4b6a8"}
    elif error_type in {"separation_rule", "open_case_separation"}:
        errors = {"rule": [error_type]}
    return {
        "summary": ERROR_TYPES[error_type],
        "value": {
            "code": status,
            "status": HTTPStatus(status).phrase,
            "type": error_type,
            "message": ERROR_TYPES[error_type],
            "errors": errors,
        },
    }


def _error_types(op: dict[str, Any], status: int, *, method: str, path: str, public: bool) -> list[str]:
    """The error types an operation can answer with this status."""
    params = op.get("parameters", [])
    header_names = {p.get("name") for p in params if isinstance(p, dict)}
    idempotent = "Idempotency-Key" in header_names
    has_body = "requestBody" in op
    types = [t for t, s in ERROR_TYPE_STATUS.items() if s == status and t not in _CONDITIONAL]
    if status == 400 and has_body:
        types += ["invalid_json", "json_too_deep"]
    if status == 401 and not public:
        types += ["token_expired", "token_invalid", "token_revoked"]
    if status == 401 and method != "get" and not public:
        # A browser write (session cookie) without the matching X-CSRF-TOKEN header (flask-jwt-extended: 401).
        types += ["csrf_failed"]
    if status == 409 and idempotent:
        types += ["idempotency_key_in_flight", "idempotency_response_expired"]
    if status == 409 and method != "get":
        types += ["duplicate"]
    if status == 415 and has_body:
        types += ["unsupported_media_type"]
    if status == 403 and not public:
        # An API client's token: an operation that names its scope refuses one without it; any other refuses it.
        types += ["insufficient_scope" if _for_clients(op) else "not_for_api_clients"]
    if status == 422 and idempotent:
        types += ["idempotency_key_reused"]
    types += EXTRA_ERROR_TYPES.get(op["operationId"], {}).get(status, [])
    for prefix, extra in PATH_ERROR_TYPES.items():
        if path == prefix or path.startswith(prefix + "/"):
            types += extra.get(status, [])
    return sorted(set(types), key=list(ERROR_TYPES).index)


# Types that only some operations raise: added by _error_types when the operation's shape says so.
_CONDITIONAL = {
    "invalid_json",
    "json_too_deep",
    "token_expired",
    "token_invalid",
    "token_revoked",
    "csrf_failed",
    "idempotency_key_in_flight",
    "idempotency_response_expired",
    "idempotency_key_reused",
    "duplicate",
    "unsupported_media_type",
    "insufficient_scope",
    "not_for_api_clients",
    "unknown_log_kind",
    "password_login_disabled",
    "step_up_required",
    "no_complaint",
    "data_still_needed",
    "below_legal_minimum",
    "separation_rule",
    "open_case_separation",
    "withdrawn",
}

_ERROR_HEADERS = {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}
_RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {"$ref": "#/components/headers/X-RateLimit-Limit"},
    "X-RateLimit-Remaining": {"$ref": "#/components/headers/X-RateLimit-Remaining"},
    "X-RateLimit-Reset": {"$ref": "#/components/headers/X-RateLimit-Reset"},
}

# An API client's requests are counted per client (api.clients.limits), answered with the IETF fields.
_CLIENT_RATE_LIMIT_HEADERS = {
    "RateLimit": {"$ref": "#/components/headers/RateLimit"},
    "RateLimit-Policy": {"$ref": "#/components/headers/RateLimit-Policy"},
}

HEADERS: dict[str, dict[str, Any]] = {
    "Cache-Control": {
        "description": "`no-store`: answers may hold a child's data, so no cache keeps them",
        "schema": {"type": "string", "example": "no-store"},
    },
    "X-Request-ID": {
        "description": "This request's id (yours from X-Request-ID when sane, else generated): quote it when "
        "reporting a problem",
        "schema": {"type": "string", "example": "3f2a9c0d41e24c55b1f0a7d9c2e4b6a8"},
    },
    "Location": {
        "description": "The URL of what the request created (when it has a URL of its own)",
        "schema": {"type": "string", "format": "uri-reference", "example": "/api/v1/incidents/42"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the kept answer to an earlier request with the same "
        "Idempotency-Key (nothing was written again); absent on a first answer",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0, "example": 60},
    },
    "X-RateLimit-Limit": {
        "description": "Requests allowed in the current window",
        "schema": {"type": "integer", "example": 10},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the current window",
        "schema": {"type": "integer", "example": 9},
    },
    "X-RateLimit-Reset": {
        "description": "When the current window ends (Unix time, seconds)",
        "schema": {"type": "integer", "example": 1775030400},
    },
    "RateLimit": {
        "description": "To an API client: what is left of its window, `r` requests for `t` more seconds "
        "(IETF draft-ietf-httpapi-ratelimit-headers); counted per client across its tokens and processes",
        "schema": {"type": "string", "example": '"per-client";r=599;t=42'},
    },
    "RateLimit-Policy": {
        "description": "To an API client: its quota, `q` requests per window of `w` seconds (IETF "
        "draft-ietf-httpapi-ratelimit-headers)",
        "schema": {"type": "string", "example": '"per-client";q=600;w=60'},
    },
}


def _for_clients(op: dict[str, Any]) -> bool:
    """Whether an API client may call the operation (it names an oauth2 scope)."""
    return any("oauth2" in requirement for requirement in op.get("security") or [])


def _error_response(
    op: dict[str, Any],
    status: int,
    description: str,
    *,
    method: str,
    path: str,
    public: bool,
    shared: dict[str, Any],
) -> dict[str, Any]:
    """A reference to the shared response of this status and these error types (made on first use), with the
    operation's own description where it has one."""
    types = _error_types(op, status, method=method, path=path, public=public)
    phrase = HTTPStatus(status).phrase
    per_client = status == 429 and _for_clients(op)
    name = "".join(w.capitalize() for w in re.split(r"[^A-Za-z]+", phrase) if w)
    name += ("PerClient" if per_client else "") + "." + "-".join(types)
    listed = "\n".join(f"- `{t}`: {ERROR_TYPES[t]}" for t in types)
    if name not in shared:
        headers: dict[str, Any] = dict(_ERROR_HEADERS)
        if status == 429:
            headers = {
                **headers,
                "Retry-After": {"$ref": "#/components/headers/Retry-After"},
                **(_CLIENT_RATE_LIMIT_HEADERS if per_client else _RATE_LIMIT_HEADERS),
            }
        examples = {t: {"$ref": f"#/components/examples/{_example_name(t, status)}"} for t in types}
        shared[name] = {
            "description": f"{phrase}. Error `type`s:\n{listed}",
            "headers": headers,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "examples": examples}
            },
        }
    ref: dict[str, Any] = {"$ref": f"#/components/responses/{name}"}
    if description not in {phrase, _GENERIC_DESCRIPTIONS.get(status), "Error"}:
        ref["description"] = f"{description}. Error `type`s:\n{listed}"
    return ref


# What flask-smorest and our Blueprint.errors say of every error of a status (nothing operation-specific).
_GENERIC_DESCRIPTIONS = {
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


# --- the pass --------------------------------------------------------------------------------------------


def finish(spec: dict[str, Any], *, roles: dict[str, str]) -> dict[str, Any]:
    """The spec with operationIds, named enums, error types, headers, roles and examples added."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    docs = list(enum_docs())
    by_values = {doc.value_set: doc.name for doc in docs}
    spec["paths"] = _name_enums(spec["paths"], by_values)
    components["schemas"] = schemas = {n: _name_enums(s, by_values) for n, s in schemas.items()}
    for doc in docs:
        schemas[doc.name] = doc.schema()
    components["headers"] = {**components.get("headers", {}), **HEADERS}
    examples = {_example_name(t, s): _error_example(t, s) for t, s in ERROR_TYPE_STATUS.items()}
    for op_types in EXTRA_ERROR_TYPES.values():
        for status, types in op_types.items():
            examples.update({_example_name(t, status): _error_example(t, status) for t in types})
    components["examples"] = dict(sorted(examples.items()))
    global_security = spec.get("security")
    # flask-smorest's shared error responses are replaced by ours, one per status and set of error types.
    original_responses = components.pop("responses", {})
    shared: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            op["operationId"] = operation_id(method, path)
            public = op.get("security") == [] or not global_security
            who = roles.get(op["operationId"])
            if who:
                op["description"] = (
                    f"{op.get('description', '').strip()}\n\n**Who may call it:** {who}".strip()
                )
            _finish_responses(
                op, method=method, path=path, public=public, shared=shared, original=original_responses
            )
            add_examples(op, spec)
    components["responses"] = dict(sorted(shared.items()))
    _drop_unused(spec, "examples")
    _drop_unused(spec, "schemas")
    not_modified = {
        "description": "Not Modified: the record is still the version you named (no body; the ETag is sent)",
        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}, **_ERROR_HEADERS},
    }
    for item in spec["paths"].values():
        for method in METHODS:
            op = item.get(method)
            if op and "304" in op["responses"]:
                op["responses"]["304"] = copy.deepcopy(not_modified)
                if _for_clients(op):
                    op["responses"]["304"]["headers"].update(_CLIENT_RATE_LIMIT_HEADERS)
    return spec


def _drop_unused(spec: dict[str, Any], kind: str) -> None:
    """Drop components of a kind nothing refers to (flask-smorest's PaginationMetadata, examples of error types
    no operation answers)."""
    section = spec["components"].get(kind, {})
    while True:
        text = json.dumps({**spec, "components": {**spec["components"], kind: {}}}) + json.dumps(section)
        unused = [name for name in section if f'"#/components/{kind}/{name}"' not in text]
        # A schema referred to only by itself (recursion) would stay; none of ours is.
        if not unused:
            return
        for name in unused:
            del section[name]


def _finish_responses(
    op: dict[str, Any],
    *,
    method: str,
    path: str,
    public: bool,
    shared: dict[str, Any],
    original: dict[str, Any],
) -> None:
    responses = op.get("responses", {})
    idempotent = any(
        p.get("name") == "Idempotency-Key" for p in op.get("parameters", []) if isinstance(p, dict)
    )
    limited = "429" in responses
    for code in list(responses):
        response = responses[code]
        if code == "default" or code.startswith(("4", "5")):
            if "$ref" in response:
                response = original.get(response["$ref"].rsplit("/", 1)[-1], {})
            own = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            if own and not own.endswith("/Error"):
                continue  # a protocol's own error shape: OAuth's token endpoint answers RFC 6749 §5.2's
            description = response.get("description") or "Error"
            if code == "default":
                status_types = ["internal_error", "service_unavailable"]
                listed = "\n".join(f"- `{t}`: {ERROR_TYPES[t]}" for t in status_types)
                shared["UnexpectedError"] = {
                    "description": f"Unexpected error. Error `type`s:\n{listed}",
                    "headers": dict(_ERROR_HEADERS),
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"},
                            "examples": {
                                t: {"$ref": f"#/components/examples/error_{t}"} for t in status_types
                            },
                        }
                    },
                }
                responses[code] = {"$ref": "#/components/responses/UnexpectedError"}
            else:
                responses[code] = _error_response(
                    op, int(code), description, method=method, path=path, public=public, shared=shared
                )
            continue
        if "$ref" in response:
            continue
        headers = response.setdefault("headers", {})
        if code.startswith("2") or code == "303":
            headers.setdefault("Cache-Control", {"$ref": "#/components/headers/Cache-Control"})
            headers.setdefault("X-Request-ID", {"$ref": "#/components/headers/X-Request-ID"})
        if code == "201" or code == "303":
            headers["Location"] = {"$ref": "#/components/headers/Location"}
        if code.startswith("2") and idempotent:
            headers.setdefault("Idempotent-Replayed", {"$ref": "#/components/headers/Idempotent-Replayed"})
        if code.startswith("2") and limited and not _for_clients(op):
            headers.update(_RATE_LIMIT_HEADERS)
        if (code.startswith("2") or code == "303") and _for_clients(op):
            headers.update(_CLIENT_RATE_LIMIT_HEADERS)
