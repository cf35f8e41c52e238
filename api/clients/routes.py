"""API clients: the OAuth 2.0 token endpoint and metadata (Authlib), and their registration by admins."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask.wrappers import Response

from api.auth.scopes import SCOPES
from api.clients import oauth, service
from api.clients.schemas import (
    ApiClientCreate,
    ApiClientRead,
    ApiClientUpdate,
    ApiClientWithSecret,
    OAuthError,
    RotateClientSecret,
    ScopesRead,
    ServerMetadata,
    TokenRead,
)
from api.core import audit
from api.core.db import db
from api.core.etag import if_match
from api.core.idempotency import idempotent, withhold_from_replay
from api.core.pagination import PageQuery, page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint, limiter, public

blp = Blueprint(
    "api_clients",
    __name__,
    url_prefix="",
    description="API clients for other school tools: OAuth 2.0 client credentials (RFC 6749 §4.4), with scopes "
    "and schools; admins register them.",
)
blp.record_once(lambda state: oauth.init_server(state.app))

_TOKEN_DOC = {
    "description": "RFC 6749 §4.4 client credentials. The answer and its errors follow RFC 6749 §5.1/§5.2 "
    "(`{error, error_description}`), not the API's Error shape: that is the OAuth protocol, which OAuth "
    "libraries expect. Tokens are opaque, last `expires_in` seconds (10 minutes by default), and come "
    "without a refresh token: ask again. A client reading several schools names one with `school_id`.",
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "scope": {
                            "type": "string",
                            "description": "Space-separated (default: all the client's)",
                        },
                        "school_id": {
                            "type": "integer",
                            "description": "The school the token reads (needed when the client reads several)",
                        },
                        "client_id": {"type": "string", "description": "Instead of HTTP Basic"},
                        "client_secret": {"type": "string", "description": "Instead of HTTP Basic"},
                    },
                }
            }
        },
    },
    "security": [{"clientBasic": []}, {}],
}


def _token_limit() -> str:
    return current_app.config["API_CLIENT_TOKEN_RATE_LIMIT"]


@blp.route("/oauth/token")
class Token(MethodView):
    @public
    @limiter.limit(_token_limit, methods=["POST"])  # per client address
    @blp.response(200, TokenRead)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(
        400,
        schema=OAuthError,
        description="invalid_request, invalid_scope (unknown, or not given to the client), "
        "unsupported_grant_type, invalid_target (a school the client may not read)",
    )
    @blp.alt_response(
        401, schema=OAuthError, description="invalid_client: unknown client, wrong secret, expired or revoked"
    )
    @blp.doc(**_TOKEN_DOC)
    def post(self) -> Response:
        """Get an access token (OAuth 2.0 client credentials)"""
        response = oauth.server().create_token_response()
        if response.status_code >= 400:
            error = (response.get_json(silent=True) or {}).get("error")
            audit.record(
                "api_client_token_denied",
                resource_type="api_client",
                outcome=audit.DENIED,
                detail={"error": error},
            )
        return response


@blp.route("/.well-known/oauth-authorization-server")
class Metadata(MethodView):
    @public
    @blp.response(200, ServerMetadata)
    @blp.doc(security=[])
    def get(self) -> dict:
        """OAuth 2.0 authorization server metadata (RFC 8414)"""
        return oauth.metadata()


def _location(client: Any) -> dict[str, str]:
    return {"Location": f"/api/v1/api-clients/{client.id}"}


@blp.route("/api/v1/api-clients")
class Clients(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_schema(ApiClientRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """List the school's API clients (admins)"""
        return service.list_clients(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(ApiClientCreate)
    @blp.response(201, ApiClientWithSecret)
    @blp.errors(401, 403, 409, 422)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Register an API client (admins); the answer holds its secret, shown this once"""
        client = service.create_client(db.session, caller=current_user(), **data)
        withhold_from_replay("client_secret")
        return client, 201, _location(client)


@blp.route("/api/v1/api-clients/scopes")
class Scopes(MethodView):
    @blp.response(200, ScopesRead)
    @blp.errors(401)
    def get(self) -> dict:
        """The scopes a client can be given, and what each opens"""
        return {"scopes": [{"scope": k, "description": v} for k, v in SCOPES.items()]}


@blp.route("/api/v1/api-clients/<int:client_id>")
class ClientById(MethodView):
    @blp.response(200, ApiClientRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, client_id: int) -> Any:
        """Get an API client (admins)"""
        return service.get_client(db.session, caller=current_user(), client_id=client_id)

    @blp.arguments(ApiClientUpdate)
    @blp.response(200, ApiClientRead)
    @blp.errors(401, 403, 404, 422)
    @blp.etag
    def patch(self, data: dict[str, Any], client_id: int) -> Any:
        """Change an API client's name, scopes, schools or expiry (send If-Match)"""
        return service.update_client(
            db.session, caller=current_user(), client_id=client_id, if_match=if_match(), **data
        )

    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, client_id: int) -> None:
        """Remove an API client and its tokens"""
        service.delete_client(db.session, caller=current_user(), client_id=client_id)


@blp.route("/api/v1/api-clients/<int:client_id>/rotate-secret")
class RotateSecret(MethodView):
    @idempotent
    @blp.arguments(RotateClientSecret)
    @blp.response(200, ApiClientWithSecret)
    @blp.errors(401, 403, 404, 409, 422)
    @blp.etag
    def post(self, data: dict[str, Any], client_id: int) -> Any:
        """Give the client a new secret; the old one works too during the grace period"""
        withhold_from_replay("client_secret")
        return service.rotate_secret(db.session, caller=current_user(), client_id=client_id, **data)


@blp.route("/api/v1/api-clients/<int:client_id>/revoke")
class Revoke(MethodView):
    @idempotent
    @blp.response(200, ApiClientRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def post(self, client_id: int) -> Any:
        """Revoke the client: its secrets and tokens stop working at once"""
        return service.revoke_client(db.session, caller=current_user(), client_id=client_id)
