"""Turning cell text into typed values, vectorised over a whole column.

Every parser takes a pandas ``str`` Series (already stripped, missing for an empty cell) and returns
the typed Series; a cell that holds text but could not be parsed comes back missing, and
:func:`first_bad` finds it.  :func:`parse_column` parses each distinct text once (a column of a
million orders holds far fewer distinct prices, flags or dates) and spreads the results back.
Accepted spellings:

* dates: ``DD.MM.YYYY`` (also ``D.M.YYYY``), ``DD.MM.YYYY HH:MM[:SS]``, ISO ``YYYY-MM-DD``,
  ``YYYY-MM-DD HH:MM[:SS]``, ``YYYY-MM-DDTHH:MM:SS`` and Excel serial numbers (``45292`` is
  1 January 2024).  Times with a UTC offset are refused rather than guessed.
* numbers: decimal comma or point, thousands separated by spaces or the other mark, ``€``/``EUR``.
* yes/no: ``Jā Nē Ja Ne``, ``yes no``, ``true false`` (and Latvian Excel's ``PATIESS APLAMS``),
  ``1 0``, ``x`` for a tick.  Words such as ``paid`` are not yes/no values.

>>> clean_text(pd.Series(["  Jānis Bērziņš ", " ", None], dtype="str")).tolist()
['Jānis Bērziņš', nan, nan]
>>> text = pd.Series(["12,50", "1 234,50 €", "1.234,50", "-7", "1,234.5", None], dtype="str")
>>> parse_number(text).tolist()
[12.5, 1234.5, 1234.5, -7.0, 1234.5, nan]
>>> parse_bool(pd.Series(["Jā", "nē", "x", "TRUE", None], dtype="str")).tolist()
[True, False, True, True, <NA>]
>>> dates = pd.Series(["05.01.2024", "2024-01-05", "45296", "5.1.2024 13:45"], dtype="str")
>>> parse_column(dates, "date").dt.strftime("%Y-%m-%d").tolist()
['2024-01-05', '2024-01-05', '2024-01-05', '2024-01-05']
>>> parse_column(dates, "datetime").iloc[3]
Timestamp('2024-01-05 13:45:00')
>>> bad = pd.Series(["1.2.2024", "paid", None], dtype="str")
>>> first_bad(bad, parse_column(bad, "bool")), first_bad(bad, parse_column(bad, "date"))
(0, 1)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TRUE_WORDS = ("jā", "ja", "yes", "true", "patiess", "1", "x", "✓", "✔")
FALSE_WORDS = ("nē", "ne", "no", "false", "aplams", "0")
_BOOL = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}

DATE_FORMATS = (
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
)
EXCEL_EPOCH = "1899-12-30"
_SERIAL = r"^\d{1,6}(?:[.,]\d+)?$"
# datetime64[ns] holds 1677-09-21 .. 2262-04-11; keep a margin on both ends.
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")

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


def clean_text(text: pd.Series) -> pd.Series:
    """Cell text with surrounding whitespace removed; an empty cell is missing."""
    trimmed = pc.utf8_trim_whitespace(pa.array(text.array))
    blank = pc.equal(pc.binary_length(trimmed), 0)
    if pc.any(blank).as_py():
        trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
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


def parse_bool(text: pd.Series) -> pd.Series:
    """Yes/no values as the nullable ``boolean`` dtype."""
    words = [None if pd.isna(v) else _BOOL.get(v.casefold()) for v in text]
    return pd.Series(words, index=text.index, name=text.name, dtype="boolean")


def _formats_for(sample: str) -> list[str]:
    """The date formats, the one that reads ``sample`` first (columns rarely mix formats)."""
    probe = pd.Series([sample], dtype="str")
    return sorted(
        DATE_FORMATS, key=lambda f: pd.to_datetime(probe, format=f, errors="coerce").isna()[0]
    )


def _serial(text: pd.Series) -> pd.Series:
    numeric = text.str.fullmatch(_SERIAL)
    days = pd.to_numeric(text[numeric].str.replace(",", "."), errors="coerce")
    days = days[(days >= 1) & (days < 2958466)]
    stamps = pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH).dt.round("ms")
    return stamps.reindex(text.index)


def parse_dates(text: pd.Series, *, keep_time: bool) -> pd.Series:
    """Dates (midnight) or date-times as ``datetime64[ns]``; each format tried on what is left."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]", name=text.name)
    todo = text.notna()
    if not todo.any():
        return out
    parsers: list[Callable[[pd.Series], pd.Series]] = [
        lambda s, f=fmt: pd.to_datetime(s, format=f, errors="coerce")
        for fmt in _formats_for(text[todo].iloc[0])
    ]
    for parse in [*parsers, _serial]:
        part = parse(text[todo])
        part = part[part.notna() & (part >= _EARLIEST) & (part < _LATEST)]
        out[part.index] = part.astype("datetime64[ns]")
        todo[part.index] = False
        if not todo.any():
            break
    return out if keep_time else out.dt.normalize()


PARSERS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "number": parse_number,
    "bool": parse_bool,
    "date": lambda s: parse_dates(s, keep_time=False),
    "datetime": lambda s: parse_dates(s, keep_time=True),
}


def parse_column(text: pd.Series, type_: str) -> pd.Series:
    """Parse ``text`` as catalogue field type ``type_`` (``text`` and ``code`` stay text)."""
    parse = PARSERS.get(type_)
    if parse is None:
        return text
    encoded = pc.dictionary_encode(_arrow(text))
    distinct = pd.Series(encoded.dictionary.to_pandas(), dtype="str")
    positions = encoded.indices.fill_null(-1).to_numpy()
    parsed = parse(distinct).array.take(positions, allow_fill=True)
    return pd.Series(parsed, index=text.index, name=text.name)
