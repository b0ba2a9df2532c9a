"""A sheet's cells turned into text a slice of rows at a time give the text the whole sheet gives.

:func:`zimes_audit.loading.xlsx_reader.read_workbook` reads a sheet's rows ``ROWS_AT_ONCE`` at a
time (python-calamine's ``iter_rows``) so that its cells are Python objects only a slice at a
time.  The reference here is the sheet read whole (``to_python(skip_empty_area=False)``) and each
column turned into text in one go, as the reader did before: a column of text cells only keeps
its empty cells as ``""``, a column holding a number, date or boolean has every cell as
:func:`~zimes_audit.loading.xlsx_reader.cell_text` writes it (an empty one missing).  Cells are
written by xlsxwriter and openpyxl, the table starting anywhere in the sheet, with dates,
date-times, whole and fractional numbers, booleans, error formulas and merged cells, in slices
of three rows.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import openpyxl
import python_calamine
import xlsxwriter
from hypothesis import example, given, settings
from hypothesis import strategies as st
from layout_data import REGISTER_HEADINGS
from profiles import examples

from zimes_audit.loading import xlsx_reader
from zimes_audit.loading.xlsx_reader import cell_text, read_workbook
from zimes_audit.procedure.catalogue import load_catalogue

_ERROR = "error"  # a formula whose saved result is #N/A
_MERGED = "merged"  # the first cell of a merged range two cells wide, holding text
_FORMULA = "formula"  # =1+1 saved with its result 2 in a workbook recalculated on opening

_cells = st.one_of(
    st.none(),
    st.sampled_from(
        ["", " ", "Jā", " Rīga ", "K-0101", "12,50", "05.01.2024", _ERROR, _MERGED, _FORMULA]
    ),
    st.text(alphabet="aāč 1-", max_size=6),
    st.integers(-(2**60), 2**60),
    st.floats(-1e17, 1e17, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 12.5, -0.0, 1e-7, 1e20, 37122345678.0]),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
)
_sheets = st.fixed_dictionaries(
    {
        "top": st.integers(0, 3),
        "left": st.integers(0, 2),
        "rows": st.lists(st.lists(_cells, min_size=0, max_size=14), max_size=11),
        "writer": st.sampled_from(["xlsxwriter", "openpyxl"]),
    }
)


def _xlsxwriter(path: Path, top: int, left: int, rows: list[list]) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Klienti")
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    stamps = book.add_format({"num_format": "dd.mm.yyyy hh:mm:ss"})
    sheet.write_row(top, left, REGISTER_HEADINGS)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=left):
            if value is None:
                continue
            if value == _ERROR:
                sheet.write_formula(r, c, "=NA()", None, "#N/A")
            elif value == _FORMULA:
                sheet.write_formula(r, c, "=1+1", None, 2)
            elif value == _MERGED:
                if c + 1 < left + len(row) and row[c - left + 1] is None:
                    sheet.merge_range(r, c, r, c + 1, "Rīga")
                else:
                    sheet.write_string(r, c, "Rīga")
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamps)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()


def _openpyxl(path: Path, top: int, left: int, rows: list[list]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    for c, heading in enumerate(REGISTER_HEADINGS, start=left + 1):
        sheet.cell(top + 1, c, heading)
    for r, row in enumerate(rows, start=top + 2):
        for c, value in enumerate(row, start=left + 1):
            if value is None:
                continue
            if value == _ERROR:
                value = "=NA()"
            elif value == _FORMULA:
                value = "=1+1"
            elif value == _MERGED:
                value = "Rīga"
            elif isinstance(value, int) and not isinstance(value, bool):
                value = float(value)  # openpyxl refuses no int; Excel holds a float
            cell = sheet.cell(r, c, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "dd.mm.yyyy hh:mm:ss"
            elif isinstance(value, dt.date):
                cell.number_format = "dd.mm.yyyy"
    book.save(path)


def _whole_sheet(path: Path, header_row: int, unreadable: set) -> list[list]:
    """The columns as the sheet read whole gives them: each column turned into text in one go."""
    book = python_calamine.CalamineWorkbook.from_path(path)
    rows = book.get_sheet_by_name("Klienti").to_python(skip_empty_area=False)
    body = rows[header_row + 1 :]
    width = max(map(len, rows), default=0)
    columns = []
    for i in range(width):
        cells = [row[i] if i < len(row) else "" for row in body]
        cells = ["" if (r, i) in unreadable else v for r, v in enumerate(cells, header_row + 1)]
        if all(isinstance(v, str) for v in cells):
            columns.append(cells)
        else:
            columns.append([cell_text(v) for v in cells])
    marked = {c for _, c in unreadable}  # a column holding a cell the reader could not read stays
    while columns and all(v in ("", None) for v in columns[-1]) and len(columns) - 1 not in marked:
        columns.pop()
    return columns


def _same(got: list, expected: list) -> bool:
    missing = lambda v: v is None or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return len(got) == len(expected) and all(
        (missing(g) and missing(e)) or g == e for g, e in zip(got, expected, strict=True)
    )


@settings(max_examples=examples(default=30, thorough=500), deadline=None)
@given(_sheets)
@example({"top": 1, "left": 1, "rows": [["Jā"], [_ERROR], [" x "], [None, _FORMULA], [1.5, 7]],
          "writer": "xlsxwriter"})  # fmt: skip
def test_a_sheet_read_a_slice_at_a_time_gives_the_whole_sheets_text(sheet):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "klienti.xlsx"
        write = _xlsxwriter if sheet["writer"] == "xlsxwriter" else _openpyxl
        write(path, sheet["top"], sheet["left"], sheet["rows"])
        scans, _ = xlsx_reader._scans(path.read_bytes(), path)
        unreadable = set(scans["Klienti"].unreadable)
        before, xlsx_reader.ROWS_AT_ONCE = xlsx_reader.ROWS_AT_ONCE, 3
        try:
            [raw] = read_workbook(path, path.read_bytes(), load_catalogue())
        finally:
            xlsx_reader.ROWS_AT_ONCE = before
        expected = _whole_sheet(path, raw.detected.header_row - 1, unreadable)
        marked = [c for r, c in unreadable if r >= raw.detected.header_row]  # kept, even right
        width = max(len(expected), sheet["left"] + len(REGISTER_HEADINGS), *[c + 1 for c in marked])
        assert list(raw.cells.columns) == list(range(width))
        for i in range(width):
            column = expected[i] if i < len(expected) else [""] * len(raw.cells)
            assert _same(raw.cells[i].tolist(), column), i
        first = raw.detected.header_row + 1
        assert raw.source_rows.tolist() == list(range(first, first + len(raw.cells)))
