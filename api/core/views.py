"""One way to present a record to its reader: a view of the record, dumped by the domain's Read schema.

A view reads every field through to the record, except the fields its domain keeps private (None unless the
reader was granted them: the least access is the default) and the values that belong to this reader (given
as keywords: flags, lists computed for them). The record's ETag is the view's, so routes return the view.
"""

from __future__ import annotations

from typing import Any, ClassVar


class View:
    """A record as one reader may see it."""

    # The fields a reader sees only when granted them (a domain's view class lists its own).
    PRIVATE: ClassVar[tuple[str, ...]] = ()

    __slots__ = ("_extra", "_hidden", "_record")

    def __init__(self, record: Any, *, granted: tuple[str, ...] = (), **extra: Any) -> None:
        object.__setattr__(self, "_record", record)
        object.__setattr__(self, "_hidden", frozenset(self.PRIVATE) - set(granted))
        object.__setattr__(self, "_extra", extra)

    def __getattr__(self, name: str) -> Any:
        extra = object.__getattribute__(self, "_extra")
        if name in extra:
            return extra[name]
        if name in object.__getattribute__(self, "_hidden"):
            return None
        return getattr(object.__getattribute__(self, "_record"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a view is read-only; change the record through its service")
