"""The app's screens a user is offered, and the one they start on, decided here from each domain's own rules
(`GET /auth/me` and the login's answer carry them), so the app never mirrors a role list of its own.

A screen is offered when its domain lets the user do what the screen is for; a screen shows less than the
API would allow where that is the product's choice (an admin may report a case through the API, but the quick
log is for the adults who work with children). The API still checks every request on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.analytics import permissions as analytics
from api.attention import permissions as attention
from api.clients import permissions as clients
from api.core.enums import register_enum
from api.core.permissions import works_with_children
from api.incidents import permissions as incidents
from api.municipalities import permissions as municipalities
from api.observations import permissions as observations
from api.play_partners import permissions as play_partners
from api.sso import permissions as sso
from api.strategy import permissions as strategy
from api.students import permissions as students
from api.users import permissions as users
from api.wellbeing_days import permissions as wellbeing_days


def _overview(user: Any) -> bool:
    # The overview is the case owners' screen: the attention list and the patterns of every case they work.
    # A teacher reads their own attention list and aggregates through the API, but has no overview screen.
    return user.has_role(*incidents.OWNER_ROLES) and attention.may_read(user) and analytics.may_view(user)


# In the order the app lists them.
SCREENS: dict[str, Callable[[Any], bool]] = {
    "log": works_with_children,
    "overview": _overview,
    "notifications": lambda u: True,
    "cases": works_with_children,
    "students": works_with_children,
    "play_partners": play_partners.may_make,
    "observations": observations.may_log,
    "wellbeing_days": wellbeing_days.may_view,
    "strategy": strategy.may_read,
    "users": users.may_manage,
    "classes": students.may_export,
    "import": students.may_manage_roster,
    "municipality": municipalities.is_municipality_user,
    "api_clients": clients.may_manage,
    "sso": sso.may_manage,
}
SCREEN_NAMES = list(SCREENS)

# Each screen's Danish name and meaning, in the app's order (the spec's AppScreen enum).
_TERMS: dict[str, tuple[str, str]] = {
    "log": ("Hurtig registrering", "Log an incident or an observation from the schoolyard"),
    "overview": ("Overblik", "The case owners' attention list and patterns"),
    "notifications": ("Beskeder", "The user's notifications"),
    "cases": ("Sager", "The cases the user may see"),
    "students": ("Elever", "The school's students and their logs"),
    "play_partners": ("Legemakkere", "Play-partner arrangements"),
    "observations": ("Observationer", "Observations of wellbeing"),
    "wellbeing_days": ("Trivselsdage", "Wellbeing days and their groups"),
    "strategy": ("Antimobbestrategi", "The school's anti-bullying strategy"),
    "users": ("Brugere", "The school's users (an admin)"),
    "classes": ("Klasser", "The school's classes and their staff"),
    "import": ("Import af elever", "The roster import (an admin)"),
    "municipality": ("Kommunens skoler", "The municipality's schools side by side, aggregates only"),
    "api_clients": ("API-klienter", "The school's API clients (an admin)"),
    "sso": ("Log ind-udbydere", "Sign-in providers and linked identities (an admin)"),
}
assert list(_TERMS) == SCREEN_NAMES
register_enum(
    "AppScreen", "A screen of the app, as offered to the signed-in user (`screens`, `home`)", _TERMS
)


def screens_for(user: Any) -> list[str]:
    """The screens the user is offered, in the app's order."""
    if municipalities.is_municipality_user(user):
        # Every other route refuses a municipality user (api/core/lifecycle.py).
        return ["municipality"]
    return [name for name, offered in SCREENS.items() if offered(user)]


def home_for(user: Any) -> str:
    """The screen the app opens on after login: the quick log for the adults in the schoolyard, the
    notifications for those who own the cases, the users for an admin, the aggregates for a municipality."""
    offered = screens_for(user)
    if user.has_role(*incidents.CLASS_WORK_ROLES, observations.SFO_ROLE):
        first = "log"
    elif user.has_role(*incidents.OWNER_ROLES):
        first = "notifications"
    else:
        first = "users"
    return first if first in offered else offered[0]
