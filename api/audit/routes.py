"""Audit log routes: leaders and admins see who read and wrote what in their school."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.db import MAX_ID, db
from api.core.pagination import PageQuery, page_schema, paginate
from api.core.permissions import current_user, ensure_roles
from api.extensions import Blueprint, Schema

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-log", description="Who read and wrote what")


class AuditRead(Schema):
    """One audit row."""

    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    user_id = ma.fields.Integer(allow_none=True)
    roles = ma.fields.String()
    action = ma.fields.String()
    resource_type = ma.fields.String()
    resource_id = ma.fields.String(allow_none=True)
    student_id = ma.fields.Integer(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    outcome = ma.fields.String()


class AuditQuery(PageQuery):
    """Filters for the audit log."""

    student_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))
    user_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))
    action = ma.fields.String(validate=ma.validate.Length(max=64))
    outcome = ma.fields.String(validate=ma.validate.OneOf(["allowed", "denied"]))


@blp.route("")
class AuditLog(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_schema(AuditRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """The school's audit log, newest first (leaders and admins)"""
        actor = current_user()
        ensure_roles(actor, "leader", "admin", action="read the audit log")
        stmt = select(AuditEntry).where(AuditEntry.school_id == actor.school_id)
        for name in ("student_id", "user_id", "action", "outcome"):
            if args.get(name) is not None:
                stmt = stmt.where(getattr(AuditEntry, name) == args[name])
        stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        return paginate(db.session, stmt, page=args["page"], page_size=args["page_size"])
