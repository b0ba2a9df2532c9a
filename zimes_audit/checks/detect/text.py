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
from collections.abc import Callable
from functools import cache

import pandas as pd
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


def _iban_end(text: str, start: int) -> int | None:
    """End position of the valid IBAN starting at ``start``, or ``None``."""
    length = _iban_length(text[start : start + 2].upper())
    if length is None:
        return None
    ends, compact, pos = [], [], start
    while pos < len(text) and len(compact) < length:
        char = text[pos]
        if char.isascii() and char.isalnum():
            compact.append(char)
            ends.append(pos + 1)
            pos += 1
        elif (
            char in _SEPARATORS
            and compact
            and pos + 1 < len(text)
            and text[pos + 1].isascii()
            and text[pos + 1].isalnum()
        ):
            pos += 1
        else:
            break
    if len(compact) < length:
        return None
    number = "".join(compact[:length]).upper()
    moved = number[4:] + number[:4]  # ISO 7064 mod 97-10 first (cheap), then stdnum's full check
    if int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1 and iban.is_valid(number):
        return ends[length - 1]
    return None


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


def as_text(values: pd.Series) -> pd.Series:
    """``values`` as pyarrow-backed strings, so that ``str.contains`` runs RE2 over the column."""
    return values.astype(pd.StringDtype("pyarrow"))


def any_cell(columns: pd.DataFrame, detector: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Per row: does ``detector`` find something in any of the columns?"""
    found = pd.Series(False, index=columns.index)
    for name in columns.columns:
        found |= detector(columns[name]).to_numpy(dtype=bool)
    return found
