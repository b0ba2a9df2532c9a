"""Reading the administrator's decisions back from a filled workbook.

The administrator writes a Resolution (drop-down), a free-text Note and their initials on the
*Flagged* rows — or on a *Jobs* row, which decides every record of that job — and the next run
reads them with openpyxl (read-only, streaming).  Rows are matched by the finding key (job key on
the *Jobs* sheet) in the workbook's last column, never by position: the administrator may sort
and filter freely.  Labels of either language are accepted.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from zimes_audit.errors import BadArgument, CorruptWorkbook, InputNotFound
from zimes_audit.report.history import Decision
from zimes_audit.report.labels import heading_keys, resolution_id, sheet_key


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def read_resolutions(path: Path) -> tuple[dict[str, Decision], dict[str, Decision]]:
    """``(per finding key, per job key)`` decisions written in the workbook at ``path``."""
    import openpyxl

    path = Path(path)
    if not path.is_file():
        raise InputNotFound(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise CorruptWorkbook(path) from None
    records: dict[str, Decision] = {}
    jobs: dict[str, Decision] = {}
    found_key = False
    try:
        for sheet in book.worksheets:
            which = sheet_key(sheet.title)
            if which not in ("flagged", "jobs"):
                continue
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None) or ()
            columns = {heading_keys(h): i for i, h in enumerate(header) if heading_keys(h)}
            if "key" not in columns or "resolution" not in columns:
                continue
            found_key = True
            target = jobs if which == "jobs" else records
            for row in rows:
                if len(row) <= columns["key"]:
                    continue
                key = _text(row[columns["key"]])
                value = row[columns["resolution"]] if columns["resolution"] < len(row) else None
                resolution = resolution_id(value)
                if not key or resolution is None:
                    continue

                def cell(name: str, row=row, columns=columns) -> str:
                    i = columns.get(name)
                    return _text(row[i]) if i is not None and i < len(row) else ""

                target[key] = Decision(
                    resolution, cell("note"), cell("decided_by"), from_job=which == "jobs"
                )
    finally:
        book.close()
    if not found_key:
        raise BadArgument(
            problem=f"{path}: not a zimes-audit workbook (no Resolution and key columns)"
        )
    return records, jobs
