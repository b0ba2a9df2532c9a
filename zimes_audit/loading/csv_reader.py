"""Reading a delimited text file (.csv, .tsv, .txt) into a :class:`RawTable` of text cells.

The start of the file is sniffed (encoding, delimiter, header row); the rest is parsed by pandas'
C parser with every cell read as text.  Windows-1257 text is re-encoded to UTF-8 first.  Row
numbers count records as a spreadsheet shows them: blank lines count, a quoted value spanning
several lines is one row.

>>> import tempfile
>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> folder = Path(tempfile.mkdtemp())
>>> text = 'Pasūtījumi 2024\\n\\nPasūtījuma nr.;Summa;Piezīmes\\nM-1;12,50;"zvanīt\\npirms"\\n\\nM-2;3;\\n'
>>> _ = (folder / "o.csv").write_text(text, encoding="cp1257")
>>> raw = read_csv(folder / "o.csv", (folder / "o.csv").read_bytes(), load_catalogue())
>>> raw.detected
Detected(format='csv', encoding='cp1257', delimiter=';', sheet=None, header_row=3)
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
    head_text,
    sniff_encoding,
    sniff_header,
)
from zimes_audit.loading.tables import Detected, RawTable
from zimes_audit.procedure.catalogue import Catalogue

MAX_COLUMNS = 16384  # Excel's limit; no export is wider


def _as_utf8(data: bytes, encoding: str) -> tuple[bytes, int]:
    """The bytes as UTF-8 and the length of a byte-order mark to skip."""
    if encoding in ("cp1257", "utf-16"):
        return data.decode(encoding).encode("utf-8"), 0
    return data, len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0


def _check_width(path: Path, data: bytes) -> None:
    """Refuse, before parsing, a line with more delimiters than any export has columns (a
    50 MB line of 25 million fields would otherwise take minutes and gigabytes).  Only a line
    longer than ``MAX_COLUMNS`` bytes can hold that many fields, so only those are counted."""
    position, row, size = 0, 1, len(data)
    while position < size:
        end = data.find(b"\n", position, position + MAX_COLUMNS + 1)
        if end < 0:
            if size - position <= MAX_COLUMNS:
                return
            end = data.find(b"\n", position)
            end = size if end < 0 else end
            line = data[position:end]
            found = max(line.count(d) for d in (b";", b",", b"\t")) + 1
            if found > MAX_COLUMNS:
                raise errors.TooManyColumns(path, row=row, found=found, limit=MAX_COLUMNS)
        position, row = end + 1, row + 1


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


def _parse_arrow(body: bytes, delimiter: str, width: int) -> pd.DataFrame:
    """Parse with Arrow's multi-threaded reader; it raises ``ArrowInvalid`` on a blank line or a
    row of the wrong width, which the C parser then handles."""
    names = [str(i) for i in range(width)]
    table = pa_csv.read_csv(
        io.BytesIO(body),
        read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 20),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=b'"' in body, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return pd.DataFrame({i: table.column(i).to_pandas() for i in range(width)})


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


_BLANK_LINE = re.compile(rb"\n\r?\n")


def _has_blank_line(body: bytes) -> bool:
    return body.startswith((b"\n", b"\r\n")) or _BLANK_LINE.search(body) is not None


def read_csv(path: Path, data: bytes, catalogue: Catalogue) -> RawTable:
    """Read a delimited text file's bytes; raises the typed errors of :mod:`zimes_audit.errors`."""
    encoding = sniff_encoding(data, path)
    data, bom = _as_utf8(data, encoding)
    _check_width(path, data)
    head = head_text(data[bom:], "utf-8")
    header = sniff_header(head, catalogue, path, complete=len(data) - bom <= len(head.encode()))
    start = bom + len(head[: header.end].encode("utf-8"))
    width = len(header.cells)
    body = data[start:]
    header_row = header.index + 1
    cells = pd.DataFrame({i: pd.Series(dtype="str") for i in range(width)})
    short: dict[int, int] = {}
    if body and not body.isspace():
        try:
            if _has_blank_line(body):
                raise pa.ArrowInvalid("blank line")
            cells = _parse_arrow(body, header.delimiter, width)
        except pa.ArrowInvalid:
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
    rows = np.arange(header_row + 1, header_row + 1 + len(cells), dtype=np.int64)
    if short and len(short) == int(np.count_nonzero(cells.notna().any(axis=1).to_numpy())):
        row, found = next(iter(short.items()))
        raise errors.MalformedRow(path, row=row, found=found, expected=width)
    detected = Detected("csv", encoding, header.delimiter, None, header_row)
    evidence = f"encoding {ENCODING_NAMES[encoding]}: {ENCODING_EVIDENCE[encoding]}"
    return RawTable(list(header.cells), cells, rows, detected, notes=(evidence,), short_rows=short)
