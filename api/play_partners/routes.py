"""Play-partner arrangement routes: make and change them, today's list for schoolyard duty, check-ins."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.scopes import client_scope
from api.core.db import db
from api.core.etag import if_match, set_etag
from api.core.idempotency import idempotent
from api.core.pagination import page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.play_partners import service
from api.play_partners.schemas import (
    ARRANGEMENT_PAGE_EXTRA,
    ArrangementCreate,
    ArrangementQuery,
    ArrangementRead,
    ArrangementUpdate,
    CheckInCreate,
    CheckInQuery,
    CheckInRead,
)

blp = Blueprint(
    "play_partners",
    __name__,
    url_prefix="/api/v1/play-partner-arrangements",
    description="Play-partner arrangements (legemakker-aftaler): who plays together when, and how it went",
)


@blp.route("")
class Arrangements(MethodView):
    @client_scope("prevention:read")
    @blp.arguments(ArrangementQuery, location="query")
    @blp.response(200, page_schema(ArrangementRead, feed=True, extra=ARRANGEMENT_PAGE_EXTRA))
    @blp.errors(400, 401, 403, 410)
    def get(self, args: dict[str, Any]) -> dict:
        """List arrangements; with ?date= those in force that day (for schoolyard duty)"""
        return service.list_arrangements(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(ArrangementCreate)
    @blp.response(201, ArrangementRead)
    @blp.errors(401, 403, 409)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Make an arrangement (refused when it pairs both sides of an open bullying case)"""
        session = db.session
        caller = current_user()
        arrangement = service.create_arrangement(session, caller=caller, **data)
        set_etag(arrangement)
        return (
            service.present(session, caller, arrangement),
            201,
            {"Location": f"/api/v1/play-partner-arrangements/{arrangement.id}"},
        )


@blp.route("/<int:arrangement_id>")
class ArrangementById(MethodView):
    @client_scope("prevention:read")
    @blp.response(200, ArrangementRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, arrangement_id: int) -> Any:
        """Get an arrangement"""
        session = db.session
        caller = current_user()
        arrangement = service.get_arrangement(session, caller=caller, arrangement_id=arrangement_id)
        set_etag(arrangement)
        return service.present(session, caller, arrangement)

    @blp.arguments(ArrangementUpdate)
    @blp.response(200, ArrangementRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag
    def patch(self, data: dict[str, Any], arrangement_id: int) -> Any:
        """Change, pause, resume or end an arrangement (send If-Match; `allowed_actions` says which)"""
        session = db.session
        caller = current_user()
        arrangement = service.get_arrangement(
            session, caller=caller, arrangement_id=arrangement_id, audited=False
        )
        arrangement = service.update_arrangement(
            session, caller=caller, arrangement=arrangement, changes=data, if_match=if_match()
        )
        set_etag(arrangement)
        return service.present(session, caller, arrangement)


@blp.route("/<int:arrangement_id>/check-ins")
class CheckIns(MethodView):
    @client_scope("prevention:read")
    @blp.arguments(CheckInQuery, location="query")
    @blp.response(200, page_schema(CheckInRead))
    @blp.errors(401, 403, 404)
    def get(self, args: dict[str, Any], arrangement_id: int) -> dict:
        """List an arrangement's check-ins, newest first"""
        session = db.session
        caller = current_user()
        arrangement = service.get_arrangement(
            session, caller=caller, arrangement_id=arrangement_id, audited=False
        )
        return service.list_check_ins(session, caller=caller, arrangement=arrangement, **args)

    @idempotent
    @blp.arguments(CheckInCreate)
    @blp.response(201, CheckInRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], arrangement_id: int) -> Any:
        """Record whether the arrangement happened and how it went"""
        session = db.session
        caller = current_user()
        arrangement = service.get_arrangement(
            session, caller=caller, arrangement_id=arrangement_id, audited=False
        )
        check_in = service.add_check_in(session, caller=caller, arrangement=arrangement, **data)
        return service.present_check_ins(
            session, caller=caller, arrangement=arrangement, check_ins=[check_in]
        )[0], 201
