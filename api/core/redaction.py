"""Replacing people's names in free text (a case file names one child and shows the others by role; erasure
takes a child's name out of the records that stay)."""

from __future__ import annotations

import re
from collections.abc import Iterable


class Redactor:
    """Replaces names with their replacement: whole words, any case, the longest names first."""

    def __init__(self, replacements: Iterable[tuple[str, str]]) -> None:
        pairs = {(n.strip(), r) for n, r in replacements if n and len(n.strip()) > 1}
        ordered = sorted(pairs, key=lambda p: -len(p[0]))
        self._pairs = [(re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE), r) for n, r in ordered]

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        for pattern, replacement in self._pairs:
            text = pattern.sub(replacement, text)
        return text
