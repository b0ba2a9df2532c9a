"""Helpers shared by the free-text detectors.

Every valid IBAN — any country, upper or lower case, written in groups or not — is removed before
a cell is searched for card numbers or personal codes: its digits are an account number (§6.8,
permitted), even where a stretch of them happens to pass Luhn or look like a code.  Validity is
python-stdnum's (``stdnum.iban``: country length and ISO 7064 check digits).

>>> strip_ibans("Konts LV80 BANK 0000 4351 9500 1, paldies")
'Konts , paldies'
>>> strip_ibans("iban de89370400440532013000 / FR14 2004 1010 0505 0001 3M02 606")
'iban  / '
>>> strip_ibans("LV80 BANK 0000 4351 9500 2")  # check digits fail: not an IBAN, left as it is
'LV80 BANK 0000 4351 9500 2'
>>> import pandas as pd
>>> any_cell(pd.DataFrame({"a": ["x", "y"], "b": ["y", "z"]}), lambda s: s == "y").tolist()
[True, True]
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import iban

# Where an IBAN may start: two letters and two digits not glued to a preceding letter or digit.
_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")
_SEPARATORS = " \u00a0\u202f-"


@cache
def _iban_length(country: str) -> int | None:
    """The IBAN length of a country (python-stdnum's IBAN registry data), ``None`` if unknown."""
    info = iban._ibandb.info(country + "00")[0][1]
    if "bban" not in info:
        return None
    return 4 + sum(int(n) for n in re.findall(r"(\d+)!", info["bban"]))


@cache
def _iban_span(length: int) -> re.Pattern:
    """``length`` ASCII letters or digits from the start, a single separator allowed between two
    of them: the stretch an IBAN of that length would take."""
    return re.compile(rf"[A-Za-z0-9](?:[{_SEPARATORS}]?[A-Za-z0-9]){{{length - 1}}}")


_NOT_ALNUM = re.compile(rf"[{_SEPARATORS}]")


# ISO 7064 mod 97-10 reads each letter as its base-36 value (A = 10 … Z = 35), as stdnum does
_BASE36 = str.maketrans({letter: str(int(letter, 36)) for letter in string.ascii_uppercase})


@cache
def _country_rules(country: str) -> tuple[re.Pattern | None, bool]:
    """python-stdnum's rules for one country's IBANs, read once from its own registry: the BBAN
    structure (its own regular expression, ``None`` for a country it does not know) and whether
    a country module of its adds rules of its own (Belgium, Spain, Montenegro, Norway)."""
    info = iban._ibandb.info(country + "00")[0][1]
    structure = iban._struct_to_re(info.get("bban", "")) if info else None
    return structure, iban._get_cc_module(country) is not None


@lru_cache(maxsize=1 << 16)  # the same account in many orders
def _valid_iban(number: str) -> bool:
    """python-stdnum's ``iban.is_valid`` for a compact upper-case IBAN, its steps taken in its
    order from its own data — mod 97-10, the country's BBAN structure — at a fraction of its
    cost (its registry look-up, repeated per call, was most of the scans' time: issue 29); a
    country with a module of its own is left to stdnum whole.  ``tests/test_detect.py`` proves
    it equal to stdnum on every country's IBANs, valid and damaged."""
    if int((number[4:] + number[:4]).translate(_BASE36)) % 97 != 1:
        return False
    structure, own_rules = _country_rules(number[:2])
    if own_rules:
        return iban.is_valid(number)
    return structure is not None and structure.match(number[4:]) is not None


def _iban_end(text: str, start: int) -> int | None:
    """End position of the valid IBAN starting at ``start``, or ``None``."""
    length = _iban_length(text[start : start + 2].upper())
    if length is None:
        return None
    span = _iban_span(length).match(text, start)
    if span is None:
        return None
    return span.end() if _valid_iban(_NOT_ALNUM.sub("", span.group(0)).upper()) else None


@lru_cache(maxsize=1 << 17)  # the card and the code scans strip the same cells
def strip_ibans(text: str) -> str:
    """``text`` without its valid IBANs."""
    out, last = [], 0
    for match in _START.finditer(text):
        if match.start() < last:
            continue
        end = _iban_end(text, match.start())
        if end is not None:
            out.append(text[last : match.start()])
            last = end
    out.append(text[last:])
    return "".join(out)


# A text that is one IBAN-shaped run and nothing else: two letters, two digits, then letters
# and digits with a single separator allowed between two of them (as an IBAN's span is read).
_WHOLE = rf"^[A-Za-z]{{2}}[0-9]{{2}}(?:[{_SEPARATORS}]?[A-Za-z0-9])+$"


def whole_ibans(cells: pa.Array) -> np.ndarray:
    """Per text, whether it is one valid IBAN and nothing else — a text :func:`strip_ibans`
    leaves nothing of, so that no detector need read it (a register's account column: issue
    29).  Decided at once for all of them: the shape by RE2, the country's length and the
    ISO 7064 mod 97-10 check by numpy, python-stdnum's BBAN structure per text; a country
    whose stdnum module adds rules of its own is left to :func:`strip_ibans` (``False`` here).

    >>> whole_ibans(pa.array(["LV80BANK0000435195001", "LV80 BANK 0000 4351 9500 1", "LV80BANK0000435195002",
    ...                       "Konts LV80BANK0000435195001", "BE68539007547034", None])).tolist()
    [True, True, False, False, False, False]
    """
    out = np.zeros(len(cells), bool)
    shaped = pc.match_substring_regex(cells, _WHOLE).fill_null(False)
    at = np.flatnonzero(shaped.to_numpy(zero_copy_only=False))
    compact = pc.utf8_upper(pc.replace_substring_regex(cells.take(at), f"[{_SEPARATORS}]", ""))
    values = compact.to_pylist()
    rules = [
        _country_rules(v[:2]) if _iban_length(v[:2]) == len(v) else (None, True) for v in values
    ]
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    for length in np.unique(lengths):
        rows = np.flatnonzero(lengths == length)
        text = "".join(values[i] for i in rows).encode("ascii")
        chars = np.frombuffer(text, np.uint8).reshape(len(rows), length)
        valid = _mod97(np.concatenate([chars[:, 4:], chars[:, :4]], axis=1)) == 1
        for row in rows[valid].tolist():
            structure, own_rules = rules[row]
            out[at[row]] = not own_rules and structure.match(values[row][4:]) is not None
    return out


def _mod97(chars: np.ndarray) -> np.ndarray:
    """Per row of ASCII digits and upper-case letters, the number it stands for (a letter
    two digits, A = 10 … Z = 35) modulo 97, digit by digit."""
    rest = np.zeros(len(chars), np.int64)
    letters = chars >= ord("A")
    values = np.where(
        letters, chars.astype(np.int64) - ord("A") + 10, chars.astype(np.int64) - ord("0")
    )
    for column in range(chars.shape[1]):
        shift = np.where(letters[:, column], 100, 10)
        rest = (rest * shift + values[:, column]) % 97
    return rest


def as_text(values: pd.Series) -> pd.Series:
    """``values`` as pyarrow-backed strings, so that ``str.contains`` runs RE2 over the column."""
    return values.astype(pd.StringDtype("pyarrow"))


def arrow_cells(text: pd.Series) -> pa.Array:
    """The Arrow data of a column of :func:`as_text` strings, in one piece (no copy when it is)."""
    cells = pa.array(text.array)
    return cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells


def distinct_texts(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Per cell of ``text`` (:func:`as_text`), the number of its distinct text (-1: null), and
    the distinct texts — Arrow's dictionary encoding: hashing a cell costs a fraction of an RE2
    pass over it, and of pandas' ``factorize``.

    >>> codes, distinct = distinct_texts(as_text(pd.Series(["Rīga", None, "Cēsis", "Rīga"])))
    >>> codes.tolist(), distinct.tolist()
    ([0, -1, 1, 0], ['Rīga', 'Cēsis'])
    """
    return distinct_cells(arrow_cells(text))


def distinct_cells(cells: pa.Array) -> tuple[np.ndarray, pd.Series]:
    """:func:`distinct_texts` of Arrow text cells."""
    encoded = pc.dictionary_encode(cells)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes, pd.Series(pd.arrays.ArrowExtensionArray(encoded.dictionary))


#: Cells of a column whose distinct texts :func:`mostly_distinct` counts, and the share of
#: them that may differ for the column to count as repeating its texts.
SAMPLE, MOSTLY_REPEATED = 4096, 0.5


def mostly_distinct(cells: pa.Array) -> bool:
    """Whether more than :data:`MOSTLY_REPEATED` of a sample of :data:`SAMPLE` cells differ —
    e-mail addresses, phone numbers — so that numbering the distinct texts to read each once
    costs more than it saves (hashing a cell costs about an RE2 pass over it).

    >>> mostly_distinct(pa.array(["a@x.lv", "b@x.lv", "c@x.lv"])), mostly_distinct(pa.array(["Rīga"] * 3))
    (True, False)
    """
    sample = cells.slice(0, SAMPLE)
    return pc.count_distinct(sample).as_py() > MOSTLY_REPEATED * len(sample)


def any_cell(columns: pd.DataFrame, detector: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Per row: does ``detector`` find something in any of the columns?"""
    found = pd.Series(False, index=columns.index)
    for name in columns.columns:
        found |= detector(columns[name]).to_numpy(dtype=bool)
    return found
