"""School routes: the current user's school and its settings."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.db import db
from api.core.etag import if_match
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.schools import service
from api.schools.schemas import SchoolRead, SchoolUpdate

blp = Blueprint("schools", __name__, url_prefix="/api/v1/schools", description="The school and its settings")


@blp.route("/current")
class CurrentSchool(MethodView):
    @blp.response(200, SchoolRead)
    @blp.errors(401)
    @blp.etag
    def get(self) -> Any:
        """The school of the logged-in user"""
        return service.current_school(db.session, caller=current_user())

    @blp.arguments(SchoolUpdate)
    @blp.response(200, SchoolRead)
    @blp.errors(401, 403, 409)
    @blp.etag
    def patch(self, data: dict[str, Any]) -> Any:
        """Change the school's name or settings, such as its recess times (admin; send If-Match)"""
        session = db.session
        caller = current_user()
        school = service.current_school(session, caller=caller)
        return service.update_school(session, caller=caller, school=school, if_match=if_match(), **data)
