"""The API's enums as named concepts, each value with its Danish term and its meaning: the one server-side source
the spec is built from (the UI keeps its own labels in frontend/src/lib/i18n/).

A domain marks its enum class where it defines it::

    @documented_enum(
        {
            "conflict": ("konflikt", "A spontaneous quarrel between equals."),
            ...
        }
    )
    class Classification(StrEnum): ...

or registers a list of values that has no class (`register_enum`). The spec's finishing pass
(api.core.openapi) turns every inline `enum` of the same values into a reference to the one component named
after the concept, so one concept is one type in every generated client.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=type[Enum])


def enum_values(enum: type[Enum]) -> list[str]:
    """The values of an enum class, in its order (for `OneOf` and a field's documented `enum`)."""
    return [e.value for e in enum]


@dataclass(frozen=True)
class EnumDoc:
    """A named enum: what it is, and per value (in order) its Danish term and meaning."""

    name: str
    description: str
    values: tuple[tuple[str, str, str], ...]  # (value, Danish term, meaning)

    @property
    def value_set(self) -> frozenset[str]:
        """The values, for matching an inline enum of the spec."""
        return frozenset(v for v, _, _ in self.values)

    def schema(self) -> dict[str, Any]:
        """The component: the values, their descriptions as extensions and as a table in the description."""
        rows = "\n".join(f"| `{v}` | {danish} | {meaning} |" for v, danish, meaning in self.values)
        return {
            "type": "string",
            "title": self.name,
            "enum": [v for v, _, _ in self.values],
            "description": f"{self.description}\n\n| value | Danish | meaning |\n|---|---|---|\n{rows}",
            "x-enum-varnames": [v.upper() for v, _, _ in self.values],
            "x-enum-descriptions": [f"{danish}: {meaning}" for _, danish, meaning in self.values],
        }


_REGISTRY: dict[str, EnumDoc] = {}


def register_enum(name: str, description: str, values: dict[str, tuple[str, str]]) -> None:
    """Register a named enum from {value: (Danish term, meaning)} (in the order clients should show them)."""
    doc = EnumDoc(name, description, tuple((v, d, m) for v, (d, m) in values.items()))
    known = _REGISTRY.get(name)
    if known is not None and known != doc:
        raise ValueError(f"enum {name} registered twice, differently")
    for other in _REGISTRY.values():
        if other.name != name and other.value_set == doc.value_set:
            raise ValueError(f"enums {other.name} and {name} have the same values: one concept, one enum")
    _REGISTRY[name] = doc


def documented_enum(values: dict[str, tuple[str, str]]) -> Callable[[E], E]:
    """Register an Enum class (its name and docstring) with each value's (Danish term, meaning); every value
    of the class must be described, and nothing else."""

    def decorator(cls: E) -> E:
        members = [m.value for m in cls]
        if set(members) != set(values):
            raise ValueError(f"{cls.__name__}: describe exactly its values {members}, got {sorted(values)}")
        register_enum(cls.__name__, inspect.getdoc(cls) or cls.__name__, {m: values[m] for m in members})
        return cls

    return decorator


register_enum(
    "SortOrder",
    "The order of a list by time.",
    {"asc": ("ældste først", "Oldest first."), "desc": ("nyeste først", "Newest first.")},
)


def enum_docs() -> Iterable[EnumDoc]:
    """Every registered enum."""
    return _REGISTRY.values()
