"""Writing a request's files: a workbook (xlsxwriter, as the administrator's workbook is written,
text a spreadsheet could take for a formula kept inert) and a printable, self-contained HTML page
(no script, no link, no file beside it), each a list of titled tables.

>>> import tempfile, pathlib, pandas as pd
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> table = Table("Dati", pd.DataFrame({"Vērtība": ["=1+1", "Līga"]}))
>>> write_html(folder / "a.html", "lv", "Virsraksts", ["Ievads"], [table])
>>> "<td>=1+1</td>" in (folder / "a.html").read_text("utf-8")
True
>>> write_xlsx(folder / "a.xlsx", [table])
>>> import openpyxl
>>> openpyxl.load_workbook(folder / "a.xlsx")["Dati"]["A2"].value
'=1+1'
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zimes_audit.report.safe_text import is_formula_like

_STYLE = """
body { font-family: sans-serif; font-size: 10pt; margin: 2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #DDEBF7; }
@media print { body { margin: 0; } tr { page-break-inside: avoid; } }
@page { size: A4 landscape; margin: 1cm; }
"""


@dataclass(frozen=True)
class Table:
    """A titled table: its columns are headed as shown; ``note`` is a line under the title."""

    title: str
    rows: pd.DataFrame
    note: str = ""


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def write_xlsx(path: Path, tables: list[Table]) -> None:
    """One sheet per table (its title, cut to Excel's 31 characters), header row frozen."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    inert = book.add_format({"quote_prefix": True, "text_wrap": True, "valign": "top"})
    plain = book.add_format({"text_wrap": True, "valign": "top"})
    for table in tables:
        sheet = book.add_worksheet(table.title[:31])
        for col, heading in enumerate(table.rows.columns):
            sheet.set_column(col, col, 24)
            sheet.write_string(0, col, str(heading), header)
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        for r, record in enumerate(table.rows.itertuples(index=False), start=1):
            for col, value in enumerate(record):
                text = _cell(value)
                if text:
                    sheet.write_string(r, col, text, inert if is_formula_like(text) else plain)
    book.close()


def write_html(
    path: Path, language: str, title: str, intro: list[str], tables: list[Table]
) -> None:
    """A printable page: the title, the intro lines and each table, everything escaped."""
    e = html.escape
    parts = [
        f'<!DOCTYPE html>\n<html lang="{e(language)}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        *(f"<p>{e(line)}</p>" for line in intro),
    ]
    for table in tables:
        parts.append(f"<h2>{e(table.title)}</h2>")
        if table.note:
            parts.append(f"<p>{e(table.note)}</p>")
        head = "".join(f"<th>{e(str(c))}</th>" for c in table.rows.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(_cell(v))}</td>" for v in record) + "</tr>"
            for record in table.rows.itertuples(index=False)
        )
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</body></html>\n")
    path.write_text("\n".join(parts), "utf-8")
