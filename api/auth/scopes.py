"""API-client scopes, and the one place an operation says which scope opens it to a client.

A machine client (OAuth 2.0 client credentials, api/clients) is a caller kind of its own: a `ClientPrincipal`
next to the `User`. It reaches only operations marked with `client_scope(...)`, and only with that scope in its
token; every other operation (a person's password, users, notifications, case work) refuses its token with 403.
The permission functions of each domain ask `is_client(caller)` where a client's rule differs from a role's.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from api.core.enums import register_enum

# Scope -> what it opens (the spec's oauth2 scheme lists these).
SCOPES: dict[str, str] = {
    "roster:read": "Students, classes and guardians of the client's school.",
    "incidents:read": "Incidents and their case state (classification, status, students and roles, deadlines); "
    "no free text. Cases accusing a staff member are never served to a client.",
    "incidents:read:text": "Everything incidents:read gives, and the free text of cases (description, case "
    "work, notes).",
    "observations:read": "Wellbeing observations (a sensitive observation's note stays hidden).",
    "prevention:read": "Play-partner arrangements and wellbeing days.",
    "analytics:read": "Aggregates of the school, and of the client's schools in its municipality side by side "
    "(small counts suppressed, never a name, never a case accusing staff).",
    "webhooks:manage": "The school's webhook endpoints.",
    "incidents:write": "Report incidents (POST /incidents), with the client named as the reporter; nothing "
    "else is written with it.",
}
TEXT_SCOPE = "incidents:read:text"
register_enum(
    "ApiScope",
    "What an API client's token may read or do (OAuth 2.0 scopes).",
    {scope: (scope, meaning) for scope, meaning in SCOPES.items()},
)
register_enum(
    "GrantType",
    "The OAuth 2.0 grants the token endpoint takes.",
    {"client_credentials": ("klientlegitimation", "A machine client's own id and secret (RFC 6749 §4.4).")},
)
# A scope that gives another with it.
IMPLIED: dict[str, str] = {TEXT_SCOPE: "incidents:read"}
RATE_LIMITED_RESPONSE = "API_CLIENT_RATE_LIMITED"  # a component response, registered in create_app
RATE_LIMIT_HEADERS = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}},
    "RateLimit": {
        "description": 'What is left of the window, e.g. `"per-client";r=0;t=42` (remaining requests, seconds '
        "until it resets); IETF draft-ietf-httpapi-ratelimit-headers.",
        "schema": {"type": "string"},
    },
    "RateLimit-Policy": {
        "description": 'The quota, e.g. `"per-client";q=600;w=60` (requests per window of w seconds).',
        "schema": {"type": "string"},
    },
}
SECURITY_SCHEME = "oauth2"


@dataclass
class ClientPrincipal:
    """An API client acting for one of its schools with the scopes of its token (not a person: no roles)."""

    client_pk: int
    client_id: str
    name: str
    school_id: int
    scopes: frozenset[str]
    # Every school the client was registered for (its token names one, `school_id`): a municipality's
    # side-by-side view shows only these of the municipality's schools.
    school_ids: frozenset[int] = frozenset()
    kind: str = "client"
    # A user id no row has (ids start at 1): a comparison with a user column never matches a client.
    id: int = 0
    roles: list[str] = field(default_factory=list)

    def has_role(self, *_roles: str) -> bool:
        """A client holds no staff role; what it may do comes from its scopes."""
        return False

    def has_scope(self, scope: str) -> bool:
        """Whether the token carries this scope (and the client still holds it)."""
        return scope in self.scopes


def effective_scopes(scopes: set[str] | frozenset[str]) -> frozenset[str]:
    """The scopes with those they imply."""
    return frozenset(scopes) | {IMPLIED[s] for s in scopes if s in IMPLIED}


def is_client(caller: Any) -> bool:
    """Whether the caller is an API client rather than a person."""
    return getattr(caller, "kind", None) == "client"


def client_scope(scope: str) -> Callable[[Any], Any]:
    """Open an operation to API clients holding `scope` (documented in the spec on the operation).

    Put it above flask-smorest's decorators; an operation without it refuses every client token."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorator(view: Any) -> Any:
        view._trivsel_client_scope = scope
        doc = deepcopy(getattr(view, "_apidoc", {}))
        manual = doc.setdefault("manual_doc", {})
        manual["security"] = [{"bearerAuth": []}, {"cookieAuth": []}, {SECURITY_SCHEME: [scope]}]
        responses = doc.setdefault("response", {}).setdefault("responses", {})
        if not {403, "403"} & set(responses):
            # A client's token without the scope
            responses[403] = ["FORBIDDEN"]
        if not {429, "429"} & set(responses):
            responses[429] = [RATE_LIMITED_RESPONSE]
        view._apidoc = doc
        return view

    return decorator


def scope_of(view: Any) -> str | None:
    """The scope an operation declared for clients, or None (closed to clients)."""
    return getattr(view, "_trivsel_client_scope", None)
