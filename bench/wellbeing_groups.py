"""Benchmark: mixed groups for a whole school (600 students, groups of 6-8) against a naive baseline.

Run from the project root:  python bench/wellbeing_groups.py  [--repeat 15] [--no-api]

Side by side for each group size: the planner and a naive random assignment (shuffle and deal), their
median time and the ratio, and the quality a person would judge: sizes, distinct grades per group, the
largest share of one grade, and how many open-case pairs end up in the same group. Then the whole
request (POST /api/v1/wellbeing-days/{id}/groups: load participants, open cases and play-partners, plan,
store 600 members, answer) in-process against a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.wellbeing_days.grouping import Pupil, plan_groups, quality

GRADES = 10
CLASSES_PER_GRADE = 2
PER_CLASS = 30
CASES = 40
PARTNER_PAIRS = 15


def synthetic_school(seed: int = 7):
    """600 pupils in 10 grades x 2 classes, 40 open-case pairs, 15 play-partner pairs."""
    rng = random.Random(seed)
    pupils = []
    sid = 1
    for grade in range(GRADES):
        for c in range(CLASSES_PER_GRADE):
            for _ in range(PER_CLASS):
                pupils.append(Pupil(sid, grade, grade * 10 + c))
                sid += 1
    ids = [p.id for p in pupils]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < CASES:
        a, b = rng.sample(ids, 2)
        pairs.add((a, b))
    busy = {x for p in pairs for x in p}
    free = [i for i in ids if i not in busy]
    rng.shuffle(free)
    together = [free[2 * k : 2 * k + 2] for k in range(PARTNER_PAIRS)]
    return pupils, sorted(pairs), together


def naive(pupils, group_size, seed):
    """Baseline: shuffle and deal round-robin (balanced sizes, nothing else)."""
    ids = [p.id for p in pupils]
    random.Random(seed).shuffle(ids)
    g = -(-len(ids) // group_size)
    return [ids[i::g] for i in range(g)]


def timed(fn, repeat):
    """Median and max time of `repeat` runs (run i gets seed i), and every run's result."""
    times = []
    results = []
    for i in range(repeat):
        start = time.perf_counter()
        results.append(fn(i))
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), results


def bench_planner(repeat: int) -> list[dict]:
    """Planner against the naive baseline, group sizes 6, 7 and 8; returns the planner's figures per size."""
    pupils, pairs, together = synthetic_school()
    grade_of = {p.id: p.grade for p in pupils}
    class_of = {p.id: p.class_id for p in pupils}
    print(
        f"School: {len(pupils)} students, {GRADES} grades x {CLASSES_PER_GRADE} classes, {CASES} open cases, "
        f"{PARTNER_PAIRS} play-partner pairs; {repeat} runs, run i uses seed i.\n"
        "Quality is the worst over all runs; 'cases together' is summed over all runs.\n"
    )
    header = (
        f"{'size':>4} {'method':<8} {'median ms':>9} {'max ms':>7} {'ratio':>6}  {'sizes':>5} "
        f"{'min grades':>10} {'mean grades':>11} {'max share':>9} {'same class':>10} {'cases together':>14}"
    )
    print(header)
    print("-" * len(header))
    figures = []
    for size in (6, 7, 8):
        base_t, base_max, base_runs = timed(lambda i, s=size: naive(pupils, s, i), repeat)
        plan_t, plan_max, plans = timed(
            lambda i, s=size: plan_groups(pupils, seed=i, group_size=s, separate=pairs, together=together),
            repeat,
        )
        for name, t, tmax, runs in (
            ("naive", base_t, base_max, base_runs),
            ("planner", plan_t, plan_max, [p.groups for p in plans]),
        ):
            qs = [quality(groups, grade_of, class_of, pairs) for groups in runs]
            sizes = [n for q in qs for n in q.sizes]
            print(
                f"{size:>4} {name:<8} {t * 1000:>9.2f} {tmax * 1000:>7.2f} {t / base_t:>5.0f}x  "
                f"{min(sizes)}-{max(sizes):<3} {min(q.min_distinct_grades for q in qs):>10} "
                f"{statistics.mean(q.mean_distinct_grades for q in qs):>11.2f} "
                f"{max(q.max_grade_share for q in qs):>9.3f} {max(q.max_same_class for q in qs):>10} "
                f"{sum(q.open_case_pairs_together for q in qs):>14}"
            )
            if name == "planner":
                figures.append(
                    {
                        "size": size,
                        "planner_ms": t * 1000,
                        "naive_ms": base_t * 1000,
                        "cases_together": sum(q.open_case_pairs_together for q in qs),
                        "naive_cases_together": sum(
                            quality(g, grade_of, class_of, pairs).open_case_pairs_together for g in base_runs
                        ),
                    }
                )
    print()
    return figures


def bench_api(repeat: int) -> float:
    """The whole request, in-process, on a temporary SQLite database; returns the median in ms."""
    from sqlalchemy import insert, select

    from api import create_app
    from api.auth import service as auth_service
    from api.auth.passwords import hash_password
    from api.cli import upgrade_database
    from api.core.db import db
    from api.incidents.models import Incident, IncidentStudent
    from api.schools.models import School
    from api.students.models import SchoolClass, Student
    from api.users.models import User
    from api.wellbeing_days.models import WellbeingDay

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "ARGON2_PARAMS": (1, 8, 1)}
        )
        with app.app_context():
            upgrade_database()
            session = db.session
            school = School(name="Bench Skole", slug="bench")
            session.add(school)
            session.flush()
            leader = User(
                school_id=school.id,
                email="leader@bench.example",
                name="Leder",
                password_hash=hash_password("bench-password-123"),
            )
            leader.set_roles(["leader"])
            adults = []
            for i in range(30):
                u = User(
                    school_id=school.id,
                    email=f"t{i}@bench.example",
                    name=f"Lærer {i}",
                    password_hash="!",  # noqa: S106 - never logs in
                )
                u.set_roles(["teacher"])
                adults.append(u)
            session.add_all([leader, *adults])
            classes = [
                SchoolClass(school_id=school.id, name=f"{g}.{chr(65 + c)}", grade=g, school_year="2026/27")
                for g in range(GRADES)
                for c in range(CLASSES_PER_GRADE)
            ]
            session.add_all(classes)
            session.flush()
            session.execute(
                insert(Student),
                [
                    {
                        "school_id": school.id,
                        "given_name": f"Elev{c.id}-{i}",
                        "family_name": "Hansen",
                        "class_id": c.id,
                        "active": True,
                    }
                    for c in classes
                    for i in range(PER_CLASS)
                ],
            )
            ids = list(session.scalars(select(Student.id).where(Student.school_id == school.id)))
            rng = random.Random(3)
            for _ in range(CASES):
                t, a = rng.sample(ids, 2)
                inc = Incident(school_id=school.id, classification="bullying", reported_by_id=leader.id)
                inc.students = [
                    IncidentStudent(student_id=t, role="target"),
                    IncidentStudent(student_id=a, role="actor"),
                ]
                session.add(inc)
            day = WellbeingDay(
                school_id=school.id,
                day=date(2027, 5, 3),
                title="Bench",
                grades=list(range(GRADES)),
                created_by_id=leader.id,
            )
            session.add(day)
            session.commit()
            day_id = day.id
        with app.test_request_context():
            token = auth_service.issue_tokens(db.session, user=db.session.get(User, leader.id)).access_token
            db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        times = []
        for i in range(repeat):
            if i:
                etag = client.get(f"/api/v1/wellbeing-days/{day_id}", headers=headers).headers["ETag"]
                h = {**headers, "If-Match": etag}
            else:
                h = headers
            start = time.perf_counter()
            resp = client.post(
                f"/api/v1/wellbeing-days/{day_id}/groups", json={"group_size": 8, "seed": i}, headers=h
            )
            times.append(time.perf_counter() - start)
            assert resp.status_code == 200, resp.json
        stats = resp.json["stats"]
        print(
            f"Whole request POST .../groups (600 students, groups of 8, SQLite): median "
            f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {repeat} runs; "
            f"sizes {stats['min_size']}-{stats['max_size']}, "
            f"min distinct grades {stats['min_distinct_grades']}, "
            f"open cases together: {len(stats['groups_with_open_case'])}"
        )
        return statistics.median(times) * 1000


def run(ctx) -> list:
    """For make bench: the planner against shuffle-and-deal, and the whole request."""
    from _framework import Row

    repeat = 5 if ctx.quick else 15
    rows = []
    for f in bench_planner(repeat):
        rows.append(
            Row(
                figure=f"groups of {f['size']}, 600 students: open-case pairs together in {repeat} plans",
                value=f["cases_together"],
                baseline=f["naive_cases_together"],
                goal="0",
                issue=5,
                passed=f["cases_together"] == 0,
            )
        )
        rows.append(
            Row(
                figure=f"groups of {f['size']}: planner time / shuffle-and-deal time",
                value=round(f["planner_ms"], 2),
                baseline=round(f["naive_ms"], 3),
                unit="ms",
                ratio=f["planner_ms"] / f["naive_ms"],
                ratio_as="x",
            )
        )
    median = bench_api(max(3, repeat // 3))
    rows.append(
        Row(
            figure="POST .../groups, 600 students, SQLite, whole request (median)",
            value=round(median),
            unit="ms",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-api", action="store_true", help="skip the whole-request measurement")
    args = parser.parse_args()
    bench_planner(args.repeat)
    if not args.no_api:
        bench_api(max(3, args.repeat // 3))


if __name__ == "__main__":
    main()
