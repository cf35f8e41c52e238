"""Scheduled job routes: their state, for admins."""

from __future__ import annotations

from flask.views import MethodView

from api.core.db import db
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.jobs import service
from api.jobs.schemas import JobList

blp = Blueprint(
    "jobs",
    __name__,
    url_prefix="/api/v1/jobs",
    description="The scheduled jobs `trivsel worker` runs (reminders, purges) and how they went (admins)",
)


@blp.route("")
class Jobs(MethodView):
    @blp.response(200, JobList)
    @blp.errors(401, 403)
    def get(self) -> dict:
        """List the scheduled jobs with their schedule and last runs"""
        return {"items": service.list_jobs(db.session, caller=current_user())}
