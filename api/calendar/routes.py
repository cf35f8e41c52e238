"""Calendar routes: the school's own closed days, which count as non-working days when the school says so."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.calendar import service
from api.calendar.schemas import ClosedDaysCreate, ClosedDaysQuery, ClosedDaysRead
from api.core.db import db
from api.core.idempotency import idempotent
from api.core.pagination import page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint

blp = Blueprint(
    "calendar",
    __name__,
    url_prefix="/api/v1/calendar",
    description="The school calendar: closed days (school holidays) used for working-day deadlines",
)


@blp.route("/closed-days")
class ClosedDays(MethodView):
    @blp.arguments(ClosedDaysQuery, location="query")
    @blp.response(200, page_schema(ClosedDaysRead))
    @blp.errors(401)
    def get(self, args: dict[str, Any]) -> dict:
        """List the school's closed days"""
        return service.list_closed_days(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(ClosedDaysCreate)
    @blp.response(201, ClosedDaysRead)
    @blp.errors(401, 403, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a closed day or period (admin, leader)"""
        period = service.add_closed_days(db.session, caller=current_user(), **data)
        return period, 201, {"Location": f"/api/v1/calendar/closed-days/{period.id}"}


@blp.route("/closed-days/<int:period_id>")
class ClosedDaysById(MethodView):
    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, period_id: int) -> None:
        """Remove a closed day or period (admin, leader)"""
        service.delete_closed_days(db.session, caller=current_user(), period_id=period_id)
