"""Audit log routes: leaders and admins see who read and wrote what in their school (filters, CSV export);
the platform's operators see access attempts across schools."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView

from api.audit import service
from api.audit.schemas import AuditExportQuery, AuditQuery, AuditRead
from api.core.db import db
from api.core.pagination import page_schema
from api.core.permissions import current_user
from api.core.timeutil import local_date
from api.extensions import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Who read and wrote what")


def _split(args: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
    args = dict(args)
    return args, args.pop("page"), args.pop("page_size")


@blp.route("/audit-log")
class AuditLog(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_schema(AuditRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """The school's audit log, newest first (leaders and admins): by student, user, action, resource,
        outcome and time"""
        filters, page, page_size = _split(args)
        return service.list_entries(
            db.session, caller=current_user(), filters=filters, page=page, page_size=page_size
        )


@blp.route("/audit-log/export")
class AuditLogExport(MethodView):
    @blp.arguments(AuditExportQuery, location="query")
    @blp.response(
        200, {"type": "string"}, content_type="text/csv", description="The audit log as CSV (;, BOM)"
    )
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> Response:
        """Export the filtered audit log as CSV for Excel, streamed (leaders and admins; audited)"""
        rows = service.export_rows(db.session, caller=current_user(), filters=args)
        name = f"logning-{local_date().isoformat()}.csv"
        return Response(
            stream_with_context(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@blp.route("/platform/access-denials")
class PlatformDenials(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_schema(AuditRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """Attempts to reach another school's records, across all schools (the platform's administrators,
        PLATFORM_ADMIN_EMAILS)"""
        filters, page, page_size = _split(args)
        return service.platform_denials(
            db.session, caller=current_user(), filters=filters, page=page, page_size=page_size
        )
