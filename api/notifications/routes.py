"""Notification routes: the current user's notifications."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.db import db
from api.core.pagination import page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.notifications import service
from api.notifications.schemas import NotificationQuery, NotificationRead

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="The current user's notifications",
)


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, page_schema(NotificationRead))
    @blp.errors(401)
    def get(self, args: dict[str, Any]) -> dict:
        """List my notifications (newest first)"""
        return service.list_notifications(db.session, caller=current_user(), **args)


@blp.route("/<int:notification_id>/read")
class MarkNotificationRead(MethodView):
    @blp.response(200, NotificationRead)
    @blp.errors(401, 404)
    def post(self, notification_id: int) -> Any:
        """Mark one of my notifications read"""
        return service.mark_read(db.session, caller=current_user(), notification_id=notification_id)
