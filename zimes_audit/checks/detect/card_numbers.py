"""Payment-card numbers stored in any text field — procedure §6 (CARD-NUMBER-IN-TEXT).

A card number is 13–19 digits passing the Luhn check (python-stdnum ``stdnum.luhn``), written
contiguously or in groups of four separated by single spaces or hyphens (Amex's 4-6-5 too).
IBANs are removed before the search: their digits are an account number (§6.8, permitted), even
where they happen to pass Luhn.

>>> contains_card_number(pd.Series(["karte 4111 1111 1111 1111", "LV80HABA0551012345678", None])).tolist()
[True, False, False]
>>> contains_card_number(pd.Series(["tālr. 37122345678", "€", ""])).tolist()
[False, False, False]
"""

from __future__ import annotations

import re

import pandas as pd
from stdnum import luhn

from zimes_audit.checks.detect.text import strip_ibans

_CANDIDATE = re.compile(
    r"(?<![\d-])(\d{13,19}|\d{4}(?:([ -])\d{4}){2,3}(?:\2\d{1,3})?|\d{4}([ -])\d{6}\3\d{5})(?![\d])"
)
# ASCII classes only, so that pyarrow's RE2 runs the prefilter (see personal_codes)
_PREFILTER = r"[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5}"


def _has_card(text: str) -> bool:
    for match in _CANDIDATE.finditer(strip_ibans(text)):
        digits = re.sub(r"\D", "", match.group(1))
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            return True
    return False


def contains_card_number(values: pd.Series) -> pd.Series:
    """Mask of the values holding a Luhn-valid card number.  Null and non-text are ``False``."""
    text = values.astype("string")
    candidates = text.str.contains(_PREFILTER, regex=True, na=False)
    mask = pd.Series(False, index=values.index)
    if candidates.any():
        mask[candidates] = [_has_card(v) for v in text[candidates]]
    return mask
