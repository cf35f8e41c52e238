"""Incident and case routes: report, list, read and work a case; the school's list of places."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.scopes import client_scope
from api.core.db import db
from api.core.etag import if_match, set_etag
from api.core.idempotency import idempotent
from api.core.pagination import PageQuery, page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.incidents import permissions, service
from api.incidents.queries import IncidentQuery, TimelineQuery
from api.incidents.schemas import (
    ActionPlanPut,
    ActionPlanRead,
    AcuteMeasureCreate,
    AcuteMeasureRead,
    AudienceItemRead,
    AudienceUpdate,
    EstablishIn,
    FollowUpCreate,
    FollowUpRead,
    IncidentCreate,
    IncidentListItem,
    IncidentRead,
    IncidentUpdate,
    NoteCreate,
    NoteRead,
    PlacesPut,
    PlacesRead,
    ReferralCreate,
    ReferralRead,
    ReferralUpdate,
    TimelineEntryRead,
)

blp = Blueprint(
    "incidents",
    __name__,
    url_prefix="/api/v1",
    description="Incidents and case work: the school's antimobbestrategi and the law's action plan",
    # 403 `step_up_required`: the school wants a two-factor login for case work (see permissions.py).
    every_operation_errors=(403,),
)
blp.before_request(permissions.require_case_work_assurance)


@blp.route("/incidents")
class Incidents(MethodView):
    @client_scope("incidents:read")
    @blp.arguments(IncidentQuery, location="query")
    @blp.response(200, page_schema(IncidentListItem, "IncidentPage", feed=True))
    @blp.errors(400, 401, 410)
    def get(self, args: dict[str, Any]) -> dict:
        """List the cases I may see (filter by status, classification, student, action-plan deadline)"""
        return service.list_incidents(db.session, caller=current_user(), **args)

    @client_scope("incidents:write")
    @idempotent
    @blp.arguments(IncidentCreate)
    @blp.response(201, IncidentRead)
    @blp.errors(401, 403, 409)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Report an incident (staff, or an API client with incidents:write; students and a classification)"""
        session = db.session
        caller = current_user()
        incident = service.create_incident(session, caller=caller, **data)
        incident = service.view_after_write(session, caller=caller, incident=incident)
        return incident, 201, {"Location": f"/api/v1/incidents/{incident.id}"}


@blp.route("/incidents/<int:incident_id>")
class IncidentById(MethodView):
    @client_scope("incidents:read")
    @blp.response(200, IncidentRead)
    @blp.errors(401, 404)
    @blp.etag
    def get(self, incident_id: int) -> Any:
        """Read a case"""
        return service.get_incident(db.session, caller=current_user(), incident_id=incident_id)

    @blp.arguments(IncidentUpdate)
    @blp.response(200, IncidentRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag
    def patch(self, data: dict[str, Any], incident_id: int) -> Any:
        """Change a case: facts, classification, involved students, status (send If-Match)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        incident = service.update_incident(
            session, caller=caller, incident=incident, changes=data, if_match=if_match()
        )
        return service.view_after_write(session, caller=caller, incident=incident)


@blp.route("/incidents/<int:incident_id>/withdraw")
class IncidentWithdraw(MethodView):
    @idempotent
    @blp.response(200, IncidentRead)
    @blp.errors(401, 403, 404, 409, 422)
    @blp.etag
    def post(self, incident_id: int) -> Any:
        """Withdraw my report just after logging it ("Fortryd", within 10 minutes, while nobody works it)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        incident = service.withdraw_incident(session, caller=caller, incident=incident)
        return service.view_after_write(session, caller=caller, incident=incident)


@blp.route("/incidents/<int:incident_id>/timeline")
class IncidentTimeline(MethodView):
    @client_scope("incidents:read")
    @blp.arguments(TimelineQuery, location="query")
    @blp.response(200, page_schema(TimelineEntryRead, "TimelinePage"))
    @blp.errors(401, 404)
    def get(self, args: dict[str, Any], incident_id: int) -> dict:
        """The case's timeline: everything that happened to it (append-only)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.list_timeline(session, caller=caller, incident=incident, **args)


@blp.route("/incidents/<int:incident_id>/notes")
class IncidentNotes(MethodView):
    @client_scope("incidents:read:text")
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_schema(NoteRead, "NotePage"))
    @blp.errors(401, 404)
    def get(self, args: dict[str, Any], incident_id: int) -> dict:
        """The case's notes, newest first (the reporter sees their own)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.list_notes(session, caller=caller, incident=incident, **args)

    @idempotent
    @blp.arguments(NoteCreate)
    @blp.response(201, NoteRead)
    @blp.errors(401, 404, 409)
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Add a note of a conversation with the students, the class or the parents"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.add_note(session, caller=caller, incident=incident, **data), 201


@blp.route("/incidents/<int:incident_id>/establish")
class IncidentEstablish(MethodView):
    @idempotent
    @blp.arguments(EstablishIn)
    @blp.response(200, IncidentRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Establish bullying (leader, resource person): checklist, action-plan deadline, leaders notified"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        incident = service.establish(session, caller=caller, incident=incident, **data)
        return service.view_after_write(session, caller=caller, incident=incident)


@blp.route("/incidents/<int:incident_id>/audiences/<int:item_id>")
class IncidentAudienceItem(MethodView):
    @blp.arguments(AudienceUpdate)
    @blp.response(200, AudienceItemRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def patch(self, data: dict[str, Any], incident_id: int, item_id: int) -> Any:
        """Record what was done towards one of the five audiences (send the item's etag as If-Match)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        item = service.get_audience_item(session, caller=caller, incident=incident, item_id=item_id)
        return service.update_audience_item(
            session, caller=caller, incident=incident, item=item, changes=data, if_match=if_match()
        )


@blp.route("/incidents/<int:incident_id>/acute-measures")
class IncidentAcuteMeasures(MethodView):
    @idempotent
    @blp.arguments(AcuteMeasureCreate)
    @blp.response(201, AcuteMeasureRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Record an acute measure taken before the action plan exists (case workers)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.add_acute_measure(session, caller=caller, incident=incident, **data), 201


@blp.route("/incidents/<int:incident_id>/action-plan")
class IncidentActionPlan(MethodView):
    @blp.arguments(ActionPlanPut)
    @blp.response(200, ActionPlanRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag(if_match="The plan's etag; required once the plan exists")
    def put(self, data: dict[str, Any], incident_id: int) -> Any:
        """Write the action plan (leader, resource person; If-Match once the plan exists)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.save_action_plan(
            session, caller=caller, incident=incident, if_match=if_match(), **data
        )


@blp.route("/incidents/<int:incident_id>/follow-ups")
class IncidentFollowUps(MethodView):
    @idempotent
    @blp.arguments(FollowUpCreate)
    @blp.response(201, FollowUpRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Record a follow-up meeting: stopped, decreased or continued ('continued' reopens the plan)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.record_follow_up(session, caller=caller, incident=incident, **data), 201


@blp.route("/incidents/<int:incident_id>/referrals")
class IncidentReferrals(MethodView):
    @idempotent
    @blp.arguments(ReferralCreate)
    @blp.response(201, ReferralRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag
    def post(self, data: dict[str, Any], incident_id: int) -> Any:
        """Refer the case to an external partner (leader, resource person)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        return service.add_referral(session, caller=caller, incident=incident, **data), 201


@blp.route("/incidents/<int:incident_id>/referrals/<int:referral_id>")
class IncidentReferralById(MethodView):
    @blp.arguments(ReferralUpdate)
    @blp.response(200, ReferralRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def patch(self, data: dict[str, Any], incident_id: int, referral_id: int) -> Any:
        """Update a referral's status or note (leader, resource person; send its etag as If-Match)"""
        session = db.session
        caller = current_user()
        incident = service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
        referral = service.get_referral(session, caller=caller, incident=incident, referral_id=referral_id)
        return service.update_referral(
            session, caller=caller, incident=incident, referral=referral, changes=data, if_match=if_match()
        )


@blp.route("/incident-places")
class IncidentPlaces(MethodView):
    @client_scope("incidents:read")
    @blp.response(200, PlacesRead)
    @blp.errors(401)
    @blp.etag
    def get(self) -> Any:
        """The places staff choose from when reporting an incident"""
        places = service.get_places(db.session, caller=current_user())
        set_etag(service.places_etag(places["places"]))
        return places

    @blp.arguments(PlacesPut)
    @blp.response(200, PlacesRead)
    @blp.errors(401, 403)
    @blp.etag
    def put(self, data: dict[str, Any]) -> Any:
        """Replace the school's list of places (admin, leader; send If-Match; [] restores the default)"""
        places = service.set_places(
            db.session, caller=current_user(), places=data["places"], if_match=if_match()
        )
        set_etag(service.places_etag(places["places"]))
        return places
