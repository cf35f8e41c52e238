"""Complaint routes: a case's complaints, their course (decision, answer, forwarding, closing) and the case
file."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.complaints import service
from api.complaints.schemas import (
    AnswerCreate,
    CaseFileQuery,
    ComplaintCreate,
    ComplaintList,
    ComplaintRead,
    DecisionCreate,
    ForwardCreate,
)
from api.core.db import db
from api.core.idempotency import idempotent
from api.core.permissions import current_user
from api.extensions import Blueprint

blp = Blueprint(
    "complaints",
    __name__,
    url_prefix="/api/v1",
    description="Complaints about a case: the municipality's decision within 20 working days, the complainant's "
    "answer, forwarding to the national body, and the case file",
)

_BINARY = {"type": "string", "format": "binary"}


def _file_doc(description: str) -> dict:
    """A 200 that is a PDF, or a ZIP of the parts with format=zip."""
    content = {"application/pdf": {"schema": _BINARY}, "application/zip": {"schema": _BINARY}}
    return {"responses": {"200": {"description": description, "content": content}}}


def _file(data: bytes, name: str, mimetype: str) -> Response:
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blp.route("/incidents/<int:incident_id>/complaints")
class CaseComplaints(MethodView):
    @blp.response(200, ComplaintList)
    @blp.errors(401, 403, 404)
    def get(self, incident_id: int) -> dict:
        """The case's complaints with their timelines (the case's leaders and resource persons)"""
        caller = current_user()
        items = service.list_complaints(db.session, caller=caller, incident_id=incident_id)
        return {"items": items, "can_create": service.may_write(caller)}

    @idempotent
    @blp.arguments(ComplaintCreate)
    @blp.response(201, ComplaintRead)
    @blp.errors(401, 403, 404)
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Record a complaint received about the case (leaders); the decision falls due in 20 working days"""
        complaint = service.create_complaint(
            db.session, caller=current_user(), incident_id=incident_id, **data
        )
        return complaint, 201, {"Location": f"/api/v1/complaints/{complaint.id}"}


@blp.route("/incidents/<int:incident_id>/case-file")
class CaseCaseFile(MethodView):
    @blp.arguments(CaseFileQuery, location="query")
    @blp.doc(**_file_doc("The case file of the case's newest complaint"))
    @blp.errors(401, 403, 404, 409)
    def get(self, args: dict[str, Any], incident_id: int) -> Response:
        """The case file of the case's newest complaint; 409 no_complaint when it has none"""
        caller = current_user()
        complaint_id = service.latest_complaint_id(db.session, caller=caller, incident_id=incident_id)
        return _file(
            *service.case_file(
                db.session,
                caller=caller,
                complaint_id=complaint_id,
                purpose=args["purpose"],
                fmt=args["format"],
            )
        )


@blp.route("/complaints/<int:complaint_id>")
class ComplaintById(MethodView):
    @blp.response(200, ComplaintRead)
    @blp.errors(401, 403, 404)
    def get(self, complaint_id: int) -> Any:
        """One complaint with its timeline"""
        return service.get_complaint(db.session, caller=current_user(), complaint_id=complaint_id)


def _step(complaint_id: int, action: Any, **kwargs: Any) -> Any:
    caller = current_user()
    complaint = service.get_complaint(
        db.session, caller=caller, complaint_id=complaint_id, audited=False, write=True
    )
    return action(db.session, caller=caller, complaint=complaint, **kwargs)


@blp.route("/complaints/<int:complaint_id>/decision")
class ComplaintDecision(MethodView):
    @blp.arguments(DecisionCreate)
    @blp.response(200, ComplaintRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], complaint_id: int) -> Any:
        """Record the municipality's decision and its date (leaders)"""
        return _step(complaint_id, service.record_decision, **data)


@blp.route("/complaints/<int:complaint_id>/answer")
class ComplaintAnswer(MethodView):
    @blp.arguments(AnswerCreate)
    @blp.response(200, ComplaintRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], complaint_id: int) -> Any:
        """Record the complainant's remarks on the decision and whether they are satisfied (leaders)"""
        return _step(complaint_id, service.record_answer, **data)


@blp.route("/complaints/<int:complaint_id>/forward")
class ComplaintForward(MethodView):
    @blp.arguments(ForwardCreate)
    @blp.response(200, ComplaintRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], complaint_id: int) -> Any:
        """Forward the complaint to the national complaint body (leaders; the complainant is not satisfied)"""
        return _step(complaint_id, service.forward, **data)


@blp.route("/complaints/<int:complaint_id>/close")
class ComplaintClose(MethodView):
    @blp.response(200, ComplaintRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, complaint_id: int) -> Any:
        """Close the complaint (leaders)"""
        return _step(complaint_id, service.close)


@blp.route("/complaints/<int:complaint_id>/case-file")
class ComplaintCaseFile(MethodView):
    @blp.arguments(CaseFileQuery, location="query")
    @blp.doc(**_file_doc("One PDF with an index, or a ZIP of the parts"))
    @blp.errors(401, 403, 404)
    def get(self, args: dict[str, Any], complaint_id: int) -> Response:
        """The case file for the complaint (sagsakt): one PDF with an index, or a ZIP of its parts; audited
        with its purpose"""
        return _file(
            *service.case_file(
                db.session,
                caller=current_user(),
                complaint_id=complaint_id,
                purpose=args["purpose"],
                fmt=args["format"],
            )
        )
