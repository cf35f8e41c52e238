"""Wellbeing day routes: plan days and events, build and edit mixed groups, export them."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.auth.scopes import client_scope
from api.core.db import db
from api.core.etag import if_match, set_etag
from api.core.idempotency import idempotent
from api.core.pagination import page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.wellbeing_days import export, service
from api.wellbeing_days.schemas import (
    WELLBEING_DAY_PAGE_EXTRA,
    GroupMove,
    GroupPlanCreate,
    GroupPlanRead,
    WellbeingDayCreate,
    WellbeingDayQuery,
    WellbeingDayRead,
    WellbeingDayUpdate,
)

blp = Blueprint(
    "wellbeing_days",
    __name__,
    url_prefix="/api/v1/wellbeing-days",
    description="Wellbeing days and shared events (trivselsdage) with groups mixed across grades and classes",
)

IF_MATCH_WHEN_PLANNED = "The ETag of the day you read; required when groups exist already (they are replaced)"


@blp.route("")
class WellbeingDays(MethodView):
    @client_scope("prevention:read")
    @blp.arguments(WellbeingDayQuery, location="query")
    @blp.response(200, page_schema(WellbeingDayRead, feed=True, extra=WELLBEING_DAY_PAGE_EXTRA))
    @blp.errors(400, 401, 403, 410)
    def get(self, args: dict[str, Any]) -> dict:
        """List the school's wellbeing days and events, by date"""
        return service.list_days(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(WellbeingDayCreate)
    @blp.response(201, WellbeingDayRead)
    @blp.errors(401, 403, 409)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Plan a wellbeing day or event"""
        day = service.create_day(db.session, caller=current_user(), **data)
        return day, 201, {"Location": f"/api/v1/wellbeing-days/{day.id}"}


@blp.route("/<int:day_id>")
class WellbeingDayById(MethodView):
    @client_scope("prevention:read")
    @blp.response(200, WellbeingDayRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, day_id: int) -> Any:
        """Get a wellbeing day"""
        return service.get_day(db.session, caller=current_user(), day_id=day_id)

    @blp.arguments(WellbeingDayUpdate)
    @blp.response(200, WellbeingDayRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def patch(self, data: dict[str, Any], day_id: int) -> Any:
        """Change a wellbeing day (send If-Match)"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False, for_update=True)
        return service.update_day(session, caller=caller, day=day, changes=data, if_match=if_match())

    @blp.response(204)
    @blp.errors(401, 403, 404)
    @blp.etag
    def delete(self, day_id: int) -> Any:
        """Delete a wellbeing day and its groups (send If-Match)"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False, for_update=True)
        service.delete_day(session, caller=caller, day=day, if_match=if_match())
        return "", 204


@blp.route("/<int:day_id>/groups")
class Groups(MethodView):
    @client_scope("prevention:read")
    @blp.response(200, GroupPlanRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, day_id: int) -> Any:
        """The day's groups (empty until built), with how well they mix"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False)
        set_etag(day)
        return service.get_groups(session, caller=caller, day=day)

    @idempotent
    @blp.arguments(GroupPlanCreate)
    @blp.response(200, GroupPlanRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag(if_match=IF_MATCH_WHEN_PLANNED)
    def post(self, data: dict[str, Any], day_id: int) -> Any:
        """Build mixed groups (replaces existing ones; 422 names the rule that cannot be met)"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False, for_update=True)
        plan = service.build_groups(session, caller=caller, day=day, if_match=if_match(), **data)
        set_etag(day)
        return plan


@blp.route("/<int:day_id>/groups/moves")
class GroupMoves(MethodView):
    @idempotent
    @blp.arguments(GroupMove)
    @blp.response(200, GroupPlanRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag(if_match=True)
    def post(self, data: dict[str, Any], day_id: int) -> Any:
        """Move a student to another group, or swap two (never both sides of an open case; send If-Match)"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False, for_update=True)
        plan = service.move_student(session, caller=caller, day=day, if_match=if_match(), **data)
        set_etag(day)
        return plan


def _file_name(day: Any, ext: str) -> str:
    return f"grupper-{day.day.isoformat()}-{day.id}.{ext}"


@blp.route("/<int:day_id>/groups/csv")
class GroupsCsv(MethodView):
    @blp.response(
        200, {"type": "string"}, content_type="text/csv", description="Groups as CSV (;, UTF-8 BOM)"
    )
    @blp.errors(401, 403, 404)
    def get(self, day_id: int) -> Any:
        """Export the groups as CSV for a spreadsheet"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False)
        plan = service.get_groups(session, caller=caller, day=day, action="wellbeing_groups_exported")
        return Response(
            export.groups_csv(day, plan),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{_file_name(day, "csv")}"'},
        )


@blp.route("/<int:day_id>/groups/print")
class GroupsPrint(MethodView):
    @blp.response(
        200, {"type": "string"}, content_type="text/html", description="A printable list of the groups"
    )
    @blp.errors(401, 403, 404)
    def get(self, day_id: int) -> Any:
        """A printable list of the groups (HTML without scripts)"""
        session = db.session
        caller = current_user()
        day = service.get_day(session, caller=caller, day_id=day_id, audited=False)
        plan = service.get_groups(session, caller=caller, day=day, action="wellbeing_groups_printed")
        resp = Response(export.groups_html(day, plan), mimetype="text/html")
        resp.headers["Content-Security-Policy"] = export.PRINT_CSP
        resp.headers["Content-Disposition"] = f'inline; filename="{_file_name(day, "html")}"'
        return resp
