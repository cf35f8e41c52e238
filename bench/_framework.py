"""What every benchmark module shares: a result row, the run context, the one table and bench/RESULTS.md.

A benchmark is a module in bench/ (not starting with "_") with `run(ctx: Context) -> list[Row]`; run_all.py
finds it, runs it, and puts its rows in the table. Figures are measured side by side with their baseline
and judged as ratios, never as absolute timings."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    """One figure: what was measured, its value, the baseline beside it, their ratio, and the goal."""

    figure: str
    value: float | int | str
    baseline: float | int | str | None = None
    ratio: float | None = None
    goal: str | None = None  # e.g. ">= 50 %", "<= 4"
    issue: int | None = None  # the issue that asked for the goal
    passed: bool | None = None  # None: no goal
    unit: str = ""
    benchmark: str = ""
    ratio_as: str = "%"  # "%" (a share of the baseline, e.g. throughput) or "x" (times the baseline)


@dataclass
class Context:
    """What a benchmark gets: the municipality database, options, and a place for long output."""

    database_url: str | None  # the PostgreSQL database `make bench-data` built (BENCH_DATABASE_URL)
    quick: bool = False  # shorter runs (for trying things out, not for RESULTS.md)
    options: dict[str, Any] = field(default_factory=dict)
    sections: list[tuple[str, str]] = field(default_factory=list)

    def section(self, title: str, text: str) -> None:
        """Long output (query plans, details): printed now and kept for RESULTS.md."""
        print(f"\n-- {title}\n{text}", flush=True)
        self.sections.append((title, text))


def at_least(value: float, goal: float) -> bool:
    """Whether a figure meets a '>=' goal."""
    return value >= goal


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


HEADER = ("benchmark", "figure", "value", "baseline", "ratio", "goal", "issue", "result")


def table_lines(rows: list[Row]) -> list[str]:
    """The rows as one Markdown table (also readable in a terminal)."""
    cells = [
        (
            r.benchmark,
            r.figure,
            _fmt(r.value, r.unit),
            _fmt(r.baseline, r.unit),
            "" if r.ratio is None else (f"{r.ratio:.1%}" if r.ratio_as == "%" else f"{r.ratio:.1f}x"),
            r.goal or "",
            f"#{r.issue}" if r.issue else "",
            {True: "pass", False: "FAIL", None: ""}[r.passed],
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(HEADER)]
    line = lambda values: "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"  # noqa: E731
    return [line(HEADER), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(c) for c in cells)]


def machine() -> str:
    """Cores, memory, CPU model and OS of this machine."""
    memory = ""
    try:
        for raw in Path("/proc/meminfo").read_text().splitlines():
            if raw.startswith("MemTotal:"):
                memory = f"{int(raw.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    model = ""
    try:
        for raw in Path("/proc/cpuinfo").read_text().splitlines():
            if raw.startswith("model name"):
                model = raw.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {memory}, {platform.system()} {platform.release()}"


def commit() -> str:
    """The commit benchmarked (with '+changes' when the work tree differs from it)."""
    git = shutil.which("git") or "git"
    try:
        sha = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True, cwd=HERE
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + (" +changes" if dirty else "")


def write_results(rows: list[Row], ctx: Context, *, path: Path = HERE / "RESULTS.md", command: str) -> None:
    """bench/RESULTS.md: the table, with the date, the machine and the commit, then the long output."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        f"- commit: {commit()}",
        f"- command: `{command}`",
        "",
        "Each figure is measured side by side with its baseline in the same run; the ratio is what the goal",
        "judges. Goals come from the issue named.",
        "",
        *table_lines(rows),
        "",
    ]
    for title, text in ctx.sections:
        lines += [f"## {title}", "", "```", text.rstrip(), "```", ""]
    path.write_text("\n".join(lines))
