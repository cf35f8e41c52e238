"""Strategy routes: the school's antimobbestrategi, its versions, a printable page and the review status."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.core.db import db
from api.core.idempotency import idempotent
from api.core.pagination import page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.schools.service import current_school
from api.strategy import printing, service
from api.strategy.schemas import (
    StrategyListQuery,
    StrategyReviewRead,
    StrategyVersionCreate,
    StrategyVersionRead,
    StrategyVersionSummary,
)

blp = Blueprint(
    "strategy",
    __name__,
    url_prefix="/api/v1/strategy",
    description="The school's antimobbestrategi (undervisningsmiljøloven § 1 b), versioned",
)


@blp.route("/versions")
class Versions(MethodView):
    @blp.arguments(StrategyListQuery, location="query")
    @blp.response(200, page_schema(StrategyVersionSummary, "StrategyVersionPage"))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """The strategy's versions, newest first (staff)"""
        return service.list_versions(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(StrategyVersionCreate)
    @blp.response(201, StrategyVersionRead)
    @blp.errors(401, 403)
    def post(self, data: dict[str, Any]) -> Any:
        """Record a version the school board adopted (leader, admin)"""
        caller = current_user()
        added = service.add_version(db.session, caller=caller, **data)
        version = service.get_version(db.session, caller=caller, version_id=added.id)
        return version, 201, {"Location": f"/api/v1/strategy/versions/{version.id}"}


@blp.route("/versions/<int:version_id>")
class VersionById(MethodView):
    @blp.response(200, StrategyVersionRead)
    @blp.errors(401, 403, 404)
    def get(self, version_id: int) -> Any:
        """One version with its text"""
        return service.get_version(db.session, caller=current_user(), version_id=version_id)


@blp.route("/versions/<int:version_id>/print")
class VersionPrint(MethodView):
    @blp.response(200, {"type": "string"}, content_type="text/html", description="A printable page")
    @blp.errors(401, 403, 404)
    def get(self, version_id: int) -> Any:
        """The version as a printable page for the parents' meeting (HTML without scripts)"""
        caller = current_user()
        version = service.get_version(db.session, caller=caller, version_id=version_id)
        school = current_school(db.session, caller=caller)
        resp = Response(printing.version_html(version, school_name=school.name), mimetype="text/html")
        resp.headers["Content-Security-Policy"] = printing.PRINT_CSP
        return resp


@blp.route("/review")
class Review(MethodView):
    @blp.response(200, StrategyReviewRead)
    @blp.errors(401, 403)
    def get(self) -> dict:
        """Whether the strategy is due for review (good practice, not law; a missing strategy is the law's)"""
        return service.review_status(db.session, caller=current_user())
