"""Aggregate routes: `/analytics/<view>` (JSON) and `/analytics/<view>.csv` (Excel) for a school's staff, and
for API clients holding `analytics:read` (the aggregates of their token's school)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.analytics import service, tables
from api.analytics.permissions import CLIENT_SCOPE
from api.analytics.schemas import StaffQuery, TableRead
from api.analytics.views import VIEWS
from api.auth.scopes import client_scope
from api.core.db import db
from api.core.permissions import current_user
from api.core.timeutil import local_date
from api.extensions import Blueprint

blp = Blueprint(
    "analytics",
    __name__,
    url_prefix="/api/v1",
    description="Patterns and trends: aggregates of the cases and observations you may see, small cells "
    "suppressed, never a name",
)

# Every endpoint of this blueprint (each open to API clients with analytics:read).
ANALYTICS_ENDPOINTS: list[str] = []
for_clients = client_scope(CLIENT_SCOPE)


def csv_response(text: str, view: str) -> Response:
    """A CSV download named after the view and today."""
    name = f"trivsel-{view}-{local_date().isoformat()}.csv"
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _register(view: str, summary: str) -> None:
    camel = "".join(part.title() for part in view.split("-"))

    def get_json(self: Any, args: dict[str, Any]) -> dict[str, Any]:
        return tables.as_dict(service.staff_view(db.session, caller=current_user(), view=view, **args))

    def get_csv(self: Any, args: dict[str, Any]) -> Response:
        table = service.staff_view(db.session, caller=current_user(), view=view, **args)
        return csv_response(tables.to_csv([(None, table)]), view)

    get_json.__doc__ = summary
    get_csv.__doc__ = f"{summary} as CSV for Excel"
    json_view = type(
        f"Analytics{camel}",
        (MethodView,),
        {
            "get": for_clients(
                blp.errors(401, 403, 404, 422)(
                    blp.response(200, TableRead)(blp.arguments(StaffQuery, location="query")(get_json))
                )
            )
        },
    )
    csv_view = type(
        f"Analytics{camel}Csv",
        (MethodView,),
        {
            "get": for_clients(
                blp.errors(401, 403, 404, 422)(
                    blp.response(
                        200, {"type": "string"}, content_type="text/csv", description="The table as CSV"
                    )(blp.arguments(StaffQuery, location="query")(get_csv))
                )
            )
        },
    )
    blp.route(f"/analytics/{view}")(json_view)
    blp.route(f"/analytics/{view}.csv")(csv_view)
    ANALYTICS_ENDPOINTS.extend([f"analytics.{json_view.__name__}", f"analytics.{csv_view.__name__}"])


SUMMARIES = {
    "heatmap": "Cases by place and hour of the day (heat map)",
    "weekday-recess": "Cases by weekday and recess",
    "classes": "Cases per class by month and classification",
    "class-trend": "Cases per class by month (the trend)",
    "grades": "Cases per grade by month and classification",
    "knowledge-sources": "How adults learned of the cases",
    "response-times": "Days from report to assessment and to the action plan",
    "follow-up-outcomes": "Follow-up outcomes (stopped, decreased, continued)",
    "mood": "Observation mood per class by ISO week",
}
assert set(SUMMARIES) == set(VIEWS)

for _name in VIEWS:
    _register(_name, SUMMARIES[_name])
