"""Public health checks: liveness (the process and its database answer) and readiness (also: no migration
pending), for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from api.core.db import db
from api.errors import error_response
from api.extensions import Blueprint, Schema, public
from api.health import service

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Is the service up")


class HealthRead(Schema):
    """Service status."""

    status = ma.fields.String(required=True)
    database = ma.fields.String(required=True)


@blp.route("")
class Health(MethodView):
    @public
    @blp.response(200, HealthRead)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE", description="The database does not answer")
    @blp.doc(security=[])
    def get(self) -> Any:
        """Service and database status"""
        if not service.database_answers(db.session):
            return error_response(503, "The database does not answer.")
        return {"status": "ok", "database": "ok"}


class ReadinessRead(Schema):
    """Ready to serve: the database answers and its schema is the code's."""

    status = ma.fields.String(required=True)
    database = ma.fields.String(required=True)
    migrations = ma.fields.String(required=True)


@blp.route("/ready")
class Readiness(MethodView):
    @public
    @blp.response(200, ReadinessRead)
    @blp.alt_response(
        503,
        response="SERVICE_UNAVAILABLE",
        description="Not ready: the database does not answer, or migrations are pending",
    )
    @blp.doc(security=[])
    def get(self) -> Any:
        """Ready to take traffic: the database answers and no migration is pending (for load balancers)"""
        if not service.database_answers(db.session):
            return error_response(503, "The database does not answer.", {"database": ["unreachable"]})
        if service.migrations_pending(db.session):
            return error_response(
                503,
                "The database schema is not the code's: run `trivsel db upgrade`.",
                {"migrations": ["pending"]},
            )
        return {"status": "ready", "database": "ok", "migrations": "current"}
