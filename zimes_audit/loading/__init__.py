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
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zimes_audit import errors
from zimes_audit.loading.discover import (
    SUFFIXES,
    WORKBOOK_SUFFIXES,
    InputFile,
    Skipped,
    input_files,
    readable_name,
)

if TYPE_CHECKING:
    from zimes_audit.loading.tables import (
        PROVENANCE_COLUMNS,
        UNCLASSIFIED_PREFIX,
        CellProblem,
        ColumnInfo,
        Detected,
        LoadedTable,
    )
    from zimes_audit.procedure.catalogue import Catalogue
    from zimes_audit.procedure.field_map import FieldMap

# the table types import pandas: loaded on first use, so that checking the inputs (discover)
# stays light and `zimes-audit run` refuses a missing path without importing pandas or GX
_FROM_TABLES = (
    "PROVENANCE_COLUMNS",
    "UNCLASSIFIED_PREFIX",
    "CellProblem",
    "ColumnInfo",
    "Detected",
    "LoadedTable",
)


def __getattr__(name: str):
    if name in _FROM_TABLES:
        return getattr(importlib.import_module("zimes_audit.loading.tables"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PROVENANCE_COLUMNS",
    "UNCLASSIFIED_PREFIX",
    "CellProblem",
    "ColumnInfo",
    "Detected",
    "LoadedTable",
    "Loaded",
    "Skipped",
    "load_file",
    "load_inputs",
    "load_path",
]

# a file found in a folder that fails with one of these is not an export: skipped, not refused
NOT_AN_EXPORT = (
    errors.UnknownHeading,
    errors.UnknownFileKind,
    errors.EmptyFile,
    errors.BinaryFile,
    errors.UndecodableText,
    errors.NotAWorkbook,
    errors.LockFile,
)
# a file found in a folder that fails with one of these cannot be read: skipped and named too,
# so one damaged workbook does not stop the audit of the rest
DAMAGED = (
    errors.CorruptWorkbook,
    errors.UnsupportedCompression,
    errors.CutFile,
    errors.BlankRun,
)


def _read_bytes(path: Path) -> tuple[bytes | bytearray, str]:
    """A file's bytes and their SHA-256; a text file's without the blank lines run on after its
    text (:mod:`~zimes_audit.loading.text_file`: held as long as what is filled), and of a file
    named as a workbook that is none (no zip or OLE2 signature) only its start, which names
    what it is."""
    from zimes_audit.loading.text_file import read_head, read_text
    from zimes_audit.loading.xlsx_reader import OLE2_MAGIC, TEXT_HEAD, ZIP_MAGIC

    if not path.is_file():
        if path.exists():
            raise errors.NotAFile(path, what="special file")
        raise errors.InputNotFound(path)
    try:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            with path.open("rb") as stream:
                signature = stream.read(len(OLE2_MAGIC))
            if not signature.startswith((ZIP_MAGIC, OLE2_MAGIC)):
                head = read_head(path, TEXT_HEAD)
                return head.data, head.sha256
            data = path.read_bytes()
            return data, hashlib.sha256(data).hexdigest()
        text = read_text(path)
        return text.data, text.sha256
    except OSError as error:
        raise errors.UnreadableInput(path, cause=error.strerror or type(error).__name__) from None


def _raws(path: Path, data: bytes, catalogue: Catalogue) -> list:
    """A file's bytes read into raw tables of text cells (one per data sheet of a workbook)."""
    from zimes_audit.loading.csv_reader import read_csv
    from zimes_audit.loading.xlsx_reader import read_workbook

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise errors.UnsupportedFileType(path)
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path, data, catalogue)
    return [read_csv(path, data, catalogue)]


def _built(
    path: Path, raws: list, name: str, digest: str, catalogue: Catalogue
) -> list[LoadedTable]:
    """The raw tables typed (each handed over, so its text is held once)."""
    from zimes_audit.loading.build import build_table

    if len(raws) == 1:
        return [build_table(path, raws.pop(), digest, catalogue, name)]
    # several data sheets: each is a source of its own (``register.xlsx [Arhīvs]``)
    tables = []
    while raws:
        raw = raws.pop(0)
        tables.append(build_table(path, raw, digest, catalogue, f"{name} [{raw.detected.sheet}]"))
    return tables


def load_path(
    path: str | Path, name: str | None = None, catalogue: Catalogue | None = None
) -> list[LoadedTable]:
    """Every table of one file: one for a CSV, one per data sheet of a workbook (read only,
    never modified).  ``name`` is the source name (default: the file name); ``catalogue``
    defaults to the package's (pass one with the administrator's field map applied)."""
    from zimes_audit.procedure.catalogue import load_catalogue

    path = Path(path)
    catalogue = catalogue or load_catalogue()
    data, digest = _read_bytes(path)
    raws = _raws(path, data, catalogue)
    del data  # the bytes are not needed while the cells are typed
    return _built(path, raws, name or readable_name(path.name), digest, catalogue)


def load_file(path: str | Path, catalogue: Catalogue | None = None) -> LoadedTable:
    """Load one .csv/.tsv/.txt file or a workbook's first data sheet (read only)."""
    return load_path(path, catalogue=catalogue)[0]


class Loaded(list):
    """The tables of an audit's inputs, with ``skipped``: files and duplicates left out, and why
    (one line each, for the screen and the inventory)."""

    def __init__(self, tables=(), skipped=()):
        super().__init__(tables)
        self.skipped: list[Skipped] = list(skipped)


def load_inputs(paths: Sequence[str | Path], field_map: FieldMap | None = None) -> Loaded:
    """Load every input file found in ``paths`` (files, or folders of them), in order, reading
    headings with the administrator's ``field_map`` (:mod:`zimes_audit.procedure.field_map`).

    A file found in a folder that is not an export (no header, neither kind, empty, not text)
    or cannot be read (a damaged workbook, a cut file) is skipped and named; a file named
    explicitly is refused.  A file with the same bytes as one
    already read is read once (the duplicate named).
    """
    from zimes_audit.procedure.catalogue import load_catalogue

    catalogue = load_catalogue().with_field_map(field_map)
    files = input_files(paths)
    skipped = list(files.skipped)
    tables: list[LoadedTable] = []
    seen: dict[str, InputFile] = {}
    for item in files:
        try:
            data, digest = _read_bytes(item.path)
            if digest in seen:
                why = f"the same bytes as {seen[digest].name}, read once"
                skipped.append(Skipped(item.name, why))
                continue
            seen[digest] = item
            raws = _raws(item.path, data, catalogue)
            del data  # the bytes are not needed while the cells are typed
            tables += _built(item.path, raws, item.name, digest, catalogue)
        except NOT_AN_EXPORT + DAMAGED as error:
            if item.explicit:
                raise
            why = error.reason().rstrip(".")
            what = (
                "cannot be read"
                if isinstance(error, DAMAGED)
                else "not an orders export or register"
            )
            skipped.append(Skipped(item.name, f"{what}: {why}", error))
    if not tables:
        raise errors.NoInputFiles(paths[0] if len(paths) == 1 else None)
    return Loaded(tables, skipped)
