"""The inventory: categories and markers per column, fill rates, and never a cell value."""

from __future__ import annotations

import pandas as pd
import pytest
from loading_helpers import ORDER_HEADINGS, ORDER_ROWS, PERSONAL_VALUES, write_csv, write_xlsx

from zimes_audit.loading import load_file
from zimes_audit.views.inventory import inventory_frame, render_inventory

PERSONAL_CODES = ["010180-10006", "32000000001"]


@pytest.fixture
def tables(tmp_path):
    headings = [*ORDER_HEADINGS, "Personas kods", "Mīļākā krāsa"]
    rows = [
        [*ORDER_ROWS[0], PERSONAL_CODES[0], "zaļa"],
        [*ORDER_ROWS[1], PERSONAL_CODES[1], ""],
    ]
    orders = load_file(write_csv(tmp_path / "orders.csv", [headings, *rows]))
    register = load_file(
        write_xlsx(
            tmp_path / "register.xlsx",
            {
                "Klienti": [
                    ["Reģistrs"],
                    ["Klienta nr.", "Vārds", "Piekrišana"],
                    ["K-1", "Jānis Bērziņš", "Jā"],
                ]
            },
        )  # fmt: skip
    )
    return [orders, register]


def test_render_shows_file_facts_categories_and_markers(tables):
    text = render_inventory(tables, language="en")
    orders, register = tables
    assert str(orders.path) in text and str(register.path) in text
    assert "Mozello orders export" in text and "customer register" in text
    assert orders.sha256[:12] in text and orders.sha256[:13] not in text
    assert "csv, utf-8, delimiter ;, header row 1" in text
    assert "xlsx, sheet 'Klienti', header row 2" in text
    code_line = next(line for line in text.splitlines() if "Personas kods" in line)
    assert "personal code" in code_line and "not permitted" in code_line
    assert code_line.rstrip().endswith("!! NOT PERMITTED")
    unknown_line = next(line for line in text.splitlines() if "Mīļākā krāsa" in line)
    assert "unclassified" in unknown_line and unknown_line.rstrip().endswith("?? UNCLASSIFIED")
    assert "50.0%" in unknown_line
    name_line = next(line for line in text.splitlines() if "Vārds, uzvārds" in line)
    assert "6.1 name" in name_line and "100.0%" in name_line and "!!" not in name_line


def test_render_in_latvian_names_fields_categories_and_markers_in_latvian(tables):
    lines = render_inventory(tables).splitlines()  # Latvian: the default
    code_line = next(line for line in lines if "Personas kods" in line)
    assert "personas kods" in code_line and code_line.rstrip().endswith("!! NAV ATĻAUTS")
    unknown_line = next(line for line in lines if "Mīļākā krāsa" in line)
    assert "neklasificēts" in unknown_line and unknown_line.rstrip().endswith("?? NEKLASIFICĒTS")
    assert any(
        line.startswith("  veids: Mozello pasūtījumu eksports · rindas: 2 · ") for line in lines
    )
    assert any(line.startswith("  nolasīts kā: csv, utf-8, atdalītājs ;") for line in lines)


def test_render_contains_no_cell_value(tables):
    text = render_inventory(tables)
    for value in [*PERSONAL_VALUES, *PERSONAL_CODES, "zaļa", "M-2475405-25", "K-1"]:
        assert value not in text


def test_inventory_frame_counts(tables):
    frame = inventory_frame(tables)
    assert list(frame.columns) == ["file", "heading", "field", "category", "filled", "fill_rate",
                                   "matched_by", "suggestion", "evidence"]  # fmt: skip
    assert len(frame) == len(ORDER_HEADINGS) + 2 + 3
    notes = frame[frame.heading == "Piezīmes"].iloc[0]
    assert (notes.field, notes.category, notes.filled, notes.fill_rate) == ("notes", "6.5", 1, 50.0)
    code = frame[frame.heading == "Personas kods"].iloc[0]
    assert (code.file, code.category, code.filled) == ("orders.csv", "not-permitted", 2)
    unknown = frame[frame.heading == "Mīļākā krāsa"].iloc[0]
    assert pd.isna(unknown.field) and unknown.category == "unclassified"
    assert frame[frame.file == "register.xlsx"].heading.tolist() == [
        "Klienta nr.",
        "Vārds",
        "Piekrišana",
    ]
