"""An aggregate as one shape (dimensions, cells, labels), its small-cell suppression and its CSV form."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from api.students.roster import neutralise

# A cell keyed by one of these belongs to that one class (shown in full to the class's own staff).
CLASS_DIMENSION = "class"


@dataclass
class Cell:
    """One count (and optionally a mean or median) for one combination of the dimensions' values."""

    keys: dict[str, str]
    count: int | None
    value: float | None = None
    suppressed: bool = False


@dataclass
class Table:
    """An aggregate: what it counts, by which dimensions, over which period; its cells and their labels."""

    view: str
    dimensions: list[str]
    cells: list[Cell]
    measure: str = "incidents"
    value_measure: str | None = None
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    date_from: Any = None
    date_to: Any = None
    threshold: int = 5


def suppress(
    table: Table, *, threshold: int, full_classes: frozenset[int], whole_view_class: int | None
) -> Table:
    """Hide every count under the threshold (and its value) unless the cell is one of the caller's own
    classes; a view filtered to one of them is shown whole. A single hidden cell could be worked out from
    a total, so none is given; and when only one cell of a view would be hidden, the next smallest is
    hidden with it, so no sum of the view across other views pins it down."""
    table.threshold = threshold
    if whole_view_class is not None and whole_view_class in full_classes:
        return table

    def own(cell: Cell) -> bool:
        key = cell.keys.get(CLASS_DIMENSION)
        return key is not None and key.isdigit() and int(key) in full_classes

    hidden = 0
    for cell in table.cells:
        if not own(cell) and cell.count is not None and cell.count < threshold:
            _hide(cell)
            hidden += 1
    if hidden == 1:
        shown = [c for c in table.cells if not c.suppressed and not own(c) and c.count]
        if shown:
            _hide(min(shown, key=lambda c: (c.count, sorted(c.keys.items()))))
    return table


def _hide(cell: Cell) -> None:
    cell.count = None
    cell.value = None
    cell.suppressed = True


def as_dict(table: Table) -> dict[str, Any]:
    """The table as the API answers it."""
    return {
        "view": table.view,
        "date_from": table.date_from,
        "date_to": table.date_to,
        "threshold": table.threshold,
        "measure": table.measure,
        "value_measure": table.value_measure,
        "dimensions": table.dimensions,
        "labels": table.labels,
        "cells": [
            {"keys": c.keys, "count": c.count, "value": c.value, "suppressed": c.suppressed}
            for c in table.cells
        ],
    }


def to_csv(tables: list[tuple[str | None, Table]]) -> str:
    """Tables as one CSV for Excel, as the roster export writes it (BOM, `;`, CRLF, formula cells
    neutralised); each dimension a column with its label, a hidden count written as `<5`. With several
    tables (a municipality's schools, all of one view) the first column names the school."""
    out = io.StringIO()
    out.write("\ufeff")
    if not tables:
        return out.getvalue()
    writer = csv.writer(out, delimiter=";")  # the csv module ends lines with CRLF, as Excel expects
    first = tables[0][1]
    dims = first.dimensions
    # A dimension has a label column when any table labels it: one school may have no class with a case, and
    # its rows must still line up with the others'.
    labelled = [d for d in dims if any(table.labels.get(d) for _, table in tables)]
    by_school = any(name is not None for name, _ in tables)
    header = (["school"] if by_school else []) + dims + [f"{d}_label" for d in labelled] + [first.measure]
    if first.value_measure:
        header.append(first.value_measure)
    writer.writerow(header)
    for name, table in tables:
        for cell in table.cells:
            row: list[Any] = ([name] if by_school else []) + [cell.keys.get(d) for d in dims]
            row += [(table.labels.get(d) or {}).get(cell.keys.get(d)) for d in labelled]
            row.append(f"<{table.threshold}" if cell.suppressed else cell.count)
            if first.value_measure:
                row.append(cell.value)
            writer.writerow([neutralise(v) for v in row])
    return out.getvalue()
