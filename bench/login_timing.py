"""Login timing: an unknown e-mail against a wrong password, side by side, with production Argon2 costs.

    python bench/login_timing.py [--repeat 15]

In-process against a temporary SQLite database (no network): POST /api/v1/auth/login for a wrong password of
a real account and for an e-mail nobody has, interleaved, and the medians and their ratio. A third row times
what an unknown e-mail used to cost (a fresh Argon2 hash per attempt, then its verification) for comparison.
The ratio unknown / wrong password should be about 1.0: the login must not tell which e-mails exist.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    """Print the medians of both login paths and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError

    from api import create_app, discovery
    from api.core.db import Base, db
    from api.schools.service import create_school
    from api.users.service import create_user_in_school

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "LOGIN_RATE_LIMIT": "100000 per minute",
            }
        )
        with app.app_context():
            discovery.load_models()
            Base.metadata.create_all(db.engine)
            school = create_school(db.session, name="Bench Skole", slug="bench")
            create_user_in_school(
                db.session,
                school_id=school.id,
                email="known@example.dk",
                name="Known",
                roles=["teacher"],
                password="the-right-password",  # noqa: S106
            )
            db.session.commit()
        client = app.test_client()
        t, m, p = app.config["ARGON2_PARAMS"]
        old_way = PasswordHasher(time_cost=t, memory_cost=m, parallelism=p)

        def login(email: str) -> float:
            start = time.perf_counter()
            resp = client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-password"})
            elapsed = time.perf_counter() - start
            assert resp.status_code == 401, resp.json
            return elapsed

        def unknown_the_old_way() -> float:
            start = time.perf_counter()
            with contextlib.suppress(VerifyMismatchError):  # a mismatch is the point
                old_way.verify(old_way.hash("not-a-password"), "wrong-password")
            return time.perf_counter() - start

        login("known@example.dk")  # warm-up
        wrong, unknown, before = [], [], []
        for _ in range(args.repeat):
            wrong.append(login("known@example.dk"))
            unknown.append(login("nobody@example.dk"))
            before.append(unknown_the_old_way())

    rows = [
        ("wrong password (known e-mail)", statistics.median(wrong)),
        ("unknown e-mail", statistics.median(unknown)),
        ("unknown e-mail, hash per attempt (before)", statistics.median(before)),
    ]
    base = rows[0][1]
    print(f"Argon2id t={t} m={m} KiB p={p}, {args.repeat} attempts each, medians")
    print(f"{'path':<44} {'median ms':>10} {'ratio':>7}")
    for name, value in rows:
        print(f"{name:<44} {value * 1000:>10.1f} {value / base:>7.2f}")


if __name__ == "__main__":
    main()
