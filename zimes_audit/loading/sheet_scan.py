"""What a workbook's sheets hold before python-calamine reads them: the span of their filled cells
and the cells calamine would read as blank though they are not.

Calamine builds the whole rectangle from the first to the last filled cell in memory, so one stray
cell at ``XFD1048576`` (or a reference past Excel's grid, ``A99999999``, ``ZZZZ1``) asks for
hundreds of gigabytes and aborts the process; a sheet spanning more than the reader's limit must
be refused before calamine sees it.  The span is taken from the cells themselves — never from what
a sheet claims (a ``<dimension>``, a ``columns-repeated``) — and the same scan finds the cells that
are not blanks: Excel error cells (``#N/A``, and the modern ``#SPILL!`` … calamine cannot read at
all), formulas saved without their result (an empty ``<v/>``, ``<v></v>``, no ``<v>``, or a
workbook that tells the program to recalculate every formula on opening: its saved results are
placeholders) and ODS formulas without a stored value.

The scan reads XML as XML: Python's expat parser, streamed, so prefixed namespaces, attributes in
any order, character references and comments are read as the format allows.  A plainly written
.xlsx sheet (every cell tag ``<c r="B2" …>``, no prefixes, comments or references) whose
``<dimension>`` holds every cell is checked by a few regular-expression searches instead, at the
speed of the bytes; the cells holding a formula or an error are still read by the parser.

>>> scan = scan_xlsx_bytes(b'<worksheet xmlns="m"><sheetData><row r="1">'
...     b'<c t="s" r="A1"><v>0</v></c><c r="C1"><f>1+1</f><v/></c></row>'
...     b'<row r="4"><c s="1" t="e" r="B4"><f>X()</f><v>#SPILL!</v></c></row></sheetData></worksheet>')
>>> scan.first, scan.last, scan.unreadable
((0, 0), (3, 2), {(0, 2): 'a formula saved without its result', (3, 1): 'an Excel error (#SPILL!)'})
>>> scan.calamine_cannot_read
{b'#SPILL!'}
>>> scan_xlsx_bytes(b'<worksheet xmlns="m"><sheetData><row><c r="ZZZZ1"><v>1</v></c></row>'
...                 b'</sheetData></worksheet>').last
(0, 475253)
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product
from xml.parsers import expat

from zimes_audit import errors

GRID_ROWS, GRID_COLUMNS = 1_048_576, 16_384
#: Error values python-calamine reads (as a blank); any other error cell stops it reading the sheet.
CALAMINE_ERRORS = frozenset(
    {b"#NULL!", b"#DIV/0!", b"#VALUE!", b"#REF!", b"#NAME?", b"#NUM!", b"#N/A"}
)
#: Every error value Excel writes; an unknown one is named "an Excel error" without its text.
EXCEL_ERRORS = CALAMINE_ERRORS | {
    b"#GETTING_DATA", b"#SPILL!", b"#CALC!", b"#FIELD!", b"#BLOCKED!", b"#UNKNOWN!",
    b"#CONNECT!", b"#BUSY!", b"#PYTHON!", b"#EXTERNAL!",
}  # fmt: skip
NO_RESULT = "a formula saved without its result"
_CHUNK = 1 << 24
_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")


def error_text(code: bytes) -> str:
    """How an error cell is named: its code when it is one of Excel's, never other text.

    >>> error_text(b"#N/A"), error_text(b"010180-10006")
    ('an Excel error (#N/A)', 'an Excel error')
    """
    return f"an Excel error ({code.decode()})" if code in EXCEL_ERRORS else "an Excel error"


def column_index(letters: str) -> int:
    """0-based index of column ``letters``; past four letters it is only "far" (bounded).

    >>> column_index("A"), column_index("xfd"), column_index("ZZZZ1"[:4]), column_index("A" * 40)
    (0, 16383, 475253, 475254)
    """
    if len(letters) > 4:
        return column_index("ZZZZ") + 1
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def cell_ref(ref: str) -> tuple[int, int] | None:
    """``(row, column)``, 0-based, of a reference like ``B12``; ``None`` when it is not one.
    A row number past ten digits is only "far" (bounded).

    >>> cell_ref("B12"), cell_ref("$A$99999999"), cell_ref("A1" + "9" * 30), cell_ref("12")
    ((11, 1), (99999998, 0), (9999999999, 0), None)
    """
    match = _REF.fullmatch(ref.strip())
    if match is None:
        return None
    digits = match.group(2).lstrip("0") or "0"
    row = int(digits) if len(digits) <= 10 else 10**10
    if row == 0:
        return None
    return row - 1, column_index(match.group(1))


@dataclass
class SheetScan:
    """The span of a sheet's filled cells (0-based, inclusive) and its unreadable cells
    ``{(row, column): what}``; ``calamine_cannot_read``: error values to hide from calamine."""

    rows: tuple[int, int] | None = None
    columns: tuple[int, int] | None = None
    unreadable: dict[tuple[int, int], str] = field(default_factory=dict)
    calamine_cannot_read: set[bytes] = field(default_factory=set)

    def place(self, row: int, column: int) -> None:
        """Take a filled cell into the span."""
        if self.rows is None or self.columns is None:
            self.rows, self.columns = (row, row), (column, column)
            return
        self.rows = (min(self.rows[0], row), max(self.rows[1], row))
        self.columns = (min(self.columns[0], column), max(self.columns[1], column))

    @property
    def first(self) -> tuple[int, int] | None:
        return None if self.rows is None else (self.rows[0], self.columns[0])

    @property
    def last(self) -> tuple[int, int] | None:
        return None if self.rows is None else (self.rows[1], self.columns[1])

    @property
    def cells(self) -> int:
        if self.rows is None or self.columns is None:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.columns[1] - self.columns[0] + 1)


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace (expat joins them with a space)."""
    return name.rpartition(" ")[2]


class _XlsxCells:
    """The expat handlers reading an .xlsx sheet's cells into a :class:`SheetScan`."""

    def __init__(self, scan: SheetScan, recalculate: bool, where: str):
        self.scan, self.recalculate, self.where = scan, recalculate, where
        self.row, self.column = -1, -1
        self.cell: dict | None = None
        self.value: list[str] | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "row":
            number = next((v for k, v in attrs.items() if _local(k) == "r"), None)
            self.row = int(number) - 1 if number and number.isdigit() else self.row + 1
            self.column = -1
        elif tag == "c":
            attrs = {_local(k): v for k, v in attrs.items()}
            ref = attrs.get("r")
            at = cell_ref(ref) if ref else (max(self.row, 0), self.column + 1)
            if at is None:
                raise errors.CorruptWorkbook(self.where)
            self.row, self.column = at
            self.cell = {"t": attrs.get("t", "n"), "f": False, "v": "", "filled": False}
        elif self.cell is not None:
            if tag == "f":
                self.cell["f"] = self.cell["filled"] = True
            elif tag == "v":
                self.value = []
            elif tag == "is":
                self.cell["filled"] = True

    def text(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "v" and self.value is not None and self.cell is not None:
            self.cell["v"] = "".join(self.value).strip()
            self.cell["filled"] |= bool(self.cell["v"])
            self.value = None
        elif tag == "c" and self.cell is not None:
            self._cell_done(self.cell)
            self.cell = None

    def _cell_done(self, cell: dict) -> None:
        where = (self.row, self.column)
        if cell["t"] == "e":
            code = cell["v"].encode("utf-8", "replace")
            self.scan.unreadable[where] = error_text(code)
            if code not in CALAMINE_ERRORS:
                self.scan.calamine_cannot_read.add(code)
        elif cell["f"] and (self.recalculate or not cell["v"]):
            self.scan.unreadable[where] = NO_RESULT
        if cell["filled"]:
            self.scan.place(*where)


def _parse(stream: Iterator[bytes], handlers, where: str) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = handlers.start
    parser.EndElementHandler = handlers.end
    parser.CharacterDataHandler = handlers.text
    try:
        for chunk in stream:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise errors.CorruptWorkbook(where) from None


def scan_xlsx_bytes(xml: bytes, recalculate: bool = False, where: str = "") -> SheetScan:
    """The exact scan of a whole .xlsx sheet's XML (see :func:`scan_xlsx`)."""
    scan = SheetScan()
    _parse(iter([xml]), _XlsxCells(scan, recalculate, where), where)
    return scan


def _chunks(open_member: Callable) -> Iterator[bytes]:
    with open_member() as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


# ---------------------------------------------------------------- the fast path for plain XML

_MAIN = (
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')
# the start of a cell reference that is not plain (``B2``: capitals, then a row number)
_FORMULA = re.compile(rb"<f[\s>/]")
_ERROR_TYPE = re.compile(rb"""["']e["']""")


def _at_most(text: bytes, first: bytes) -> bytes:
    """A regex for the strings of ``text``'s alphabet (``[1-9]``/``[0-9]`` digits or ``[A-Z]``
    letters; ``first`` the range of the first character) that count no higher than ``text``:
    fewer characters, or as many and not later in order.

    >>> [bool(re.fullmatch(_at_most(b"57", b"[1-9]"), b"%d" % n)) for n in (1, 9, 10, 57, 58, 99, 100)]
    [True, True, True, True, False, False, False]
    >>> [bool(re.fullmatch(_at_most(b"AB", b"[A-Z]"), c)) for c in (b"Z", b"AA", b"AB", b"AC", b"BA")]
    [True, True, True, False, False]
    """
    rest = b"[A-Z]" if first == b"[A-Z]" else b"[0-9]"
    options = [first + rest + b"{0,%d}" % (len(text) - 2)] if len(text) > 1 else []
    for at in range(len(text)):
        lowest = first[1] if at == 0 else rest[1]
        if text[at] > lowest:
            below = b"[%c-%c]" % (lowest, text[at] - 1)
            options.append(text[:at] + below + rest * (len(text) - at - 1))
    options.append(text)
    return b"(?:" + b"|".join(options) + b")"


def _outside(letters: bytes, rows: int) -> re.Pattern:
    """A cell tag that does not start with a plain reference (``<c r="B2"``: capitals, then a row
    number without leading zeros) or whose reference lies outside ``A1:<letters><rows>``: one
    negative look-ahead behind the literal ``<c`` (a search the regex engine runs at the speed
    of a plain find).

    >>> outside = _outside(b"D", 5)
    >>> [bool(outside.search(t)) for t in (b'<c r="D5">', b'<c r="E1">', b'<c r="A6"/>',
    ...     b'<c t="s" r="A1">', b"<c>", b'<c r="A05">', b'<c r="a1">')]
    [False, True, True, True, True, True, True]
    """
    inside = _at_most(letters, b"[A-Z]") + _at_most(b"%d" % rows, b"[1-9]") + b'"'
    return re.compile(rb'<c(?! r="' + inside + b")")


def _plain_head(head: bytes) -> bool:
    """The sheet's main namespace is its default one, bound once, and no DTD."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return False
    return any(head.count(uri) == 1 and b'xmlns="' + uri + b'"' in head for uri in _MAIN)


def _marked_cells(xml: bytes, outside: re.Pattern) -> bytes | None:
    """The cells of plain XML (part of ``<sheetData>``) that may hold a formula or an error,
    joined (each once); ``None`` when the XML is not plain (a namespace declared, a character
    reference, a cell tag not starting with its reference) or a cell lies outside the dimension."""
    if b"xmlns" in xml or (b"&" in xml and b"&#" in xml):
        return None
    if outside.search(xml):
        return None
    starts = {xml.rfind(b'<c r="', 0, m.start()) for m in _FORMULA.finditer(xml)}
    if b'"e"' in xml or (b"'" in xml and b"'e'" in xml):
        starts.update(xml.rfind(b'<c r="', 0, m.start()) for m in _ERROR_TYPE.finditer(xml))
    cells = []
    for start in sorted(starts - {-1}):
        close = xml.find(b">", start)
        end = close + 1 if xml[close - 1 : close] == b"/" else xml.find(b"</c>", start) + 4
        cells.append(xml[start:end])
    return b"".join(cells)


def _fast_scan(
    head: bytes, body: Iterator[bytes], recalculate: bool, where: str, limit: int
) -> SheetScan | None:
    """The scan of a plain sheet whose dimension holds every cell, or ``None`` (read it whole)."""
    claimed = _DIMENSION.search(head)
    if claimed is None or not _plain_head(head):
        return None
    letters, rows = claimed.group(1), int(claimed.group(2))
    columns = column_index(letters.decode()) + 1
    if rows * columns > limit:  # a claim that large is not trusted: the cells decide
        return None
    outside = _outside(letters, rows)
    marked: list[bytes] = []
    pending = b""
    for chunk in body:
        pending += chunk
        end = pending.find(b"</sheetData>")
        if end >= 0:
            pending = pending[:end]
            break
        cut = pending.rfind(b"</row>") + len(b"</row>") if b"</row>" in pending else 0
        piece, pending = pending[:cut], pending[cut:]
        marked.append(_marked_cells(piece, outside))
        if marked[-1] is None:
            return None
    marked.append(_marked_cells(pending, outside))
    if marked[-1] is None:
        return None
    scan = SheetScan()
    if any(marked):
        cells = _XlsxCells(scan, recalculate, where)
        try:  # a cell cut wrongly (a ">" inside an attribute's value): read the sheet whole
            _parse(iter([b"<cells>", *marked, b"</cells>"]), cells, where)
        except errors.CorruptWorkbook:
            return None
    scan.place(0, 0)
    scan.place(rows - 1, columns - 1)
    return scan


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def scan_xlsx(archive: zipfile.ZipFile, member: str, recalculate: bool, limit: int) -> SheetScan:
    """Scan one .xlsx sheet, streamed: the fast path when its XML is plain and its dimension
    holds every cell, else the parser (``recalculate``: the workbook asks for every formula to be
    recalculated on opening, so no saved result is one).  A claimed span over ``limit`` cells is
    not trusted."""
    where = archive.filename or ""
    stream = _chunks(lambda: archive.open(member))
    first = next(stream, b"")
    split = first.find(b"<sheetData")
    if split >= 0:
        found = _fast_scan(
            first[:split], _prepend(first[split:], stream), recalculate, where, limit
        )
        if found is not None:
            return found
    stream.close()
    scan = SheetScan()
    _parse(_chunks(lambda: archive.open(member)), _XlsxCells(scan, recalculate, where), where)
    return scan


# ---------------------------------------------------------------- OpenDocument (.ods)

_ODS_SPAN = 1 << 20  # a repeat is only followed this far (the sheet is refused long before)
_ODS_MARKS = 100_000  # the cells of one repeated formula marked unreadable, at most


_ODS_ERROR = re.compile(r"Err:[0-9]{3}")


def ods_error_text(shown: str) -> str:
    """How an .ods formula's error result is named: LibreOffice's ``Err:NNN`` or Excel's code,
    never other text.

    >>> ods_error_text("Err:502"), ods_error_text("#NAME?"), ods_error_text("K-002")
    ('a LibreOffice error (Err:502)', 'an Excel error (#NAME?)', 'a LibreOffice error')
    """
    shown = shown.strip()
    if _ODS_ERROR.fullmatch(shown):
        return f"a LibreOffice error ({shown})"
    code = shown.encode("utf-8", "replace")
    return error_text(code) if code in EXCEL_ERRORS else "a LibreOffice error"


def _shows_an_error(shown: str) -> bool:
    """Whether a formula's shown text is an error (a writer that does not mark it as one)."""
    shown = shown.strip()
    return bool(_ODS_ERROR.fullmatch(shown)) or shown.encode("utf-8", "replace") in EXCEL_ERRORS


class _OdsCells:
    """The expat handlers reading an .ods ``content.xml`` into one :class:`SheetScan` per table.
    Repeated rows and cells (``number-rows-repeated``, ``number-columns-repeated``) count where
    they hold something; an empty repeat (LibreOffice writes one to the sheet's edge) does not.
    A formula's error result (LibreOffice marks it ``calcext:value-type="error"`` and shows
    ``Err:502``, ``#NAME?`` …, which calamine reads as a blank or as text) is unreadable."""

    def __init__(self):
        self.scans: dict[str, SheetScan] = {}
        self.scan: SheetScan | None = None
        self.row, self.rows, self.column = -1, 1, 0
        self.cell: dict | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        attrs = {_local(k): v for k, v in attrs.items()}
        if tag == "table":
            self.scan = self.scans.setdefault(attrs.get("name", ""), SheetScan())
            self.row, self.rows = -1, 1
        elif tag == "table-row" and self.scan is not None:
            self.row += self.rows
            self.rows, self.column = _repeat(attrs.get("number-rows-repeated")), 0
        elif tag in ("table-cell", "covered-table-cell") and self.scan is not None:
            formula = "formula" in attrs
            self.cell = {
                "span": _repeat(attrs.get("number-columns-repeated")),
                "filled": "value-type" in attrs or formula,
                "formula": formula and "value-type" not in attrs,
                # office: and calcext:value-type share a local name: any of them says "error"
                "error": formula
                and any(v == "error" for k, v in attrs.items() if _local(k) == "value-type"),
                "shown": [] if formula else None,
            }
        elif tag == "p" and self.cell is not None:
            self.cell["filled"] = True

    def text(self, data: str) -> None:
        if self.cell is not None and self.cell["shown"] is not None:
            self.cell["shown"].append(data)

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag in ("table-cell", "covered-table-cell") and self.cell is not None:
            cell, self.cell = self.cell, None
            first, span = self.column, cell["span"]
            self.column += span
            if not cell["filled"] or self.scan is None:
                return
            self.scan.place(self.row, first)
            self.scan.place(self.row + self.rows - 1, first + span - 1)
            shown = "".join(cell["shown"] or ())
            if cell["error"] or (cell["shown"] is not None and _shows_an_error(shown)):
                self._mark(first, span, ods_error_text(shown))
            elif cell["formula"]:
                self._mark(first, span, NO_RESULT)
        elif tag == "table":
            self.scan = None

    def _mark(self, first: int, span: int, what: str) -> None:
        """Mark a (repeated) cell unreadable: its first cells (the sheet is refused if it is
        huge)."""
        rows = range(self.row, self.row + min(self.rows, _ODS_MARKS))
        columns = range(first, first + min(span, _ODS_MARKS // len(rows)))
        self.scan.unreadable.update(dict.fromkeys(product(rows, columns), what))


def _repeat(text: str | None) -> int:
    """A repeat count, at least 1 and at most :data:`_ODS_SPAN` more than the grid holds."""
    if not text or not text.strip().isdigit():
        return 1
    return max(1, min(int(text.strip()[:12]), GRID_ROWS + _ODS_SPAN))


def scan_ods(archive: zipfile.ZipFile, where: str) -> dict[str, SheetScan]:
    """The scan of every table of an .ods workbook, by table name: the span of its filled cells
    and its formulas saved without a value (LibreOffice stores a formula's value beside it)."""
    cells = _OdsCells()
    _parse(_chunks(lambda: archive.open("content.xml")), cells, where)
    return cells.scans


# ---------------------------------------------------------------- binary workbooks (.xlsb)

_XLSB_CELLS = frozenset(range(2, 12))  # BrtCellRk … BrtFmlaError: cells with a value
_XLSB_SHORT = frozenset(range(13, 19))  # BrtShortRk … BrtShortIsst: the next column's cell
_XLSB_ERRORS = {3, 11}  # BrtCellError, BrtFmlaError
_XLSB_ERROR_CODES = {
    0x00: b"#NULL!", 0x07: b"#DIV/0!", 0x0F: b"#VALUE!", 0x17: b"#REF!", 0x1D: b"#NAME?",
    0x24: b"#NUM!", 0x2A: b"#N/A", 0x2B: b"#GETTING_DATA",
}  # fmt: skip
_XLSB_SHEET = 156  # BrtBundleSh: a sheet's name and relationship id in workbook.bin


def _records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """``(type, start, end)`` of each record of a BIFF12 stream (MS-XLSB 2.1.4)."""
    at, size = 0, len(data)
    while at < size:
        kind = data[at]
        at += 1
        if kind & 0x80:
            if at >= size:
                return
            kind = (kind & 0x7F) | (data[at] & 0x7F) << 7
            at += 1
        length = shift = 0
        for _ in range(4):
            if at >= size:
                return
            byte = data[at]
            at += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, at, at + length
        at += length


def _wide_string(data: bytes, at: int) -> tuple[str, int]:
    count = int.from_bytes(data[at : at + 4], "little")
    if count == 0xFFFFFFFF:
        return "", at + 4
    end = at + 4 + 2 * count
    return data[at + 4 : end].decode("utf-16-le", "replace"), end


def xlsb_sheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding it, from workbook.bin and its relationships."""
    from xml.etree import ElementTree

    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.bin.rels"))
    targets = {
        rel.get("Id"): "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/") for rel in rels
    }
    book = archive.read("xl/workbook.bin")
    sheets = {}
    for kind, start, end in _records(book):
        if kind == _XLSB_SHEET:
            rid, at = _wide_string(book[:end], start + 8)
            name, _ = _wide_string(book[:end], at)
            if rid in targets:
                sheets[name] = targets[rid]
    return sheets


def scan_xlsb(archive: zipfile.ZipFile, where: str) -> dict[str, SheetScan]:
    """The scan of every sheet of an .xlsb workbook: the span of its cells (row headers and cell
    records, whatever the sheet's claimed dimension) and its error cells."""
    scans = {}
    try:
        members = xlsb_sheets(archive)
    except (KeyError, ValueError, SyntaxError):
        raise errors.CorruptWorkbook(where) from None
    for name, member in members.items():
        data = archive.read(member)
        scan, row, column = SheetScan(), 0, -1
        for kind, start, end in _records(data):
            if kind == 0:  # BrtRowHdr
                row, column = int.from_bytes(data[start : start + 4], "little"), -1
            elif kind in _XLSB_SHORT:
                column += 1
                scan.place(row, column)
            elif kind in _XLSB_CELLS and end - start >= 8:
                column = int.from_bytes(data[start : start + 4], "little")
                scan.place(row, column)
                if kind in _XLSB_ERRORS:
                    byte = data[start + 8] if end > start + 8 else -1
                    code = _XLSB_ERROR_CODES.get(byte, b"")
                    scan.unreadable[(row, column)] = error_text(code)
                    if not code and byte >= 0:  # a newer code (#SPILL! …): calamine stops on it
                        scan.calamine_cannot_read.add(bytes([byte]))
        scans[name] = scan
    return scans


def xlsb_errors_as_na(data: bytes, codes: set[bytes]) -> bytes:
    """A sheet's records with the error cells of ``codes`` (one byte each) written as ``#N/A``,
    which calamine reads (:func:`scan_xlsb` has named each already).

    >>> cell = bytes([3, 9]) + bytes(8) + bytes([0x2C])  # BrtCellError, column 0, code 0x2C
    >>> xlsb_errors_as_na(cell, {bytes([0x2C])})[-1] == 0x2A
    True
    """
    out = bytearray(data)
    for kind, start, end in _records(data):
        if kind in _XLSB_ERRORS and end > start + 8 and bytes([out[start + 8]]) in codes:
            out[start + 8] = 0x2A
    return bytes(out)
