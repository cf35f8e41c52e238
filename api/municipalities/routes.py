"""Municipality routes: the municipality user's schools and their aggregates side by side (JSON and CSV),
and for a school's admin, which municipality the school belongs to."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.analytics import tables
from api.analytics.routes import SUMMARIES, csv_response, for_clients
from api.analytics.schemas import PeriodQuery, SchoolsTableRead
from api.analytics.views import VIEWS
from api.core.db import db
from api.core.lifecycle import municipality_route
from api.core.permissions import current_user
from api.extensions import Blueprint
from api.municipalities import service
from api.municipalities.schemas import MunicipalityRead, SchoolMunicipalityRead

blp = Blueprint(
    "municipalities",
    __name__,
    url_prefix="/api/v1",
    description="The municipality view: each school's aggregates side by side, small cells suppressed, no "
    "names (role municipality, or an API client with analytics:read)",
)

# Every endpoint a municipality user reads (each open to API clients with analytics:read too).
MUNICIPALITY_ENDPOINTS: list[str] = ["municipalities.CurrentMunicipality"]


@blp.route("/municipality")
class CurrentMunicipality(MethodView):
    @municipality_route
    @for_clients
    @blp.response(200, MunicipalityRead)
    @blp.errors(401, 403, 404)
    def get(self) -> dict[str, Any]:
        """My municipality and its schools (municipality users)"""
        return service.current(db.session, caller=current_user())


@blp.route("/schools/current/municipality")
class SchoolMunicipality(MethodView):
    @blp.response(200, SchoolMunicipalityRead)
    @blp.errors(401, 403)
    def get(self) -> dict[str, Any]:
        """The municipality my school belongs to (admin); schools are grouped from the command line"""
        return {"municipality": service.school_municipality(db.session, caller=current_user())}


def _side_by_side(view: str, args: dict[str, Any]) -> list[tuple[Any, tables.Table]]:
    return service.side_by_side(db.session, caller=current_user(), view=view, **args)


def _register(view: str, summary: str) -> None:
    camel = "".join(part.title() for part in view.split("-"))

    def get_json(self: Any, args: dict[str, Any]) -> dict[str, Any]:
        rows = _side_by_side(view, args)
        return {
            "view": view,
            "schools": [{"school": s, "table": tables.as_dict(t)} for s, t in rows],
        }

    def get_csv(self: Any, args: dict[str, Any]) -> Response:
        rows = _side_by_side(view, args)
        return csv_response(tables.to_csv([(s.name, t) for s, t in rows]), f"kommune-{view}")

    get_json.__doc__ = f"{summary}, each school of my municipality side by side"
    get_csv.__doc__ = f"{summary}, each school of my municipality, as CSV for Excel"
    args = blp.arguments(PeriodQuery, location="query")
    json_view = type(
        f"Municipality{camel}",
        (MethodView,),
        {
            "get": municipality_route(
                for_clients(
                    blp.errors(401, 403, 404, 422)(blp.response(200, SchoolsTableRead)(args(get_json)))
                )
            )
        },
    )
    csv_doc = blp.response(200, {"type": "string"}, content_type="text/csv", description="The tables as CSV")
    csv_view = type(
        f"Municipality{camel}Csv",
        (MethodView,),
        {"get": municipality_route(for_clients(blp.errors(401, 403, 404, 422)(csv_doc(args(get_csv)))))},
    )
    blp.route(f"/municipality/analytics/{view}")(json_view)
    blp.route(f"/municipality/analytics/{view}.csv")(csv_view)
    MUNICIPALITY_ENDPOINTS.extend(
        [f"municipalities.{json_view.__name__}", f"municipalities.{csv_view.__name__}"]
    )


for _name in VIEWS:
    _register(_name, SUMMARIES[_name])
