"""Helpers shared by the free-text detectors.

>>> strip_ibans("Konts LV80 HABA 0551 0123 4567 8, paldies")
'Konts , paldies'
>>> import pandas as pd
>>> any_cell(pd.DataFrame({"a": ["x", "y"], "b": ["y", "z"]}), lambda s: s == "y").tolist()
[True, True]
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

# Latvian IBAN (21 characters: LV, 2 check digits, 4-letter bank code, 13 characters) and, more
# loosely, any IBAN-shaped token, written with or without groups of spaces.
_IBAN = re.compile(
    r"\bLV\d{2}(?: ?[A-Z]){4}(?: ?[A-Z0-9]){13}\b"  # Latvian, spaced or not
    r"|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b"  # any other, written without spaces
)


def strip_ibans(text: str) -> str:
    """Remove IBAN-shaped tokens so that their digits are not read as codes or card numbers."""
    return _IBAN.sub("", text)


def any_cell(columns: pd.DataFrame, detector: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Per row: does ``detector`` find something in any of the columns?"""
    found = pd.Series(False, index=columns.index)
    for name in columns.columns:
        found |= detector(columns[name])
    return found
