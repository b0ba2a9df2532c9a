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
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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


#: Files read and typed at once by :func:`load_inputs`: two, for the machine's two cores (python-
#: calamine's parse and Arrow's readers and kernels let go of the GIL), and at most two files'
#: text held at a time.
LOAD_WORKERS = 2


def _typed(path: Path, held: list, name: str, digest: str, catalogue: Catalogue) -> list:
    """A file's bytes (``held``: a list of them, emptied, so that they are let go once read
    into cells rather than kept by the pool until the tables are built) read and typed."""
    raws = _raws(path, held.pop(), catalogue)
    return _built(path, raws, name, digest, catalogue)


def _failed(error: Exception) -> Future:
    """A future already settled with ``error`` (a file whose bytes could not be read)."""
    future: Future = Future()
    future.set_exception(error)
    return future


def _settle(item: InputFile, outcome, tables: list, skipped: list[Skipped]) -> None:
    """Take one file's outcome, in input order: its tables, or the line naming it skipped (a
    duplicate, or a file found in a folder that is not an export or cannot be read); any other
    error, and every error of a file named explicitly, is raised."""
    if isinstance(outcome, Skipped):
        skipped.append(outcome)
        return
    try:
        tables += outcome.result()
    except NOT_AN_EXPORT + DAMAGED as error:
        if item.explicit:
            raise
        why = error.reason().rstrip(".")
        what = (
            "cannot be read" if isinstance(error, DAMAGED) else "not an orders export or register"
        )
        skipped.append(Skipped(item.name, f"{what}: {why}", error))


def load_inputs(paths: Sequence[str | Path], field_map: FieldMap | None = None) -> Loaded:
    """Load every input file found in ``paths`` (files, or folders of them), in order, reading
    headings with the administrator's ``field_map`` (:mod:`zimes_audit.procedure.field_map`).

    A file found in a folder that is not an export (no header, neither kind, empty, not text)
    or cannot be read (a damaged workbook, a cut file) is skipped and named; a file named
    explicitly is refused.  A file with the same bytes as one
    already read is read once (the duplicate named).

    Up to :data:`LOAD_WORKERS` files are read and typed at once, each by a thread of its own;
    the outcome is the same as one after the other: the tables and the skipped files in input
    order, the duplicates decided in input order, and the first refusal in input order raised
    (a later file read meanwhile is waited for and its outcome dropped).
    """
    # the readers imported before the threads start: never two threads importing one module
    from zimes_audit.loading import build, csv_reader, xlsx_reader  # noqa: F401
    from zimes_audit.procedure.catalogue import load_catalogue

    catalogue = load_catalogue().with_field_map(field_map)
    files = input_files(paths)
    skipped = list(files.skipped)
    tables: list[LoadedTable] = []
    seen: dict[str, InputFile] = {}
    running: deque[tuple[InputFile, Future | Skipped]] = deque()
    with ThreadPoolExecutor(LOAD_WORKERS, thread_name_prefix="load") as pool:
        for item in files:
            if len(running) == LOAD_WORKERS:  # the oldest file taken before another is read
                _settle(*running.popleft(), tables, skipped)
            try:
                data, digest = _read_bytes(item.path)
            except Exception as error:  # noqa: BLE001 (raised or skipped in its turn, by _settle)
                running.append((item, _failed(error)))
                continue
            if digest in seen:
                why = f"the same bytes as {seen[digest].name}, read once"
                running.append((item, Skipped(item.name, why)))
                continue
            seen[digest] = item
            task = pool.submit(_typed, item.path, [data], item.name, digest, catalogue)
            del data  # held by the task alone
            running.append((item, task))
        while running:
            _settle(*running.popleft(), tables, skipped)
    if not tables:
        raise errors.NoInputFiles(paths[0] if len(paths) == 1 else None)
    return Loaded(tables, skipped)
