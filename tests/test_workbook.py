"""The administrator's workbook beyond the end-to-end run: sheet splitting and cell types."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
from conftest import AS_OF, make_table

from zimes_audit.audit import audit
from zimes_audit.report import workbook


def _result():
    register = make_table(
        "register",
        [{"customer_id": f"K-{i:03d}", "name": f"Līga Ozoliņa {i}", "email": f"liga{i}@@inbox",
          "consent_given": True, "consent_at": "2024-01-01", "relationship_start": "2024-01-01"}
         for i in range(12)],
    )  # fmt: skip
    return audit(tables=[register], as_of=AS_OF)


def test_findings_past_the_row_limit_continue_on_further_sheets(tmp_path, monkeypatch):
    result = _result()
    assert len(result.findings) == 12  # an invalid e-mail each
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 6)  # 5 findings per sheet
    path = workbook.write_workbook(tmp_path / "w.xlsx", result.findings, result.frames, [])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Flagged", "Flagged (2)", "Flagged (3)"]
    ids = [
        row[3]
        for name in book.sheetnames[1:]
        for row in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert ids == [f"K-{i:03d}" for i in range(12)]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2" and book[name]["A1"].value == "Source file"


def test_cells_keep_their_types(tmp_path):
    result = _result()
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [("Audit date (as of)", AS_OF)]
    )
    sheet = openpyxl.load_workbook(path)["Flagged"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert first["Row"] == 2 and isinstance(first["Row"], int)
    assert first["Due date"].date() == date(2026, 12, 1)  # FIX_DATA: 30 days
    assert first["Customer"] == "Līga Ozoliņa 0" and first["E-mail"] == "liga0@@inbox"
    assert first["Rule"] == "DATA-INACCURATE" and first["Resolution"] is None
    assert pd.isna(first["Phone"]) or first["Phone"] is None
