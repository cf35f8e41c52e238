"""The CSV form of the aggregates, byte for byte as Excel gets it: BOM, `;`, CRLF, a label column per labelled
dimension, a hidden count as `<threshold` with no value, formula characters neutralised, and with several
schools a first column naming each, every row lined up with the header even when one school labels nothing."""

from __future__ import annotations

from api.analytics.tables import Cell, Table, to_csv


def _lines(text: str) -> list[str]:
    assert text.startswith("\ufeff")
    body = text[1:]
    assert "\n" not in body.replace("\r\n", "")  # CRLF only
    return body.split("\r\n")[:-1] if body else []


def test_one_table_without_labels_or_values():
    table = Table("knowledge-sources", ["knowledge_source"], [Cell({"knowledge_source": "saw"}, 7)])
    assert to_csv([(None, table)]) == "\ufeffknowledge_source;incidents\r\nsaw;7\r\n"


def test_labels_values_hidden_cells_and_formulas():
    table = Table(
        "mood",
        ["class", "week"],
        [
            Cell({"class": "1", "week": "2026-W41"}, 6, 3.5),
            Cell({"class": "2", "week": "2026-W41"}, None, None, suppressed=True),
            Cell(
                {"class": "3", "week": "2026-W42"}, 8, 2.0
            ),  # a class with no label: the label cell is empty
            Cell({"week": "2026-W43"}, 9, 1.0),  # no class key at all
        ],
        measure="observations",
        value_measure="mean_mood",
        labels={"class": {"1": "3.A", "2": "=HYPERLINK(1)"}},
        threshold=4,
    )
    assert _lines(to_csv([(None, table)])) == [
        "class;week;class_label;observations;mean_mood",
        "1;2026-W41;3.A;6;3.5",
        "2;2026-W41;'=HYPERLINK(1);<4;",
        "3;2026-W42;;8;2.0",
        ";2026-W43;;9;1.0",
    ]


def test_several_schools_line_up_when_only_a_later_one_labels_its_classes():
    dims = ["class", "month"]
    none_yet = Table("class-trend", dims, [], labels={"class": {}})
    quiet = Table("class-trend", dims, [Cell({"class": "9", "month": "2026-10"}, 5)], labels={"class": {}})
    busy = Table(
        "class-trend",
        dims,
        [
            Cell({"class": "4", "month": "2026-10"}, 6),
            Cell({"class": "5", "month": "2026-11"}, None, suppressed=True),
        ],
        labels={"class": {"4": "4.B", "5": "5.C"}},
    )
    lines = _lines(to_csv([("Anden Skole", none_yet), ("Bøgely Skole", quiet), ("Vestrup Skole", busy)]))
    assert lines == [
        "school;class;month;class_label;incidents",
        "Bøgely Skole;9;2026-10;;5",
        "Vestrup Skole;4;2026-10;4.B;6",
        "Vestrup Skole;5;2026-11;5.C;<5",
    ]
    assert {line.count(";") for line in lines} == {4}


def test_no_table_is_an_empty_file():
    assert to_csv([]) == "\ufeff"
