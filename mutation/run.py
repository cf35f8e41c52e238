"""Mutation testing of the rule modules: mutmut on each module against its own domain's tests, one table.

Each module of mutation/modules.toml runs in its own scratch directory (.mutation/<module>/) with one worker,
on SQLite, niced, and bounded by its `timeout_minutes`. Mutants that only change an error message, and the
reviewed equivalent mutants of mutation/equivalent.toml, are counted apart; the goal applies to the rest.
Usage: python mutation/run.py [--only SUBSTRING ...] [--retest-survivors] [--goal 90] [--no-run]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "mutation"
SCRATCH = ROOT / ".mutation"
MODULES_FILE = HERE / "modules.toml"
EQUIVALENT_FILE = HERE / "equivalent.toml"

# mutmut's exit codes per mutant (mutmut.stats.status_by_exit_code): a timeout counts as killed, as mutmut's
# own score does; "no tests" (no selected test reaches the function) counts as survived.
KILLED_CODES = {1, 3, 24, -24, 36, 152, 255}
SURVIVED_CODES = {0, 5, 33}

# Calls whose first argument is a message for people, not behaviour: anything raised, these exception classes
# and the audited denial helper (wherever they are called), and loggers.
MESSAGE_CALLS = {
    "deny",
    "ValueError",
    "TypeError",
    "DomainError",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PreconditionFailed",
    "PreconditionRequired",
    "PayloadTooLarge",
    "InvalidInput",
    "TooManyRequests",
}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
# Keyword arguments that only ever become part of a message in the rule modules (ensure_roles(action=...),
# ensure_worker(action=...), get_in_school(what=...)).
MESSAGE_KEYWORDS = {"message", "action", "what"}


@dataclass
class Module:
    """One rule module and the tests that guard it."""

    path: str
    tests: list[str]
    timeout_minutes: float

    @property
    def slug(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")


@dataclass
class Mutant:
    """One mutant: its mutmut name, its exit code and what it changed."""

    name: str
    exit_code: int | None
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    kind: str = "behaviour"  # or "message", "equivalent"
    reason: str = ""

    @property
    def status(self) -> str:
        if self.exit_code in KILLED_CODES:
            return "killed"
        if self.exit_code in SURVIVED_CODES:
            return "survived"
        return "unchecked" if self.exit_code is None else "other"


@dataclass
class Result:
    """A module's run: its mutants and whether the run finished in time."""

    module: Module
    mutants: list[Mutant]
    finished: bool
    seconds: float
    note: str = ""

    def count(self, *, kind: str | None = None, status: str | None = None) -> int:
        return sum(
            1
            for m in self.mutants
            if (kind is None or m.kind == kind) and (status is None or m.status == status)
        )

    @property
    def relevant(self) -> list[Mutant]:
        return [m for m in self.mutants if m.kind == "behaviour"]

    @property
    def score(self) -> float | None:
        return 100 * self.count(status="killed") / len(self.mutants) if self.mutants else None

    @property
    def relevant_score(self) -> float | None:
        relevant = self.relevant
        if not relevant:
            return None
        return 100 * sum(m.status == "killed" for m in relevant) / len(relevant)


def load_modules() -> list[Module]:
    """The module list of mutation/modules.toml."""
    data = tomllib.loads(MODULES_FILE.read_text())
    return [
        Module(path=m["path"], tests=list(m["tests"]), timeout_minutes=float(m.get("timeout_minutes", 20)))
        for m in data["module"]
    ]


def load_equivalents() -> dict[str, dict[str, str]]:
    """Reviewed equivalent mutants by mutmut name: {'change': mutated line, 'reason': why}."""
    if not EQUIVALENT_FILE.exists():
        return {}
    data = tomllib.loads(EQUIVALENT_FILE.read_text())
    return {e["mutant"]: e for e in data.get("equivalent", [])}


def _toml_value(value: object) -> str:
    # JSON's strings, numbers, booleans and arrays are valid TOML for what we write here.
    return json.dumps(value)


ALSO_COPY = ("openapi", "gunicorn.conf.py", "examples", "bench")


def module_pyproject(module: Module) -> str:
    """The project's pyproject.toml with [tool.mutmut] narrowed to one module and its tests."""
    text = (ROOT / "pyproject.toml").read_text()
    base = tomllib.loads(text).get("tool", {}).get("mutmut", {})
    config = dict(base)
    config["only_mutate"] = [module.path]
    config["pytest_add_cli_args_test_selection"] = list(module.tests)
    # The tests read more of the tree than api/ and tests/ (the committed spec every response is checked against,
    # gunicorn's config for the multi-process tests), so mutmut's copy of the tree needs them too.
    config["also_copy"] = sorted(
        {*config.get("also_copy", []), *(n for n in ALSO_COPY if (ROOT / n).exists())}
    )
    # Drop the base table (and its subtables) and append the narrowed one.
    text = re.sub(r"(?ms)^\[tool\.mutmut(\.[^\]]+)?\]\n.*?(?=^\[|\Z)", "", text).rstrip() + "\n"
    lines = ["", "[tool.mutmut]"] + [f"{key} = {_toml_value(value)}" for key, value in config.items()]
    return text + "\n".join(lines) + "\n"


def prepare(module: Module, *, fresh: bool) -> Path:
    """The module's scratch directory: the code and tests linked in, its own pyproject.toml."""
    workdir = SCRATCH / module.slug
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("api", "tests", *ALSO_COPY):
        link = workdir / name
        if not (ROOT / name).exists():
            continue
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    (workdir / "pyproject.toml").write_text(module_pyproject(module))
    return workdir


def mutmut_command() -> list[str]:
    """mutmut from this interpreter's environment, niced (the machine is shared)."""
    exe = Path(sys.executable).parent / "mutmut"
    return ["nice", "-n", "19", str(exe) if exe.exists() else "mutmut"]


def run_mutmut(module: Module, workdir: Path, *, names: list[str] | None = None) -> tuple[bool, str]:
    """Run mutmut in the module's directory (one worker, SQLite); False when the module's time ran out."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}  # SQLite only
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [*mutmut_command(), "run", "--max-children", "1", *(names or [])]
    log_path = workdir / "mutmut.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own mutmut, arguments we built
            cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            proc.wait(timeout=module.timeout_minutes * 60)
        except subprocess.TimeoutExpired:
            # Stop mutmut and the workers it forked (its own process group), then report what was checked.
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            return False, f"stopped after {module.timeout_minutes:g} min"
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace")[-1500:]
        return False, f"mutmut exited {proc.returncode}; see {log_path.relative_to(ROOT)}:\n{tail}"
    return True, ""


def read_exit_codes(module: Module, workdir: Path) -> dict[str, int | None]:
    """mutmut's result per mutant of the module, from its meta file."""
    meta = workdir / "mutants" / (module.path + ".meta")
    if not meta.exists():
        return {}
    return json.loads(meta.read_text())["exit_code_by_key"]


def _function_sources(workdir: Path, module: Module, name: str) -> tuple[str, str]:
    """The source of the original function and of the mutant, as mutmut generated them."""
    import libcst as cst
    from mutmut.mutation.diff_apply import read_functions_from_index

    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        functions = read_functions_from_index(name, module.path)
    finally:
        os.chdir(cwd)
    if functions is None:
        raise RuntimeError(f"mutmut's index has no {name}")
    return tuple(cst.Module([f]).code for f in functions)  # type: ignore[return-value]


def _changed_lines(orig: str, mutant: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(orig.splitlines(), mutant.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:].strip())
    return removed, added


Trail = list[tuple[ast.AST, str, int | None]]


def _dump(node: object) -> str:
    return ast.dump(node) if isinstance(node, ast.AST) else repr(node)


def _difference_sites(a: object, b: object, trail: Trail) -> list[Trail]:
    """Where two ASTs differ: the trail (node, field, index) from the root to each smallest difference."""
    if type(a) is not type(b):
        return [trail]
    if not isinstance(a, ast.AST):
        return [] if a == b else [trail]
    sites: list[Trail] = []
    for name in a._fields:
        va, vb = getattr(a, name, None), getattr(b, name, None)
        if isinstance(va, list) and isinstance(vb, list):
            if len(va) == len(vb):
                for i, (x, y) in enumerate(zip(va, vb, strict=True)):
                    sites += _difference_sites(x, y, [*trail, (a, name, i)])
            elif len(va) == len(vb) + 1:
                # One element dropped (mutmut's argument removal): the dropped element is the difference.
                dropped = next(
                    (
                        i
                        for i in range(len(va))
                        if [_dump(x) for x in va[:i] + va[i + 1 :]] == [_dump(y) for y in vb]
                    ),
                    None,
                )
                sites.append([*trail, (a, name, dropped)])
            else:
                sites.append([*trail, (a, name, None)])
        elif isinstance(va, ast.AST) or isinstance(vb, ast.AST):
            sites += _difference_sites(va, vb, [*trail, (a, name, None)])
        elif va != vb:
            sites.append(trail)
    return sites


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_logger_call(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    owner = ast.unparse(func.value)
    return owner == "log" or owner.endswith("logger")


def _is_message_site(trail: Trail) -> bool:
    """Whether a difference lies only in what a message says (a raised or logged text, a message argument)."""
    for depth, (node, name, index) in enumerate(trail):
        if isinstance(node, ast.arguments) and index is not None and _default_of(node, name, index):
            # The default of a parameter that only ever becomes part of a message (action="do this").
            return _default_of(node, name, index) in MESSAGE_KEYWORDS
        if not isinstance(node, ast.Call) or index is None:
            continue
        raised = depth > 0 and isinstance(trail[depth - 1][0], ast.Raise)
        message_call = raised or _call_name(node) in MESSAGE_CALLS
        if name == "args":
            if _is_logger_call(node):
                return True
            if message_call and index == 0:
                return True
        elif name == "keywords":
            keyword = node.keywords[index]
            if keyword.arg in MESSAGE_KEYWORDS and (message_call or keyword.arg != "message"):
                return True
            if message_call and keyword.arg == "errors":
                # errors={"field": ["text"]}: the texts are messages, the field names are not.
                rest = trail[depth + 1 :]
                return len(rest) >= 2 and isinstance(rest[1][0], ast.Dict) and rest[1][1] == "values"
    return False


def _default_of(arguments: ast.arguments, name: str, index: int) -> str | None:
    """The parameter whose default value sits at arguments.<name>[index]."""
    if name == "kw_defaults":
        return arguments.kwonlyargs[index].arg
    if name == "defaults":
        positional = [*arguments.posonlyargs, *arguments.args]
        return positional[len(positional) - len(arguments.defaults) + index].arg
    return None


def is_message_only(orig: str, mutant: str) -> bool:
    """Whether every difference between the original and the mutant is in a message."""
    a, b = ast.parse(textwrap.dedent(orig)), ast.parse(textwrap.dedent(mutant))
    sites = _difference_sites(a, b, [])
    return bool(sites) and all(_is_message_site(site) for site in sites)


def classify(module: Module, workdir: Path, codes: dict[str, int | None], equivalents: dict) -> list[Mutant]:
    """Each mutant with its change, marked message-only or (reviewed) equivalent where it is."""
    mutants = []
    for name, code in sorted(codes.items(), key=lambda kv: _natural_key(kv[0])):
        mutant = Mutant(name=name, exit_code=code)
        try:
            orig, mutated = _function_sources(workdir, module, name)
        except (RuntimeError, FileNotFoundError) as exc:
            mutant.reason = str(exc)
            mutants.append(mutant)
            continue
        mutant.removed, mutant.added = _changed_lines(orig, mutated)
        entry = equivalents.get(name)
        if is_message_only(orig, mutated):
            mutant.kind = "message"
        elif entry is not None:
            if _entry_matches(entry, mutant):
                mutant.kind, mutant.reason = "equivalent", entry["reason"]
            else:
                mutant.reason = f"STALE equivalence entry (expected change {entry['change']!r})"
        mutants.append(mutant)
    return mutants


def _entry_matches(entry: dict[str, str], mutant: Mutant) -> bool:
    """Whether the mutant still makes the change its equivalence entry describes (`change` added, or only
    `removed` taken away)."""
    change = entry["change"].strip()
    if change:
        return change in mutant.added
    return not mutant.added and entry.get("removed", "").strip() in mutant.removed


def _natural_key(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} %"


def table(results: list[Result]) -> str:
    """The summary table (markdown)."""
    rows = [
        "| module | tests | mutants | killed | survived | message-only | equivalent | score "
        "| score (non-message, non-equivalent) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        relevant = r.relevant
        killed_relevant = sum(m.status == "killed" for m in relevant)
        flag = "" if r.finished else f" ({r.note.splitlines()[0]})"
        rows.append(
            f"| `{r.module.path}`{flag} | {', '.join(r.module.tests)} | {len(r.mutants)} "
            f"| {r.count(status='killed')} | {r.count(status='survived')} | {r.count(kind='message')} "
            f"| {r.count(kind='equivalent')} | {_pct(r.score)} "
            f"| {_pct(r.relevant_score)} ({killed_relevant}/{len(relevant)}) |"
        )
    return "\n".join(rows)


def survivors_report(results: list[Result]) -> str:
    """The surviving behaviour mutants of each module, with their changes: what a new test must kill."""
    out = []
    for r in results:
        live = [m for m in r.relevant if m.status != "killed"]
        stale = [m for m in r.mutants if m.reason.startswith("STALE")]
        if not live and not stale:
            continue
        out.append(f"\n### {r.module.path}: {len(live)} behaviour mutants not killed")
        for m in live + stale:
            out.append(f"- {m.name} ({m.status}{'; ' + m.reason if m.reason else ''})")
            out += [f"    - {line}" for line in m.removed]
            out += [f"    + {line}" for line in m.added]
    return "\n".join(out)


def message_report(results: list[Result]) -> str:
    """The mutants counted as message-only, so the automatic classification can be reviewed."""
    out = []
    for r in results:
        for m in r.mutants:
            if m.kind == "message":
                out.append(f"- {m.name} ({m.status}): {' / '.join(m.added) or '(line removed)'}")
    return "\n## Counted as message-only\n" + "\n".join(out) if out else ""


def unlisted_rule_modules(modules: list[Module]) -> list[str]:
    """Domains' permissions.py files the list does not name yet (every domain's rules belong in it); a file that
    defines no function (auth's only re-exports core's rules) has nothing to mutate and is not asked for."""
    listed = {m.path for m in modules}
    found = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "api").glob("*/permissions.py")
        if any(isinstance(n, ast.FunctionDef) for n in ast.walk(ast.parse(p.read_text())))
    )
    return [p for p in found if p not in listed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="*", default=[], help="run only modules whose path contains one of these"
    )
    parser.add_argument(
        "--retest-survivors",
        action="store_true",
        help="keep earlier results; re-test only the behaviour mutants that lived or were never checked",
    )
    parser.add_argument("--no-run", action="store_true", help="only report the results of the last run")
    parser.add_argument("--goal", type=float, default=90.0, help="percent of behaviour mutants to kill")
    args = parser.parse_args(argv)

    modules = [m for m in load_modules() if not args.only or any(s in m.path for s in args.only)]
    equivalents = load_equivalents()
    results: list[Result] = []
    for module in modules:
        started = time.monotonic()
        finished, note = True, ""
        if not args.no_run:
            if args.retest_survivors and (SCRATCH / module.slug / "mutants").exists():
                workdir = prepare(module, fresh=False)
                # A survivor judged a message or an equivalent mutant cannot count against the goal: only the
                # behaviour mutants not yet killed (or never checked) are run again.
                known = classify(module, workdir, read_exit_codes(module, workdir), equivalents)
                live = [m.name for m in known if m.status != "killed" and m.kind == "behaviour"]
                if live:
                    finished, note = run_mutmut(module, workdir, names=live)
            else:
                workdir = prepare(module, fresh=True)
                finished, note = run_mutmut(module, workdir)
        workdir = SCRATCH / module.slug
        codes = read_exit_codes(module, workdir)
        if not codes and not note:
            finished, note = False, "no results (not run yet?)"
        mutants = classify(module, workdir, codes, equivalents)
        result = Result(module=module, mutants=mutants, finished=finished, seconds=time.monotonic() - started)
        result.note = note
        results.append(result)
        print(
            f"{module.path}: {len(mutants)} mutants, {result.count(status='killed')} killed, "
            f"{_pct(result.relevant_score)} of behaviour mutants ({result.seconds:.0f} s){'; ' + note if note else ''}",
            flush=True,
        )

    report = table(results) + "\n" + survivors_report(results)
    SCRATCH.mkdir(exist_ok=True)
    (SCRATCH / "report.md").write_text(report + "\n" + message_report(results) + "\n")
    print()
    print(report)
    print(f"\n(report written to {(SCRATCH / 'report.md').relative_to(ROOT)})")
    for path in unlisted_rule_modules(load_modules()):
        print(f"warning: {path} is not in mutation/modules.toml")

    below = [r for r in results if not r.finished or (r.relevant_score or 0) < args.goal]
    if below:
        print(
            f"\nBelow the goal of {args.goal:g} % (or not finished): "
            + ", ".join(r.module.path for r in below)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
