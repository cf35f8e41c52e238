"""Every answer of the case-action rule on its own: for each action, each caller (owner, worker, reporter,
stranger) and each state that decides it, the refusal (its status code and the reason the error shows) or none;
the withdraw window at its edge; how the caller's relation to a case is found; and a refusal's audit row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from api.core import audit
from api.core.timeutil import WITHDRAW_WINDOW, as_of
from api.errors import Conflict, Forbidden
from api.incidents import actions
from api.incidents.actions import ACTION_VALUES, Access, access_of, problem
from tests.incidents.factories import make_incident, make_world

OWNER = Access(view="full", owner=True, reporter=False)
WORKER = Access(view="full", owner=False, reporter=False)
REPORTER = Access(view="reporter", owner=False, reporter=True)
STRANGER = Access(view=None, owner=False, reporter=False)
# A class teacher who reported a case of her own class: she works it and reported it.
REPORTING_WORKER = Access(view="full", owner=False, reporter=True)
CALLERS = {"owner": OWNER, "worker": WORKER, "reporter": REPORTER, "stranger": STRANGER}

WORKERS = "the case's workers (the class's staff, resource persons, leaders)"
OWNERS = "leaders and resource persons"
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def case(status="open", *, established=False, plan=None, referrals=(), withdrawn=False, age=timedelta(0)):
    """A case in memory; `plan`: None, 'draft' (saved, not adopted) or 'adopted'; `age`: since it was logged."""
    action_plan = None if plan is None else SimpleNamespace(adopted_at=NOW if plan == "adopted" else None)
    return SimpleNamespace(
        status=status,
        established_at=NOW if established else None,
        withdrawn_at=NOW if withdrawn else None,
        action_plan=action_plan,
        referrals=list(referrals),
        created_at=NOW - age,
    )


def answers(incident, action):
    with as_of(NOW):
        return {name: problem(incident, access, action) for name, access in CALLERS.items()}


def expect(owner, worker, reporter, stranger):
    return {"owner": owner, "worker": worker, "reporter": reporter, "stranger": stranger}


def test_a_withdrawn_report_allows_nothing_to_anyone():
    for action in ACTION_VALUES:
        for access in (*CALLERS.values(), REPORTING_WORKER):
            assert problem(case(withdrawn=True), access, action) == (
                409,
                "The report was withdrawn by its reporter.",
            ), action


@pytest.mark.parametrize("action", ["edit_facts", "add_note"])
@pytest.mark.parametrize("state", [{}, {"established": True, "status": "monitoring"}, {"status": "closed"}])
def test_facts_and_notes_are_for_whoever_sees_the_case(action, state):
    refused = (403, "Only the case's reporter and workers may do this.")
    assert answers(case(**state), action) == expect(None, None, None, refused)


def test_the_students_change_by_whoever_sees_the_case_until_bullying_is_established():
    refused = (403, "Only the case's reporter and workers may change its students.")
    assert answers(case(), "change_students") == expect(None, None, None, refused)
    owners = (403, f"Bullying was established: only {OWNERS} may change the students of the case.")
    assert answers(case(established=True), "change_students") == expect(None, owners, owners, owners)


def test_a_case_is_reclassified_by_its_workers_and_once_established_by_its_owners():
    refused = (403, f"Only {WORKERS} may reclassify a case.")
    assert answers(case(), "reclassify") == expect(None, None, refused, refused)
    owners = (403, f"Bullying was established: only {OWNERS} may reclassify the case.")
    assert answers(case(established=True), "reclassify") == expect(None, owners, owners, owners)


@pytest.mark.parametrize("action", ["set_pupil_perspective", "set_accused_staff"])
def test_the_pupils_perspective_and_an_accused_adult_are_set_by_workers(action):
    refused = (403, f"Only {WORKERS} may do this.")
    for state in ({}, {"established": True}, {"status": "closed"}):
        assert answers(case(**state), action) == expect(None, None, refused, refused), state


def test_bullying_is_established_once_by_an_owner_on_a_case_that_is_not_closed():
    refused = (403, f"Only {OWNERS} may establish bullying.")
    assert answers(case(), "establish") == expect(None, refused, refused, refused)
    assert answers(case("investigating"), "establish") == expect(None, refused, refused, refused)
    again = (409, "Bullying is already established on this case.")
    assert answers(case("monitoring", established=True), "establish") == expect(
        again, refused, refused, refused
    )
    # an established case, closed, is "already established" first
    assert answers(case("closed", established=True), "establish") == expect(again, refused, refused, refused)
    closed = (409, "The case is closed; reopen it first.")
    assert answers(case("closed"), "establish") == expect(closed, refused, refused, refused)


def test_acute_measures_are_every_workers_until_the_case_is_closed():
    refused = (403, f"Only {WORKERS} may do this.")
    assert answers(case(), "add_acute_measure") == expect(None, None, refused, refused)
    established = case("monitoring", established=True)
    assert answers(established, "add_acute_measure") == expect(None, None, refused, refused)
    closed = (409, "The case is closed.")
    assert answers(case("closed"), "add_acute_measure") == expect(closed, closed, refused, refused)


def test_the_checklist_of_the_five_audiences_is_worked_once_bullying_is_established():
    refused = (403, f"Only {WORKERS} may do this.")
    none_yet = (409, "The checklist of the five audiences exists once bullying is established.")
    assert answers(case(), "update_checklist") == expect(none_yet, none_yet, refused, refused)
    assert answers(case("closed"), "update_checklist") == expect(none_yet, none_yet, refused, refused)
    established = case("monitoring", established=True)
    assert answers(established, "update_checklist") == expect(None, None, refused, refused)
    # a closed established case: what was done may still be recorded
    closed = case("closed", established=True)
    assert answers(closed, "update_checklist") == expect(None, None, refused, refused)


def test_the_action_plan_is_written_by_an_owner_while_the_case_is_not_closed():
    refused = (403, f"Only {OWNERS} may do this.")
    for state in ({}, {"status": "action_plan", "established": True}, {"plan": "adopted"}):
        assert answers(case(**state), "write_action_plan") == expect(None, refused, refused, refused), state
    closed = (409, "The case is closed; reopen it first.")
    assert answers(case("closed", plan="adopted"), "write_action_plan") == expect(
        closed, refused, refused, refused
    )


def test_a_follow_up_needs_an_owner_an_adopted_plan_and_a_case_that_is_not_closed():
    refused = (403, f"Only {OWNERS} may do this.")
    no_plan = (409, "There is no action plan to follow up yet.")
    for plan in (None, "draft"):
        got = answers(case("action_plan", plan=plan), "record_follow_up")
        assert got == expect(no_plan, refused, refused, refused), plan
    adopted = case("monitoring", plan="adopted")
    assert answers(adopted, "record_follow_up") == expect(None, refused, refused, refused)
    closed = (409, "The case is closed; reopen it first.")
    assert answers(case("closed", plan="adopted"), "record_follow_up") == expect(
        closed, refused, refused, refused
    )


def test_referrals_are_made_and_updated_by_owners_the_update_only_when_one_exists():
    refused = (403, f"Only {OWNERS} may refer a case to external partners.")
    assert answers(case(), "add_referral") == expect(None, refused, refused, refused)
    assert answers(case("closed"), "add_referral") == expect(None, refused, refused, refused)
    none = (409, "The case has no referrals.")
    assert answers(case(), "update_referral") == expect(none, refused, refused, refused)
    assert answers(case(referrals=["ssp"]), "update_referral") == expect(None, refused, refused, refused)


def test_only_the_reporter_withdraws_an_open_case_just_after_logging_it():
    refused = (403, "Only the reporter may withdraw a report.")
    assert answers(case(), "withdraw") == expect(refused, refused, None, refused)
    with as_of(NOW):
        assert problem(case(), REPORTING_WORKER, "withdraw") is None
    worked = (409, "The case is already being worked; ask a case worker to close it.")
    for state in ({"status": "investigating"}, {"status": "closed"}, {"established": True}):
        assert answers(case(**state), "withdraw") == expect(refused, refused, worked, refused), state


def test_the_withdraw_window_ends_exactly_at_its_length():
    late = (409, "A report can be withdrawn only just after it was logged; ask a case worker to close it.")
    with as_of(NOW):
        assert problem(case(age=WITHDRAW_WINDOW), REPORTER, "withdraw") is None
        assert problem(case(age=WITHDRAW_WINDOW + timedelta(seconds=1)), REPORTER, "withdraw") == late
        # the window is checked before the case's state
        assert problem(case("investigating", age=timedelta(hours=1)), REPORTER, "withdraw") == late
        # a case logged "in the future" (a phone's clock ahead) is within the window
        assert problem(case(age=-timedelta(minutes=30)), REPORTER, "withdraw") is None


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        problem(case(), OWNER, "fly")


# --- the caller's relation to a real case, and the refusals it leads to -------------------------------------------


@pytest.fixture
def world(session):
    return make_world(session)


def test_the_callers_relation_to_a_case(session, world):
    users = world.users
    incident = make_incident(session, world, reporter=users["teacher"])  # class A, reported by its teacher
    assert access_of(session, users["leader"], incident) == Access(view="full", owner=True, reporter=False)
    assert access_of(session, users["teacher"], incident) == Access(view="full", owner=False, reporter=True)
    assert access_of(session, users["pedagogue"], incident) == Access(
        view="full", owner=False, reporter=False
    )
    assert access_of(session, users["teacher_b"], incident) == Access(view=None, owner=False, reporter=False)
    reported = make_incident(session, world, reporter=users["sfo_staff"])
    assert access_of(session, users["sfo_staff"], reported) == Access(
        view="reporter", owner=False, reporter=True
    )
    # A leader accused in a case owns nothing of it, though her role owns case work
    accused = make_incident(session, world, reporter=users["teacher"], accused=users["leader2"])
    assert access_of(session, users["leader2"], accused) == Access(view=None, owner=False, reporter=False)
    assert access_of(session, users["leader"], accused) == Access(view="full", owner=True, reporter=False)
    assert actions.allowed(session, users["leader2"], accused) == []


def test_a_refusal_for_the_role_is_a_403_audited_with_the_cases_students(session, world):
    incident = make_incident(session, world, reporter=world.users["teacher_b"])  # Anna and Bo
    actions.ensure(session, world.users["leader"], incident, "establish")
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        actions.ensure(session, world.users["teacher"], incident, "establish")
    rows = audit.take_pending(succeeded=False)
    assert sorted(
        (e.action, e.outcome, e.resource_type, e.resource_id, e.student_id) for e in rows
    ) == sorted(("denied", "denied", "incident", str(incident.id), s.id) for s in (world.anna, world.bo))


def test_a_refusal_for_the_cases_state_is_a_409_and_no_denial(session, world):
    incident = make_incident(session, world, status="closed")
    with pytest.raises(Conflict):
        actions.ensure(session, world.users["leader"], incident, "establish")
    assert audit.take_pending(succeeded=False) == []
    # the access the caller already has is used as given
    with pytest.raises(Forbidden):
        actions.ensure(session, world.users["leader"], incident, "add_referral", access=STRANGER)


def test_the_allowed_actions_follow_the_access_given(session, world):
    incident = make_incident(session, world)
    leader = world.users["leader"]
    assert actions.allowed(session, leader, incident) == actions.allowed(
        session, leader, incident, access=OWNER
    )
    assert "establish" in actions.allowed(session, leader, incident)
    # a class teacher's relation rests on her classes, read here (she reported it too: she may withdraw it)
    assert actions.allowed(session, world.users["teacher"], incident) == [
        "edit_facts",
        "change_students",
        "reclassify",
        "set_pupil_perspective",
        "set_accused_staff",
        "add_note",
        "add_acute_measure",
        "withdraw",
    ]
    assert actions.allowed(session, world.users["teacher_b"], incident) == []
    # the caller's relation, once asked, is not asked again
    assert actions.allowed(session, leader, incident, access=STRANGER) == []
    assert actions.allowed(session, leader, incident, access=REPORTER) == [
        "edit_facts",
        "change_students",
        "add_note",
        "withdraw",
    ]
