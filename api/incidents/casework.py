"""Case work (HTTP-free): establishing bullying, the five audiences, acute measures, the action plan,
follow-ups and referrals to external partners."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.core.etag import IfMatch, check_if_match
from api.core.timeutil import local_date, utcnow
from api.errors import InvalidInput, NotFound
from api.incidents import permissions
from api.incidents.actions import CaseAction
from api.incidents.actions import ensure as ensure_action
from api.incidents.deadline import plan_due
from api.incidents.models import (
    AUDIENCE_ACTIONS,
    BULLYING_LIKE,
    ActionPlan,
    AcuteMeasure,
    AudienceItem,
    CaseStatus,
    FollowUp,
    FollowUpOutcome,
    Incident,
    Partner,
    PlanMeasure,
    Referral,
    ReferralStatus,
)
from api.incidents.notices import tell_of_establishment
from api.incidents.records import (
    audit_case,
    choice,
    clean_text,
    not_future,
    record_event,
    set_status,
    staff_user,
)
from api.strategy import service as strategy


def establish(
    session: Session, *, caller: Any, incident: Incident, classification: str | None = None
) -> Incident:
    """A leader or resource person establishes (konstaterer) bullying: the five audiences become a checklist,
    the action plan falls due on the 10th working day after today, and whoever may see the case is told."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.ESTABLISH)
    value = classification or incident.classification
    if value not in BULLYING_LIKE:
        raise InvalidInput(
            "Only bullying, digital bullying, exclusion or a value-rule breach can be established.",
            errors={"classification": [f"must be one of {', '.join(c.value for c in BULLYING_LIKE)}"]},
        )
    if value != incident.classification:
        record_event(
            session, incident, caller, "classification_changed", old=incident.classification, new=value
        )
        incident.classification = value
    now = utcnow()
    incident.established_at = now
    incident.established_by_id = caller.id
    incident.action_plan_due = plan_due(session, school_id=incident.school_id, start=local_date(now))
    have = {item.audience for item in incident.audiences}
    for position, audience in enumerate(strategy.audiences(session, version_id=incident.strategy_version_id)):
        if audience not in have:
            incident.audiences.append(AudienceItem(audience=audience, position=position))
    record_event(
        session,
        incident,
        caller,
        "established",
        classification=value,
        action_plan_due=incident.action_plan_due.isoformat(),
    )
    if incident.status in (CaseStatus.OPEN, CaseStatus.INVESTIGATING):
        set_status(session, caller, incident, CaseStatus.ACTION_PLAN.value)
    incident.updated_at = now
    session.flush()
    tell_of_establishment(session, incident, caller=caller)
    audit_case("bullying_established", incident, classification=value)
    return incident


def get_audience_item(session: Session, *, caller: Any, incident: Incident, item_id: int) -> AudienceItem:
    """A checklist item of this case (404 otherwise)."""
    for item in incident.audiences:
        if item.id == item_id:
            return item
    raise NotFound("Checklist item not found.")


def update_audience_item(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    item: AudienceItem,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> AudienceItem:
    """Record who did what towards an audience, when and how (case workers; `if_match` names the item)."""
    ensure_action(session, caller, incident, CaseAction.UPDATE_CHECKLIST)
    if if_match is not None:
        check_if_match(item, if_match)
    if "actions" in changes:
        allowed = AUDIENCE_ACTIONS[item.audience]
        actions = list(dict.fromkeys(changes["actions"] or []))
        wrong = [a for a in actions if a not in allowed]
        if wrong:
            raise InvalidInput(
                f"Unknown actions for {item.audience}.",
                errors={"actions": [f"must be among {', '.join(allowed)}"]},
            )
        item.actions = actions
    if "how" in changes:
        item.how = clean_text(changes["how"], "how")
    done = changes.get("done")
    if done is None and changes.get("done_at") is not None:
        done = True
    if done is True:
        item.done_at = not_future(changes["done_at"], "done_at") if changes.get("done_at") else utcnow()
        item.done_by = caller
    elif done is False:
        item.done_at = None
        item.done_by = None
    session.flush()
    record_event(
        session, incident, caller, "audience_updated", audience=item.audience, done=item.done_at is not None
    )
    audit_case("audience_item_updated", incident, audience=item.audience)
    return item


def add_acute_measure(
    session: Session, *, caller: Any, incident: Incident, description: str, taken_at: datetime | None = None
) -> AcuteMeasure:
    """Record an acute measure (case workers), e.g. separate recess areas until the plan exists."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.ADD_ACUTE_MEASURE)
    measure = AcuteMeasure(
        incident_id=incident.id,
        description=clean_text(description, "description", required=True),
        taken_at=not_future(taken_at, "taken_at") if taken_at else utcnow(),
        recorded_by_id=caller.id,
    )
    session.add(measure)
    session.flush()
    record_event(session, incident, caller, "acute_measure_added", measure_id=measure.id)
    audit_case("acute_measure_added", incident)
    return measure


# An argument not given, where None means "clear it" (a PUT's optional field left out keeps its value).
KEEP: Any = object()


def save_action_plan(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    measures: list[dict[str, Any]],
    follow_up_on: date | None,
    informed_students_at: datetime | object | None = KEEP,
    informed_parents_at: datetime | object | None = KEEP,
    if_match: IfMatch | str | None = None,
) -> ActionPlan:
    """Write the action plan (leaders, resource persons): measures with who does each, the follow-up date,
    when students and parents were informed. The first save with measures makes the plan exist (adopted);
    `if_match` names the existing plan's version. The informed times are kept when not given (KEEP) and
    cleared by None."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.WRITE_ACTION_PLAN)
    if if_match is not None and incident.action_plan is not None:
        check_if_match(incident.action_plan, if_match)
    if not measures:
        raise InvalidInput("An action plan needs at least one measure.", errors={"measures": ["required"]})
    rows: list[PlanMeasure] = []
    for position, m in enumerate(measures):
        description = clean_text(m.get("description"), "description", required=True)
        responsible_user_id = m.get("responsible_user_id")
        if responsible_user_id is not None:
            staff_user(session, incident.school_id, responsible_user_id, "responsible_user_id")
        responsible = clean_text(m.get("responsible"), "responsible")
        if responsible_user_id is None and responsible is None:
            raise InvalidInput(
                "Say who carries out each measure.", errors={"measures": [f"measure {position + 1}: who?"]}
            )
        rows.append(
            PlanMeasure(
                position=position,
                description=description,
                responsible_user_id=responsible_user_id,
                responsible=responsible,
                due_on=m.get("due_on"),
            )
        )
    plan = incident.action_plan
    today = local_date()
    if follow_up_on is None:
        raise InvalidInput("Say when the plan is followed up.", errors={"follow_up_on": ["required"]})
    if follow_up_on < today and (plan is None or plan.follow_up_on != follow_up_on):
        raise InvalidInput("The follow-up date is in the past.", errors={"follow_up_on": ["in the past"]})
    created = plan is None
    if plan is None:
        plan = ActionPlan(incident_id=incident.id)
        incident.action_plan = plan
    plan.measures = rows
    plan.follow_up_on = follow_up_on
    for field, value in (
        ("informed_students_at", informed_students_at),
        ("informed_parents_at", informed_parents_at),
    ):
        if value is not KEEP:
            setattr(plan, field, None if value is None else not_future(value, field))
    adopted_now = plan.adopted_at is None
    if adopted_now:
        plan.adopted_at = utcnow()
        plan.adopted_by_id = caller.id
    plan.updated_by_id = caller.id
    plan.updated_at = utcnow()
    session.flush()
    record_event(
        session,
        incident,
        caller,
        "action_plan_saved",
        measures=len(rows),
        adopted=adopted_now,
        created=created,
        on_time=None
        if incident.action_plan_due is None or not adopted_now
        else local_date() <= incident.action_plan_due,
    )
    audit_case("action_plan_saved", incident, measures=len(rows))
    return plan


def record_follow_up(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    held_on: date,
    outcome: FollowUpOutcome | str,
    summary: str | None = None,
    next_follow_up_on: date | None = None,
) -> FollowUp:
    """Record a follow-up meeting (leaders, resource persons). 'continued' reopens the plan: the case goes
    back to action_plan and a revised plan is due 10 working days after the meeting."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.RECORD_FOLLOW_UP)
    plan = incident.action_plan
    assert plan is not None  # the rule above requires an adopted plan
    if held_on > local_date():
        raise InvalidInput(
            "A follow-up meeting is recorded after it was held.", errors={"held_on": ["in the future"]}
        )
    established_on = local_date(incident.established_at) if incident.established_at else None
    if established_on is not None and held_on < established_on:
        raise InvalidInput(
            f"A follow-up meeting comes after bullying was established ({established_on.isoformat()}).",
            errors={"held_on": [f"before the day bullying was established, {established_on.isoformat()}"]},
        )
    outcome = FollowUpOutcome(outcome).value
    next_on = next_follow_up_on
    if next_on is not None and next_on <= held_on:
        raise InvalidInput(
            "The next follow-up comes after this one.", errors={"next_follow_up_on": ["not after held_on"]}
        )
    follow_up = FollowUp(
        incident_id=incident.id,
        held_on=held_on,
        outcome=outcome,
        summary=clean_text(summary, "summary"),
        next_follow_up_on=next_on,
        recorded_by_id=caller.id,
    )
    incident.follow_ups.append(follow_up)
    if outcome == FollowUpOutcome.CONTINUED:
        plan.adopted_at = None
        plan.adopted_by_id = None
        plan.reopened_at = utcnow()
        plan.follow_up_on = next_on
        incident.action_plan_due = plan_due(session, school_id=incident.school_id, start=held_on)
        if incident.status != CaseStatus.ACTION_PLAN:
            set_status(session, caller, incident, CaseStatus.ACTION_PLAN.value)
        record_event(
            session, incident, caller, "plan_reopened", action_plan_due=incident.action_plan_due.isoformat()
        )
    else:
        plan.follow_up_on = (
            next_on
            if next_on is not None
            else (held_on + timedelta(days=14) if outcome == FollowUpOutcome.DECREASED else None)
        )
        if incident.status == CaseStatus.ACTION_PLAN:
            set_status(session, caller, incident, CaseStatus.MONITORING.value)
    incident.updated_at = utcnow()
    session.flush()
    record_event(session, incident, caller, "follow_up_recorded", follow_up_id=follow_up.id, outcome=outcome)
    audit_case("follow_up_recorded", incident, outcome=outcome)
    return follow_up


def add_referral(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    partner: Partner | str,
    partner_name: str | None = None,
    referred_on: date | None = None,
    status: ReferralStatus | str = ReferralStatus.PLANNED,
    note: str | None = None,
) -> Referral:
    """Refer the case to an external partner (leaders, resource persons)."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.ADD_REFERRAL)
    partner = Partner(partner).value
    name = clean_text(partner_name, "partner_name")
    if partner == Partner.OTHER and name is None:
        raise InvalidInput("Name the partner.", errors={"partner_name": ["required for partner other"]})
    referral = Referral(
        incident_id=incident.id,
        partner=partner,
        partner_name=name,
        referred_on=referred_on or local_date(),
        status=ReferralStatus(status).value,
        note=clean_text(note, "note"),
        created_by_id=caller.id,
    )
    incident.referrals.append(referral)
    session.flush()
    record_event(
        session,
        incident,
        caller,
        "referral_added",
        referral_id=referral.id,
        partner=partner,
        status=referral.status,
    )
    audit_case("referral_added", incident, partner=partner)
    return referral


def get_referral(session: Session, *, caller: Any, incident: Incident, referral_id: int) -> Referral:
    """A referral of this case (404 otherwise)."""
    for referral in incident.referrals:
        if referral.id == referral_id:
            return referral
    raise NotFound("Referral not found.")


def update_referral(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    referral: Referral,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Referral:
    """Update a referral's status, partner name, date or note (`if_match` names the referral's version)."""
    ensure_action(session, caller, incident, CaseAction.UPDATE_REFERRAL)
    if if_match is not None:
        check_if_match(referral, if_match)
    old_status = referral.status
    if "status" in changes:
        referral.status = choice(changes["status"], ReferralStatus, "status")
    if "partner_name" in changes:
        name = clean_text(changes["partner_name"], "partner_name")
        if referral.partner == Partner.OTHER and name is None:
            raise InvalidInput("Name the partner.", errors={"partner_name": ["required for partner other"]})
        referral.partner_name = name
    if "referred_on" in changes:
        referral.referred_on = changes["referred_on"]
    if "note" in changes:
        referral.note = clean_text(changes["note"], "note")
    referral.updated_at = utcnow()
    session.flush()
    record_event(
        session,
        incident,
        caller,
        "referral_updated",
        referral_id=referral.id,
        old=old_status,
        new=referral.status,
    )
    audit_case("referral_updated", incident, fields=sorted(changes))
    return referral
