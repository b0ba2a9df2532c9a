"""``flagged-records.xlsx``: the administrator's worklist (design.md, Outputs).

Sheet ``Summary``: run facts, counts by rule and by action, what each action means.  Sheet
``Flagged``: one row per record × rule with the identifying values needed to find the record in
Mozello or the register — the only output that shows them — the reason in Latvian and English,
the procedure section, the action, its due date and an empty ``Resolution`` column with a
drop-down.  Written with xlsxwriter in ``constant_memory`` mode (streaming); past Excel's row
limit the findings continue on ``Flagged (2)``, ``Flagged (3)`` ….
"""

from __future__ import annotations

import numbers
from pathlib import Path

import pandas as pd

from zimes_audit.facts.derived import full_name
from zimes_audit.procedure.rules import load_rules
from zimes_audit.report.safe_text import is_formula_like

EXCEL_MAX_ROWS = 1_048_576
RESOLUTIONS = [
    "Done",
    "Deleted",
    "Redacted",
    "Consent obtained",
    "Corrected",
    "Not applicable",
    "Deferred",
]
IDENTIFYING = [("name", "Customer"), ("email", "E-mail"), ("phone", "Phone")]
FLAGGED_COLUMNS = [
    ("source_file", "Source file", 24),
    ("source_row", "Row", 7),
    ("record_kind", "Kind", 9),
    ("record_id", "Record id", 15),
    ("name", "Customer", 22),
    ("email", "E-mail", 26),
    ("phone", "Phone", 15),
    ("rule_id", "Rule", 26),
    ("procedure_section", "§", 9),
    ("severity", "Severity", 9),
    ("action", "Action", 15),
    ("due_date", "Due date", 11),
    ("status", "Since last audit", 15),
    ("field", "Field", 18),
    ("detail", "Detail", 48),
    ("reason_lv", "Iemesls (LV)", 60),
    ("reason_en", "Reason (EN)", 60),
    ("resolution", "Resolution", 18),
]


def identifying_values(findings: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings with the name, e-mail and phone of each flagged record (for the workbook only)."""
    out = findings.copy()
    for column, _ in IDENTIFYING:
        out[column] = pd.Series(pd.NA, index=out.index, dtype="object")
    for kind, frame in frames.items():
        mine = out["record_kind"] == kind
        positions = out.loc[mine, "record_position"].astype(int).to_numpy()
        for column, _ in IDENTIFYING:
            values = full_name(frame) if column == "name" else frame.get(column)
            if values is not None and mine.any():
                out.loc[mine, column] = values.to_numpy()[positions]
    return out


class _Writer:
    def __init__(self, path: Path):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            str(path),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.bold = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.inert = self.book.add_format({"quote_prefix": True})
        self.title = self.book.add_format({"bold": True, "font_size": 14})

    def cell(self, sheet, row: int, col: int, value) -> None:
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return
        if not isinstance(value, (str, int, float)) and hasattr(value, "year"):
            sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), self.date)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            sheet.write_number(row, col, value)
        else:
            text = str(value)
            sheet.write_string(row, col, text, self.inert if is_formula_like(text) else None)


def _summary(w: _Writer, facts: list[tuple[str, object]], findings: pd.DataFrame) -> None:
    sheet = w.book.add_worksheet("Summary")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 3, 70)
    row = 0
    sheet.write_string(row, 0, 'SIA "ZĪMES" — personal-data audit', w.title)
    row += 2
    for label, value in facts:
        sheet.write_string(row, 0, label, w.bold)
        w.cell(sheet, row, 1, value)
        row += 1
    catalogue = load_rules()
    row += 1
    for col, head in enumerate(["Rule", "§", "Records flagged", "Reason (EN)"]):
        sheet.write_string(row, col, head, w.bold)
    row += 1
    by_rule = findings.groupby("rule_id").size()
    for rule in catalogue.rules.values():
        sheet.write_string(row, 0, rule.id)
        sheet.write_string(row, 1, rule.section)
        sheet.write_number(row, 2, int(by_rule.get(rule.id, 0)))
        sheet.write_string(row, 3, rule.en)
        row += 1
    row += 1
    for col, head in enumerate(["Action", "Findings", "What to do (EN)", "Kas jādara (LV)"]):
        sheet.write_string(row, col, head, w.bold)
    row += 1
    by_action = findings.groupby("action").size()
    for action in catalogue.actions.values():
        sheet.write_string(row, 0, action.name)
        sheet.write_number(row, 1, int(by_action.get(action.name, 0)))
        sheet.write_string(row, 2, action.en)
        sheet.write_string(row, 3, action.lv)
        row += 1


RESOLVED_COLUMNS = [
    ("source_file", "Source file", 24),
    ("source_row", "Row", 7),
    ("record_id", "Record id", 15),
    ("rule_id", "Rule", 26),
    ("procedure_section", "§", 9),
    ("action", "Action", 15),
    ("field", "Field", 18),
    ("detail", "Detail", 60),
]


def _table(
    w: _Writer,
    name: str,
    columns: list[tuple[str, str, int]],
    rows: pd.DataFrame,
    resolution: bool = False,
) -> None:
    sheet = w.book.add_worksheet(name)
    for col, (_, head, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, head, w.bold)
    sheet.freeze_panes(1, 0)
    last = len(columns) - 1
    sheet.autofilter(0, 0, max(len(rows), 1), last)
    if resolution:
        sheet.data_validation(
            1, last, max(len(rows), 1), last,
            {"validate": "list", "source": RESOLUTIONS, "error_type": "information"},
        )  # fmt: skip
    names = [c for c, _, _ in columns]
    for r, record in enumerate(rows[names].itertuples(index=False), start=1):
        for col, value in enumerate(record):
            w.cell(sheet, r, col, value)


def write_workbook(
    path: Path,
    findings: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    facts: list[tuple[str, object]],
    *,
    status: pd.Series | None = None,
    resolved: pd.DataFrame | None = None,
) -> Path:
    """Write the administrator's workbook to ``path``.

    ``status`` (per finding: new / still open) and ``resolved`` (findings of the previous report
    that are gone, shown on sheet ``Resolved``) come from :mod:`zimes_audit.report.history`.
    """
    rows = identifying_values(findings, frames)
    rows["resolution"] = None
    rows["status"] = status if status is not None else None
    w = _Writer(path)
    _summary(w, facts, findings)
    per_sheet = EXCEL_MAX_ROWS - 1
    for number, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        name = "Flagged" if number == 1 else f"Flagged ({number})"
        _table(w, name, FLAGGED_COLUMNS, rows.iloc[start : start + per_sheet], resolution=True)
    if resolved is not None:
        _table(w, "Resolved", RESOLVED_COLUMNS, resolved)
    w.book.close()
    return path
