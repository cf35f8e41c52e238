"""Who may do what with municipalities.

- A municipality user (role `municipality`, created only from the command line) reads the aggregates of the
  schools of their municipality, side by side with every small cell suppressed, and the municipality's name
  and school list. Every other route of the API refuses them (api/core/lifecycle.py): they see no case, no
  student, no name.
- Which municipality: the one their own school (the school their account was created in) belongs to.
- An API client holding `analytics:read` reads the same side-by-side aggregates and the municipality's name,
  for the municipality its token's school belongs to, and of its schools only those it was registered for
  (another school of the municipality is never shown to it). A client whose token's school belongs to no
  municipality gets 404, like a municipality user's.
- Grouping schools into a municipality is the deployment's setup, from the command line
  (`trivsel create-municipality`, `trivsel assign-school`): no school's admin may give anyone a view of other
  schools. A school's admin may see which municipality their school belongs to.
"""

from __future__ import annotations

from typing import Any

from api.analytics.permissions import CLIENT_SCOPE
from api.auth.scopes import is_client
from api.core.permissions import deny
from api.users.models import MUNICIPALITY_ROLE


def is_municipality_user(caller: Any) -> bool:
    """Whether the caller is a municipality's user (who reads its schools' aggregates and nothing else)."""
    return not is_client(caller) and caller.has_role(MUNICIPALITY_ROLE)


def ensure_municipality_user(caller: Any) -> None:
    """403 (audited) unless the caller is a municipality user or an API client holding analytics:read."""
    if is_client(caller) and caller.has_scope(CLIENT_SCOPE):
        return
    if not is_municipality_user(caller):
        raise deny("Only a municipality's users read its schools side by side.", resource_type="municipality")


def shown_school_ids(caller: Any, school_ids: list[int]) -> list[int]:
    """Of the municipality's schools, those the caller is shown: all of them for a municipality user, those it
    was registered for to an API client."""
    if is_client(caller):
        return [i for i in school_ids if i in caller.school_ids]
    return list(school_ids)


def ensure_school_admin(caller: Any) -> None:
    """403 (audited) unless the caller administers their school."""
    if not caller.has_role("admin"):
        raise deny("Only an administrator sees the school's municipality.", resource_type="municipality")
