"""Loading the audit's inputs: Mozello orders exports and the customer register, CSV or Excel.

``load_inputs`` takes files and folders and returns one :class:`LoadedTable` per file: a typed frame
whose columns are canonical catalogue fields (unknown headings kept as ``unclassified:<heading>``)
plus the provenance columns ``source_file``, ``source_sheet`` and ``source_row``.  Every failure is a
typed :mod:`zimes_audit.errors` error naming the file (and row), never a cell value.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "orders.csv").write_text(
...     "Pasūtījuma nr.,Datums,E-pasts,Summa,Personas kods\\n"
...     "M-2475405-25,05.01.2024,anna@example.lv,\\"12,50\\",\\n", encoding="utf-8")
>>> [table] = load_inputs([folder])
>>> table.kind, table.rows, table.detected.delimiter, table.detected.header_row
('orders', 1, ',', 1)
>>> [c.category for c in table.columns]
['operational', '6.6', '6.2', '6.6', 'not-permitted']
>>> table.frame[["order_id", "created_at", "total", "source_row"]].to_dict("records")
[{'order_id': 'M-2475405-25', 'created_at': Timestamp('2024-01-05 00:00:00'), 'total': 12.5, 'source_row': 2}]
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from zimes_audit import errors
from zimes_audit.loading.build import build_table
from zimes_audit.loading.csv_reader import read_csv
from zimes_audit.loading.discover import SUFFIXES, WORKBOOK_SUFFIXES, input_files
from zimes_audit.loading.tables import (
    PROVENANCE_COLUMNS,
    UNCLASSIFIED_PREFIX,
    ColumnInfo,
    Detected,
    LoadedTable,
)
from zimes_audit.loading.xlsx_reader import read_xlsx
from zimes_audit.procedure.catalogue import Catalogue, load_catalogue
from zimes_audit.procedure.field_map import FieldMap

__all__ = [
    "PROVENANCE_COLUMNS",
    "UNCLASSIFIED_PREFIX",
    "ColumnInfo",
    "Detected",
    "LoadedTable",
    "load_file",
    "load_inputs",
]


def load_file(path: str | Path, catalogue: Catalogue | None = None) -> LoadedTable:
    """Load one .csv/.tsv/.txt/.xlsx file (read only, never modified); ``catalogue`` defaults to
    the package's (pass one with the administrator's field map applied)."""
    path = Path(path)
    if not path.is_file():
        raise errors.InputNotFound(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise errors.UnsupportedFileType(path)
    data = path.read_bytes()
    catalogue = catalogue or load_catalogue()
    if suffix in WORKBOOK_SUFFIXES:
        raw = read_xlsx(path, data, catalogue)
    else:
        raw = read_csv(path, data, catalogue)
    return build_table(path, raw, hashlib.sha256(data).hexdigest(), catalogue)


def load_inputs(
    paths: Sequence[str | Path], field_map: FieldMap | None = None
) -> list[LoadedTable]:
    """Load every input file found in ``paths`` (files, or folders of them), in order, reading
    headings with the administrator's ``field_map`` (:mod:`zimes_audit.procedure.field_map`)."""
    catalogue = load_catalogue().with_field_map(field_map)
    return [load_file(path, catalogue) for path in input_files(paths)]
