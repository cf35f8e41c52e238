"""Notification model: a kind and structured parameters; the UI renders the sentence (Danish or English)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, JSONType, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow


@documented_enum(
    {
        "incident_reported": ("hændelse indberettet", "A bullying-like incident was reported."),
        "staff_accused": ("medarbejder anklaget", "An incident accuses a staff member."),
        "bullying_established": ("mobning konstateret", "Bullying was established in a case."),
        "action_plan_due_soon": ("handlingsplan snart due", "An action plan is due within two working days."),
        "action_plan_overdue": ("handlingsplan overskredet", "An action plan is overdue."),
        "follow_up_due": ("opfølgning", "A follow-up meeting is due."),
        "webhook_endpoint_disabled": ("webhook slået fra", "The system switched a webhook endpoint off."),
        "job_failed": ("job fejlede", "A scheduled job keeps failing."),
        "strategy_review_due": (
            "antimobbestrategien bør revideres",
            "The strategy has not been reviewed for the configured period (good practice, not law).",
        ),
    }
)
class NotificationKind(StrEnum):
    """What a notification tells; each kind has its own parameters (see PARAMS)."""

    INCIDENT_REPORTED = "incident_reported"
    STAFF_ACCUSED = "staff_accused"
    BULLYING_ESTABLISHED = "bullying_established"
    ACTION_PLAN_DUE_SOON = "action_plan_due_soon"
    ACTION_PLAN_OVERDUE = "action_plan_overdue"
    FOLLOW_UP_DUE = "follow_up_due"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint_disabled"
    JOB_FAILED = "job_failed"
    STRATEGY_REVIEW_DUE = "strategy_review_due"


# The parameters each kind carries (ids, enum values and ISO dates only; never names or free text).
PARAMS: dict[str, tuple[str, ...]] = {
    NotificationKind.INCIDENT_REPORTED: ("classification",),
    NotificationKind.STAFF_ACCUSED: (),
    NotificationKind.BULLYING_ESTABLISHED: ("classification", "action_plan_due"),
    NotificationKind.ACTION_PLAN_DUE_SOON: ("action_plan_due",),
    NotificationKind.ACTION_PLAN_OVERDUE: ("action_plan_due",),
    NotificationKind.FOLLOW_UP_DUE: ("follow_up_on",),
    NotificationKind.WEBHOOK_ENDPOINT_DISABLED: ("endpoint_id",),
    NotificationKind.JOB_FAILED: ("job",),
    NotificationKind.STRATEGY_REVIEW_DUE: ("version_id", "review_due_on"),
}
KIND_VALUES = [k.value for k in NotificationKind]


class Notification(SchoolOwned, Base):
    """Something one staff member is told; it never holds note text or more than the recipient may see."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
