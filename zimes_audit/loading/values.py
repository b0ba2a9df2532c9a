"""Turning cell text into typed values, vectorised over a whole column.

Every parser takes a pandas ``str`` Series (already stripped, missing for an empty cell) and returns
the typed Series; a cell that holds text but could not be read comes back missing, and
:func:`read_column` marks it *unreadable* (the loader turns that into a DATA-INACCURATE finding
for the record, §12.4 — the audit goes on).  :func:`parse_column` parses each distinct text once
(a column of a million orders holds far fewer distinct prices, flags or dates) and spreads the
results back.  How to read is decided **per column**, so that all cells of a column are read the
same way, and the decision is reported (``Reading.how``, shown by ``zimes-audit inventory``):

* dates: ``DD.MM.YYYY`` with or without the Latvian ordinal dot after the year (``15.03.2025.``),
  ``DD.MM.YY`` (years 00–68 are 20xx, 69–99 19xx), ``YYYY.MM.DD``, ``DD/MM/YYYY``, ISO
  ``YYYY-MM-DD`` — each optionally with a time ``HH:MM[:SS]`` —, date cells of a workbook and Excel
  serial numbers as numbers or text (``45292`` is 1 January 2024).  ``A/B/YYYY`` is read day
  first, the Latvian way, unless the column holds a day in the second place and none in the first
  (``12/31/2024``): then the whole column is read month first.  A column with both is mixed, and
  its slash dates are unreadable rather than guessed.  Times with a UTC offset are refused.
* numbers: decimal comma or point, thousands separated by spaces or the other mark, ``€``/``EUR``.
* yes/no: ``Jā/Nē``, ``Ja/Ne``, ``Ir/Nav``, ``+/-``, ``yes/no``, ``y/n``, ``true/false`` (and
  Latvian Excel's ``PATIESS/APLAMS``), ``1/0``, ``x``, ``✓``, ``✔``, ``v`` for a tick.  In a
  column of tick marks only, a blank cell is *no*; elsewhere a blank is unknown.  A date in a
  yes/no column reads as *yes* (the thing happened that day: "Atteicās no jaunumiem 03.02.2024").
  Words such as ``paid`` are not yes/no values.

>>> clean_text(pd.Series(["  Jānis Bērziņš ", " ", None], dtype="str")).tolist()
['Jānis Bērziņš', nan, nan]
>>> text = pd.Series(["12,50", "1 234,50 €", "1.234,50", "-7", "1,234.5", None], dtype="str")
>>> parse_number(text).tolist()
[12.5, 1234.5, 1234.5, -7.0, 1234.5, nan]
>>> parse_bool(pd.Series(["Jā", "nē", "x", "TRUE", "Ir", "-", None], dtype="str")).tolist()
[True, False, True, True, True, False, <NA>]
>>> dates = pd.Series(["05.01.2024", "2024-01-05", "45296", "5.1.2024 13:45", "05.01.2024.",
...                    "2024.01.05", "05/01/2024", "05.01.24"], dtype="str")
>>> parse_column(dates, "date").dt.strftime("%Y-%m-%d").tolist()
['2024-01-05', '2024-01-05', '2024-01-05', '2024-01-05', '2024-01-05', '2024-01-05', \
'2024-01-05', '2024-01-05']
>>> parse_column(dates, "datetime").iloc[3]
Timestamp('2024-01-05 13:45:00')
>>> read_column(pd.Series(["12/31/2024", "01/02/2024"], dtype="str"), "date").how
'dates: MM/DD/YYYY (month first: a day in the second place)'
>>> r = read_column(pd.Series(["x", None, "✓"], dtype="str"), "bool")
>>> r.values.tolist(), r.how
([True, False, True], 'yes/no: tick marks (a blank cell is no)')
>>> cells = pd.Series(["1.2.2024", "31.02.2024", "paid", None], dtype="str")
>>> read_column(cells, "bool").values.tolist(), read_column(cells, "bool").how
([True, <NA>, <NA>, <NA>], 'yes/no: none; a date reads as yes')
>>> read_column(cells, "date").unreadable.tolist()
[False, True, True, False]
>>> read_column(pd.Series(["45292", "999999"], dtype="str"), "date").unreadable.tolist()
[False, True]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TRUE_WORDS = ("jā", "ja", "j", "yes", "y", "true", "patiess", "ir", "1", "+", "x", "✓", "✔", "v")
FALSE_WORDS = ("nē", "ne", "n", "no", "false", "aplams", "nav", "0", "-", "–", "—")
TICKS = frozenset({"x", "✓", "✔", "v", "+"})
_BOOL = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}

EXCEL_EPOCH = "1899-12-30"
_SERIAL = r"^\d{1,6}(?:[.,]\d+)?$"
# datetime64[ns] holds 1677-09-21 .. 2262-04-11; keep a margin on both ends.
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")
_LAST_SERIAL = (_LATEST - pd.Timestamp(EXCEL_EPOCH)).days
_TIME = r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?)?$"
#: Date spellings: (label, pattern with named groups a/b = day/month in some order, y = year).
DATE_PATTERNS = (
    ("DD.MM.YYYY", r"^(?P<a>\d{1,2})\.\s?(?P<b>\d{1,2})\.\s?(?P<y>\d{4})\.?" + _TIME),
    ("DD.MM.YY", r"^(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<y>\d{2})\.?" + _TIME),
    ("ISO YYYY-MM-DD", r"^(?P<y>\d{4})-(?P<b>\d{1,2})-(?P<a>\d{1,2})" + _TIME),
    ("YYYY.MM.DD", r"^(?P<y>\d{4})[./](?P<b>\d{1,2})[./](?P<a>\d{1,2})\.?" + _TIME),
    ("slash", r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})" + _TIME),
)
#: Exact spellings read first, vectorised: (label, strptime format).
FAST_FORMATS = (
    ("ISO YYYY-MM-DD", "%Y-%m-%d %H:%M:%S"),
    ("ISO YYYY-MM-DD", "%Y-%m-%d"),
    ("ISO YYYY-MM-DD", "%Y-%m-%d %H:%M"),
    ("ISO YYYY-MM-DD", "%Y-%m-%dT%H:%M:%S"),
    ("DD.MM.YYYY", "%d.%m.%Y"),
    ("DD.MM.YYYY", "%d.%m.%Y %H:%M"),
    ("DD.MM.YYYY", "%d.%m.%Y %H:%M:%S"),
)

_NOISE = r"[\s\x{00a0}\x{202f}\x{2009}€]|EUR"  # RE2 syntax (Arrow)
_COMMA_DECIMAL = r",[^.]*$|\..*\."  # a comma after the last point, or several points
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"

EXPECTED = {"date": "date", "datetime": "date", "number": "number", "bool": "yes/no value"}


def first_bad(text: pd.Series, parsed: pd.Series) -> int | None:
    """Position of the first cell that holds text but no parsed value, or ``None``."""
    bad = np.flatnonzero(text.notna().to_numpy() & parsed.isna().to_numpy())
    return int(bad[0]) if bad.size else None


def _arrow(text: pd.Series) -> pa.Array:
    array = pa.array(text.array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


_STR = pd.Series([], dtype="str").dtype


# the bytes a value starting or ending in what Arrow's ``utf8_trim_whitespace`` trims may start
# or end with: ASCII white space and the separators U+001C–U+001F, the lead bytes of U+0085,
# U+00A0, U+1680, U+2000–U+205F, U+3000, and the last bytes of their UTF-8 forms (a superset:
# ``ā`` ends in 0x81 too, but after 0xC4)
_ASCII_SPACE = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]
_SPACE_FIRST = np.zeros(256, dtype=bool)
_SPACE_FIRST[[*_ASCII_SPACE, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_SPACE_LAST = np.zeros(256, dtype=bool)
_SPACE_LAST[[*_ASCII_SPACE, 0x85, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F]] = True
_SPACE_LAST[0x80:0x8B] = True
# the byte before such a last byte when it continues a character: the lead 0xC2 of U+0085 and
# U+00A0, the middle bytes of U+1680 (0x9A), U+2000–U+202F (0x80), U+205F (0x81), U+3000 (0x80)
_SPACE_BEFORE_LAST = np.zeros(256, dtype=bool)
_SPACE_BEFORE_LAST[[0xC2, 0x80, 0x81, 0x9A]] = True


def value_bytes(
    array: pa.ChunkedArray, heads: int, tails: int, shorter_than: int = 1
) -> tuple[np.ndarray, ...]:
    """Each value's first ``heads`` bytes and last ``tails`` bytes (the last first), and whether
    it is ``shorter_than`` that many bytes (by default: empty), read where Arrow holds them (no
    value copied, a gather a byte and chunk): the bytes past a short value's own are any.

    >>> *ends, short = value_bytes(pa.chunked_array([["ab", None], ["xyz", "ā"]]), 1, 2, 3)
    >>> [b.tolist() for b in ends], short.tolist()
    ([[97, 98, 120, 196], [98, 98, 122, 129], [97, 97, 121, 196]], [True, True, False, True])
    """
    wide = np.dtype(np.int64 if pa.types.is_large_string(array.type) else np.int32)
    found = [(*[np.zeros(0, np.uint8)] * (heads + tails), np.zeros(0, bool))]
    for chunk in array.chunks:
        if not len(chunk):
            continue
        _, held, data = chunk.buffers()
        offsets = np.frombuffer(
            held, wide, count=len(chunk) + 1, offset=chunk.offset * wide.itemsize
        )
        text = np.frombuffer(data, dtype=np.uint8) if data else np.zeros(1, np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        at = [starts + k if k else starts for k in range(heads)]
        at += [ends - (k + 1) for k in range(tails)]
        short = ends < starts + shorter_than if shorter_than > 1 else ends == starts
        found.append((*(text.take(a, mode="clip") for a in at), short))
    return tuple(map(np.concatenate, zip(*found, strict=True)))


def _edge_suspects(array: pa.ChunkedArray) -> np.ndarray:
    """Positions of the values that may start or end in white space or are empty (a superset),
    by their first and last bytes; a last byte that continues a character counts only after a
    byte that can start (or continue) a white space character's last two (``ā`` ends in 0x81 as
    U+2001 does, but after 0xC4).  The values whose first and last bytes are printable ASCII
    (most) are set aside by two whole-column comparisons; the tables are read for the rest.

    >>> _edge_suspects(pa.chunked_array([["a", " b", None], ["", "c\u00a0", "ā", "\u3000"]]))
    array([1, 3, 4, 6])
    """
    first, last, before, empty = value_bytes(array, 1, 2)
    plain = np.uint8(0x7E - 0x21)  # a byte less 0x21 (wrapping round) within this: 0x21–0x7E
    odd = (first - np.uint8(0x21)) > plain
    odd |= (last - np.uint8(0x21)) > plain
    at = np.flatnonzero(odd | empty)
    first, last, before = first[at], last[at], before[at]
    spaced = _SPACE_FIRST[first] | (
        _SPACE_LAST[last] & ((last < 0x80) | _SPACE_BEFORE_LAST[before])
    )
    at = at[spaced | empty[at]]
    if array.null_count and at.size:
        at = at[pc.is_valid(array).to_numpy(zero_copy_only=False)[at]]
    return at


def _already_clean(array: pa.ChunkedArray) -> bool:
    """Whether no value of ``array`` has white space to trim or is blank: only the values whose
    first or last byte may be white space (:func:`_edge_suspects`) are trimmed to tell.

    >>> _already_clean(pa.chunked_array([["Jānis", None, "Rīga ā"]], pa.large_string()))
    True
    >>> [_already_clean(pa.chunked_array([[v]])) for v in (" a", "a\u00a0", "", "12 €", "a\x1f")]
    [False, False, False, True, False]
    """
    at = _edge_suspects(array)
    if not at.size:
        return True  # (Arrow's take copies a chunked column even for no position at all)
    suspects = array.take(pa.array(at))
    lengths = pc.binary_length(pc.utf8_trim_whitespace(suspects))
    return bool(pc.all(pc.and_(pc.equal(lengths, pc.binary_length(suspects)),
                               pc.greater(lengths, 0))).as_py() is not False)  # fmt: skip


def clean_text(text: pd.Series) -> pd.Series:
    """Cell text with surrounding whitespace removed; an empty cell is missing."""
    array = pa.array(text.array)
    if text.dtype == _STR and isinstance(array, pa.ChunkedArray) and _already_clean(array):
        return text  # nothing to trim: the same text, not a second copy of it
    trimmed = pc.utf8_trim_whitespace(array)
    lengths = pc.binary_length(trimmed)
    blank = pc.equal(lengths, 0)
    if pc.any(blank).as_py():
        trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    elif text.dtype == _STR and pc.all(pc.equal(lengths, pc.binary_length(array))).as_py():
        return text  # nothing to trim: the same text, not a second copy of it
    return pd.Series(trimmed.to_pandas(), index=text.index, name=text.name, dtype="str")


def parse_number(text: pd.Series) -> pd.Series:
    """Numbers as float64; decimal commas, thousands separators and euro signs allowed."""
    raw = pc.replace_substring(pc.replace_substring_regex(_arrow(text), _NOISE, ""), "\u2212", "-")
    european = pc.replace_substring(pc.replace_substring(raw, ".", ""), ",", ".")
    english = pc.replace_substring(raw, ",", "")
    plain = pc.if_else(pc.match_substring_regex(raw, _COMMA_DECIMAL), european, english)
    valid = pc.if_else(pc.match_substring_regex(plain, _NUMBER), plain, None)
    values = pc.cast(valid, pa.float64()).to_numpy(zero_copy_only=False)
    return pd.Series(values, index=text.index, name=text.name, dtype="float64")


@dataclass(frozen=True)
class Reading:
    """One column read as its field's type: the values, how they were read (for the inventory;
    ``None`` for text) and which cells held text that could not be read."""

    values: pd.Series
    how: str | None
    unreadable: np.ndarray


def _bool_words(text: pd.Series) -> pd.Series:
    """Each cell's yes/no word as ``boolean`` (missing when it is none), each distinct text
    looked up once.

    >>> _bool_words(pd.Series(["Jā", "nē", None, "varbūt", "JĀ"], dtype="str")).tolist()
    [True, False, <NA>, <NA>, True]
    """
    codes, distinct = pd.factorize(text)  # a missing cell: code -1
    words = [_BOOL.get(str(v).casefold()) for v in distinct] + [None]
    known = np.array([w is not None for w in words])[codes]
    values = np.array([bool(w) for w in words])[codes]
    array = pd.arrays.BooleanArray(values, ~known)
    return pd.Series(array, index=text.index, name=text.name)


def parse_bool(text: pd.Series) -> pd.Series:
    """Yes/no values as the nullable ``boolean`` dtype (cell by cell, no column decision)."""
    return _bool_words(text)


def _read_bool(text: pd.Series) -> tuple[pd.Series, str | None]:
    words = _bool_words(text)
    as_date = words.isna() & text.notna()
    dated = pd.Series(False, index=text.index)
    if as_date.any():
        dated[as_date] = _read_dates(text[as_date], keep_time=False, serials=False)[0].notna()
        words[dated] = True
    seen = {v.casefold() for v in text[text.notna() & ~dated].unique()}
    ticks_only = bool(seen) and seen <= TICKS
    if ticks_only:
        words = words.fillna(False)
        how = "yes/no: tick marks (a blank cell is no)"
    else:
        styles = sorted(w for w in seen if w in _BOOL)
        how = "yes/no: " + (", ".join(styles) if styles else "none")
    if dated.any():
        how += "; a date reads as yes"
    return words, how


def _serial(text: pd.Series) -> pd.Series:
    numeric = text.str.fullmatch(_SERIAL).fillna(False).astype(bool)
    days = pd.to_numeric(text[numeric].str.replace(",", "."), errors="coerce")
    # a serial past the calendar pandas holds (2262: a six-digit number) is no date: unreadable
    days = days[(days >= 1) & (days < _LAST_SERIAL)]
    stamps = pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH).dt.round("ms")
    return stamps.reindex(text.index)


def _stamp(parts: pd.DataFrame, day: str, month: str) -> pd.Series:
    """Timestamps from extracted parts (strings), ``day``/``month`` naming the groups."""
    year = pd.to_numeric(parts["y"], errors="coerce")
    short = parts["y"].str.len() == 2
    year = year.where(~short, year + np.where(year <= 68, 2000, 1900))
    fraction = parts["f"].fillna("").str.ljust(6, "0").str[:6]
    fields = pd.DataFrame(
        {
            "year": year,
            "month": pd.to_numeric(parts[month], errors="coerce"),
            "day": pd.to_numeric(parts[day], errors="coerce"),
            "hour": pd.to_numeric(parts["H"], errors="coerce").fillna(0),
            "minute": pd.to_numeric(parts["M"], errors="coerce").fillna(0),
            "second": pd.to_numeric(parts["S"], errors="coerce").fillna(0),
            "microsecond": pd.to_numeric(fraction.replace("", "0"), errors="coerce").fillna(0),
        }
    )
    return pd.to_datetime(fields, errors="coerce")


def _fast_dates(text: pd.Series, out: pd.Series, todo: pd.Series, used: list[str]) -> None:
    """Read the cells of the common exact spellings with pandas' compiled parser (fast at a
    million distinct date-times); what is left goes through :data:`DATE_PATTERNS`."""
    tried: set[str] = set()
    while todo.any():
        probe = pd.Series([text[todo].iloc[0]], dtype="str")
        fits = [
            (label, fmt)
            for label, fmt in FAST_FORMATS
            if fmt not in tried and pd.to_datetime(probe, format=fmt, errors="coerce").notna()[0]
        ]
        if not fits:
            return
        label, fmt = fits[0]
        tried.add(fmt)
        _canonical_dates(text, out, todo, fmt)
        part = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        part = part[part.notna() & (part >= _EARLIEST) & (part < _LATEST)]
        out[part.index] = part.astype("datetime64[ns]")
        todo[part.index] = False
        if label not in used:
            used.append(label)


_FIELDS = {"%Y": (pc.year, 4), "%m": (pc.month, 2), "%d": (pc.day, 2), "%H": (pc.hour, 2),
           "%M": (pc.minute, 2), "%S": (pc.second, 2)}  # fmt: skip


def _written(stamps: pa.Array, fmt: str) -> pa.Array:
    """``stamps`` written as ``fmt`` (zero-padded fields of :data:`FAST_FORMATS`' directives),
    by Arrow's string kernels: its ``strftime`` takes ~4 µs a value.

    >>> _written(pa.array([0], pa.timestamp("s")), "%d.%m.%Y %H:%M").to_pylist()
    ['01.01.1970 00:00']
    """
    pieces = []
    for token in re.split(r"(%[YmdHMS])", fmt):
        if token in _FIELDS:
            field, width = _FIELDS[token]
            pieces.append(pc.utf8_lpad(pc.cast(field(stamps), pa.large_string()), width, "0"))
        elif token:
            pieces.append(pa.scalar(token, pa.large_string()))
    return pc.binary_join_element_wise(*pieces, pa.scalar("", pa.large_string()))


def _canonical_dates(text: pd.Series, out: pd.Series, todo: pd.Series, fmt: str) -> None:
    """Read by Arrow's ``strptime`` (~10× faster than pandas' parser) the cells of ``todo``
    that are written exactly as ``fmt`` writes them back (zero-padded, one space): pandas reads
    those the same; every other cell (``5.1.2024``, a 31 February) is left to pandas.

    >>> text = pd.Series(["05.01.2024", "5.1.2024", "31.02.2024", "01.01.1600"], dtype="str")
    >>> out, todo = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]"), text.notna()
    >>> _canonical_dates(text, out, todo, "%d.%m.%Y")
    >>> out.dt.strftime("%Y-%m-%d").tolist(), todo.tolist()
    (['2024-01-05', nan, nan, nan], [False, True, True, True])
    """
    where = np.flatnonzero(todo.to_numpy())
    cells = pa.array(text.iloc[where].array, type=pa.large_string(), from_pandas=True)
    stamps = pc.strptime(cells, format=fmt, unit="s", error_is_null=True)
    same = pc.equal(_written(stamps, fmt), cells)
    inside = pc.and_(
        pc.greater_equal(stamps, pa.scalar(_EARLIEST.to_pydatetime(), pa.timestamp("s"))),
        pc.less(stamps, pa.scalar(_LATEST.to_pydatetime(), pa.timestamp("s"))),
    )
    good = np.asarray(pc.fill_null(pc.and_(same, inside), False).to_numpy(zero_copy_only=False))
    if good.any():
        at = where[good]
        read = stamps.filter(pa.array(good)).cast(pa.timestamp("ns"))
        out.iloc[at] = read.to_numpy(zero_copy_only=False)
        todo.iloc[at] = False


def _read_dates(
    text: pd.Series, *, keep_time: bool, serials: bool = True
) -> tuple[pd.Series, str | None]:
    """Each distinct text read once (a register's dates repeat), then spread to its cells:
    every decision of :func:`_read_distinct_dates` is one of the column's set of values, the
    same for its distinct values in the order they first appear."""
    codes, distinct = pd.factorize(text)  # a missing cell: code -1
    values, how = _read_distinct_dates(
        pd.Series(distinct, dtype="str"), keep_time=keep_time, serials=serials
    )
    stamps = np.append(values.to_numpy(), np.datetime64("NaT", "ns"))[codes]
    return pd.Series(stamps, index=text.index, name=text.name, dtype="datetime64[ns]"), how


def _read_distinct_dates(
    text: pd.Series, *, keep_time: bool, serials: bool
) -> tuple[pd.Series, str | None]:
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]", name=text.name)
    todo = text.notna()
    used: list[str] = []
    _fast_dates(text, out, todo, used)
    for label, pattern in DATE_PATTERNS:
        if not todo.any():
            break
        parts = text[todo].str.extract(pattern)
        hit = parts["y"].notna()
        if not hit.any():
            continue
        parts = parts[hit]
        if label == "slash":
            a, b = pd.to_numeric(parts["a"]), pd.to_numeric(parts["b"])
            day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
            if month_first and not day_first:
                label = "MM/DD/YYYY (month first: a day in the second place)"
                stamps = _stamp(parts, "b", "a")
            elif day_first and month_first:
                label = "A/B/YYYY mixed day-first and month-first: unreadable"
                stamps = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
            else:
                label = "DD/MM/YYYY (day first)"
                stamps = _stamp(parts, "a", "b")
        else:
            stamps = _stamp(parts, "a", "b")
        if label == "DD.MM.YY":
            label = "DD.MM.YY (00–68 = 20xx)"
        good = stamps[stamps.notna() & (stamps >= _EARLIEST) & (stamps < _LATEST)]
        out[good.index] = good.astype("datetime64[ns]")
        todo[parts.index] = False  # a cell of this shape that is no real date stays unreadable
        if label not in used:
            used.append(label)
    if serials and todo.any():
        serial = _serial(text[todo])
        serial = serial[serial.notna()]
        if len(serial):
            out[serial.index] = serial.astype("datetime64[ns]")
            used.append("serial numbers")
    values = out if keep_time else out.dt.normalize()
    return values, ("dates: " + ", ".join(used)) if used else None


def parse_dates(text: pd.Series, *, keep_time: bool) -> pd.Series:
    """Dates (midnight) or date-times as ``datetime64[ns]``, read the same way for the column."""
    return _read_dates(text, keep_time=keep_time)[0]


READERS: dict[str, Callable[[pd.Series], tuple[pd.Series, str | None]]] = {
    "number": lambda s: (parse_number(s), None),
    "bool": _read_bool,
    # read_column hands over distinct texts: read as they are, not factorised again
    "date": lambda s: _read_distinct_dates(s, keep_time=False, serials=True),
    "datetime": lambda s: _read_distinct_dates(s, keep_time=True, serials=True),
}


#: The types whose reading of a column gives each cell what reading its distinct texts gives
#: it (every decision is one of the column's set of values, probed in the order values first
#: appear: :func:`_read_distinct_dates`), so a column of mostly distinct texts is read as it is.
_CELL_BY_CELL = frozenset({"date", "datetime"})
_DISTINCT_SAMPLE = 4096


def _mostly_distinct(cells: pa.Array) -> bool:
    """Whether evenly spread cells of a long column are nine in ten distinct (order times to
    the minute): hashing a million distinct texts to read each once costs more than it saves.

    >>> minutes = [f"{n // 1440 + 1:02d}.01.2024 {n // 60 % 24:02d}:{n % 60:02d}" for n in range(9000)]
    >>> _mostly_distinct(pa.array(minutes))
    True
    >>> _mostly_distinct(pa.array([f"{n % 28 + 1:02d}.01.2024" for n in range(9000)]))
    False
    """
    if len(cells) < 2 * _DISTINCT_SAMPLE:
        return False
    spread = cells.take(np.linspace(0, len(cells) - 1, _DISTINCT_SAMPLE).astype(np.int64))
    return pc.count_distinct(spread).as_py() >= 0.9 * _DISTINCT_SAMPLE


def read_column(text: pd.Series, type_: str) -> Reading:
    """Read ``text`` as catalogue field type ``type_`` (``text`` and ``code`` stay text).

    The column is decided on its distinct texts, then spread back to every cell (a date column
    of mostly distinct texts is read cell by cell, to the same values: :data:`_CELL_BY_CELL`)."""
    read = READERS.get(type_)
    if read is None:
        return Reading(text, None, np.zeros(len(text), dtype=bool))
    arrow = _arrow(text)
    if type_ in _CELL_BY_CELL and text.dtype == _STR and _mostly_distinct(arrow):
        parsed, how = read(text.reset_index(drop=True))
        values = pd.Series(parsed.array, index=text.index, name=text.name)
    else:
        encoded = pc.dictionary_encode(arrow)
        distinct = pd.Series(encoded.dictionary.to_pandas(), dtype="str")
        positions = encoded.indices.fill_null(-1).to_numpy()
        parsed, how = read(distinct)
        values = pd.Series(
            parsed.array.take(positions, allow_fill=True), index=text.index, name=text.name
        )
    if type_ == "bool" and how and how.startswith("yes/no: tick"):
        values = values.fillna(False)
    unreadable = text.notna().to_numpy() & values.isna().to_numpy()
    return Reading(values, how, unreadable)


def parse_column(text: pd.Series, type_: str) -> pd.Series:
    """Parse ``text`` as catalogue field type ``type_`` (``text`` and ``code`` stay text)."""
    return read_column(text, type_).values
