"""Rows in a table's margin that are not records: totals, subtotals and footnotes.

People sum their lists in the sheet itself and note where the data came from under it.  Such
rows are left out of the records (and named in the inventory), in any kind of file:

- a **totals row** (a subtotal too): a totals word (``TOTALS_WORDS``: ``Kopā``, ``Kopā:``,
  ``Total``, ``Summa``, ``Starpsumma`` …, or the word with a number: ``Kopā: 12``) in one of the
  row's first ``TOTALS_COLUMNS`` columns holding values (in the rows of two values or more),
  every other cell of the row a number or blank; or, with the record id blank, a totals word as the row's first filled cell (the sum
  under the amounts, its label anywhere to the left);
- a **footnote line**: below the last row of data (a row of two or more cells), a row of one
  lone text that reads as a note, not a value: it opens with a footnote mark (``*``, ``†``,
  ``¹``, ``(1)``), holds a colon (``Avots: Mozello``), or has three words or more
  (``Dati uz 30.11.2026``).

>>> import pandas as pd
>>> cells = {0: pd.Series(["K-1", "K-2", "Kopā:", "* Dati uz 30.11.2026", "Avots: CRM"]),
...          1: pd.Series(["Anna", "Ivars", "2", None, None]),
...          2: pd.Series(["Jā", "Nē", None, None, None])}
>>> found = find_margins(cells, np.ones(5, dtype=bool), id_column=0)
>>> found.totals.tolist(), found.footnotes.tolist()
([False, False, True, False, False], [False, False, False, True, True])
>>> found.notes(np.array([4, 5, 6, 7, 8]))
['row 6: a totals row, left out', 'rows 7, 8: footnote lines, left out']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zimes_audit.loading.values import value_bytes

TOTALS_WORDS = frozenset(
    {
        "kopā", "kopa", "kopsumma", "pavisam", "pavisam kopā", "summa kopā", "starpsumma",
        "kopā klientu", "klientu skaits", "kopā ierakstu",
        "total", "totals", "grand total", "subtotal", "sub total", "summa", "sum", "count",
    }
)  # fmt: skip
TOTALS_COLUMNS = 3
_NUMBER = r"[-+]?\s*(?:€|eur)?\s*\d[\d\s.,']*(?:\s*(?:€|eur|%|gab\.?|pcs))?"
_IS_NUMBER = re.compile(rf"^{_NUMBER}$", re.IGNORECASE)
_WORDS = "|".join(re.escape(w) for w in sorted(TOTALS_WORDS, key=len, reverse=True))
_IS_TOTALS = re.compile(rf"^(?:{_WORDS})\s*[:.]?\s*(?:{_NUMBER})?$", re.IGNORECASE)
# the same for Arrow's RE2 over untrimmed cells (its \s is ASCII: Unicode's white space added)
_SPACE = r"[\s\v\x{1c}-\x{1f}\x{85}\p{Z}]*"
_IS_TOTALS_RE2 = f"^{_SPACE}{_IS_TOTALS.pattern[1:-1]}{_SPACE}$"
_FOOTNOTE_MARK = re.compile(r"^(?:[*†‡¹²³⁴⁵]|\(\d\)|\d\))")
_LETTER = re.compile(r"[^\W\d_]")


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:10]))
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}" + (" …" if len(rows) > 10 else "")


# what a totals cell's first three bytes are, ASCII letters lowered (every totals word starts with
# three ASCII letters, so a cell opening with three other printable ASCII bytes is no totals cell)
_PREFIX = 3
assert all(
    len(w) >= _PREFIX and w[:_PREFIX].isascii() and w[:_PREFIX].isalpha() for w in TOTALS_WORDS
)
_PREFIXES = np.array(sorted({int.from_bytes(w[:_PREFIX].encode(), "big") for w in TOTALS_WORDS}))


def _maybe_totals(cells: pa.ChunkedArray) -> np.ndarray:
    """The positions of the cells that may be totals cells (a superset, with no missing one): by
    the first three bytes — every cell but those opening with three printable ASCII bytes (no
    white space) that, lowered, open no totals word.  (RE2's case folding matches ``K`` to the
    Kelvin sign and ``s`` to ``ſ``: not ASCII, so such a cell stays.)

    >>> cells = pa.chunked_array([["M-1", "kOPĀ:", None, "paid", "  Total", "Summa", "Sum"]])
    >>> _maybe_totals(cells).tolist()
    [1, 4, 5, 6]
    """
    *heads, _ = value_bytes(cells, _PREFIX, 0)  # a shorter cell's are any: it is no totals cell
    key = np.zeros(len(cells), dtype=np.int64)
    odd = np.zeros(len(cells), dtype=bool)
    for byte in heads:
        odd |= (byte - np.uint8(0x21)) > np.uint8(0x7E - 0x21)
        key = (key << 8) | (byte | np.uint8(0x20))  # an ASCII letter lowered
    maybe = odd | np.isin(key, _PREFIXES)
    if cells.null_count:
        maybe &= pc.is_valid(cells).to_numpy(zero_copy_only=False)
    return np.flatnonzero(maybe)


def is_totals_cell(text: pd.Series) -> np.ndarray:
    """Which cells are a totals word, alone or with a number (``Kopā``, ``TOTAL:``, ``Kopā: 12``).

    >>> is_totals_cell(pd.Series(["Kopā:", "Kopā: 12", "Kopāres iela 1", None, " SUMMA\u00a0"])).tolist()
    [True, True, False, False, True]
    """
    text = pd.Series(text, dtype="str")  # Arrow-backed: handed to Arrow without a copy
    cells = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    cells = pa.chunked_array([cells]) if isinstance(cells, pa.Array) else cells
    found = np.zeros(len(cells), dtype=bool)
    at = _maybe_totals(cells)  # most cells are set aside by their first bytes
    if at.size:
        # Arrow's RE2, not a Python step per cell: a million cells in milliseconds
        match = pc.match_substring_regex(cells.take(at), _IS_TOTALS_RE2, ignore_case=True)
        found[at] = np.asarray(match.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return found


def is_footnote(text: str) -> bool:
    """Whether a lone cell's text reads as a note rather than a value.

    >>> [is_footnote(t) for t in ("* Dati uz 30.11.2026", "Avots: Mozello", "Jānis Bērziņš", "42")]
    [True, True, False, False]
    """
    text = text.strip()
    if not _LETTER.search(text) and not _FOOTNOTE_MARK.match(text):
        return False
    return bool(_FOOTNOTE_MARK.match(text)) or ":" in text or len(text.split()) >= 3


@dataclass(frozen=True)
class Margins:
    """The rows (masks over the table's rows) that are totals and footnote lines."""

    totals: np.ndarray
    footnotes: np.ndarray

    @property
    def rows(self) -> np.ndarray:
        return self.totals | self.footnotes

    def notes(self, source_rows: np.ndarray) -> list[str]:
        """One line per kind of row left out, naming the rows (for the inventory)."""
        lines = []
        for mask, one, many in (
            (self.totals, "a totals row", "totals rows"),
            (self.footnotes, "a footnote line", "footnote lines"),
        ):
            rows = source_rows[mask].tolist()
            if rows:
                lines.append(f"{_rows_text(rows)}: {one if len(rows) == 1 else many}, left out")
        return lines


def _label_first(cells: dict[int, pd.Series], rows: np.ndarray) -> np.ndarray:
    """Of ``rows`` (positions), those whose first filled cell is a totals word."""
    first = pd.Series(pd.NA, index=range(rows.size), dtype="str")
    for series in cells.values():
        first = first.fillna(series.iloc[rows].reset_index(drop=True))
    return rows[is_totals_cell(first)]


def _totals(
    cells: dict[int, pd.Series], keep: np.ndarray, id_column: int | None, rows: np.ndarray
) -> np.ndarray:
    """``rows``: the rows of two or more values, whose columns count as holding values (a
    lone footnote in an otherwise empty column does not make it one of the first)."""
    with_values = [i for i, s in cells.items() if s.notna().to_numpy()[rows].any()]
    labelled = np.zeros(len(keep), dtype=bool)
    for i in with_values[:TOTALS_COLUMNS]:
        labelled |= is_totals_cell(cells[i])
    out = np.zeros(len(keep), dtype=bool)
    for at in np.flatnonzero(labelled & keep):
        row = [cells[i].iloc[at] for i in with_values]
        rest = [str(v).strip() for v in row if isinstance(v, str) and v.strip()]
        out[at] = all(_IS_TOTALS.match(v) or _IS_NUMBER.match(v) for v in rest)
    unnamed = keep.copy()
    if id_column is not None:
        ids = cells[id_column]
        unnamed &= ids.isna().to_numpy() | is_totals_cell(ids)
    if unnamed.any():
        out[_label_first(cells, np.flatnonzero(unnamed))] = True
    return out


def _filled(cells: dict[int, pd.Series], rows: int) -> np.ndarray:
    """Per row, how many cells hold a value."""
    filled = np.zeros(rows, dtype=np.int64)
    for series in cells.values():
        filled += series.notna().to_numpy()
    return filled


def _footnotes(
    cells: dict[int, pd.Series], keep: np.ndarray, totals: np.ndarray, filled: np.ndarray
) -> np.ndarray:
    out = np.zeros(len(keep), dtype=bool)
    data = np.flatnonzero((filled >= 2) & keep & ~totals)
    below = np.arange(len(keep)) > (data[-1] if data.size else -1)
    for at in np.flatnonzero(below & keep & ~totals & (filled == 1)):
        text = next(s.iloc[at] for s in cells.values() if isinstance(s.iloc[at], str))
        out[at] = is_footnote(text)
    return out


def find_margins(cells: dict[int, pd.Series], keep: np.ndarray, id_column: int | None) -> Margins:
    """The totals rows and footnote lines among the rows ``keep`` marks (the rows with a value),
    ``cells`` being the table's columns of cleaned text (missing = empty) in file order and
    ``id_column`` the key of its record id column."""
    filled = _filled(cells, len(keep))
    totals = _totals(cells, keep, id_column, filled >= 2)
    return Margins(totals, _footnotes(cells, keep, totals, filled))
