"""Observation routes: log in seconds (students + mood), see what colleagues noticed, make an incident."""

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
from api.observations import service
from api.observations.schemas import (
    ObservationCreate,
    ObservationQuery,
    ObservationRead,
    ObservationToIncident,
    ObservationUpdate,
)

blp = Blueprint(
    "observations",
    __name__,
    url_prefix="/api/v1/observations",
    description="Wellbeing observations (SFO, recess, lessons): mood, context, tags, a short note",
)


@blp.route("")
class Observations(MethodView):
    @client_scope("observations:read")
    @blp.arguments(ObservationQuery, location="query")
    @blp.response(200, page_schema(ObservationRead, feed=True))
    @blp.errors(400, 401, 403, 410)
    def get(self, args: dict[str, Any]) -> dict:
        """List the observations you may see, newest first"""
        return service.list_observations(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(ObservationCreate)
    @blp.response(201, ObservationRead)
    @blp.errors(401, 403, 409)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Log an observation (students and a mood are enough)"""
        caller = current_user()
        observation = service.create_observation(db.session, caller=caller, **data)
        set_etag(observation)
        return (
            service.present(caller, observation),
            201,
            {"Location": f"/api/v1/observations/{observation.id}"},
        )


@blp.route("/<int:observation_id>")
class ObservationById(MethodView):
    @client_scope("observations:read")
    @blp.response(200, ObservationRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, observation_id: int) -> Any:
        """Get an observation"""
        caller = current_user()
        observation = service.get_observation(db.session, caller=caller, observation_id=observation_id)
        set_etag(observation)
        return service.present(caller, observation)

    @blp.arguments(ObservationUpdate)
    @blp.response(200, ObservationRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def patch(self, data: dict[str, Any], observation_id: int) -> Any:
        """Correct an observation (author, leader or resource person; send If-Match)"""
        session = db.session
        caller = current_user()
        observation = service.get_observation(
            session, caller=caller, observation_id=observation_id, audited=False
        )
        observation = service.update_observation(
            session, caller=caller, observation=observation, changes=data, if_match=if_match()
        )
        set_etag(observation)
        return service.present(caller, observation)


@blp.route("/<int:observation_id>/withdraw")
class ObservationWithdraw(MethodView):
    @idempotent
    @blp.response(200, ObservationRead)
    @blp.errors(401, 403, 404, 409, 422)
    @blp.etag
    def post(self, observation_id: int) -> Any:
        """Withdraw my observation just after logging it ("Fortryd", within 10 minutes)"""
        session = db.session
        caller = current_user()
        observation = service.get_observation(
            session, caller=caller, observation_id=observation_id, audited=False
        )
        observation = service.withdraw_observation(session, caller=caller, observation=observation)
        set_etag(observation)
        return service.present(caller, observation)


@blp.route("/<int:observation_id>/incident")
class ObservationIncident(MethodView):
    @idempotent
    @blp.arguments(ObservationToIncident)
    @blp.response(201, ObservationRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag
    def post(self, data: dict[str, Any], observation_id: int) -> Any:
        """Turn the observation into an incident, keeping the link (Location: the incident)"""
        session = db.session
        caller = current_user()
        observation = service.get_observation(
            session, caller=caller, observation_id=observation_id, audited=False
        )
        observation = service.convert_to_incident(session, caller=caller, observation=observation, **data)
        set_etag(observation)
        return (
            service.present(caller, observation),
            201,
            {"Location": f"/api/v1/incidents/{observation.incident_id}"},
        )
