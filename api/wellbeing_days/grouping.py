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


class _Attempt:
    """One placement pass."""

    def __init__(
        self,
        by_id: dict[int, Pupil],
        units: list[list[int]],
        unit_of: dict[int, int],
        enemies: dict[int, set[int]],
        g_count: int,
        base: int,
        extra: int,
        rng: random.Random,
    ) -> None:
        self.by_id = by_id
        self.units = units
        self.unit_of = unit_of
        self.enemies = enemies
        self.g_count = g_count
        self.base = base
        self.extra = extra
        self.rng = rng
        self.size = [0] * g_count
        self.big = 0
        self.members: list[list[int]] = [[] for _ in range(g_count)]
        self.where: dict[int, int] = {}
        self.grade_count: list[dict[Any, int]] = [{} for _ in range(g_count)]
        self.class_count: list[dict[Any, int]] = [{} for _ in range(g_count)]
        self.pinned: set[int] = set()

    # -- capacity ---------------------------------------------------------------------------------------
    def fits(self, g: int, k: int) -> bool:
        after = self.size[g] + k
        if after <= self.base:
            return True
        return after == self.base + 1 and self.size[g] <= self.base and self.big < self.extra

    def conflicts(self, g: int, unit: list[int]) -> bool:
        members = self.members[g]
        if not members:
            return False
        for sid in unit:
            foes = self.enemies[sid]
            if foes and any(m in foes for m in members):
                return True
        return False

    def _add(self, sid: int, g: int) -> None:
        p = self.by_id[sid]
        if self.size[g] == self.base and self.extra:
            self.big += 1
        self.size[g] += 1
        self.members[g].append(sid)
        self.where[sid] = g
        self.grade_count[g][p.grade] = self.grade_count[g].get(p.grade, 0) + 1
        self.class_count[g][p.class_id] = self.class_count[g].get(p.class_id, 0) + 1

    def _remove(self, sid: int) -> int:
        p = self.by_id[sid]
        g = self.where.pop(sid)
        self.members[g].remove(sid)
        self.size[g] -= 1
        if self.size[g] == self.base and self.extra:
            self.big -= 1
        self.grade_count[g][p.grade] -= 1
        self.class_count[g][p.class_id] -= 1
        return g

    # -- the pass ---------------------------------------------------------------------------------------
    def order(self, unit_pin: dict[int, int], priority: dict[int, int]) -> list[int]:
        """Units to place (pinned ones excluded), most constrained first."""
        rng = self.rng
        grade_sizes: dict[Any, int] = {}
        for p in self.by_id.values():
            grade_sizes[p.grade] = grade_sizes.get(p.grade, 0) + 1
        grades = sorted(grade_sizes, key=lambda x: -1 if x is None else x)
        tiebreak = {gr: rng.random() for gr in grades}
        grade_rank = {
            gr: i for i, gr in enumerate(sorted(grades, key=lambda x: (-grade_sizes[x], tiebreak[x])))
        }
        keyed = []
        for u, unit in enumerate(self.units):
            if u in unit_pin:
                continue
            r = rng.random()
            if len(unit) > 1:
                key = (-priority.get(u, 0), 0, -len(unit), 0, r)
            elif self.enemies[unit[0]]:
                key = (-priority.get(u, 0), 1, -len(self.enemies[unit[0]]), 0, r)
            else:
                key = (-priority.get(u, 0), 2, 0, grade_rank[self.by_id[unit[0]].grade], r)
            keyed.append((key, u))
        keyed.sort()
        return [u for _k, u in keyed]

    def run(self, unit_pin: dict[int, int], priority: dict[int, int]) -> tuple[int, str] | None:
        """Place every unit; None on success, else (failing unit, 'capacity' | 'conflict')."""
        for u, g in sorted(unit_pin.items()):
            for sid in self.units[u]:
                self._add(sid, g)
                self.pinned.add(sid)
        g_count = self.g_count
        for u in self.order(unit_pin, priority):
            unit = self.units[u]
            k = len(unit)
            best = -1
            best_key: tuple[int, int, int] | None = None
            any_room = False
            offset = self.rng.randrange(g_count)
            if k == 1:
                sid = unit[0]
                p = self.by_id[sid]
                foes = self.enemies[sid]
                for j in range(g_count):
                    g = (offset + j) % g_count
                    if not self.fits(g, 1):
                        continue
                    any_room = True
                    if foes and any(m in foes for m in self.members[g]):
                        continue
                    key = (
                        self.grade_count[g].get(p.grade, 0),
                        self.class_count[g].get(p.class_id, 0),
                        self.size[g],
                    )
                    if best_key is None or key < best_key:
                        best, best_key = g, key
            else:
                pupils = [self.by_id[sid] for sid in unit]
                for j in range(g_count):
                    g = (offset + j) % g_count
                    if not self.fits(g, k):
                        continue
                    any_room = True
                    if self.conflicts(g, unit):
                        continue
                    gc, cc = self.grade_count[g], self.class_count[g]
                    key = (
                        sum(gc.get(p.grade, 0) for p in pupils),
                        sum(cc.get(p.class_id, 0) for p in pupils),
                        self.size[g],
                    )
                    if best_key is None or key < best_key:
                        best, best_key = g, key
            if best >= 0:
                for sid in unit:
                    self._add(sid, best)
                continue
            if k == 1 and self._make_room(unit[0], offset):
                continue
            return u, ("conflict" if any_room else "capacity")
        return None

    def improve(self, passes: int = 3) -> None:
        """Swap pairs of students between groups while that spreads grades (then classes) more evenly.

        A swap keeps sizes, never breaks the open-case rule and never moves pinned or bundled students;
        the objective is the sum over groups of the squared count of each grade (then of each class)."""
        g_count = self.g_count
        by_id = self.by_id
        for _ in range(passes):
            swapped = False
            for g in range(g_count):
                gc_g, cc_g = self.grade_count[g], self.class_count[g]
                for x in list(self.members[g]):
                    if self.where.get(x) != g or not self._movable(x):
                        continue
                    px = by_id[x]
                    if gc_g[px.grade] < 2 and cc_g[px.class_id] < 2:
                        continue
                    if self._swap_better(x, g):
                        swapped = True
            if not swapped:
                return

    def _swap_better(self, x: int, g: int) -> bool:
        by_id = self.by_id
        px = by_id[x]
        gc_g, cc_g = self.grade_count[g], self.class_count[g]
        x_foes = self.enemies[x]
        for h in range(self.g_count):
            if h == g:
                continue
            gc_h, cc_h = self.grade_count[h], self.class_count[h]
            for y in self.members[h]:
                py = by_id[y]
                if not self._movable(y):
                    continue
                if py.grade == px.grade and py.class_id == px.class_id:
                    continue
                same_grade = py.grade == px.grade
                same_class = py.class_id == px.class_id
                d_grade = (
                    0
                    if same_grade
                    else gc_h.get(px.grade, 0) - gc_g[px.grade] + gc_g.get(py.grade, 0) - gc_h[py.grade] + 2
                )
                d_class = (
                    0
                    if same_class
                    else cc_h.get(px.class_id, 0)
                    - cc_g[px.class_id]
                    + cc_g.get(py.class_id, 0)
                    - cc_h[py.class_id]
                    + 2
                )
                if d_grade > 0 or (d_grade == 0 and d_class >= 0):
                    continue
                if x_foes and any(m in x_foes for m in self.members[h] if m != y):
                    continue
                y_foes = self.enemies[y]
                if y_foes and any(m in y_foes for m in self.members[g] if m != x):
                    continue
                self._remove(x)
                self._remove(y)
                self._add(x, h)
                self._add(y, g)
                return True
        return False

    def _movable(self, sid: int) -> bool:
        return sid not in self.pinned and len(self.units[self.unit_of[sid]]) == 1

    def _make_room(self, sid: int, offset: int) -> bool:
        """Put `sid` in a group by moving one other student to another group (both without conflicts)."""
        foes = self.enemies[sid]
        g_count = self.g_count
        for j in range(g_count):
            h = (offset + j) % g_count
            blocking = [m for m in self.members[h] if m in foes]
            if len(blocking) > 1:
                continue
            if blocking:
                candidates = blocking
            elif not self.fits(h, 1):
                candidates = list(self.members[h])
            else:
                continue  # fits and no conflict: the main loop would have taken it
            for x in candidates:
                if not self._movable(x):
                    continue
                x_foes = self.enemies[x]
                for i in range(g_count):
                    target = (h + 1 + i) % g_count
                    if target == h or not self.fits(target, 1):
                        continue
                    if x_foes and any(m in x_foes for m in self.members[target]):
                        continue
                    self._remove(x)
                    self._add(x, target)
                    self._add(sid, h)
                    return True
        return False


@dataclass
class Quality:
    """How good a plan is, as people would judge it."""

    sizes: list[int]
    min_distinct_grades: int
    mean_distinct_grades: float
    max_grade_share: float
    max_same_class: int
    open_case_pairs_together: int


def quality(
    groups: Sequence[Sequence[int]],
    grade_of: Mapping[int, Any],
    class_of: Mapping[int, Any],
    separate: Iterable[tuple[int, int]] = (),
) -> Quality:
    """Sizes, grade spread, class spread and open-case pairs sharing a group."""
    where = {sid: g for g, members in enumerate(groups) for sid in members}
    distinct = []
    share = 0.0
    same_class = 0
    for members in groups:
        grades: dict[Any, int] = {}
        classes: dict[Any, int] = {}
        for sid in members:
            grades[grade_of[sid]] = grades.get(grade_of[sid], 0) + 1
            classes[class_of[sid]] = classes.get(class_of[sid], 0) + 1
        distinct.append(len(grades))
        if members:
            share = max(share, max(grades.values()) / len(members))
            same_class = max(same_class, max(classes.values()))
    together = sum(
        1 for a, b in set(separate) if a in where and b in where and a != b and where[a] == where[b]
    )
    return Quality(
        sizes=[len(m) for m in groups],
        min_distinct_grades=min(distinct) if distinct else 0,
        mean_distinct_grades=sum(distinct) / len(distinct) if distinct else 0.0,
        max_grade_share=share,
        max_same_class=same_class,
        open_case_pairs_together=together,
    )
