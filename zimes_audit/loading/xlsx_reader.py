"""Reading a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) into :class:`RawTable` s of text cells,
with python-calamine.

Every sheet whose header makes it an orders export or a customer register is read (one table
each, with its sheet as provenance); the other sheets (a summary, a pivot table, notes) are
skipped and named in the notes.  The header is chosen by :mod:`zimes_audit.loading.header`,
given the sheet's merged cells: it may take two rows, a group row over sub-headings.
Every cell is turned into text the way a person reads it (``37122345678.0`` → ``"37122345678"``,
a date cell → ISO text), so typing follows one path for CSV and Excel alike.

Before calamine reads a zip workbook (.xlsx, .xlsm, .xlsb, .ods), :mod:`~zimes_audit.loading.sheet_scan`
scans every sheet: a sheet whose filled cells span more than ``MAX_CELLS`` is refused (calamine
would try to allocate all of it and abort the process), and the cells calamine reads as blank
though they are not — Excel error cells, formulas saved without their result — are kept as
unreadable cells.  Error values calamine cannot read at all (``#SPILL!``, ``#CALC!`` …) are
written as ``#N/A`` in the copy calamine reads, so one modern error does not refuse the workbook.
A zip part that is encrypted or compressed with a method other than stored/deflated (Deflate64)
is refused in one line.

A password-protected workbook is not a zip file but an OLE2 compound file (magic bytes
``D0 CF 11 E0 A1 B1 1A E1``) holding an ``EncryptionInfo`` stream; its name appears in the file's
directory as UTF-16LE text, which is what :func:`check_container` looks for.

>>> cell_text(37122345678.0), cell_text(12.5), cell_text(True), cell_text("")
('37122345678', '12.5', 'TRUE', None)
>>> import datetime as dt
>>> cell_text(dt.date(2024, 1, 5)), cell_text(dt.datetime(2024, 1, 5, 13, 4))
('2024-01-05', '2024-01-05 13:04:00')
>>> check_container(OLE2_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le"), "p.xlsx")
Traceback (most recent call last):
...
zimes_audit.errors.ProtectedWorkbook: p.xlsx: the workbook is password-protected. ...
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as calamine

from zimes_audit import errors
from zimes_audit.loading import sheet_scan
from zimes_audit.loading.header import (
    HEADER_SEARCH_ROWS,
    HeaderChoice,
    choose_header,
    known_fields,
)
from zimes_audit.loading.kinds import decide_kind
from zimes_audit.loading.sheet_scan import SheetScan
from zimes_audit.loading.tables import Detected, RawTable, filled_width
from zimes_audit.procedure.catalogue import Catalogue

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_OPEN_ERRORS = (calamine.CalamineError, ValueError, OSError)

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta


def cell_text(value: Cell) -> str | None:
    """A cell as text; ``None`` for an empty cell."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


TEXT_HEAD = 4096  # the start of a file that tells what text it is
_XML_2003 = b"urn:schemas-microsoft-com:office:spreadsheet"
_HTML = re.compile(rb"<(?:html|table|!doctype html)\b", re.IGNORECASE)


def _text_in_disguise(data: bytes) -> str | None:
    """What a text file saved with a workbook's name is (web tools' usual "Excel" export):
    an Excel 2003 XML spreadsheet or a web page's table; ``None`` for anything else.

    >>> _text_in_disguise(b'<?xml version="1.0"?><Workbook xmlns="' + _XML_2003 + b'">')
    'an Excel 2003 XML spreadsheet'
    >>> _text_in_disguise(b"\\xef\\xbb\\xbf<HTML><body><table><tr><td>1</td></tr></table>")
    'a web page (an HTML table)'
    """
    head = data[:TEXT_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None
    if _XML_2003 in head:
        return "an Excel 2003 XML spreadsheet"
    if _HTML.search(head):
        return "a web page (an HTML table)"
    return None


def check_container(data: bytes, path: str | Path) -> None:
    """Raise the typed error when ``data`` cannot be a workbook of its file's type."""
    if not data:
        raise errors.EmptyFile(path)
    disguised = _text_in_disguise(data)
    if disguised is not None:
        raise errors.NotAWorkbook(path, what=disguised)
    if data.startswith(OLE2_MAGIC) and _ENCRYPTION_INFO in data:
        raise errors.ProtectedWorkbook(path)
    ole2 = Path(path).suffix.lower() == ".xls"
    if not data.startswith(OLE2_MAGIC if ole2 else ZIP_MAGIC):
        raise errors.CorruptWorkbook(path)


MAX_CELLS = 25_000_000  # 1 million rows × 25 columns
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def check_archive(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a workbook whose zip parts are encrypted or compressed in a way this tool (Python's
    zipfile and calamine: stored or deflated) cannot read, e.g. Deflate64, as Windows zips
    large files."""
    for item in archive.infolist():
        if item.flag_bits & 0x1:
            raise errors.EncryptedWorkbook(path)
        if item.compress_type not in _ZIP_METHODS:
            raise errors.UnsupportedCompression(path)


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding its XML, from workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    members = {}
    for element in book.iter():
        if element.tag.endswith("}sheet"):
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                members[element.get("name", "")] = targets[rid]
    return members


def _recalculates(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook asks for every formula to be recalculated when it is opened
    (``<calcPr fullCalcOnLoad="1"/>``, as openpyxl and xlsxwriter write it): its saved formula
    results are then placeholders, not results."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError):
        return False
    for element in book.iter():
        if element.tag.rpartition("}")[2] == "calcPr":
            flag = next((v for k, v in element.attrib.items() if k.endswith("fullCalcOnLoad")), "")
            return flag.strip().lower() in ("1", "true")
    return False


_ERROR_VALUE = rb"(<(?:[A-Za-z_][\w.-]*:)?v>)\s*%s\s*(</)"


def _xml_errors_as_na(body: bytes, codes: set[bytes]) -> bytes:
    for code in codes:
        body = re.sub(_ERROR_VALUE % re.escape(code), rb"\1#N/A\2", body)
    return body


def _readable(
    data: bytes, scans: dict[str, SheetScan], members: dict[str, str], as_na=_xml_errors_as_na
) -> bytes:
    """The workbook's bytes with the error values calamine cannot read (``#SPILL!`` …) written
    as ``#N/A`` by ``as_na(part, codes)`` (the scan has named each already); the bytes
    themselves when there are none."""
    patches = {
        members[name]: scan.calamine_cannot_read
        for name, scan in scans.items()
        if scan.calamine_cannot_read
    }
    if not patches:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as copy:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename in patches:
                body = as_na(body, patches[item.filename])
            copy.writestr(item.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _scans(data: bytes, path: Path) -> tuple[dict[str, SheetScan], bytes]:
    """The scans of every sheet of a zip workbook (.xlsx, .xlsm, .ods; none for others) and the
    bytes calamine is to read."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xlsb", ".ods") or not data.startswith(ZIP_MAGIC):
        return {}, data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, path)
            names = set(archive.namelist())
            if "content.xml" in names:
                return sheet_scan.scan_ods(archive, str(path)), data
            if "xl/workbook.bin" in names:
                scans = sheet_scan.scan_xlsb(archive, str(path))
                members = sheet_scan.xlsb_sheets(archive)
                return scans, _readable(data, scans, members, sheet_scan.xlsb_errors_as_na)
            members = _sheet_members(archive)
            recalculate = _recalculates(archive)
            scans = {
                name: sheet_scan.scan_xlsx(archive, member, recalculate, MAX_CELLS)
                for name, member in members.items()
                if member in names
            }
            return scans, _readable(data, scans, members)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError):
        raise errors.CorruptWorkbook(path) from None


def _text_rows(rows: list[list[Cell]]) -> list[list[str]]:
    return [[cell_text(v) or "" for v in row] for row in rows]


def _header(top: list[list[str]], merged, catalogue: Catalogue) -> HeaderChoice | None:
    """The header of a sheet's top rows (:func:`~zimes_audit.loading.header.choose_header`:
    one row, or a group row over sub-headings with its merged cells), or ``None``."""
    return choose_header(top, catalogue, list(merged or ()))


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str" dtype
#: A sheet's rows are turned into text this many at a time: its cells are Python objects only a
#: slice at a time (200k rows × 18 cells held at once cost ~210 MB).
ROWS_AT_ONCE = 1 << 14


def _chunk_text(values: np.ndarray) -> tuple[pa.Array, bool]:
    """A slice of one column as text, and whether it held a cell that is not text.  Fast path: a
    slice of text cells only goes straight to Arrow (empty cells are ``""``, which
    :func:`~zimes_audit.loading.values.clean_text` makes missing); a slice holding numbers, dates
    or booleans is converted by kind (:func:`_as_text`)."""
    try:  # Arrow refuses a cell that is not text: then the slice is converted by kind
        return pa.array(values, type=pa.large_string()), False
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array(_as_text(values), type=pa.large_string()), True


def _column(chunks: list[pa.Array], mixed: bool) -> pd.Series:
    """One column's slices as one text column, the same whatever the slicing: in a column
    holding a cell that is not text, an empty cell is missing in every slice (as
    :func:`_as_text` gives it), else ``""``.

    >>> _column([pa.array([""], pa.large_string()), pa.array(["a", None], pa.large_string())],
    ...         True).tolist()
    [nan, 'a', nan]
    """
    if mixed:
        chunks = [pc.if_else(pc.equal(c, ""), pa.scalar(None, c.type), c) for c in chunks]
    arrow = pa.chunked_array(chunks, pa.large_string()).combine_chunks()
    return pd.Series(arrow.to_pandas(types_mapper={pa.large_string(): _TEXT}.get))


def _filled(chunk: pa.Array) -> bool:
    """Whether a slice of text holds a cell that is not empty."""
    return chunk.null_count < len(chunk) and bool(pc.max(pc.binary_length(chunk)).as_py())


_EXACT_FLOAT = 2.0**53  # a float below this that is a whole number prints as that integer


def _as_text(values: np.ndarray, kinds: np.ndarray | None = None) -> np.ndarray:
    """:func:`cell_text` of every cell, by kind of cell (whole numbers, dates, date-times and
    booleans vectorised; any other cell one by one).

    >>> cells = np.array(["a", "", 37122345678.0, 12.5, True, dt.date(2024, 1, 5),
    ...                   dt.datetime(2024, 1, 5, 13, 4), 7], dtype=object)
    >>> _as_text(cells).tolist()
    ['a', None, '37122345678', '12.5', 'TRUE', '2024-01-05', '2024-01-05 13:04:00', '7']
    """
    if kinds is None:
        kinds = np.fromiter(map(type, values), dtype=object, count=len(values))
    out = np.empty(len(values), dtype=object)
    done = np.zeros(len(values), dtype=bool)
    text = np.equal(kinds, str)
    out[text] = values[text]
    out[text & (values == "")] = None
    done |= text
    floats = np.flatnonzero(np.equal(kinds, float))
    if floats.size:
        number = values[floats].astype(np.float64)
        whole = np.flatnonzero((np.abs(number) < _EXACT_FLOAT) & (number == np.floor(number)))
        as_int = pa.array(number[whole].astype(np.int64)).cast(pa.string())
        out[floats[whole]] = as_int.to_numpy(zero_copy_only=False)
        done[floats[whole]] = True
    ints = np.flatnonzero(np.equal(kinds, int))
    if ints.size and max(abs(values[ints].min()), abs(values[ints].max())) < _EXACT_FLOAT:
        as_int = pa.array(values[ints].astype(np.int64)).cast(pa.string())
        out[ints] = as_int.to_numpy(zero_copy_only=False)
        done[ints] = True
    flags = np.equal(kinds, bool)
    out[flags] = np.where(values[flags].astype(bool), "TRUE", "FALSE")
    done |= flags
    days = np.flatnonzero(np.equal(kinds, dt.date))
    if days.size:
        as_text = pa.array(values[days], type=pa.date32()).cast(pa.string())
        out[days] = as_text.to_numpy(zero_copy_only=False)
        done[days] = True
    stamps = np.flatnonzero(np.equal(kinds, dt.datetime))
    if stamps.size:
        moments = pa.array(values[stamps], type=pa.timestamp("us"))
        micros = moments.to_numpy(zero_copy_only=False).view(np.int64)
        plain = np.flatnonzero(micros % 1_000_000 == 0)  # no microseconds: HH:MM:SS
        if plain.size:
            seconds = moments.take(pa.array(plain)).cast(pa.timestamp("s")).cast(pa.string())
            out[stamps[plain]] = seconds.to_numpy(zero_copy_only=False)
            done[stamps[plain]] = True
    for at in np.flatnonzero(~done):
        out[at] = cell_text(values[at])
    return out


def _open(data: bytes, path: Path):
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise errors.ProtectedWorkbook(path) from None
    except _OPEN_ERRORS:
        raise errors.CorruptWorkbook(path) from None


def _guard(path: Path, name: str, cells: int, rows: int, columns: int) -> None:
    beyond = rows > sheet_scan.GRID_ROWS or columns > sheet_scan.GRID_COLUMNS  # past Excel's grid
    if cells > MAX_CELLS or beyond:
        raise errors.TooLargeSheet(path, sheet=name, rows=rows, columns=columns, limit=MAX_CELLS)


def _row_slices(sheet, skip: int, width: int, marked: list[tuple[int, int]]):
    """The sheet's rows after its first ``skip`` ones, ``ROWS_AT_ONCE`` at a time, each slice as
    a matrix of ``width`` columns of cells, as ``to_python(skip_empty_area=False)`` gives them
    (python-calamine's ``iter_rows`` counts rows from the sheet's top and cells from its first
    filled column: the columns left of it are empty).  The ``marked`` cells (row, column) are
    made empty: what calamine read of them is not a value (``Err:502``)."""
    if sheet.start is None:  # an empty sheet
        return
    left, right = sheet.start[1], sheet.end[1] + 1
    rows = itertools.islice(sheet.iter_rows(), skip, None)
    first = skip
    while body := list(itertools.islice(rows, ROWS_AT_ONCE)):
        matrix = np.empty((width, len(body)), dtype=object)
        matrix[:left] = ""
        matrix[left:right].T[:] = body
        matrix[right:] = ""
        for row, column in marked:
            if first <= row < first + len(body):
                matrix[column, row - first] = ""
        first += len(body)
        yield matrix


def _raw(path: Path, sheet, name: str, header: HeaderChoice, scan: SheetScan | None) -> RawTable:
    last, headings = header.last, list(header.headings)
    read = sheet.end[1] + 1 if sheet.end else 0  # the cells of a row, from column A
    # a cell calamine reads as blank though it is not (a formula without its result) may lie
    # right of every value: its column is read too
    marked_cells = [(r, c) for (r, c) in (scan.unreadable if scan else {}) if r > last]
    marked = {c for _, c in marked_cells}
    width = max(len(headings), read, max(marked, default=-1) + 1)
    headings = headings + [""] * (width - len(headings))
    chunks: list[list[pa.Array]] = [[] for _ in range(width)]
    mixed, filled = np.zeros(width, dtype=bool), np.zeros(width, dtype=bool)
    rows = 0
    for matrix in _row_slices(sheet, last + 1, width, marked_cells):
        rows += matrix.shape[1]
        for i in range(width):
            text, mixed_here = _chunk_text(matrix[i])
            chunks[i].append(text)
            mixed[i] |= mixed_here
            filled[i] = filled[i] or _filled(text)
    width = filled_width(path, headings, lambda i: i not in marked and not filled[i])
    headings = headings[:width]
    cells = pd.DataFrame({i: _column(chunks[i] or [_NO_TEXT], mixed[i]) for i in range(width)})
    first = last + 2
    unreadable: dict[int, dict[int, str]] = {}
    for (row, column), what in (scan.unreadable if scan else {}).items():
        if row > last and column < width:
            unreadable.setdefault(column, {})[row + 1] = what
    suffix = path.suffix.lower().lstrip(".")
    return RawTable(
        headings,
        cells,
        np.arange(first, first + rows, dtype=np.int64),
        Detected(suffix, None, None, name, last + 1, header_first=header.first + 1),
        unreadable=unreadable,
        notes=(header.note,),
    )


_NO_TEXT = pa.array([], pa.large_string())


def read_workbook(path: Path, data: bytes, catalogue: Catalogue) -> list[RawTable]:
    """Read every data sheet of a workbook's bytes; the first table's ``notes`` name the sheets
    skipped.  Raises the typed errors of :mod:`zimes_audit.errors`."""
    check_container(data, path)
    scans, data = _scans(data, path)
    book = _open(data, path)
    taken: list[tuple[str, object, HeaderChoice]] = []
    fallback = None
    skipped: list[str] = []
    try:
        for name in book.sheet_names:
            scan = scans.get(name)
            if scan is not None:
                rows, columns = (scan.last[0] + 1, scan.last[1] + 1) if scan.last else (0, 0)
                _guard(path, name, scan.cells, rows, columns)
            sheet = book.get_sheet_by_name(name)
            _guard(path, name, sheet.height * sheet.width, sheet.height, sheet.width)
            top = _text_rows(sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS))
            header = _header(top, sheet.merged_cell_ranges, catalogue)
            if header is None:
                skipped.append(
                    f"sheet '{errors.one_line(name)}' skipped: no recognisable header row"
                )
                continue
            decision = decide_kind(known_fields(header.headings, catalogue), catalogue)
            if decision.kind is None and not decision.tie:
                skipped.append(
                    f"sheet '{errors.one_line(name)}' skipped: neither kind ({decision.why})"
                )
                fallback = fallback or (name, sheet, header)
                continue
            taken.append((name, sheet, header))
        if not taken:
            if fallback is None:
                raise errors.UnknownHeading(path)
            taken = [fallback]
        tables = [_raw(path, sheet, name, header, scans.get(name)) for name, sheet, header in taken]
    except calamine.PasswordError:
        raise errors.ProtectedWorkbook(path) from None
    except _OPEN_ERRORS:
        raise errors.CorruptWorkbook(path) from None
    finally:
        book.close()
    first = tables[0]
    tables[0] = RawTable(
        first.headings, first.cells, first.source_rows, first.detected,
        unreadable=first.unreadable, notes=(*first.notes, *skipped),
    )  # fmt: skip
    return tables


def read_xlsx(path: Path, data: bytes, catalogue: Catalogue) -> RawTable:
    """The first data sheet of a workbook (see :func:`read_workbook`)."""
    return read_workbook(path, data, catalogue)[0]
