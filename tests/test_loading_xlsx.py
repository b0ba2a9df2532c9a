"""XLSX variants: real date cells, serials, numeric codes, title rows, the data on a later sheet."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from loading_helpers import ORDER_HEADINGS, ORDER_ROWS, write_xlsx

from zimes_audit.loading import load_file

REGISTER_HEADINGS = [
    "Klienta nr.",
    "Vārds, uzvārds",
    "Tālrunis",
    "Attiecību sākums",
    "Piekrišana",
    "Piekrišanas datums",
    "Konta numurs",
]
REGISTER_ROWS = [
    ["K-001", "Žanis Ūdris", 37129123456, dt.date(2023, 3, 1), True, dt.datetime(2023, 3, 1, 10, 15), "LV80BANK0000435195001"],
    ["K-002", "Ģirts Ļaviņš", "+371 26543210", 45292, "Jā", "02.01.2024", None],
    ["K-003", "Ņina Šmite", 29123456.0, "2024-02-03", 0, None, None],
]  # fmt: skip


@pytest.fixture
def register_xlsx(tmp_path):
    rows = [["Klientu reģistrs"], [], REGISTER_HEADINGS, *REGISTER_ROWS]
    return write_xlsx(tmp_path / "register.xlsx", {"Reģistrs": rows})


def test_title_rows_and_row_numbers(register_xlsx):
    table = load_file(register_xlsx)
    assert table.kind == "register"
    assert table.detected.format == "xlsx"
    assert table.detected.sheet == "Reģistrs"
    assert table.detected.header_row == 3
    assert table.detected.encoding is None and table.detected.delimiter is None
    assert table.frame.source_row.tolist() == [4, 5, 6]
    assert table.frame.source_sheet.tolist() == ["Reģistrs"] * 3
    assert table.frame.source_file.tolist() == ["register.xlsx"] * 3


def test_numeric_cells_in_code_fields_become_verbatim_text(register_xlsx):
    frame = load_file(register_xlsx).frame
    assert frame.phone.tolist() == ["37129123456", "+371 26543210", "29123456"]
    assert frame.customer_id.tolist() == ["K-001", "K-002", "K-003"]
    assert frame.name.tolist() == ["Žanis Ūdris", "Ģirts Ļaviņš", "Ņina Šmite"]


def test_date_cells_serials_and_text_dates(register_xlsx):
    frame = load_file(register_xlsx).frame
    assert frame.relationship_start.tolist() == [
        pd.Timestamp("2023-03-01"),
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-02-03"),
    ]
    assert frame.consent_at.tolist()[:2] == [pd.Timestamp("2023-03-01"), pd.Timestamp("2024-01-02")]
    assert pd.isna(frame.consent_at.iloc[2])
    assert frame.consent_given.tolist() == [True, True, False]


def test_values_equal_what_openpyxl_reads(register_xlsx):
    frame = load_file(register_xlsx).frame
    sheet = openpyxl.load_workbook(register_xlsx, read_only=True)["Reģistrs"]
    cells = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [c[3] for c in cells][0] == frame.relationship_start.iloc[0].to_pydatetime()
    assert cells[0][5] == frame.consent_at.iloc[0].to_pydatetime().replace(hour=10, minute=15)
    assert str(cells[0][2]) == frame.phone.iloc[0]
    assert cells[0][6] == frame.bank_account.iloc[0]


def test_datetime_cells_keep_their_time(tmp_path):
    rows = [
        ["Pasūtījuma nr.", "Datums", "Summa"],
        ["M-1", dt.datetime(2024, 1, 5, 13, 45, 59), 12.5],
        ["M-2", dt.datetime(2024, 1, 6, 0, 0, 0), 1234],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", {"Pasūtījumi": rows})
    frame = load_file(path).frame
    assert frame.created_at.tolist() == [
        pd.Timestamp("2024-01-05 13:45:59"),
        pd.Timestamp("2024-01-06"),
    ]
    assert frame.total.tolist() == [12.5, 1234.0]
    sheet = openpyxl.load_workbook(path)["Pasūtījumi"]
    assert sheet["B2"].value == frame.created_at.iloc[0].to_pydatetime()


def test_data_on_second_sheet_is_found(tmp_path):
    sheets = {
        "Info": [["Eksportēts no Mozello"], ["Datums", "2024-01-31"]],
        "Pasūtījumi": [["Pasūtījumi"], ORDER_HEADINGS, *ORDER_ROWS],
    }
    table = load_file(write_xlsx(tmp_path / "o.xlsx", sheets))
    assert table.detected.sheet == "Pasūtījumi"
    assert table.detected.header_row == 2
    assert table.frame.source_row.tolist() == [3, 4]
    assert table.frame.total.tolist() == [12.5, 1234.0]
    assert table.frame.source_sheet.tolist() == ["Pasūtījumi"] * 2


def test_sheet_recognised_as_a_kind_beats_an_earlier_sheet_with_headings(tmp_path):
    sheets = {
        "Kontakti": [["Vārds, uzvārds", "E-pasts"], ["Anna Kalniņa", "anna@example.lv"]],
        "Pasūtījumi": [ORDER_HEADINGS, ORDER_ROWS[0]],
    }
    table = load_file(write_xlsx(tmp_path / "o.xlsx", sheets))
    assert table.detected.sheet == "Pasūtījumi"
    assert table.kind == "orders"


def test_blank_rows_inside_data_are_skipped_but_counted(tmp_path):
    rows = [ORDER_HEADINGS, ORDER_ROWS[0], [None] * len(ORDER_HEADINGS), ORDER_ROWS[1]]
    table = load_file(write_xlsx(tmp_path / "o.xlsx", {"Lapa1": rows}))
    assert table.frame.source_row.tolist() == [2, 4]


def test_data_starting_below_and_right_of_a1(tmp_path):
    path = tmp_path / "o.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate([ORDER_HEADINGS, *ORDER_ROWS], start=5):
        for c, value in enumerate(row, start=3):
            sheet.cell(row=r, column=c, value=value)
    book.save(path)
    table = load_file(path)
    assert table.detected.header_row == 5
    assert table.frame.source_row.tolist() == [6, 7]
    assert [c.heading for c in table.columns] == ORDER_HEADINGS
