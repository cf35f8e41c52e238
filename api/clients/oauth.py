"""OAuth 2.0 client credentials (RFC 6749 §4.4) with Authlib: the token endpoint (Authlib's Flask
AuthorizationServer), RFC 8414 metadata, and the resource side (Authlib's ResourceProtector) that turns a
client's bearer token into a `ClientPrincipal` for the request.

Tokens are opaque (`trv_…`), short-lived, never refreshed, and stored only as their SHA-256. Each names one
school: a client that reads several schools asks for one per school with the `school_id` parameter. Every
request re-reads the client with the token in one statement, so a revocation, an expiry, a removed school or a
removed scope takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.flask_oauth2.requests import FlaskJsonRequest
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, scope_to_list
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Flask, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import passwords
from api.auth.scopes import SCOPES, ClientPrincipal, effective_scopes
from api.clients import limits
from api.clients.models import ApiClient, ApiClientToken
from api.core.db import MAX_ID, db
from api.core.timeutil import utcnow
from api.errors import Forbidden, Unauthorized

TOKEN_PREFIX = "trv_"  # noqa: S105 (a prefix, not a secret)
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


def token_hash(token: str) -> str:
    """The stored form of a token (a token is random, so a plain SHA-256 is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_access_token(**_kwargs: Any) -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class OAuthClient(ClientMixin):
    """Authlib's view of an ApiClient."""

    def __init__(self, row: ApiClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        # The grant checked the requested scopes already; none requested means all the client holds.
        return scope or " ".join(self.row.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        row, now = self.row, utcnow()
        if passwords.verify_password(row.secret_hash, client_secret):
            return True
        in_grace = row.previous_secret_expires_at is not None and row.previous_secret_expires_at > now
        return in_grace and passwords.verify_password(row.previous_secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == ClientCredentialsGrant.GRANT_TYPE


class ClientCredentials(ClientCredentialsGrant):
    """The client credentials grant, refusing scopes the client was not given and naming one school."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_requested_scope(self) -> None:
        """Runs once the client is authenticated: its state, the scopes it asks for, the school."""
        client: ApiClient = self.request.client.row
        state = client.state(utcnow())
        if state != "active":
            raise InvalidClientError(status_code=401, description=f"The client is {state}.")
        requested = scope_to_list(self.request.payload.scope) or []
        unknown = [s for s in requested if s not in SCOPES]
        if unknown:
            raise InvalidScopeError(description=f"Unknown scope: {' '.join(unknown)}.")
        not_granted = [s for s in requested if s not in client.scopes]
        if not_granted:
            raise InvalidScopeError(description=f"The client was not given: {' '.join(not_granted)}.")
        self.request.trivsel_school_id = _requested_school(client, self.request.payload.data.get("school_id"))


def _requested_school(client: ApiClient, raw: str | None) -> int:
    if raw is None or raw == "":
        if len(client.school_ids) == 1:
            return int(client.school_ids[0])
        raise InvalidRequestError(description="This client reads several schools: name one with school_id.")
    try:
        school_id = int(raw)
    except ValueError:
        raise InvalidRequestError(description="school_id must be a school's id.") from None
    if not 0 < school_id <= MAX_ID or school_id not in client.school_ids:
        # RFC 8707's error for a resource the client may not have.
        raise InvalidRequestError(description="The client may not read this school.", error="invalid_target")
    return school_id


def _query_client(client_id: str) -> OAuthClient | None:
    if not isinstance(client_id, str) or len(client_id) > 64 or "\x00" in client_id:
        return None
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if row is None:
        # Same cost as a known client, so a guessed id is not told apart by time.
        passwords.verify_password(None, "")
        return None
    return OAuthClient(row)


def _save_token(token: dict[str, Any], oauth_request: Any) -> None:
    client: ApiClient = oauth_request.client.row
    now = utcnow()
    school_id = oauth_request.trivsel_school_id
    db.session.add(
        ApiClientToken(
            token_hash=token_hash(token["access_token"]),
            client_pk=client.id,
            school_id=school_id,
            scope=token["scope"],
            issued_at=now,
            expires_at=now + timedelta(seconds=token["expires_in"]),
        )
    )
    client.last_token_at = now
    token["school_id"] = school_id
    from api.core import audit

    audit.record(
        "api_client_token_issued",
        resource_type="api_client",
        resource_id=client.id,
        school_id=school_id,
        detail={"scope": token["scope"]},
    )


def init_server(app: Flask) -> None:
    """Set up Authlib's authorization server and resource protector for this app."""
    app.config.setdefault("OAUTH2_ACCESS_TOKEN_GENERATOR", _new_access_token)
    app.config.setdefault("OAUTH2_REFRESH_TOKEN_GENERATOR", False)
    app.config.setdefault(
        "OAUTH2_TOKEN_EXPIRES_IN", {ClientCredentials.GRANT_TYPE: app.config["API_CLIENT_TOKEN_SECONDS"]}
    )
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(SCOPES))
    server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(ClientCredentials)
    protector = ResourceProtector()
    protector.register_token_validator(_TokenValidator())
    app.extensions["trivsel_oauth"] = (server, protector)
    app.extensions["trivsel_client_auth"] = (handles, authenticate)
    app.after_request(limits.add_headers)


def server() -> AuthorizationServer:
    """This app's authorization server."""
    return current_app.extensions["trivsel_oauth"][0]


def metadata() -> dict[str, Any]:
    """RFC 8414 authorization server metadata."""
    issuer = current_app.config.get("OAUTH2_ISSUER") or request.url_root.rstrip("/")
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/oauth/token",
        "grant_types_supported": [ClientCredentials.GRANT_TYPE],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "scopes_supported": list(SCOPES),
        # No authorization endpoint: the client credentials grant has none.
        "response_types_supported": [],
        "service_documentation": f"{issuer}/api/docs",
    }


class _Token(TokenMixin):
    """A stored token with its client as read now."""

    def __init__(self, token: ApiClientToken, client: ApiClient) -> None:
        self.token, self.client, self.now = token, client, utcnow()

    def check_client(self, client: Any) -> bool:
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        # A scope taken from the client since the token was issued stops working at once.
        return " ".join(s for s in self.token.scope.split() if s in self.client.scopes)

    def get_expires_in(self) -> int:
        return max(0, int((self.token.expires_at - self.now).total_seconds()))

    def is_expired(self) -> bool:
        if self.token.expires_at <= self.now:
            g._trivsel_token_problem = ("token_expired", "The access token has expired: request a new one.")
            return True
        return False

    def is_revoked(self) -> bool:
        state = self.client.state(self.now)
        if state != "active":
            g._trivsel_token_problem = ("token_revoked", f"The API client is {state}.")
            return True
        if self.token.school_id not in self.client.school_ids:
            g._trivsel_token_problem = ("token_revoked", "The API client may no longer read this school.")
            return True
        return False

    def get_user(self) -> None:
        return None

    def get_client(self) -> Any:
        return OAuthClient(self.client)


class _TokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> _Token | None:
        return find_token(db.session, token_string)


def find_token(session: Session, token_string: str) -> _Token | None:
    """The token and its client, in one statement."""
    if not token_string.startswith(TOKEN_PREFIX) or len(token_string) > 100:
        return None
    row = session.execute(
        select(ApiClientToken, ApiClient)
        .join(ApiClient, ApiClient.id == ApiClientToken.client_pk)
        .where(ApiClientToken.token_hash == token_hash(token_string))
    ).first()
    return _Token(row[0], row[1]) if row is not None else None


def handles(req: Any) -> bool:
    """Whether the request carries an API client's token (a person's token is a JWT)."""
    header = req.headers.get("Authorization", "")
    return header[:7].lower() == "bearer " and header[7:].strip().startswith(TOKEN_PREFIX)


def _unauthorized(kind: str, message: str) -> Unauthorized:
    return Unauthorized(
        message,
        type=kind,
        headers={
            "WWW-Authenticate": f'Bearer realm="trivsel", error="invalid_token", error_description="{kind}"'
        },
    )


def authenticate(view_scope: str | None) -> ClientPrincipal:
    """The client behind the request's token, allowed on an operation declaring `view_scope`; else 401/403."""
    _, protector = current_app.extensions["trivsel_oauth"]
    g.pop("_trivsel_token_problem", None)
    try:
        token: _Token = protector.validate_request(scopes=None, request=FlaskJsonRequest(request))
    except OAuth2Error as exc:
        kind, message = g.pop("_trivsel_token_problem", ("token_invalid", "The access token is not valid."))
        raise _unauthorized(kind, message) from exc
    scopes = effective_scopes(set(token.get_scope().split()))
    principal = ClientPrincipal(
        client_pk=token.client.id,
        client_id=token.client.client_id,
        name=token.client.name,
        school_id=token.token.school_id,
        scopes=scopes,
        school_ids=frozenset(int(i) for i in token.client.school_ids),
    )
    g.trivsel_user = principal
    # Counted before the operation's checks, so refused requests spend the budget too.
    limits.hit(principal, refuse=view_scope is not None)
    if view_scope is None:
        raise ClientForbidden(
            "This operation is for people signed in to Trivsel, not for API clients.",
            type="not_for_api_clients",
        )
    if view_scope not in scopes:
        raise ClientForbidden(
            f"This operation needs the scope {view_scope}.",
            type="insufficient_scope",
            headers={
                "WWW-Authenticate": f'Bearer realm="trivsel", error="insufficient_scope", scope="{view_scope}"'
            },
        )
    g.trivsel_scope = view_scope
    return principal


class ClientForbidden(Forbidden):
    """403 for a client's token on an operation it may not call."""
