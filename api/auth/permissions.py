"""Moved to api.core.permissions (every domain uses them; auth is one domain among others). Re-exported here
for code written before the move."""

from api.core.permissions import STAFF_ROLES as STAFF_ROLES
from api.core.permissions import current_session_id as current_session_id
from api.core.permissions import current_user as current_user
from api.core.permissions import deny as deny
from api.core.permissions import ensure_roles as ensure_roles
from api.core.permissions import ensure_two_factor_for_case_work as ensure_two_factor_for_case_work
from api.core.permissions import session_assurance as session_assurance
