"""One placement pass of the wellbeing-day planner (pure): units go, most constrained first, to the group that
mixes grades and classes best; a student who fits nowhere moves one other aside."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.wellbeing_days.grouping import Pupil


class Attempt:
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
