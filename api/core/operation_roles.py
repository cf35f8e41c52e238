"""Who may call each operation, by operationId: documentation only (each service enforces its own rules;
the permission tests hold them to it). The spec adds it to the operation's description; a test fails when an
operation has no entry here."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "listAuditLogEntries": "leaders and admins.",
    "logIn": "anyone (public; rate-limited per client address and per account).",
    "logOut": "any logged-in user.",
    "getMe": "any logged-in user.",
    "changeMyPassword": "any logged-in user, for their own password.",
    "refreshTokens": "the holder of a refresh token.",
    "listClosedDays": "any staff member.",
    "createClosedDay": "admins and leaders.",
    "deleteClosedDay": "admins and leaders.",
    "listClasses": "any staff member.",
    "createClass": "admins.",
    "getClass": "any staff member.",
    "updateClass": "admins.",
    "attachClassStaff": "admins.",
    "detachClassStaff": "admins.",
    "getHealth": "anyone (public).",
    "getOAuthServerMetadata": "anyone (public; RFC 8414 metadata).",
    "requestOAuthToken": "a registered API client, with its id and secret (OAuth 2.0 client credentials).",
    "listApiClients": "admins.",
    "createApiClient": "admins.",
    "listApiClientScopes": "admins.",
    "getApiClient": "admins.",
    "updateApiClient": "admins.",
    "deleteApiClient": "admins.",
    "revokeApiClient": "admins.",
    "rotateApiClientSecret": "admins.",
    "getReadiness": "anyone (public; for load balancers and orchestrators).",
    "getIncidentPlaces": "any staff member.",
    "replaceIncidentPlaces": "admins and leaders.",
    "listIncidents": "any staff member; each sees the cases they may see (their own reports; their classes' cases; leaders and resource persons all but cases accusing staff, which only leaders work).",
    "createIncident": "any staff member.",
    "getIncident": "whoever may see the case: its reporter (reporter view), the staff of the involved students' classes, resource persons and leaders; a case accusing a staff member only leaders (and its reporter, unless accused).",
    "updateIncident": "the case's workers, as its `allowed_actions` say (edit_facts, change_students, reclassify, …); status changes as `allowed_transitions` say.",
    "writeIncidentActionPlan": "leaders and resource persons who may see the case.",
    "createIncidentAcuteMeasure": "the case's workers (`allowed_actions` has add_acute_measure).",
    "updateIncidentAudienceItem": "the case's workers (`allowed_actions` has update_checklist).",
    "establishIncident": "leaders and resource persons who may see the case.",
    "createIncidentFollowUp": "the case's workers (`allowed_actions` has record_follow_up).",
    "listIncidentNotes": "whoever may see the case; its reporter sees only their own notes.",
    "createIncidentNote": "whoever may see the case (`allowed_actions` has add_note).",
    "createIncidentReferral": "leaders and resource persons who may see the case.",
    "updateIncidentReferral": "leaders and resource persons who may see the case.",
    "listIncidentTimelineEntries": "whoever may see the case.",
    "withdrawIncident": "the reporter, within 10 minutes of reporting, while nobody works the case.",
    "listJobs": "admins.",
    "listNotifications": "any logged-in user (their own notifications).",
    "markNotificationRead": "the notification's recipient.",
    "listObservations": "any staff member; each sees the observations shared with them (their classes, SFO children for SFO staff; all for resource persons and leaders; sensitive notes only for resource persons, leaders and the author).",
    "createObservation": "any staff member.",
    "getObservation": "whoever the observation is shared with (see listObservations).",
    "updateObservation": "the author, leaders and resource persons.",
    "createIncidentFromObservation": "whoever may see the observation.",
    "withdrawObservation": "the author, within 10 minutes of logging it.",
    "listPlayPartnerArrangements": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "createPlayPartnerArrangement": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "getPlayPartnerArrangement": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "updatePlayPartnerArrangement": "the responsible adult, its creator, the students' class staff, leaders and resource persons.",
    "listPlayPartnerArrangementCheckIns": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "createPlayPartnerArrangementCheckIn": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "getCurrentSchool": "any staff member.",
    "updateCurrentSchool": "admins.",
    "listStudents": "any staff member (names and classes).",
    "createStudent": "admins.",
    "exportStudents": "admins and leaders.",
    "importStudents": "admins.",
    "getStudent": "any staff member (names and classes).",
    "updateStudent": "admins.",
    "listStudentGuardians": "leaders, resource persons, admins, and the staff of the student's class.",
    "createStudentGuardian": "admins, leaders and the student's class teacher.",
    "deleteStudentGuardian": "admins, leaders and the student's class teacher.",
    "getStudentGuardian": "leaders, resource persons, admins, and the staff of the student's class.",
    "updateStudentGuardian": "admins, leaders and the student's class teacher.",
    "listStudentLogEntries": "any staff member: leaders, resource persons and the staff of the student's class see everything they may see; other staff only the entries they wrote (`scope: own_entries`).",
    "listUsers": "admins.",
    "createUser": "admins.",
    "getUser": "admins (any user); every user (themselves).",
    "updateUser": "admins.",
    "listWebhookEndpoints": "admins.",
    "createWebhookEndpoint": "admins.",
    "listWebhookEventTypes": "admins.",
    "deleteWebhookEndpoint": "admins.",
    "getWebhookEndpoint": "admins.",
    "updateWebhookEndpoint": "admins.",
    "listWebhookEndpointDeliveries": "admins.",
    "rotateWebhookEndpointSecret": "admins.",
    "testWebhookEndpoint": "admins.",
    "listWellbeingDays": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "createWellbeingDay": "leaders, resource persons, teachers and pedagogues.",
    "deleteWellbeingDay": "leaders, resource persons, teachers and pedagogues.",
    "getWellbeingDay": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "updateWellbeingDay": "leaders, resource persons, teachers and pedagogues.",
    "getWellbeingDayGroups": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "buildWellbeingDayGroups": "leaders, resource persons, teachers and pedagogues.",
    "exportWellbeingDayGroupsCsv": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
    "moveWellbeingDayGroupMember": "leaders, resource persons, teachers and pedagogues.",
    "printWellbeingDayGroups": "staff who work with children: leaders, teachers, pedagogues, SFO staff and resource persons (not admins alone).",
}

_ANALYTICS = (
    "leaders, resource persons, teachers and pedagogues; only the cases and observations the caller may see are "
    "counted, never a case accusing a staff member; counts under ANALYTICS_MIN_CELL are suppressed where a view "
    "crosses classes (a staff member's own classes are shown in full)."
)
_MUNICIPALITY = "municipality users (that role only): each of the municipality's schools side by side, small cells suppressed, no names."
_VIEWS = (
    "ClassTrend", "Classes", "FollowUpOutcomes", "Grades", "Heatmap", "KnowledgeSources", "Mood", "ResponseTimes",
    "WeekdayRecess",
)  # fmt: skip
ROLES |= {f"getAnalytics{view}": _ANALYTICS for view in _VIEWS}
ROLES |= {f"exportAnalytics{view}Csv": _ANALYTICS for view in _VIEWS}
ROLES |= {f"getMunicipalityAnalytics{view}": _MUNICIPALITY for view in _VIEWS}
ROLES |= {f"exportMunicipalityAnalytics{view}Csv": _MUNICIPALITY for view in _VIEWS}
ROLES |= {
    "getAttentionList": "leaders, resource persons, teachers, pedagogues and SFO staff, each over what they may see "
    "(case items only for the cases they work); not admins.",
    "markAttentionSeen": "whoever may read the attention list, for their own last visit.",
    "getMunicipality": "municipality users: the schools of their municipality.",
    "getCurrentSchoolMunicipality": "admins: the municipality the school belongs to.",
    "listGuardians": "leaders, resource persons and admins every guardian; other staff the guardians of their "
    "classes' students (a change feed: cursor and updated_since).",
}
