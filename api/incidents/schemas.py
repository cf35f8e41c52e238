"""Incident and case schemas: create, update and read are separate; unknown fields are 422."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g, has_request_context

from api.clients.schemas import ApiClientBrief
from api.core.enums import enum_values
from api.core.etag import etag_of
from api.core.fields import day_field, id_field, moment_field, text_field
from api.core.scoping import per_request
from api.extensions import Schema, actions_field, computed
from api.incidents import permissions
from api.incidents.actions import ACTION_VALUES
from api.incidents.models import (
    AUDIENCE_ACTIONS,
    BULLYING_LIKE,
    Audience,
    CaseStatus,
    Classification,
    FollowUpOutcome,
    InvolvementRole,
    KnowledgeSource,
    NoteKind,
    Partner,
    ReferralStatus,
)
from api.users.schemas import UserBrief

# ------------------------------------------------------------------ read


def _withheld(involved: Any) -> bool:
    # The caller's rule, not the record's (outside a request: names shown). A listed case's involvement carries
    # the answer, decided once for its page (asked for each of a 1,000-case page's students, the request's
    # memo was a third of the dump); a case's own involvements ask the memo, once per request.
    decided = getattr(involved, "names_withheld", None)
    if decided is not None:
        return decided
    return has_request_context() and per_request("names_withheld", _names_withheld)


def _names_withheld() -> bool:
    caller = g.get("trivsel_user")
    return caller is not None and permissions.withholds_student_names(caller)


class InvolvedStudentRead(Schema):
    """A student involved in the incident, referred to like every student on another record: id and
    display_name."""

    id = ma.fields.Integer(
        attribute="student_id", dump_only=True, metadata={"description": "The student's id"}
    )
    # Withheld (empty, null) only in the answer to an API client that reads neither the roster nor the cases.
    display_name = computed(lambda s: "" if _withheld(s) else s.student.display_name, "string")
    class_name = computed(lambda s: None if _withheld(s) else s.student.class_name, "string", nullable=True)
    role = ma.fields.String(dump_only=True, metadata={"enum": enum_values(InvolvementRole)})


class AudienceItemRead(Schema):
    """One of the five audiences: what the strategy suggests, and who did what, when and how."""

    id = ma.fields.Integer(dump_only=True)
    audience = ma.fields.String(dump_only=True, metadata={"enum": enum_values(Audience)})
    suggested_actions = computed(lambda i: list(AUDIENCE_ACTIONS[i.audience]), "array", items="string")
    actions = computed(lambda i: list(i.actions or []), "array", items="string")
    how = ma.fields.String(dump_only=True, allow_none=True)
    done = computed(lambda i: i.done_at is not None, "boolean")
    done_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    done_by = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    etag = computed(etag_of, "string", description="Send as If-Match to update")


class AcuteMeasureRead(Schema):
    """An acute measure."""

    id = ma.fields.Integer(dump_only=True)
    description = ma.fields.String(dump_only=True)
    taken_at = ma.fields.AwareDateTime(dump_only=True)
    recorded_by = ma.fields.Nested(UserBrief, dump_only=True)


class PlanMeasureRead(Schema):
    """A measure of the action plan."""

    id = ma.fields.Integer(dump_only=True)
    description = ma.fields.String(dump_only=True)
    responsible_user = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    responsible = ma.fields.String(dump_only=True, allow_none=True)
    due_on = ma.fields.Date(dump_only=True, allow_none=True)


class ActionPlanRead(Schema):
    """The action plan (handlingsplan)."""

    id = ma.fields.Integer(dump_only=True)
    measures = ma.fields.List(ma.fields.Nested(PlanMeasureRead), dump_only=True)
    follow_up_on = ma.fields.Date(dump_only=True, allow_none=True)
    informed_students_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    informed_parents_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    adopted_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When the plan came to exist; null while a reopened plan is being revised"},
    )
    adopted_by = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    reopened_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = computed(etag_of, "string", description="Send as If-Match to update")


class FollowUpRead(Schema):
    """A follow-up meeting."""

    id = ma.fields.Integer(dump_only=True)
    held_on = ma.fields.Date(dump_only=True)
    outcome = ma.fields.String(dump_only=True, metadata={"enum": enum_values(FollowUpOutcome)})
    summary = ma.fields.String(dump_only=True, allow_none=True)
    next_follow_up_on = ma.fields.Date(dump_only=True, allow_none=True)
    recorded_by = ma.fields.Nested(UserBrief, dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class ReferralRead(Schema):
    """A referral to an external partner."""

    id = ma.fields.Integer(dump_only=True)
    partner = ma.fields.String(dump_only=True, metadata={"enum": enum_values(Partner)})
    partner_name = ma.fields.String(dump_only=True, allow_none=True)
    referred_on = ma.fields.Date(dump_only=True)
    status = ma.fields.String(dump_only=True, metadata={"enum": enum_values(ReferralStatus)})
    note = ma.fields.String(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = computed(etag_of, "string", description="Send as If-Match to update")


_DEADLINE_DOC = {
    "description": "The action plan's deadline: pending, due_soon (within 2 working days), overdue, met; "
    "null when no plan is due",
    "enum": ["pending", "due_soon", "overdue", "met", None],
}


class IncidentListItem(Schema):
    """A case as listed."""

    id = ma.fields.Integer(dump_only=True)
    classification = ma.fields.String(dump_only=True, metadata={"enum": enum_values(Classification)})
    status = ma.fields.String(dump_only=True, metadata={"enum": enum_values(CaseStatus)})
    occurred_at = ma.fields.AwareDateTime(dump_only=True)
    place = ma.fields.String(dump_only=True, allow_none=True)
    knowledge_source = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"enum": enum_values(KnowledgeSource)}
    )
    students = ma.fields.List(ma.fields.Nested(InvolvedStudentRead), dump_only=True)
    reporter = ma.fields.Nested(
        UserBrief,
        attribute="reported_by",
        dump_only=True,
        allow_none=True,
        metadata={"description": "The staff member who reported it; null when an API client did"},
    )
    reporting_client = ma.fields.Nested(
        ApiClientBrief,
        attribute="reported_by_client",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The API client that reported it (scope incidents:write, e.g. a student-support "
            "system); null when a staff member did"
        },
    )
    established_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    action_plan_due = ma.fields.Date(dump_only=True, allow_none=True)
    deadline_status = ma.fields.String(dump_only=True, allow_none=True, metadata=_DEADLINE_DOC)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(
        dump_only=True, metadata={"description": "Last change of the case or its case work"}
    )
    etag = computed(
        etag_of, "string", description="The record's version: If-Match to change it, If-None-Match to re-read"
    )


def _full(getter: Any, empty: Any) -> Any:
    """Case-work sections are shown to case workers only (the reporter view leaves them out)."""
    return lambda obj: getter(obj) if obj.view == "full" else empty


class CaseWorkNested(ma.fields.Nested):
    """A case-work section (typed in the spec), left empty for a reader who only reported the case."""

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        # Decided before the section is read, so a reporter's read never loads the case work.
        if getattr(obj, "view", None) != "full":
            return [] if self.many else None
        return super().serialize(attr, obj, accessor, **kwargs)


class IncidentRead(IncidentListItem):
    """A case with everything its reader may see."""

    description = computed(
        lambda i: None if i.view == "client" else i.description,
        "string",
        nullable=True,
        description="What happened (free text; null for an API client without incidents:read:text)",
    )
    digital_medium = ma.fields.String(dump_only=True, allow_none=True)
    pupil_perspective = computed(_full(lambda i: i.pupil_perspective, None), "string", nullable=True)
    accused_staff = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    established_by = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    closed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    strategy_version_id = ma.fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The antimobbestrategi in force when reported"},
    )
    view = ma.fields.String(
        dump_only=True,
        metadata={
            "enum": ["full", "reporter", "client"],
            "description": "full for the case's workers; reporter for whoever reported it (no case work); "
            "client for an API client without incidents:read:text (no free text, no case work)",
        },
    )
    allowed_transitions = ma.fields.List(
        ma.fields.String(metadata={"enum": enum_values(CaseStatus)}),
        dump_only=True,
        metadata={"description": "The statuses this user may move the case to now"},
    )
    allowed_actions = actions_field(
        ACTION_VALUES,
        "What this user may do on the case now (the API refuses every other action): edit_facts and "
        "change_students (PATCH), reclassify, set_pupil_perspective and set_accused_staff (PATCH those fields), "
        "add_note, establish, add_acute_measure, update_checklist (the five audiences), write_action_plan, "
        "record_follow_up, add_referral, update_referral, withdraw",
    )
    withdrawn_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When its reporter withdrew the report (then it is in no list or log)"},
    )
    withdrawn_by = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    audiences = CaseWorkNested(AudienceItemRead, many=True, dump_only=True)
    acute_measures = CaseWorkNested(AcuteMeasureRead, many=True, dump_only=True)
    action_plan = CaseWorkNested(ActionPlanRead, dump_only=True, allow_none=True)
    follow_ups = CaseWorkNested(FollowUpRead, many=True, dump_only=True)
    referrals = CaseWorkNested(ReferralRead, many=True, dump_only=True)


class TimelineEntryRead(Schema):
    """One thing that happened to a case (ids and values only; note text is in the notes)."""

    id = ma.fields.Integer(dump_only=True)
    at = ma.fields.AwareDateTime(dump_only=True)
    kind = ma.fields.String(dump_only=True)
    actor = ma.fields.Nested(UserBrief, dump_only=True, allow_none=True)
    detail = ma.fields.Dict(dump_only=True, allow_none=True)


class NoteRead(Schema):
    """A case note."""

    id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(dump_only=True, metadata={"enum": enum_values(NoteKind)})
    participants = ma.fields.String(dump_only=True, allow_none=True)
    body = ma.fields.String(dump_only=True)
    occurred_at = ma.fields.AwareDateTime(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    author = ma.fields.Nested(UserBrief, dump_only=True)


class PlacesRead(Schema):
    """The places staff choose from when reporting."""

    places = ma.fields.List(ma.fields.String(), dump_only=True)
    customized = ma.fields.Boolean(
        dump_only=True, metadata={"description": "false: the default list (the UI shows Danish labels)"}
    )


# ------------------------------------------------------------------ write


class InvolvedStudentIn(Schema):
    """A student and their part in the incident."""

    student_id = id_field(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(enum_values(InvolvementRole)))


class IncidentCreate(Schema):
    """A new incident: students and a classification are enough; the time defaults to now."""

    classification = ma.fields.String(required=True, validate=ma.validate.OneOf(enum_values(Classification)))
    students = ma.fields.List(
        ma.fields.Nested(InvolvedStudentIn), required=True, validate=ma.validate.Length(min=1, max=50)
    )
    occurred_at = moment_field(metadata={"description": "Default: now. Without an offset: Copenhagen time"})
    place = text_field(
        max_length=100,
        min_length=1,
        metadata={"description": "One of the school's places (GET /api/v1/incident-places)"},
    )
    description = text_field(max_length=10_000)
    knowledge_source = ma.fields.String(validate=ma.validate.OneOf(enum_values(KnowledgeSource)))
    digital_medium = text_field(
        max_length=100, metadata={"description": "For digital bullying: which app or platform"}
    )
    accused_staff_id = id_field(
        metadata={"description": "A staff member accused; then only leaders see the case"}
    )
    pupil_perspective = text_field(
        max_length=10_000, metadata={"description": "How the student experiences it"}
    )


class IncidentUpdate(Schema):
    """Changes to a case; every field optional. Status changes follow the workflow (a bad one is 409)."""

    classification = ma.fields.String(validate=ma.validate.OneOf(enum_values(Classification)))
    status = ma.fields.String(validate=ma.validate.OneOf(enum_values(CaseStatus)))
    students = ma.fields.List(ma.fields.Nested(InvolvedStudentIn), validate=ma.validate.Length(min=1, max=50))
    occurred_at = moment_field()
    place = text_field(max_length=100, allow_none=True)
    description = text_field(max_length=10_000, allow_none=True)
    knowledge_source = ma.fields.String(
        validate=ma.validate.OneOf(enum_values(KnowledgeSource)), allow_none=True
    )
    digital_medium = text_field(max_length=100, allow_none=True)
    accused_staff_id = id_field(allow_none=True)
    pupil_perspective = text_field(max_length=10_000, allow_none=True)


class EstablishIn(Schema):
    """Establish bullying; optionally with the classification it was established as."""

    classification = ma.fields.String(validate=ma.validate.OneOf([c.value for c in BULLYING_LIKE]))


class AudienceUpdate(Schema):
    """Record what was done towards one audience."""

    done = ma.fields.Boolean()
    done_at = moment_field(metadata={"description": "Default: now when done is true"})
    actions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=32)), validate=ma.validate.Length(max=10)
    )
    how = text_field(max_length=5_000, allow_none=True)


class AcuteMeasureCreate(Schema):
    """An acute measure taken before the action plan exists."""

    description = text_field(max_length=5_000, min_length=1, required=True)
    taken_at = moment_field(metadata={"description": "Default: now"})


class PlanMeasureIn(Schema):
    """A measure and who carries it out (a staff member, or e.g. 'the parents')."""

    description = text_field(max_length=5_000, min_length=1, required=True)
    responsible_user_id = id_field(allow_none=True)
    responsible = text_field(max_length=200, allow_none=True)
    due_on = day_field(allow_none=True)


class ActionPlanPut(Schema):
    """The whole action plan (replaces the measures)."""

    measures = ma.fields.List(
        ma.fields.Nested(PlanMeasureIn), required=True, validate=ma.validate.Length(min=1, max=30)
    )
    follow_up_on = day_field(
        required=True, metadata={"description": "KiVa practice: 1-2 weeks after the plan"}
    )
    informed_students_at = moment_field(allow_none=True)
    informed_parents_at = moment_field(allow_none=True)


class FollowUpCreate(Schema):
    """A follow-up meeting held."""

    held_on = day_field(required=True)
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(enum_values(FollowUpOutcome)))
    summary = text_field(max_length=10_000)
    next_follow_up_on = day_field()


class ReferralCreate(Schema):
    """A referral to an external partner."""

    partner = ma.fields.String(required=True, validate=ma.validate.OneOf(enum_values(Partner)))
    partner_name = text_field(max_length=200)
    referred_on = day_field(metadata={"description": "Default: today"})
    status = ma.fields.String(validate=ma.validate.OneOf(enum_values(ReferralStatus)))
    note = text_field(max_length=5_000)


class ReferralUpdate(Schema):
    """Changes to a referral."""

    status = ma.fields.String(validate=ma.validate.OneOf(enum_values(ReferralStatus)))
    partner_name = text_field(max_length=200, allow_none=True)
    referred_on = day_field()
    note = text_field(max_length=5_000, allow_none=True)


class NoteCreate(Schema):
    """A note of a conversation (samtale) in the case."""

    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(enum_values(NoteKind)))
    participants = text_field(max_length=300, metadata={"description": "Who took part"})
    body = text_field(max_length=20_000, min_length=1, required=True)
    occurred_at = moment_field(metadata={"description": "When the conversation took place; default now"})


class PlacesPut(Schema):
    """The school's list of places (an empty list returns to the default list)."""

    places = ma.fields.List(
        text_field(max_length=100, min_length=1),
        required=True,
        validate=ma.validate.Length(max=50),
    )
