"""Every answer of the workflow rule, move by move: the refusal a caller gets (its status code and the reason the
error shows) or none, for a case worker, an owner, the reporter and a stranger, in each state that decides it."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from api.incidents.actions import Access
from api.incidents.workflow import allowed_transitions, transition_problem

WORKER = Access(view="full", owner=False, reporter=False)
OWNER = Access(view="full", owner=True, reporter=False)
REPORTER = Access(view="reporter", owner=False, reporter=True)
STRANGER = Access(view=None, owner=False, reporter=False)

WITHDRAWN = (409, "The report was withdrawn by its reporter.")
NOT_A_WORKER = (403, "Only the case's workers may change its status.")
NO_PLAN_YET = (409, "Save the action plan before the case moves to monitoring.")
LAW_NEEDS_PLAN = (409, "Bullying was established: the law requires an action plan before the case is closed.")
STATUSES = ["open", "investigating", "action_plan", "monitoring", "closed"]
MOVES = {
    "open": ["investigating", "closed"],
    "investigating": ["action_plan", "closed"],
    "action_plan": ["monitoring"],
    "monitoring": ["action_plan", "closed"],
    "closed": ["investigating"],
}


def owners_only(current: str, target: str) -> tuple[int, str]:
    return 403, f"Only leaders and resource persons may move a case from {current} to {target}."


def case(status, *, established=False, plan=None, withdrawn=False):
    """A case in memory; `plan`: None (no plan), 'draft' (saved, not adopted) or 'adopted'."""
    now = datetime.now(UTC)
    action_plan = None if plan is None else SimpleNamespace(adopted_at=now if plan == "adopted" else None)
    return SimpleNamespace(
        status=status,
        established_at=now if established else None,
        withdrawn_at=now if withdrawn else None,
        action_plan=action_plan,
    )


@pytest.mark.parametrize("current", STATUSES)
def test_a_move_outside_the_workflow_is_a_conflict_for_everyone(current):
    for target in STATUSES:
        if target in MOVES[current]:
            continue
        for access in (OWNER, WORKER, REPORTER, STRANGER):
            expected = (409, f"A case cannot go from {current} to {target}.")
            assert transition_problem(case(current, plan="adopted"), target, access) == expected


@pytest.mark.parametrize("access", [OWNER, WORKER, REPORTER, STRANGER])
def test_a_withdrawn_report_moves_nowhere(access):
    for current, targets in MOVES.items():
        for target in targets:
            assert transition_problem(case(current, withdrawn=True), target, access) == WITHDRAWN
        assert allowed_transitions(case(current, withdrawn=True), access) == []


# (status, target, established, plan) -> the answer for OWNER, WORKER, REPORTER, STRANGER
EXPECTED = [
    ("open", "investigating", False, None, [None, None, NOT_A_WORKER, NOT_A_WORKER]),
    ("open", "closed", False, None, [None, None, NOT_A_WORKER, NOT_A_WORKER]),
    ("investigating", "closed", False, None, [None, None, NOT_A_WORKER, NOT_A_WORKER]),
    ("investigating", "action_plan", False, None, [None] + [owners_only("investigating", "action_plan")] * 3),
    ("investigating", "action_plan", True, None, [None] + [owners_only("investigating", "action_plan")] * 3),
    ("action_plan", "monitoring", True, None, [NO_PLAN_YET] + [owners_only("action_plan", "monitoring")] * 3),
    (
        "action_plan",
        "monitoring",
        True,
        "draft",
        [NO_PLAN_YET] + [owners_only("action_plan", "monitoring")] * 3,
    ),
    ("action_plan", "monitoring", True, "adopted", [None] + [owners_only("action_plan", "monitoring")] * 3),
    ("monitoring", "action_plan", True, "adopted", [None] + [owners_only("monitoring", "action_plan")] * 3),
    ("monitoring", "closed", False, "adopted", [None] + [owners_only("monitoring", "closed")] * 3),
    ("monitoring", "closed", True, "adopted", [None] + [owners_only("monitoring", "closed")] * 3),
    ("monitoring", "closed", True, "draft", [LAW_NEEDS_PLAN] + [owners_only("monitoring", "closed")] * 3),
    ("closed", "investigating", False, None, [None] + [owners_only("closed", "investigating")] * 3),
    # Bullying established: even the moves any worker makes otherwise are the owners' when they close the case
    ("open", "closed", True, None, [LAW_NEEDS_PLAN] + [owners_only("open", "closed")] * 3),
    ("investigating", "closed", True, None, [LAW_NEEDS_PLAN] + [owners_only("investigating", "closed")] * 3),
    ("investigating", "closed", True, "adopted", [None] + [owners_only("investigating", "closed")] * 3),
    # ... but opening an investigation stays every worker's move
    ("open", "investigating", True, None, [None, None, NOT_A_WORKER, NOT_A_WORKER]),
]


@pytest.mark.parametrize(("current", "target", "established", "plan", "answers"), EXPECTED)
def test_each_move_answers_each_caller(current, target, established, plan, answers):
    for access, expected in zip((OWNER, WORKER, REPORTER, STRANGER), answers, strict=True):
        got = transition_problem(case(current, established=established, plan=plan), target, access)
        assert got == expected, (access, got)


def test_the_allowed_moves_are_the_ones_without_a_problem():
    assert allowed_transitions(case("open"), OWNER) == ["investigating", "closed"]
    assert allowed_transitions(case("open", established=True), WORKER) == ["investigating"]
    assert allowed_transitions(case("investigating"), OWNER) == ["action_plan", "closed"]
    assert allowed_transitions(case("action_plan", established=True, plan="draft"), OWNER) == []
    assert allowed_transitions(case("monitoring", established=True, plan="adopted"), OWNER) == [
        "action_plan",
        "closed",
    ]
    assert allowed_transitions(case("monitoring", established=True, plan="adopted"), WORKER) == []
    assert allowed_transitions(case("closed"), OWNER) == ["investigating"]
    assert allowed_transitions(case("closed"), WORKER) == []


def test_a_status_the_workflow_does_not_know_leads_nowhere():
    # e.g. a row written by an older version: refused as a conflict, not a server error
    assert transition_problem(case("archived"), "open", OWNER) == (
        409,
        "A case cannot go from archived to open.",
    )
