"""Information-duty routes, on the case: who was informed, and recording that someone was."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.db import db
from api.core.idempotency import idempotent
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.information import service
from api.information.schemas import InformationDutyRead, InformationRecordCreate, InformationRecordRead

blp = Blueprint(
    "information",
    __name__,
    url_prefix="/api/v1/incidents",
    description="The information duty per person (undervisningsmiljøloven § 1 c): pupils and custodial parents",
)


@blp.route("/<int:incident_id>/information")
class InformationDuty(MethodView):
    @blp.response(200, InformationDutyRead)
    @blp.errors(401, 403, 404)
    def get(self, incident_id: int) -> dict:
        """Who the information duty covers, who informed them, and who is still not informed (case workers)"""
        return service.information_duty(db.session, caller=current_user(), incident_id=incident_id)

    @idempotent
    @blp.arguments(InformationRecordCreate)
    @blp.response(201, InformationRecordRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Record that a pupil or a custodial parent was informed: when, how, a short note (case workers)"""
        record = service.record_informed(db.session, caller=current_user(), incident_id=incident_id, **data)
        return record, 201, {"Location": f"/api/v1/incidents/{incident_id}/information"}
