"""What discovery finds per domain, printed; a module named almost like a discovered one (route.py, model.py,
demos.py) fails loudly instead of being silently skipped, and every demo seeder is in the one ordered list."""

from __future__ import annotations

import difflib
from pathlib import Path

from api import discovery
from api.demo import SEEDERS

# Modules found by their name: routes (blueprints), models (tables), demo (seeders); the rest are the
# convention every domain follows.
DISCOVERED = ("routes", "models", "demo")
CONVENTIONAL = ("service", "schemas", "permissions", "student_log", "commands")


def _modules(domain: str) -> set[str]:
    return {p.stem for p in (Path(discovery.__file__).parent / domain).glob("*.py") if p.stem != "__init__"}


def test_discovery_finds_each_domains_modules_and_no_near_miss():
    found = {}
    for domain in discovery.domain_names():
        modules = _modules(domain)
        found[domain] = sorted(modules & set(DISCOVERED))
        print(f"{domain:16} {' '.join(found[domain]) or '-'}")
        for name in modules - set(DISCOVERED) - set(CONVENTIONAL):
            near = difflib.get_close_matches(name, DISCOVERED + CONVENTIONAL, n=1, cutoff=0.8)
            assert not near, f"api/{domain}/{name}.py looks like a misspelt {near[0]}.py"
    assert found["incidents"] == ["demo", "models", "routes"]  # the walk itself works


def test_every_demo_seeder_is_in_the_ordered_list():
    with_demo = {d for d in discovery.domain_names() if "demo" in _modules(d)}
    assert with_demo == set(SEEDERS), f"add to api.demo.SEEDERS: {sorted(with_demo - set(SEEDERS))}"
