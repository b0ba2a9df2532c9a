"""Sniffing a text file: is it text at all, which encoding, which delimiter, where the header is.

Encodings tried, in order: UTF-8 with a byte-order mark (``utf-8-sig``), UTF-8, Windows-1257
(``cp1257``, the Baltic code page older Excel versions write).  A file with NUL bytes, a known
binary signature or many control characters is binary; UTF-16 text is refused as undecodable.

The delimiter is the one of ``,`` ``;`` TAB under which a header row names the most catalogue
fields: headings decide, not character counts, so ``"Vārds, uzvārds";E-pasts`` is read with ``;``.

>>> sniff_encoding("Pasūtījuma nr.;Summa".encode("utf-8"), "x.csv")
'utf-8'
>>> sniff_encoding(b"\\xef\\xbb\\xbfa;b", "x.csv")
'utf-8-sig'
>>> sniff_encoding("Vārds;Tālrunis".encode("cp1257"), "x.csv")
'cp1257'
>>> sniff_encoding(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00", "x.png.csv")
Traceback (most recent call last):
...
zimes_audit.errors.BinaryFile: x.png.csv: the file holds binary data, not text. ...
>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> head = 'Pasūtījumi\\n\\n"Vārds, uzvārds";E-pasts;Summa\\nAnna;a@b.lv;1\\n'
>>> h = sniff_header(head, load_catalogue(), "x.csv", complete=True)
>>> h.delimiter, h.index, h.cells, head[h.end:]
(';', 2, ['Vārds, uzvārds', 'E-pasts', 'Summa'], 'Anna;a@b.lv;1\\n')
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from zimes_audit import errors
from zimes_audit.loading.header import HEADER_SEARCH_ROWS, find_header
from zimes_audit.procedure.catalogue import Catalogue

DELIMITERS = (";", ",", "\t")
HEAD_BYTES = 1 << 20
_CHUNK = 1 << 24
_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"%PDF",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def _valid(data: bytes, encoding: str) -> bool:
    """Whether all of ``data`` decodes, in chunks so a large file is not held twice."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def head_text(data: bytes, encoding: str, size: int = HEAD_BYTES) -> str:
    """The decoded start of ``data`` (a multi-byte character cut at the end is left out)."""
    return codecs.getincrementaldecoder(encoding)().decode(data[:size], final=len(data) <= size)


def _looks_binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * max(len(text), 1)


def sniff_encoding(data: bytes, path: str | Path) -> str:
    """The encoding of a text file's bytes; raises the typed error for anything not text."""
    if not data:
        raise errors.EmptyFile(path)
    if data.startswith(_UTF16_BOMS):
        raise errors.UndecodableText(path)
    if b"\x00" in data or data.startswith(_BINARY_SIGNATURES):
        raise errors.BinaryFile(path)
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif _valid(data, "utf-8"):
        encoding = "utf-8"
    else:
        encoding = "cp1257"
    if encoding != "utf-8" and not _valid(data, encoding):
        raise errors.UndecodableText(path)
    if _looks_binary(head_text(data, encoding, 1 << 16)):
        raise errors.BinaryFile(path)
    return encoding


@dataclass(frozen=True)
class Header:
    """Where the header is: delimiter, record index, its cells, and ``end``, the number of
    characters of the text up to and including the header's line break."""

    delimiter: str
    index: int
    cells: list[str]
    end: int


def _records(head: str, delimiter: str, complete: bool) -> list[tuple[list[str], int]]:
    """The first records of ``head``, each with the number of characters read through it."""
    read = 0

    def lines():
        nonlocal read
        for line in io.StringIO(head, newline=""):
            read += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    found: list[tuple[list[str], int]] = []
    try:
        for record in reader:
            found.append((record, read))
            if len(found) > HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # a stray quote in the head: judge by the records read so far
    if not complete and len(found) <= HEADER_SEARCH_ROWS:
        found = found[:-1]  # the last record may be cut off at the end of the head
    return found


def sniff_header(head: str, catalogue: Catalogue, path: str | Path, *, complete: bool) -> Header:
    """Find delimiter and header row in the start of a file (``complete``: head is the whole file)."""
    if not head.strip():
        raise errors.EmptyFile(path)
    best: tuple[int, Header] | None = None
    for delimiter in DELIMITERS:
        records = _records(head, delimiter, complete)
        found = find_header([r for r, _ in records], catalogue)
        if found and (best is None or found[1] > best[0]):
            index, score = found
            cells, end = records[index]
            best = (score, Header(delimiter, index, cells, end))
    if best is None:
        raise errors.UnknownHeading(path)
    return best[1]
