"""Mixed groups for a wellbeing day (pure logic, no database).

Hard rules: balanced sizes (they differ by at most one), never both sides of an open case in one group,
pinned students in their group and, when asked, play-partners together. Within those rules every group
mixes grades and classes as evenly as possible. The same input and seed always give the same plan.

How: students are placed one unit at a time (a unit is a student, or play-partners who stay together),
most constrained first: pinned units, then play-partner bundles (largest first), then students in open
cases, then everybody else grade by grade (largest grade first, shuffled by the seed within a grade).
Each unit goes to the group with room and no open-case conflict that has the fewest of its grade, then
the fewest of its class, then the fewest members (ties broken by a seeded rotation). When no group
fits a student, one other student is moved aside to make room; when even that fails the plan restarts
with the failing unit first. Group capacities are flexible: any group may become one of the
`N mod G` larger groups, so the sizes come out balanced whatever the order of placement.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.wellbeing_days.placement import Attempt as _Attempt
from api.wellbeing_days.quality import Quality as Quality
from api.wellbeing_days.quality import quality as quality

MAX_ATTEMPTS = 25


@dataclass(frozen=True)
class Pupil:
    """A participating student as the planner sees them."""

    id: int
    grade: int | None
    class_id: int | None


class PlanError(Exception):
    """The hard rules cannot be met; `rule` names the one that failed."""

    def __init__(self, rule: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.details = details or []


@dataclass
class Plan:
    """Groups of student ids (index = group number - 1) and the adults of each group."""

    groups: list[list[int]]
    adults: list[list[int]] = field(default_factory=list)
    seed: int = 0
    attempts: int = 1


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_count_for(n: int, *, group_size: int | None, group_count: int | None) -> int:
    """How many groups: as asked, or as few as keep every group at most `group_size`."""
    if group_count is not None:
        return group_count
    assert group_size is not None and group_size > 0
    return -(-n // group_size)


def plan_groups(
    pupils: Sequence[Pupil],
    *,
    seed: int,
    group_size: int | None = None,
    group_count: int | None = None,
    separate: Iterable[tuple[int, int]] = (),
    together: Iterable[Iterable[int]] = (),
    pins: Mapping[int, int] | None = None,
    adults: Sequence[int] = (),
) -> Plan:
    """Plan the groups; raises PlanError naming the rule that cannot be met."""
    by_id = {p.id: p for p in pupils}
    n = len(by_id)
    if n == 0:
        raise PlanError(
            "participants", "No active students take part in this day, so there is nobody to group."
        )
    g_count = group_count_for(n, group_size=group_size, group_count=group_count)
    if g_count < 1:
        raise PlanError("group_size", "At least one group is needed.")
    if g_count > n:
        raise PlanError(
            "group_count", f"{g_count} groups for {n} students would leave groups empty.", [g_count, n]
        )
    base, extra = divmod(n, g_count)
    largest = base + (1 if extra else 0)

    enemies: dict[int, set[int]] = {i: set() for i in by_id}
    for a, b in separate:
        if a in by_id and b in by_id and a != b:
            enemies[a].add(b)
            enemies[b].add(a)

    # Units: play-partners who stay together (merged when arrangements share a student), else single students.
    uf = _UnionFind()
    for bundle in together:
        members = sorted({i for i in bundle if i in by_id})
        for other in members[1:]:
            uf.union(members[0], other)
    unit_of: dict[int, int] = {}
    units: list[list[int]] = []
    roots: dict[int, int] = {}
    for sid in sorted(by_id):
        root = uf.find(sid) if sid in uf.parent else sid
        if root not in roots:
            roots[root] = len(units)
            units.append([])
        units[roots[root]].append(sid)
        unit_of[sid] = roots[root]
    for unit in units:
        if len(unit) > 1:
            if len(unit) > largest:
                raise PlanError(
                    "play_partners",
                    f"{len(unit)} students are linked by play-partner arrangements, more than fit in one "
                    f"group of at most {largest}. Turn off keep_play_partners or choose larger groups.",
                    unit,
                )
            clash = [(a, b) for a in unit for b in enemies[a] if b in unit and a < b]
            if clash:
                raise PlanError(
                    "play_partners",
                    "Some play-partners are target and actor of an open case, so they cannot be kept "
                    "together. Turn off keep_play_partners or change the arrangement.",
                    [list(c) for c in clash],
                )

    # Pins (group numbers 1..G) become fixed groups for whole units.
    unit_pin: dict[int, int] = {}
    for sid, number in sorted((pins or {}).items()):
        if sid not in by_id:
            raise PlanError("pins", f"Student {sid} is pinned but does not take part in this day.", [sid])
        if not 1 <= number <= g_count:
            raise PlanError(
                "pins", f"Student {sid} is pinned to group {number}; there are {g_count} groups.", [sid]
            )
        u = unit_of[sid]
        if unit_pin.setdefault(u, number - 1) != number - 1:
            raise PlanError(
                "play_partners",
                "Play-partners who stay together are pinned to different groups.",
                units[u],
            )
    pinned_size = [0] * g_count
    pinned_members: list[list[int]] = [[] for _ in range(g_count)]
    for u, g in unit_pin.items():
        pinned_size[g] += len(units[u])
        pinned_members[g].extend(units[u])
    over = [g + 1 for g in range(g_count) if pinned_size[g] > largest]
    if over or sum(1 for s in pinned_size if s > base) > extra:
        raise PlanError(
            "group_size",
            f"More students are pinned to a group than fit while keeping sizes balanced ({base}-{largest}).",
            over,
        )
    for g, members in enumerate(pinned_members):
        clash = sorted((a, b) for a in members for b in enemies[a] if b in members and a < b)
        if clash:
            raise PlanError(
                "open_case_separation",
                f"The pins put the target and the actor of an open case together in group {g + 1}.",
                [list(c) for c in clash],
            )
    if g_count == 1 and any(enemies.values()):
        raise PlanError(
            "open_case_separation",
            "With one group, the target and the actor of an open case would be together. Use more groups.",
        )

    priority: dict[int, int] = {}
    last_failure: tuple[int, str] = (0, "open_case_separation")
    for attempt in range(MAX_ATTEMPTS):
        # A seeded, reproducible shuffle (same seed, same plan); nothing secret depends on it.
        rng = random.Random(f"{seed}:{attempt}")  # noqa: S311
        state = _Attempt(by_id, units, unit_of, enemies, g_count, base, extra, rng)
        failed = state.run(unit_pin, priority)
        if failed is None:
            state.improve()
            return Plan(
                groups=[sorted(m, key=lambda i: (by_id[i].grade or -1, i)) for m in state.members],
                adults=_spread_adults(adults, g_count, random.Random(f"{seed}:adults")),  # noqa: S311
                seed=seed,
                attempts=attempt + 1,
            )
        last_failure = failed
        priority[failed[0]] = priority.get(failed[0], 0) + 1
    unit, reason = last_failure
    if reason == "capacity":
        raise PlanError(
            "play_partners",
            "The play-partner groups do not fit into groups of this size. Turn off keep_play_partners or "
            "choose another group size.",
            units[unit],
        )
    raise PlanError(
        "open_case_separation",
        f"No way was found to keep every open case apart in {g_count} groups. Use more (smaller) groups "
        "or fewer pins.",
    )


def _spread_adults(adults: Sequence[int], g_count: int, rng: random.Random) -> list[list[int]]:
    """Adults round-robin over the groups; with fewer adults than groups each adult takes several groups."""
    pool = sorted(set(adults))
    rng.shuffle(pool)
    out: list[list[int]] = [[] for _ in range(g_count)]
    if not pool:
        return out
    if len(pool) >= g_count:
        for i, a in enumerate(pool):
            out[i % g_count].append(a)
    else:
        for g in range(g_count):
            out[g].append(pool[g % len(pool)])
    return out
