"""A printable page of a strategy version for the parents' meeting ("Antimobbestrategien bør være et fast
punkt på dagsordenen til alle forældremøder"). Danish, no script; its one style block allowed by hash."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from api.strategy.models import StrategyVersion

AUDIENCE_LABELS = {
    "students": "Over for de involverede elever",
    "class": "Over for resten af klassen/gruppen",
    "parents": "Forældrene",
    "staff": "I medarbejdergruppen",
    "leadership": "I skoleledelsen",
}
SECTIONS = (
    ("purpose", "Formål"),
    ("definitions", "Begreber"),
    ("prevention", "Forebyggelse"),
    ("detection", "Sådan opdager vi mobning og mistrivsel"),
    ("intervention", "Indgriben og genoprettelse"),
    ("digital_bullying", "Digital mobning"),
)
PRINT_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:46rem;color:#111;line-height:1.45}"
    "h1{font-size:1.5rem;margin:0 0 .25rem}p.meta{color:#333;margin:0 0 1.25rem}"
    "h2{font-size:1.15rem;margin:1.25rem 0 .25rem;break-after:avoid}p{margin:.25rem 0;white-space:pre-line}"
    "dl{margin:.25rem 0}dt{font-weight:600;margin-top:.5rem}dd{margin:0 0 0 1rem}"
    "@media print{body{margin:0;max-width:none}}"
)
PRINT_CSS_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()
PRINT_CSP = (
    f"default-src 'none'; style-src 'sha256-{PRINT_CSS_HASH}'; img-src 'none'; script-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _day(value: object) -> str:
    return value.strftime("%d.%m.%Y")  # type: ignore[attr-defined]


def version_html(version: StrategyVersion, *, school_name: str) -> str:
    """The version as one printable HTML page."""
    parts = [
        '<!doctype html><html lang="da"><head><meta charset="utf-8">',
        f"<title>{escape(version.title)} (version {version.number})</title>",
        f"<style>{PRINT_CSS}</style></head><body><main>",
        f"<h1>{escape(version.title)}</h1>",
        f'<p class="meta">{escape(school_name)} · version {version.number} · vedtaget af '
        f"{escape(version.adopted_by)} {_day(version.adopted_on)} · gælder fra {_day(version.applies_from)}</p>",
    ]
    for field, heading in SECTIONS:
        parts.append(f"<h2>{heading}</h2><p>{escape(getattr(version, field))}</p>")
    parts.append("<h2>Hvad gør vi helt konkret, hvis vi konstaterer mobning eller digital mobning?</h2><dl>")
    for item in version.response:
        label = AUDIENCE_LABELS.get(item["audience"], item["audience"])
        parts.append(f"<dt>{escape(label)}</dt><dd>{escape(item['text'])}</dd>")
    parts.append("</dl></main></body></html>")
    return "".join(parts)


def version_text(version: StrategyVersion) -> list[tuple[str, str]]:
    """The version as (heading, text) pairs, for the case file PDF."""
    out = [(heading, getattr(version, field)) for field, heading in SECTIONS]
    out.append(
        (
            "Når vi konstaterer mobning",
            "\n".join(
                f"{AUDIENCE_LABELS.get(i['audience'], i['audience'])}: {i['text']}" for i in version.response
            ),
        )
    )
    return out
