"""Attention list routes."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.attention import service
from api.attention.schemas import AttentionQuery, AttentionRead, SeenRead
from api.core.db import db
from api.core.permissions import current_user
from api.extensions import Blueprint

blp = Blueprint(
    "attention",
    __name__,
    url_prefix="/api/v1",
    description="What needs attention now: new reports, unassessed reports, deadlines, follow-ups, quiet "
    "play-partner arrangements, repeated low mood",
)


@blp.route("/attention")
class Attention(MethodView):
    @blp.arguments(AttentionQuery, location="query")
    @blp.response(200, AttentionRead)
    @blp.errors(401, 403, 422)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """What needs my attention now, by kind, each item linking to its record"""
        kinds = args.pop("kind", None)
        return service.attention_list(db.session, caller=current_user(), kinds=kinds, **args)


@blp.route("/attention/seen")
class AttentionSeen(MethodView):
    @blp.response(200, SeenRead)
    @blp.errors(401, 403)
    def post(self) -> dict[str, Any]:
        """Mark the list as seen: new reports are counted from now on"""
        return {"seen_at": service.mark_seen(db.session, caller=current_user())}
