"""User routes: a school's admin manages that school's users; every staff member looks colleagues up by name."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.db import db
from api.core.etag import if_match
from api.core.idempotency import idempotent
from api.core.pagination import page_schema
from api.core.permissions import current_session_id, current_user
from api.extensions import Blueprint
from api.users import service
from api.users.schemas import StaffMemberRead, StaffQuery, UserCreate, UserQuery, UserRead, UserUpdate

blp = Blueprint(
    "users",
    __name__,
    url_prefix="/api/v1",
    description="Staff users of the school (admin), and the staff directory every staff member may read",
)


@blp.route("/staff")
class Staff(MethodView):
    @blp.arguments(StaffQuery, location="query")
    @blp.response(200, page_schema(StaffMemberRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """List the active staff of your school by name (for picking a colleague)"""
        return service.staff_directory(db.session, caller=current_user(), **args)


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, page_schema(UserRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> dict:
        """List the school's users"""
        return service.list_users(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(UserCreate)
    @blp.response(201, UserRead)
    @blp.errors(401, 403, 409)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user in the school"""
        user = service.create_user(db.session, caller=current_user(), **data)
        return user, 201, {"Location": f"/api/v1/users/{user.id}"}


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    @blp.response(200, UserRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, user_id: int) -> Any:
        """Get a user"""
        return service.get_user(db.session, caller=current_user(), user_id=user_id)

    @blp.arguments(UserUpdate)
    @blp.response(200, UserRead)
    @blp.errors(401, 403, 404, 409)
    @blp.etag
    def patch(self, data: dict[str, Any], user_id: int) -> Any:
        """Update or deactivate a user (send If-Match)"""
        session = db.session
        caller = current_user()
        user = service.get_user(session, caller=caller, user_id=user_id)
        return service.update_user(
            session,
            caller=caller,
            user=user,
            changes=data,
            caller_session=current_session_id(),
            if_match=if_match(),
        )
