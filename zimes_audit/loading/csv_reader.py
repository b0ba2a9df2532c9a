"""Reading a delimited text file (.csv, .tsv, .txt) into a :class:`RawTable` of text cells.

The start of the file is sniffed (encoding, delimiter, header row); the rest is parsed by Arrow's
CSV reader with every cell read as text, Windows-1257 text decoded once as it is read (the file is
never held a second time as UTF-8).  A file with a blank line or a row of the wrong width takes the
careful path, pandas' C parser.  Row numbers count records as a spreadsheet shows them: blank lines
count, a quoted value spanning several lines is one row.

>>> import tempfile
>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> folder = Path(tempfile.mkdtemp())
>>> text = 'Pasūtījumi 2024\\n\\nPasūtījuma nr.;Summa;Piezīmes\\nM-1;12,50;"zvanīt\\npirms"\\n\\nM-2;3;\\n'
>>> _ = (folder / "o.csv").write_text(text, encoding="cp1257")
>>> raw = read_csv(folder / "o.csv", (folder / "o.csv").read_bytes(), load_catalogue())
>>> raw.detected
Detected(format='csv', encoding='cp1257', delimiter=';', sheet=None, header_row=3, header_first=3)
>>> raw.headings, raw.source_rows.tolist(), raw.cells[2].tolist()
(['Pasūtījuma nr.', 'Summa', 'Piezīmes'], [4, 5, 6], ['zvanīt\\npirms', nan, nan])
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from zimes_audit import errors
from zimes_audit.loading.sniff import (
    ENCODING_EVIDENCE,
    ENCODING_NAMES,
    HEAD_BYTES,
    head_text,
    sniff_encoding,
    sniff_header,
)
from zimes_audit.loading.tables import Detected, RawTable, filled_width
from zimes_audit.procedure.catalogue import Catalogue

MAX_COLUMNS = 16384  # Excel's limit; no export is wider
BLOCK = 1 << 20  # Arrow reads the text in blocks of this many bytes, split at line breaks


def _utf16_as_utf8(data: bytes) -> bytes:
    """A UTF-16 file's bytes as UTF-8 (its byte-order mark consumed by the decoding)."""
    return data.decode("utf-16").encode("utf-8")


_LINE_CHUNK = 1 << 24


def _newlines(data: bytes) -> np.ndarray:
    r"""The offset of every ``\n``, found with numpy in chunks (never a Python step per line)."""
    array = np.frombuffer(data, dtype=np.uint8)
    found = [
        np.flatnonzero(array[chunk : chunk + _LINE_CHUNK] == 0x0A) + chunk
        for chunk in range(0, len(array), _LINE_CHUNK)
    ]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _long_lines(data: bytes, breaks: np.ndarray, longer_than: int):
    r"""``(line number, start, end)`` of every line longer than ``longer_than`` bytes (``breaks``:
    the offsets of the ``\n`` line breaks).

    >>> data = b"ab\nabcdef\nabc"
    >>> list(_long_lines(data, _newlines(data), 2))
    [(2, 3, 9), (3, 10, 13)]
    """
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    for k in np.flatnonzero(ends - starts > longer_than):
        yield int(k) + 1, int(starts[k]), int(ends[k])


def _check_width(path: Path, data: bytes, breaks: np.ndarray) -> None:
    """Refuse, before parsing, a line with more delimiters than any export has columns (a
    50 MB line of 25 million fields would otherwise take minutes and gigabytes).  Only a line
    longer than ``MAX_COLUMNS`` bytes can hold that many fields, so only those are counted.
    Works on the file's own bytes (UTF-8 or Windows-1257: the delimiters and line breaks are
    the same bytes in both)."""
    for row, start, end in _long_lines(data, breaks, MAX_COLUMNS):
        line = data[start:end]
        found = max(line.count(d) for d in (b";", b",", b"\t")) + 1
        if found > MAX_COLUMNS:
            raise errors.TooManyColumns(path, row=row, found=found, limit=MAX_COLUMNS)


def _short_rows(
    path: Path, body: bytes, delimiter: str, width: int, first_row: int
) -> dict[int, int]:
    """Rows with fewer fields than the header (blank rows aside): ``{row: fields}``.  A file
    whose last row is short and has no line break at its end was cut off: refused."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter)
    short: dict[int, int] = {}
    number = -1
    record: list[str] = []
    for number, record in enumerate(reader):
        if len(record) < width and any(field.strip() for field in record):
            short[first_row + number] = len(record)
    last = first_row + number
    if last in short and not body.endswith((b"\n", b"\r")):
        raise errors.TruncatedFile(path, row=last, found=len(record), expected=width)
    return short


def _malformed(
    path: Path, body: str, delimiter: str, width: int, first_row: int
) -> errors.AuditError:
    """The typed error for the first record with more cells than the header (slow, rare path)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader):
            if len(record) > width:
                row = first_row + number
                return errors.MalformedRow(path, row=row, found=len(record), expected=width)
    except csv.Error:
        pass  # pandas refused the text too: name the first data row
    return errors.MalformedRow(path, row=first_row, found="more", expected=width)


def _lone_returns(data: bytes, start: int, end: int) -> int:
    r"""The number of ``\r`` in ``data[start:end]`` not followed by ``\n`` (line breaks of their
    own), counted a chunk at a time.

    >>> _lone_returns(b"a\r\nb\rc\r", 0, 7)
    2
    """
    if data.find(b"\r", start, end) < 0:
        return 0
    text = np.frombuffer(data, dtype=np.uint8)[start:end]
    lone = 0
    for at in range(0, text.size, _LINE_CHUNK):
        returns = np.flatnonzero(text[at : at + _LINE_CHUNK] == 0x0D) + at
        last = bool(returns.size) and returns[-1] == text.size - 1  # the text ends in a \r
        inner = returns[:-1] if last else returns
        lone += int(np.count_nonzero(text[inner + 1] != 0x0A)) + int(last)
    return lone


def _one_row_per_line(
    data: bytes, breaks: np.ndarray, start: int, end: int, columns: list[pa.ChunkedArray]
) -> bool:
    r"""Whether ``columns``, read from ``data[start:end]`` with the text split at every line
    break, are one row per line (``\n``, ``\r\n`` or a lone ``\r``; ``breaks``: the offsets of
    the ``\n``) and no value holds a line break: then no value spans lines, and the split was
    right.  A split inside a quoted value leaves a piece of it with its line break, or a line
    without its row."""
    lines = int(np.searchsorted(breaks, end) - np.searchsorted(breaks, start))
    lines += _lone_returns(data, start, end)
    lines += not data.startswith((b"\n", b"\r"), end - 1)
    rows = len(columns[0]) if columns else 0
    return rows == lines and not any(map(_holds_line_break, columns))


def _holds_line_break(column: pa.ChunkedArray) -> bool:
    r"""Whether a value of a ``large_string`` column holds ``\n`` or ``\r``: its values' bytes
    read where Arrow holds them, with numpy (a million values' bytes in milliseconds).

    >>> _holds_line_break(pa.chunked_array([["a", None], ["b\nc"]], pa.large_string()))
    True
    """
    for chunk in column.chunks:
        data = chunk.buffers()[2]
        if data is None or not len(chunk):
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        text = np.frombuffer(data, dtype=np.uint8)
        text = text[offsets[chunk.offset] : offsets[chunk.offset + len(chunk)]]
        if text.size and text.min() <= 0x0D and ((text == 0x0A) | (text == 0x0D)).any():
            return True
    return False


def _parse_arrow(
    data: bytes, breaks: np.ndarray, start: int, end: int, delimiter: str, width: int, encoding: str
) -> list[pa.ChunkedArray]:
    r"""Parse ``data[start:end]`` (not copied) with Arrow's multi-threaded reader; it raises
    ``ArrowInvalid`` on a blank line or a row of the wrong width, which the C parser then
    handles.  Windows-1257 text is decoded by Arrow as it reads (Python's own codec, once, a
    block at a time), so the file is never held a second time as UTF-8.

    Arrow splits the text into blocks at line breaks, parsed in parallel; where a value may
    hold a line break (``newlines_in_values``) it splits serially, ~2× slower.  So the text is
    first read split at line breaks, and kept when that read is one row per line with no line
    break in a value (:func:`_one_row_per_line`); else it is read again, quoted line breaks
    allowed.  (Arrow does not refuse every wrong split by itself.)

    >>> data = b'a;"b\nc"\nd;e\n'
    >>> [c.to_pylist() for c in _parse_arrow(data, _newlines(data), 0, len(data), ";", 2, "utf8")]
    [['a', 'd'], ['b\nc', 'e']]
    """
    try:
        columns = _arrow_columns(data, start, end, delimiter, width, encoding, newlines=False)
    except pa.ArrowInvalid:
        columns = None  # a quoted line break split, or a row of the wrong width
    if columns is not None and _one_row_per_line(data, breaks, start, end, columns):
        return columns
    del columns  # not held while the text is read again
    return _arrow_columns(data, start, end, delimiter, width, encoding, newlines=True)


def _arrow_columns(
    data: bytes, start: int, end: int, delimiter: str, width: int, encoding: str, newlines: bool
) -> list[pa.ChunkedArray]:
    names = [str(i) for i in range(width)]
    table = pa_csv.read_csv(
        pa.BufferReader(pa.py_buffer(data).slice(start, end - start)),
        read_options=pa_csv.ReadOptions(column_names=names, block_size=BLOCK, encoding=encoding),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=newlines, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return table.columns


def _arrow_frame(arrays: list[pa.ChunkedArray], width: int) -> pd.DataFrame:
    """The first ``width`` columns as a frame; the list is emptied as it goes (each Arrow column
    is freed once pandas holds it)."""
    columns = {}
    for i in range(width):
        columns[i], arrays[i] = arrays[i].to_pandas(), None
    arrays.clear()
    return pd.DataFrame(columns, copy=False)


def _parse_c(body: bytes, delimiter: str, width: int) -> pd.DataFrame:
    """Parse with pandas' C parser, which keeps blank lines as rows (they count as rows)."""
    return pd.read_csv(
        io.BytesIO(body),
        sep=delimiter,
        header=None,
        names=range(width),
        dtype="str",
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
        encoding="utf-8",
        engine="c",
    )


_NOT_SPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")


def _has_blank_line(data: bytes, breaks: np.ndarray, start: int, end: int) -> bool:
    r"""Whether ``data[start:end]`` (``start`` a line's start) holds a blank line: two line
    breaks in a row, or with a carriage return between (``breaks``: the ``\n`` offsets).

    >>> data = b"h\na\r\n\r\nb\n"
    >>> _has_blank_line(data, _newlines(data), 2, 9), _has_blank_line(data, _newlines(data), 7, 9)
    (True, False)
    """
    if data.startswith((b"\n", b"\r\n"), start, end):
        return True
    inside = breaks[(breaks >= start) & (breaks < end)]
    gaps = np.diff(inside)
    if (gaps == 1).any():
        return True
    after_cr = inside[:-1][gaps == 2] + 1
    return bool(after_cr.size) and bool(
        (np.frombuffer(data, dtype=np.uint8)[after_cr] == 0x0D).any()
    )


def _head(data: bytes, bom: int, encoding: str) -> tuple[str, bool]:
    """The decoded start of the text the header is sniffed in, and whether it is all of it.  For
    Windows-1257 it is the text whose UTF-8 form fits in ``HEAD_BYTES`` (the same text a UTF-8
    file of the same rows gives: the sniff does not depend on the encoding)."""
    if encoding != "cp1257":
        head = head_text(memoryview(data)[bom:], "utf-8")  # a view: the file is not copied
        return head, len(data) - bom <= len(head.encode("utf-8"))
    text = head_text(data, "cp1257")
    head = text.encode("utf-8")[:HEAD_BYTES].decode("utf-8", errors="ignore")
    return head, len(head) == len(data)


def _text_end(data: bytes) -> int:
    r"""The end of the text's last line without the blank lines after it (looked for from the
    end in growing windows: the blank run a text file keeps is bounded, see
    :mod:`~zimes_audit.loading.text_file`).

    >>> _text_end(b"a;b\r\n1;2\t\r\n \r\n\r\n"), _text_end(b" \n\n")
    (9, 0)
    """
    size = 1 << 12
    while True:
        start = max(0, len(data) - size)
        filled = len(data[start:].rstrip(_SPACE))
        if filled:
            return _line_end(data, start + filled)
        if not start:
            return 0
        size <<= 4


def _line_end(data: bytes, at: int) -> int:
    r"""Where the line holding ``at`` ends: the tabs and spaces after a line's last character are
    its empty last fields (a tab-delimited row ending in empty cells), not blank space.

    >>> _line_end(b"a\tb\t\t\r\n\r\n", 3), _line_end(b"a\tb\t\t", 3)
    (5, 5)
    """
    breaks = [i for i in (data.find(b"\n", at), data.find(b"\r", at)) if i >= 0]
    return min(breaks) if breaks else len(data)


_SPACE = b" \t\r\n\x0b\x0c"


def _check_quotes_closed(path: Path, data: bytes, start: int, end: int, delimiter: str) -> None:
    """Refuse a file that ends inside a quoted value (cut off, or a quote never closed): only
    looked at when the count of quotes is odd, which a whole file's never is."""
    text = np.frombuffer(data, dtype=np.uint8)[start:end]
    quotes = sum(
        int(np.count_nonzero(text[at : at + _LINE_CHUNK] == 0x22))
        for at in range(0, text.size, _LINE_CHUNK)
    )  # counted by numpy: bytes.count is ~4× slower
    if quotes % 2 == 0:
        return
    text = data[start:end].decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise errors.CutFile(path, what="a quoted value") from None


def _line_breaks(data: bytes) -> bytes:
    """Old Mac line ends (``\\r`` alone, no ``\\n`` anywhere) as ``\\n``."""
    if b"\n" in data or b"\r" not in data:
        return data
    return data.replace(b"\r", b"\n")


def read_csv(path: Path, data: bytes, catalogue: Catalogue) -> RawTable:
    """Read a delimited text file's bytes; raises the typed errors of :mod:`zimes_audit.errors`."""
    data = _line_breaks(data)
    encoding = sniff_encoding(data, path)
    if encoding == "utf-16":
        data, bom = _utf16_as_utf8(data), 0
        reading = "utf-8"
    else:
        bom = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0
        reading = "cp1257" if encoding == "cp1257" else "utf-8"
    breaks = _newlines(data)
    _check_width(path, data, breaks)
    head, complete = _head(data, bom, reading)
    header = sniff_header(head, catalogue, path, complete=complete)
    start = bom + len(head[: header.end].encode(reading))
    width = len(header.cells)
    header_row = header.index + 1
    cells = None
    short: dict[int, int] = {}
    end = _text_end(data)
    end += 2 if data.startswith(b"\r\n", end) else int(data.startswith((b"\n", b"\r"), end))
    if _NOT_SPACE.search(data, start) is not None:
        _check_quotes_closed(path, data, start, end, header.delimiter)
        try:
            if _has_blank_line(data, breaks, start, end):
                raise pa.ArrowInvalid("blank line")
            arrays = _parse_arrow(data, breaks, start, end, header.delimiter, width, reading)
            filled = filled_width(
                path, header.cells, lambda i: arrays[i].null_count == len(arrays[i])
            )
            cells = _arrow_frame(arrays, filled)
        except pa.ArrowInvalid:
            # the careful path (blank lines, rows of the wrong width): the text as UTF-8
            body = data[start:end]
            if reading != "utf-8":
                body = body.decode(reading).encode("utf-8")
            try:
                cells = _parse_c(body, header.delimiter, width)
            except pd.errors.ParserError:
                cells = None
            # the C parser silently turns a surplus first column into the index when the first
            # data rows have one field too many (e.g. a trailing delimiter): refuse that too
            if cells is None or not isinstance(cells.index, pd.RangeIndex):
                text = body.decode("utf-8")
                raise _malformed(path, text, header.delimiter, width, header_row + 1) from None
            # the C parser pads a short row with empty cells: find those rows (a short row
            # leaves the last column empty, so only then is the text read again)
            if width > 1 and cells[width - 1].isna().any():
                short = _short_rows(path, body, header.delimiter, width, header_row + 1)
    if cells is None:  # a header and nothing under it
        filled = filled_width(path, header.cells, lambda i: True)
        cells = pd.DataFrame({i: pd.Series(dtype="str") for i in range(filled)})
    elif len(cells.columns) == width:  # read by the C parser: its empty columns on the right go
        filled = filled_width(path, header.cells, lambda i: not cells[i].notna().any())
        cells = cells.iloc[:, :filled] if filled < width else cells
    rows = np.arange(header_row + 1, header_row + 1 + len(cells), dtype=np.int64)
    if short and len(short) == int(np.count_nonzero(cells.notna().any(axis=1).to_numpy())):
        row, found = next(iter(short.items()))
        raise errors.MalformedRow(path, row=row, found=found, expected=width)
    first = header.choice.first + 1 if header.choice else header_row
    detected = Detected("csv", encoding, header.delimiter, None, header_row, header_first=first)
    evidence = f"encoding {ENCODING_NAMES[encoding]}: {ENCODING_EVIDENCE[encoding]}"
    notes = (evidence, header.choice.note) if header.choice else (evidence,)
    headings = list(header.cells[: len(cells.columns)])
    return RawTable(headings, cells, rows, detected, notes=notes, short_rows=short)
