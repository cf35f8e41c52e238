"""Webhook endpoint routes (admins; later API clients with the webhooks:manage scope)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.scopes import client_scope
from api.core import outbox
from api.core.db import db
from api.core.etag import if_match
from api.core.idempotency import idempotent
from api.core.pagination import PageQuery, page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.webhooks import service
from api.webhooks.schemas import (
    DeliveryQuery,
    DeliveryRead,
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
    EventTypesRead,
    RotateSecret,
)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhook-endpoints",
    description="Signed webhooks (Standard Webhooks) to other school tools: thin payloads (type, id, school, "
    "time); the receiver fetches the record through the API. Admins manage them.",
)


def _location(endpoint: Any) -> dict[str, str]:
    return {"Location": f"/api/v1/webhook-endpoints/{endpoint.id}"}


@blp.route("")
class Endpoints(MethodView):
    @client_scope("webhooks:manage")
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_schema(EndpointRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """List the school's webhook endpoints"""
        return service.list_endpoints(db.session, caller=current_user(), **args)

    @client_scope("webhooks:manage")
    @idempotent
    @blp.arguments(EndpointCreate)
    @blp.response(201, EndpointWithSecret)
    @blp.errors(401, 403, 409, 422)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Register an endpoint (https, public address); the answer holds its secret, shown this once"""
        endpoint = service.create_endpoint(db.session, caller=current_user(), **data)
        return endpoint, 201, _location(endpoint)


@blp.route("/event-types")
class EventTypes(MethodView):
    @client_scope("webhooks:manage")
    @blp.response(200, EventTypesRead)
    @blp.errors(401)
    def get(self) -> dict:
        """The event types an endpoint can want"""
        return {"event_types": list(outbox.EVENT_TYPES)}


@blp.route("/<int:endpoint_id>")
class EndpointById(MethodView):
    @client_scope("webhooks:manage")
    @blp.response(200, EndpointRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, endpoint_id: int) -> Any:
        """Get an endpoint"""
        return service.get_endpoint(db.session, caller=current_user(), endpoint_id=endpoint_id)

    @client_scope("webhooks:manage")
    @blp.arguments(EndpointUpdate)
    @blp.response(200, EndpointRead)
    @blp.errors(401, 403, 404, 422)
    @blp.etag
    def patch(self, data: dict[str, Any], endpoint_id: int) -> Any:
        """Change an endpoint, switch it off, or on again (send If-Match)"""
        endpoint = service.update_endpoint(
            db.session, caller=current_user(), endpoint_id=endpoint_id, if_match=if_match(), **data
        )
        return endpoint

    @client_scope("webhooks:manage")
    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, endpoint_id: int) -> None:
        """Remove an endpoint and its delivery log"""
        service.delete_endpoint(db.session, caller=current_user(), endpoint_id=endpoint_id)


@blp.route("/<int:endpoint_id>/rotate-secret")
class RotateEndpointSecret(MethodView):
    @client_scope("webhooks:manage")
    @blp.arguments(RotateSecret)
    @blp.response(200, EndpointWithSecret)
    @blp.errors(401, 403, 404, 422)
    @blp.etag
    def post(self, data: dict[str, Any], endpoint_id: int) -> Any:
        """Give the endpoint a new secret; the old one signs too during the grace period"""
        return service.rotate_secret(db.session, caller=current_user(), endpoint_id=endpoint_id, **data)


@blp.route("/<int:endpoint_id>/test")
class SendTestEvent(MethodView):
    @client_scope("webhooks:manage")
    @blp.response(202, DeliveryRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, endpoint_id: int) -> Any:
        """Send a webhook.test event to this endpoint (the worker delivers it; see the delivery log)"""
        return service.send_test_event(db.session, caller=current_user(), endpoint_id=endpoint_id), 202


@blp.route("/<int:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @client_scope("webhooks:manage")
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, page_schema(DeliveryRead))
    @blp.errors(401, 403, 404)
    def get(self, args: dict[str, Any], endpoint_id: int) -> dict:
        """The endpoint's delivery log, newest first (status, attempts, last response code; no body)"""
        return service.list_deliveries(db.session, caller=current_user(), endpoint_id=endpoint_id, **args)
