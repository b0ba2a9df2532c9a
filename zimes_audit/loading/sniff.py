"""Sniffing a text file: is it text at all, which encoding, which delimiter, where the header is.

Encodings tried, in order: UTF-8 with a byte-order mark (``utf-8-sig``), UTF-8, Windows-1257
(``cp1257``, the Baltic code page older Excel versions write).  A file with NUL bytes, a known
binary signature or many control characters is binary; UTF-16 text is refused as undecodable.

The delimiter is the one of ``,`` ``;`` TAB under which the header
(:func:`~zimes_audit.loading.header.choose_header`) names the most catalogue fields: headings decide, not character counts, so ``"Vārds, uzvārds";E-pasts`` is read with ``;``.

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

import numpy as np

from zimes_audit import errors
from zimes_audit.loading.header import HEADER_SEARCH_ROWS, HeaderChoice, choose_header
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
# a UTF-8 multi-byte letter: evidence of UTF-8 even where the rest of the file is not
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1257": "Windows-1257",
}
# a field may be as long as the start of the file that is sniffed (a 128 KB note is a field)
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


def _valid(data: bytes, encoding: str) -> bool:
    """Whether all of ``data`` decodes, in chunks so a large file is not held twice.  Windows-1257
    is a single-byte code page: its bytes are valid unless one of the twelve it leaves
    undefined is there, which a lookup finds without decoding anything."""
    if encoding == "cp1257":
        return _cp1257_valid(data)
    if encoding == "utf-8":
        return _utf8_valid(data)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_valid(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked by Arrow's validator as one string value (~5×
    faster than decoding, and nothing is decoded: a 1M-row file is not held a second time).

    >>> _utf8_valid("Jānis".encode()), _utf8_valid(b"J\\xe2nis"), _utf8_valid(b"\\xed\\xa0\\x80")
    (True, False, False)
    """
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _first_match(data: bytes, matches, overlap: int = 0) -> int | None:
    """The first offset of ``data`` where ``matches(chunk)`` (a numpy function of a ``uint8``
    chunk giving the offsets that match, ascending) finds something, read in chunks (the last
    ``overlap`` bytes of a chunk are read again with the next, for a pattern spanning several
    bytes)."""
    array = np.frombuffer(data, dtype=np.uint8)
    for start in range(0, len(array), _CHUNK):
        found = matches(array[start : start + _CHUNK + overlap])
        if found.size:
            return start + int(found[0])
    return None


_CP1257_DEFINED = bytes(
    b for b in range(0x100) if bytes([b]).decode("cp1257", "replace") != "\ufffd"
)


def _cp1257_valid(data: bytes) -> bool:
    """Whether every byte is one Windows-1257 defines (it leaves twelve undefined): one C pass
    deleting the defined bytes, no decoding.

    >>> _cp1257_valid("Jānis Bērziņš".encode("cp1257")), _cp1257_valid(b"a\\xa1b")
    (True, False)
    """
    return not data.translate(None, _CP1257_DEFINED)


def _utf8_sequence_starts(chunk: np.ndarray) -> np.ndarray:
    """The offsets where a UTF-8 multi-byte letter starts (:data:`_UTF8_SEQUENCE`'s three
    patterns, checked only at the bytes that can lead one, not by a regex over the whole file).

    >>> text = "ā a".encode("utf-8") + b"\\xe2 \\xe2\\x80\\xe2 \\xc4\\x81"
    >>> _utf8_sequence_starts(np.frombuffer(text, np.uint8)).tolist()
    [0, 10]
    >>> [m.start() for m in _UTF8_SEQUENCE.finditer(text)]
    [0, 10]
    """
    # a lead byte followed by a continuation byte, found with whole-chunk masks: in Windows-1257
    # text leads are common (ā, š …) but a continuation byte after one is rare
    following = (chunk[1:] & 0xC0) == 0x80
    leads = np.flatnonzero((chunk[:-1] >= 0xC2) & (chunk[:-1] <= 0xF4) & following)
    if not leads.size:
        return leads
    padded = np.concatenate((chunk, np.zeros(3, np.uint8)))
    lead = padded[leads]
    follows = [(padded[leads + k] >= 0x80) & (padded[leads + k] <= 0xBF) for k in (1, 2, 3)]
    needed = np.where(lead <= 0xDF, 1, np.where(lead <= 0xEF, 2, 3))
    found = follows[0] & ((needed < 2) | follows[1]) & ((needed < 3) | follows[2])
    return leads[found]


def head_text(data: bytes, encoding: str, size: int = HEAD_BYTES) -> str:
    """The decoded start of ``data`` (a multi-byte character cut at the end is left out)."""
    return codecs.getincrementaldecoder(encoding)().decode(data[:size], final=len(data) <= size)


def _looks_binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * max(len(text), 1)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _first_bad_utf8(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or ``None`` (decoded in chunks).

    >>> _first_bad_utf8("Jānis".encode()), _first_bad_utf8(b"ab\\xc4"), _first_bad_utf8(b"a\\xe2b")
    (None, 2, 1)
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in [*range(0, len(data), _CHUNK), len(data)]:
        # the decoder holds back an incomplete sequence from the chunk before: count from it
        held = len(decoder.getstate()[0])
        try:
            decoder.decode(data[start : start + _CHUNK], final=start == len(data))
        except UnicodeDecodeError as error:
            return start - held + error.start
    return None


def _cut_character(data: bytes) -> bool:
    """Whether UTF-8 text ends in the middle of a character (the file was cut off): every byte is
    UTF-8 but the last one to three, which start a character that never ends.

    >>> text = "Jānis Bērziņš".encode()
    >>> _cut_character(text[:-1]), _cut_character(text), _cut_character("Jānis".encode("cp1257"))
    (True, False, False)
    """
    first_bad = _first_bad_utf8(data)
    if first_bad is None or first_bad < len(data) - 3:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[first_bad:], final=False)
    except UnicodeDecodeError:
        return False
    return _UTF8_SEQUENCE.search(data, 0, first_bad) is not None  # UTF-8 letters before it


def _mixed_from(data: bytes) -> tuple[int, str, str] | None:
    """For bytes that are not all UTF-8: ``(line, first, then)`` where a second encoding starts,
    when the file holds both UTF-8 letters and bytes UTF-8 cannot hold (a row appended by
    another program); ``None`` when it is all one single-byte encoding."""
    first_bad = _first_bad_utf8(data)
    if first_bad is None:
        return None
    # bytes before the first bad one are UTF-8: a multi-byte letter there starts a sequence
    utf8 = _first_match(data, _utf8_sequence_starts, overlap=3)
    if utf8 is None:
        return None
    if utf8 < first_bad:
        return _line_of(data, first_bad), "UTF-8", "Windows-1257"
    return _line_of(data, utf8), "Windows-1257", "UTF-8"


ENCODING_EVIDENCE = {
    "utf-16": "a UTF-16 byte-order mark (Excel's Unicode text)",
    "utf-8-sig": "a UTF-8 byte-order mark, and every byte after it is UTF-8",
    "utf-8": "every byte of the file is UTF-8",
    "cp1257": "not UTF-8 and no UTF-8 letter anywhere; every byte is Windows-1257",
}


def sniff_encoding(data: bytes, path: str | Path) -> str:
    """The encoding of a text file's bytes, decided for the whole file: a byte-order mark
    (UTF-8 or UTF-16, as Excel's "Unicode text" has), else UTF-8 when every byte is UTF-8, else
    Windows-1257; a file that mixes UTF-8 letters with bytes UTF-8 cannot hold is refused with
    the line where the encoding changes.  Raises the typed error for anything not text.

    >>> sniff_encoding("Vārds\\tE-pasts\\n".encode("utf-16"), "u.txt")
    'utf-16'
    >>> sniff_encoding("Vārds;E-pasts\\nJānis;x\\n".encode() + "Jēkabs;y\\n".encode("cp1257"), "m.csv")
    Traceback (most recent call last):
    ...
    zimes_audit.errors.MixedEncoding: m.csv: row 3: the text changes from UTF-8 to Windows-1257 ...
    """
    if not data:
        raise errors.EmptyFile(path)
    if data.startswith(_UTF16_BOMS):
        if not _valid(data, "utf-16"):
            raise errors.UndecodableText(path)
        encoding = "utf-16"
    elif b"\x00" in data or data.startswith(_BINARY_SIGNATURES):
        raise errors.BinaryFile(path)
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif _valid(data, "utf-8"):
        encoding = "utf-8"
    else:
        encoding = "cp1257"
    bom = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0
    if encoding == "cp1257" or (bom and not _valid(memoryview(data)[bom:], "utf-8")):
        body = data[bom:] if bom else data  # not copied without a byte-order mark
        if _cut_character(body):
            raise errors.CutFile(path, what="a character")
        mixed = _mixed_from(body)
        if mixed is not None:
            row, first, then = mixed
            raise errors.MixedEncoding(path, row=row, first=first, then=then)
        if encoding == "utf-8-sig" or not _valid(data, "cp1257"):
            raise errors.UndecodableText(path)
    if encoding != "utf-16" and _looks_binary(head_text(data, encoding, 1 << 16)):
        raise errors.BinaryFile(path)
    return encoding


@dataclass(frozen=True)
class Header:
    """Where the header is: delimiter, record index (the last of a two-row header), its cells
    (headings), ``end``, the number of characters of the text up to and including the header's
    line break, and the ``choice`` (which rows, and why)."""

    delimiter: str
    index: int
    cells: list[str]
    end: int
    choice: HeaderChoice | None = None


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
    if not complete and found and found[-1][1] >= len(head):
        found = found[:-1]  # the last record runs to the end of the head: it may be cut off
    return found


def sniff_header(head: str, catalogue: Catalogue, path: str | Path, *, complete: bool) -> Header:
    """Find delimiter and header row in the start of a file (``complete``: head is the whole file)."""
    if not head.strip():
        raise errors.EmptyFile(path)
    best: Header | None = None
    for delimiter in DELIMITERS:
        records = _records(head, delimiter, complete)
        found = choose_header([r for r, _ in records], catalogue)
        if found and (best is None or best.choice is None or found.score > best.choice.score):
            best = Header(delimiter, found.last, found.headings, records[found.last][1], found)
    if best is None:
        raise errors.UnknownHeading(path)
    return best
