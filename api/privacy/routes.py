"""Privacy routes: the retention policy, erasure of a student on request, the access export (GDPR)."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView

from api.core.db import db
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.privacy import service
from api.privacy.schemas import AccessExportQuery, ErasureResult, RetentionPolicyRead, RetentionPolicyUpdate

blp = Blueprint(
    "privacy",
    __name__,
    url_prefix="/api/v1",
    description="Privacy (GDPR): retention with real deletion, erasure on request, access export",
)


@blp.route("/privacy/retention")
class Retention(MethodView):
    @blp.response(200, RetentionPolicyRead)
    @blp.errors(401, 403)
    def get(self) -> dict:
        """The retention periods per data category, with the deployment's defaults and the legal minimums"""
        return service.retention_policy(db.session, caller=current_user())

    @blp.arguments(RetentionPolicyUpdate)
    @blp.response(200, RetentionPolicyRead)
    @blp.errors(401, 403)
    def put(self, data: dict[str, Any]) -> dict:
        """Set the school's own periods (admin); a period below its legal minimum is 422 below_legal_minimum"""
        return service.set_retention_policy(db.session, caller=current_user(), periods=data)


@blp.route("/students/<int:student_id>/erasure")
class Erasure(MethodView):
    @blp.response(200, ErasureResult)
    @blp.errors(401, 403, 404, 409)
    def post(self, student_id: int) -> dict:
        """Erase a student's data on request (leader, admin); 409 data_still_needed while an open case or a
        complaint needs them"""
        return service.erase_student(db.session, caller=current_user(), student_id=student_id)


_EXPORT_DOC = {
    "responses": {
        "200": {
            "description": "format=json: everything about the student as JSON, streamed; format=pdf: a readable PDF",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@blp.route("/students/<int:student_id>/access-export")
class AccessExport(MethodView):
    @blp.arguments(AccessExportQuery, location="query")
    @blp.doc(**_EXPORT_DOC)
    @blp.errors(401, 403, 404)
    def get(self, args: dict[str, Any], student_id: int) -> Response:
        """Everything Trivsel holds about a student, with who accessed it (GDPR art. 15; leaders; audited)"""
        body, name, mimetype = service.access_export(
            db.session, caller=current_user(), student_id=student_id, fmt=args["format"]
        )
        if mimetype == "application/json":
            body = stream_with_context(body)
        return Response(
            body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
