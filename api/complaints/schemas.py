"""Complaint schemas."""

from __future__ import annotations

import marshmallow as ma

from api.complaints.models import ComplainantKind, ComplaintStatus, DecisionOutcome
from api.core.enums import register_enum
from api.core.fields import day_field, enum_field, id_field, text_field
from api.extensions import Schema

STATUSES = [s.value for s in ComplaintStatus]
# Why a case file is exported (audited with it).
CASE_FILE_PURPOSES = ("municipality", "national_body", "complainant_access", "internal_review")
register_enum(
    "CaseFilePurpose",
    "Why a case file is exported (stored with the export in the audit log).",
    {
        "municipality": ("kommunen", "For the municipality's decision on the complaint."),
        "national_body": ("klageinstansen", "Forwarded to the national complaint body."),
        "complainant_access": ("aktindsigt", "The complainant's access to the file."),
        "internal_review": ("intern gennemgang", "The school's own review."),
    },
)
register_enum(
    "CaseFileFormat",
    "How a case file is delivered.",
    {
        "pdf": ("PDF", "One PDF with an index."),
        "zip": ("ZIP", "A ZIP with the PDF and each part as its own PDF."),
    },
)


class ComplaintCreate(Schema):
    """A complaint received about a case."""

    student_id = id_field(
        required=True, metadata={"description": "The involved student the complaint is about"}
    )
    complainant_kind = enum_field(ComplainantKind, required=True)
    guardian_id = id_field(allow_none=True, metadata={"description": "A custodial guardian who complained"})
    complainant_name = text_field(
        max_length=200, allow_none=True, metadata={"description": "Defaults to the guardian's name"}
    )
    received_on = day_field(required=True)
    complaint_text = text_field(max_length=20_000, min_length=1, required=True)


class DecisionCreate(Schema):
    """The municipality's decision."""

    decision_outcome = enum_field(DecisionOutcome, required=True)
    decision_text = text_field(max_length=20_000, min_length=1, required=True)
    decided_on = day_field(required=True)


class AnswerCreate(Schema):
    """The complainant's remarks on the decision."""

    complainant_answer = text_field(max_length=20_000, allow_none=True)
    answered_on = day_field(required=True)
    satisfied = ma.fields.Boolean(required=True)


class ForwardCreate(Schema):
    """Forwarding to the national complaint body."""

    forwarded_on = day_field(required=True)
    forwarded_to = text_field(
        max_length=200,
        allow_none=True,
        metadata={
            "description": "Defaults to the deployment's configured national body (COMPLAINT_BODY_NAME)"
        },
    )


class ComplaintEventRead(Schema):
    """A step on the complaint's timeline."""

    id = ma.fields.Integer(required=True)
    at = ma.fields.AwareDateTime(required=True)
    status = ma.fields.String(required=True, metadata={"enum": STATUSES})
    actor_id = ma.fields.Integer(required=True, allow_none=True)
    detail = ma.fields.Dict(required=True, allow_none=True)


class ComplaintRead(Schema):
    """A complaint and its course."""

    id = ma.fields.Integer(required=True)
    incident_id = ma.fields.Integer(required=True)
    student_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata={"enum": STATUSES})
    complainant_kind = ma.fields.String(required=True)
    guardian_id = ma.fields.Integer(required=True, allow_none=True)
    complainant_name = ma.fields.String(required=True)
    received_on = ma.fields.Date(required=True)
    complaint_text = ma.fields.String(required=True)
    decision_due = ma.fields.Date(
        required=True, metadata={"description": "20 working days after receipt, by the school's calendar"}
    )
    decision_overdue = ma.fields.Boolean(required=True)
    decision_outcome = ma.fields.String(required=True, allow_none=True)
    decision_text = ma.fields.String(required=True, allow_none=True)
    decided_on = ma.fields.Date(required=True, allow_none=True)
    complainant_answer = ma.fields.String(required=True, allow_none=True)
    answered_on = ma.fields.Date(required=True, allow_none=True)
    complainant_satisfied = ma.fields.Boolean(required=True, allow_none=True)
    forwarded_to = ma.fields.String(required=True, allow_none=True)
    forwarded_on = ma.fields.Date(required=True, allow_none=True)
    national_body = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "The deployment's national complaint body"}
    )
    allowed_steps = ma.fields.List(ma.fields.String(metadata={"enum": STATUSES}), required=True)
    events = ma.fields.List(ma.fields.Nested(ComplaintEventRead), required=True)


class ComplaintList(Schema):
    """A case's complaints."""

    items = ma.fields.List(ma.fields.Nested(ComplaintRead), required=True)
    can_create = ma.fields.Boolean(
        required=True, metadata={"description": "Whether this user may record complaints and their steps"}
    )


class CaseFileQuery(Schema):
    """What the case file is for (audited) and in which form."""

    purpose = enum_field(CASE_FILE_PURPOSES, required=True)
    format = enum_field(
        ("pdf", "zip"), load_default="pdf", metadata={"description": "One PDF, or a ZIP of the parts"}
    )
