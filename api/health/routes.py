"""Public health check that also checks the database."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import text

from api.core.db import db
from api.errors import error_response
from api.extensions import Blueprint, Schema, public

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
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:
            db.session.rollback()
            return error_response(503, "The database does not answer.")
        return {"status": "ok", "database": "ok"}
