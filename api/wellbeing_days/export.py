"""Exports of a wellbeing day's groups: CSV for spreadsheets and a printable HTML list.

Both are read by people at a Danish school, so their headings are Danish. The CSV uses `;` (what a Danish
Excel expects), starts with a BOM (so Excel reads UTF-8) and neutralises cells that a spreadsheet would
run as a formula. The HTML has no script at all and its one style block is allowed by hash in its CSP.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from html import escape
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

KIND_LABELS = {
    "wellbeing_day": "Trivselsdag",
    "theme_day": "Temadag",
    "excursion": "Udflugt",
    "concert": "Koncert",
    "other": "Arrangement",
}

PRINT_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}"
    "h1{font-size:1.4rem;margin:0 0 .25rem}p.meta{margin:0 0 1rem;color:#444}"
    ".groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.75rem}"
    "section{border:1px solid #999;border-radius:.4rem;padding:.5rem .75rem;break-inside:avoid}"
    "h2{font-size:1.05rem;margin:0 0 .25rem}p.adults{margin:0 0 .25rem;font-style:italic}"
    "ol{margin:0;padding-left:1.25rem}li span{color:#555}"
    "@media print{body{margin:0}section{border-color:#000}}"
)
PRINT_CSS_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()
PRINT_CSP = (
    f"default-src 'none'; style-src 'sha256-{PRINT_CSS_HASH}'; img-src 'none'; script-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _class_name(student: Any) -> str:
    return student.school_class.name if student.school_class is not None else ""


def _grade(student: Any) -> str:
    return "" if student.school_class is None else str(student.school_class.grade)


def groups_csv(day: Any, plan: Any) -> str:
    """One row per person: group, student or adult, name, class, grade."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["Gruppe", "Rolle", "Navn", "Klasse", "Klassetrin"])
    for group in plan.groups:
        for adult in group["adults"]:
            writer.writerow([group["number"], "Voksen", safe_cell(adult.name), "", ""])
        for student in group["students"]:
            writer.writerow(
                [
                    group["number"],
                    "Elev",
                    safe_cell(student.display_name),
                    safe_cell(_class_name(student)),
                    _grade(student),
                ]
            )
    return out.getvalue()


def groups_html(day: Any, plan: Any) -> str:
    """A printable page with a box per group: its adults and its students with their classes."""
    kind = KIND_LABELS.get(day.kind, "Arrangement")
    parts = [
        "<!doctype html>",
        '<html lang="da"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(day.title)} - grupper</title>",
        f"<style>{PRINT_CSS}</style>",
        "</head><body>",
        f"<h1>{escape(day.title)}</h1>",
        f'<p class="meta">{escape(kind)} {escape(day.day.strftime("%d.%m.%Y"))} · '
        f"{len(plan.groups)} grupper · {plan.stats['student_count']} elever</p>",
        '<div class="groups">',
    ]
    for group in plan.groups:
        parts.append(f"<section><h2>Gruppe {group['number']}</h2>")
        if group["adults"]:
            names = ", ".join(escape(a.name) for a in group["adults"])
            parts.append(f'<p class="adults">Voksne: {names}</p>')
        parts.append("<ol>")
        for student in group["students"]:
            parts.append(
                f"<li>{escape(student.display_name)} <span>({escape(_class_name(student))})</span></li>"
            )
        parts.append("</ol></section>")
    parts.append("</div></body></html>")
    return "\n".join(parts)
