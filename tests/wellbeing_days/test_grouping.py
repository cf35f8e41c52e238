"""The group planner's quality on a whole school, measured as a person would judge the groups.

The school: grades 0-9, two classes of 30 per grade (600 students), 40 open cases, 15 play-partner pairs.
In groups of 8 there are 75 groups and every grade has 60 students, fewer than there are groups, so a
perfect plan puts at most one student of a grade (and of a class) in each group: 8 distinct grades per
group. The tests ask for at least 7 distinct grades in EVERY group (one grade may appear twice where the
hard rules force it) and no grade holding more than 2 of 8 seats, and show that the bound is meaningful: a
naive random assignment of the same school breaks it (it averages under 6 distinct grades per group).
"""

from __future__ import annotations

import random

import pytest

from api.wellbeing_days.grouping import PlanError, Pupil, plan_groups, quality


def school(*, grade_sizes=None, classes_per_grade=2, cases=40, partners=15, seed=7):
    """Pupils, open-case pairs and play-partner pairs of a synthetic school."""
    rng = random.Random(seed)
    grade_sizes = grade_sizes or {g: 60 for g in range(10)}
    pupils = []
    sid = 1
    for grade, size in grade_sizes.items():
        for i in range(size):
            pupils.append(Pupil(sid, grade, grade * 10 + i % classes_per_grade))
            sid += 1
    ids = [p.id for p in pupils]
    pairs = set()
    while len(pairs) < cases:
        a, b = rng.sample(ids, 2)
        pairs.add((a, b))
    in_case = {x for pair in pairs for x in pair}
    free = [i for i in ids if i not in in_case]
    rng.shuffle(free)
    together = [free[2 * k : 2 * k + 2] for k in range(partners)]
    return pupils, sorted(pairs), together


def measure(plan_groups_result, pupils, pairs):
    return quality(
        plan_groups_result, {p.id: p.grade for p in pupils}, {p.id: p.class_id for p in pupils}, pairs
    )


def naive_random(pupils, group_size, seed):
    """The baseline: shuffle and cut into groups of balanced size."""
    ids = [p.id for p in pupils]
    random.Random(seed).shuffle(ids)
    g = -(-len(ids) // group_size)
    return [ids[i::g] for i in range(g)]


@pytest.mark.parametrize("group_size", [6, 7, 8])
def test_whole_school_groups_meet_the_hard_rules_and_mix_grades(group_size):
    pupils, pairs, together = school()
    plan = plan_groups(pupils, seed=2026, group_size=group_size, separate=pairs, together=together)
    q = measure(plan.groups, pupils, pairs)
    assert sum(q.sizes) == 600 and sorted({p for g in plan.groups for p in g}) == sorted(p.id for p in pupils)
    assert max(q.sizes) - min(q.sizes) <= 1 and max(q.sizes) <= group_size
    assert len(plan.groups) == -(-600 // group_size)
    assert q.open_case_pairs_together == 0
    where = {sid: g for g, members in enumerate(plan.groups) for sid in members}
    assert all(where[a] == where[b] for a, b in together)
    # Every grade has fewer students than there are groups, so each group can hold one of each grade.
    smallest = min(q.sizes)
    assert q.min_distinct_grades >= smallest - 1
    assert q.mean_distinct_grades >= smallest - 0.2
    assert q.max_grade_share <= 2 / smallest
    assert q.max_same_class <= 2


def test_the_bound_is_meaningful_a_random_assignment_breaks_it():
    pupils, pairs, _together = school()
    ours = measure(plan_groups(pupils, seed=1, group_size=8, separate=pairs).groups, pupils, pairs)
    for seed in range(5):
        baseline = measure(naive_random(pupils, 8, seed), pupils, pairs)
        assert baseline.min_distinct_grades < 7 <= ours.min_distinct_grades
        assert baseline.mean_distinct_grades < 6.5 < ours.mean_distinct_grades
        assert baseline.max_grade_share > ours.max_grade_share


def test_uneven_grades_are_still_spread():
    sizes = {0: 40, 1: 45, 2: 50, 3: 55, 4: 60, 5: 65, 6: 70, 7: 70, 8: 70, 9: 75}
    pupils, pairs, _together = school(grade_sizes=sizes)
    plan = plan_groups(pupils, seed=3, group_size=6, separate=pairs)
    q = measure(plan.groups, pupils, pairs)
    assert max(q.sizes) - min(q.sizes) <= 1 and q.open_case_pairs_together == 0
    # 100 groups and no grade has 100 students: every group can have 6 different grades.
    assert q.min_distinct_grades >= 5 and q.max_grade_share <= 2 / 6


def test_same_seed_same_plan_other_seed_other_plan():
    pupils, pairs, together = school()
    kwargs = {"group_size": 7, "separate": pairs, "together": together}
    first = plan_groups(pupils, seed=11, **kwargs)
    again = plan_groups(list(reversed(pupils)), seed=11, **kwargs)
    assert first.groups == again.groups
    plans = {tuple(map(tuple, plan_groups(pupils, seed=s, **kwargs).groups)) for s in range(12, 17)}
    assert len(plans) == 5


def test_pins_are_honoured():
    pupils, _pairs, _together = school(cases=0, partners=0)
    pins = {1: 3, 2: 3, 500: 1}
    plan = plan_groups(pupils, seed=5, group_size=8, pins=pins)
    assert {1, 2} <= set(plan.groups[2]) and 500 in plan.groups[0]


def test_small_class_with_tight_conflicts():
    """A class of 12 in 2 groups where a bully ring forces one arrangement: it is found."""
    pupils = [Pupil(i, 3, 30) for i in range(1, 13)]
    # 1,2,3 must be apart from 4,5,6 (a bipartite ring): only groups {1,2,3,...} vs {4,5,6,...} work.
    pairs = [(a, b) for a in (1, 2, 3) for b in (4, 5, 6)]
    for seed in range(10):
        plan = plan_groups(pupils, seed=seed, group_count=2, separate=pairs)
        q = measure(plan.groups, pupils, pairs)
        assert q.open_case_pairs_together == 0 and sorted(q.sizes) == [6, 6]


def test_adults_are_spread_over_the_groups():
    pupils, _pairs, _together = school(cases=0, partners=0)
    plan = plan_groups(pupils, seed=1, group_size=8, adults=list(range(1000, 1030)))
    assert all(len(a) == 1 for a in plan.adults)
    counts = {}
    for adults in plan.adults:
        counts[adults[0]] = counts.get(adults[0], 0) + 1
    assert len(counts) == 30 and set(counts.values()) <= {2, 3}
    many = plan_groups(pupils, seed=1, group_size=8, adults=list(range(1000, 1100)))
    assert {len(a) for a in many.adults} == {1, 2}


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"group_count": 1, "separate": [(1, 2)]}, "open_case_separation"),
        ({"group_size": 4, "separate": [(1, 2)], "pins": {1: 2, 2: 2}}, "open_case_separation"),
        ({"group_size": 4, "pins": {1: 99}}, "pins"),
        ({"group_size": 4, "pins": {999: 1}}, "pins"),
        ({"group_size": 4, "pins": {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}}, "group_size"),
        ({"group_size": 3, "together": [[1, 2], [2, 3], [3, 4]]}, "play_partners"),
        ({"group_size": 4, "together": [[1, 2]], "separate": [(1, 2)]}, "play_partners"),
        ({"group_size": 4, "together": [[1, 2]], "pins": {1: 1, 2: 2}}, "play_partners"),
        ({"group_count": 21}, "group_count"),
    ],
)
def test_impossible_plans_name_the_rule(kwargs, rule):
    pupils = [Pupil(i, i % 4, i % 8) for i in range(1, 21)]
    with pytest.raises(PlanError) as err:
        plan_groups(pupils, seed=1, **kwargs)
    assert err.value.rule == rule and err.value.message


def test_no_participants_is_an_error():
    with pytest.raises(PlanError) as err:
        plan_groups([], seed=1, group_size=6)
    assert err.value.rule == "participants"
