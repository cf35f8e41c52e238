"""Run every benchmark in bench/ and print ONE table (figure, baseline, ratio, goal and its issue, pass or
fail), also written to bench/RESULTS.md with the date, the machine and the commit.

    BENCH_DATABASE_URL=postgresql://... python bench/run_all.py [names ...] [--quick] [--no-write]

A benchmark is a module here (not starting with "_") exposing `run(ctx) -> list[Row]` (see _framework.py):
adding one is adding a module. Names on the command line pick some of them."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _framework import Context, Row, table_lines, write_results  # noqa: E402

NOT_BENCHMARKS = {"run_all", "make_data"}


def modules() -> list[str]:
    """The benchmark modules, by name."""
    return sorted(
        p.stem for p in HERE.glob("*.py") if not p.name.startswith("_") and p.stem not in NOT_BENCHMARKS
    )


def main() -> int:
    """Run the benchmarks named on the command line, or all of them."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(modules())}")
    parser.add_argument("--quick", action="store_true", help="shorter runs, to try things out")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args()
    ctx = Context(database_url=os.environ.get("BENCH_DATABASE_URL"), quick=args.quick)
    rows: list[Row] = []
    failed: list[str] = []
    for name in modules():
        if args.names and name not in args.names:
            continue
        module = importlib.import_module(name)
        if not hasattr(module, "run"):
            continue
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        try:
            produced = module.run(ctx)
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            rows.append(
                Row(figure="benchmark crashed (see output)", value="error", passed=False, benchmark=name)
            )
            continue
        for row in produced:
            row.benchmark = row.benchmark or name
        rows.extend(produced)
        print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    print()
    print("\n".join(table_lines(rows)))
    goals = [r for r in rows if r.passed is not None]
    print(f"\n{sum(1 for r in goals if r.passed)} of {len(goals)} goals met.")
    if not args.no_write and not args.names and not args.quick:
        soak = os.environ.get("RECESS_SOAK_SECONDS")
        command = ("make bench" if not soak else f"RECESS_SOAK_SECONDS={soak} make bench") + (
            " (BENCH_DATABASE_URL set)" if ctx.database_url else ""
        )
        write_results(rows, ctx, command=command)
        print(f"Written to {HERE / 'RESULTS.md'}.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
