"""Finds the domain packages under api/ so a new domain needs no edit elsewhere to be wired in."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

import api

_NOT_DOMAINS = {"core", "migrations", "static"}


def domain_names() -> list[str]:
    """The domain packages, sorted."""
    return sorted(
        m.name for m in pkgutil.iter_modules(api.__path__) if m.ispkg and m.name not in _NOT_DOMAINS
    )


def domain_modules(module: str) -> list[ModuleType]:
    """`api.<domain>.<module>` for every domain that has one."""
    found = []
    for name in domain_names():
        full = f"api.{name}.{module}"
        if importlib.util.find_spec(full) is not None:
            found.append(importlib.import_module(full))
    return found


def load_models() -> None:
    """Import every model module so the metadata knows every table."""
    importlib.import_module("api.core.audit")
    importlib.import_module("api.core.idempotency")
    importlib.import_module("api.core.outbox")
    importlib.import_module("api.core.tombstones")
    domain_modules("models")
