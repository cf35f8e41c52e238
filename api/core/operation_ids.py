"""Stable operationIds from one convention: a verb by method and path shape plus the resource chain of the path
(`listIncidents`, `getIncident`, `createIncidentFollowUp`, `withdrawIncident`), with a few names given by hand
where the convention reads badly (OPERATION_IDS). openapi/operation-ids.txt locks them."""

from __future__ import annotations

import re

METHODS = ("get", "post", "put", "patch", "delete")
PREFIX = "/api/v1/"

# Names the convention would get wrong or make unreadable, by (method, path).
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("get", "/api/v1/audit-log"): "listAuditLogEntries",
    ("post", "/api/v1/auth/login"): "logIn",
    ("post", "/api/v1/auth/logout"): "logOut",
    ("get", "/api/v1/auth/me"): "getMe",
    ("post", "/api/v1/auth/password"): "changeMyPassword",
    ("post", "/api/v1/auth/refresh"): "refreshTokens",
    ("post", "/api/v1/classes/{class_id}/staff"): "attachClassStaff",
    ("delete", "/api/v1/classes/{class_id}/staff/{user_id}"): "detachClassStaff",
    ("get", "/api/v1/health"): "getHealth",
    ("get", "/api/v1/health/ready"): "getReadiness",
    ("get", "/api/v1/audit-log/export"): "exportAuditLog",
    ("get", "/api/v1/complaints/{complaint_id}/case-file"): "getComplaintCaseFile",
    ("post", "/api/v1/complaints/{complaint_id}/decision"): "recordComplaintDecision",
    ("post", "/api/v1/complaints/{complaint_id}/answer"): "recordComplaintAnswer",
    ("get", "/api/v1/incidents/{incident_id}/case-file"): "getIncidentCaseFile",
    ("get", "/api/v1/incidents/{incident_id}/information"): "getIncidentInformation",
    ("post", "/api/v1/incidents/{incident_id}/information"): "recordIncidentInformation",
    ("get", "/api/v1/privacy/retention"): "getRetentionPolicy",
    ("put", "/api/v1/privacy/retention"): "replaceRetentionPolicy",
    ("get", "/api/v1/strategy/review"): "getStrategyReview",
    ("get", "/api/v1/strategy/versions/{version_id}/print"): "printStrategyVersion",
    ("get", "/api/v1/students/{student_id}/access-export"): "exportStudentAccess",
    ("post", "/api/v1/students/{student_id}/erasure"): "eraseStudent",
    ("post", "/api/v1/auth/sso/logout"): "logOutSso",
    ("get", "/api/v1/auth/sso/providers"): "listSignInProviders",
    ("get", "/api/v1/auth/sso/providers/{provider_id}/login"): "startSsoSignIn",
    ("get", "/api/v1/auth/sso/providers/{provider_id}/callback"): "finishSsoSignIn",
    ("get", "/.well-known/oauth-authorization-server"): "getOAuthServerMetadata",
    ("post", "/oauth/token"): "requestOAuthToken",
    ("post", "/api/v1/api-clients/{client_id}/rotate-secret"): "rotateApiClientSecret",
    ("get", "/api/v1/incident-places"): "getIncidentPlaces",
    ("put", "/api/v1/incident-places"): "replaceIncidentPlaces",
    ("put", "/api/v1/incidents/{incident_id}/action-plan"): "writeIncidentActionPlan",
    ("patch", "/api/v1/incidents/{incident_id}/audiences/{item_id}"): "updateIncidentAudienceItem",
    ("get", "/api/v1/incidents/{incident_id}/timeline"): "listIncidentTimelineEntries",
    ("post", "/api/v1/notifications/{notification_id}/read"): "markNotificationRead",
    ("post", "/api/v1/observations/{observation_id}/incident"): "createIncidentFromObservation",
    ("get", "/api/v1/schools/current"): "getCurrentSchool",
    ("patch", "/api/v1/schools/current"): "updateCurrentSchool",
    ("get", "/api/v1/students/export"): "exportStudents",
    ("post", "/api/v1/students/import"): "importStudents",
    ("get", "/api/v1/students/{student_id}/log"): "listStudentLogEntries",
    ("get", "/api/v1/webhook-endpoints/event-types"): "listWebhookEventTypes",
    ("post", "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret"): "rotateWebhookEndpointSecret",
    ("post", "/api/v1/webhook-endpoints/{endpoint_id}/test"): "testWebhookEndpoint",
    ("get", "/api/v1/wellbeing-days/{day_id}/groups"): "getWellbeingDayGroups",
    ("post", "/api/v1/wellbeing-days/{day_id}/groups"): "buildWellbeingDayGroups",
    ("get", "/api/v1/wellbeing-days/{day_id}/groups/csv"): "exportWellbeingDayGroupsCsv",
    ("post", "/api/v1/wellbeing-days/{day_id}/groups/moves"): "moveWellbeingDayGroupMember",
    ("get", "/api/v1/attention"): "getAttentionList",
    ("post", "/api/v1/attention/seen"): "markAttentionSeen",
    ("get", "/api/v1/municipality"): "getMunicipality",
    ("get", "/api/v1/schools/current/municipality"): "getCurrentSchoolMunicipality",
    ("get", "/api/v1/wellbeing-days/{day_id}/groups/print"): "printWellbeingDayGroups",
}

# Path segments that only group others (they name no resource of their own).
_NAMESPACES = {"calendar"}
# Singulars the simple rule gets wrong.
_SINGULAR = {
    "analytics": "analytics",
    "classes": "class",
    "staff": "staff",
    "days": "day",
    "wellbeing-days": "wellbeing-day",
}
_ITEM_VERBS = {"get": "get", "patch": "update", "put": "replace", "delete": "delete"}
_COLLECTION_VERBS = {"get": "list", "post": "create", "put": "replace", "delete": "delete"}


def _camel(words: list[str]) -> str:
    parts = [p for w in words for p in re.split(r"[^A-Za-z0-9]+", w) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _singular(segment: str) -> str:
    if segment in _SINGULAR:
        return _SINGULAR[segment]
    if segment.endswith("ies"):
        return segment[:-3] + "y"
    return segment[:-1] if segment.endswith("s") and not segment.endswith("ss") else segment


def operation_id(method: str, path: str) -> str:
    """The operation's stable id: OPERATION_IDS, else verb + the path's resources (singular but the last of
    a list)."""
    if (method, path) in OPERATION_IDS:
        return OPERATION_IDS[(method, path)]
    segments = [s for s in path.removeprefix(PREFIX).split("/") if s and s not in _NAMESPACES]
    is_item = segments[-1].startswith("{")
    names = [s for s in segments if not s.startswith("{")]
    if is_item:
        return _ITEM_VERBS[method] + _camel([_singular(n) for n in names])
    last = names[-1]
    if method == "get" and last.endswith(".csv"):
        return "export" + _camel([*names[:-1], last.removesuffix(".csv")]) + "Csv"
    if method == "get" and "analytics" in names:
        # An analytics view is one aggregate table, not a list of records.
        return "get" + _camel(names)
    # A trailing verb-like segment after an item is an action on that item: POST /incidents/{id}/withdraw.
    if len(segments) >= 2 and segments[-2].startswith("{") and method == "post" and not last.endswith("s"):
        return _camel([last])[:1].lower() + _camel([last])[1:] + _camel([_singular(n) for n in names[:-1]])
    owners = [_singular(n) for n in names[:-1]]
    if method == "get":
        return "list" + _camel([*owners, last])
    return _COLLECTION_VERBS[method] + _camel([*owners, _singular(last)])


# --- named enums -----------------------------------------------------------------------------------------
