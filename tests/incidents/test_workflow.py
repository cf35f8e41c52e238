"""The case workflow on its own (no database): which moves a case worker, an owner and a reporter may make."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from api.incidents.actions import Access
from api.incidents.workflow import allowed_transitions, transition_problem

WORKER = Access(view="full", owner=False, reporter=False)
OWNER = Access(view="full", owner=True, reporter=False)
REPORTER = Access(view="reporter", owner=False, reporter=True)


def _case(status, *, established=False, adopted=False, withdrawn=False):
    plan = SimpleNamespace(adopted_at=datetime.now(UTC)) if adopted else None
    return SimpleNamespace(
        status=status,
        established_at=datetime.now(UTC) if established else None,
        withdrawn_at=datetime.now(UTC) if withdrawn else None,
        action_plan=plan,
    )


def test_a_class_worker_opens_an_investigation_or_closes_an_unestablished_case():
    assert allowed_transitions(_case("open"), WORKER) == ["investigating", "closed"]
    assert allowed_transitions(_case("investigating"), WORKER) == ["closed"]
    assert transition_problem(_case("investigating"), "action_plan", WORKER)[0] == 403


def test_the_reporter_moves_nothing():
    assert allowed_transitions(_case("open"), REPORTER) == []


def test_an_established_case_closes_only_by_its_owners_and_only_with_an_adopted_plan():
    assert transition_problem(_case("monitoring", established=True, adopted=True), "closed", WORKER)[0] == 403
    assert transition_problem(_case("monitoring", established=True), "closed", OWNER)[0] == 409
    assert transition_problem(_case("monitoring", established=True, adopted=True), "closed", OWNER) is None


def test_monitoring_needs_the_plan_and_a_withdrawn_report_moves_nowhere():
    assert transition_problem(_case("action_plan"), "monitoring", OWNER)[0] == 409
    assert allowed_transitions(_case("action_plan", adopted=True), OWNER) == ["monitoring"]
    assert allowed_transitions(_case("open", withdrawn=True), OWNER) == []
    assert transition_problem(_case("open"), "monitoring", OWNER)[0] == 409
