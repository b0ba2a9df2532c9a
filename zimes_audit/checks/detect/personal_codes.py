"""Latvian personal identity codes (personas kods) written inside other fields — procedure §6.

§8 says the order form collects the personal code, §6 does not permit it; a code typed into notes,
an address or a sole trader's company id is flagged as PERSONAL-CODE-IN-TEXT.

Formats (docs/rules.md, python-stdnum ``stdnum.lv.pvn``):

- old format ``DDMMYY-CNNNN`` (C = century 0/1/2): counts when stdnum accepts the birth date and
  check digit, with or without the hyphen;
- new format since 1 July 2017 ``3XNNNN-NNNNN`` (X = 2..9, no birth date): a ``32…`` code counts
  when stdnum accepts its check digit; otherwise it counts only when written with the hyphen after
  the sixth digit or next to a context word (``p.k.``, ``personas kods`` …).  So a phone number
  written ``371`` + 8 digits, without ``+``, is not taken for a code.

Company registration numbers (first digit 4, 5 or 9) and IBAN digits never match.  Calling a
valid record invalid is worse than the reverse: an ambiguous 11-digit number is left alone.

>>> contains_personal_code(pd.Series(["p.k. 161175-19997", "tālr. 37122345678", None, "40203002519"])).tolist()
[True, False, False, False]
>>> code_format("Zvanīt, mans pk 371234-56789")
'new format'
>>> code_format("LV80HABA0551012345678") is None
True
"""

from __future__ import annotations

import re

import pandas as pd
from stdnum.lv import pvn

from zimes_audit.checks.detect.text import strip_ibans

# A run of 11 digits, optionally hyphenated after the sixth, not part of a longer number.
_CANDIDATE = re.compile(r"(?<![\d])([0-3]\d{5}|3[2-9]\d{4})(-?)(\d{5})(?![\d])")
# A superset of the candidates, written so that pyarrow's RE2 runs it on non-ASCII text too
# (pandas falls back to Python per cell for \d, \b or lookarounds there).
_PREFILTER = r"[0-3][0-9]{5}-?[0-9]{5}"
_CONTEXT = re.compile(
    r"(?i)\b(?:p\.?\s?k\b\.?|pers(?:onas|\.)?\s*kod[su]|personal\s+(?:id\s+)?code|identity\s+code)"
)


def _classify(text: str) -> str | None:
    """The format of the first personal code found in ``text``, or ``None``."""
    text = strip_ibans(text)
    has_context = bool(_CONTEXT.search(text))
    for match in _CANDIDATE.finditer(text):
        head, hyphen, tail = match.groups()
        digits = head + tail
        if head[0] == "3" and head[1] in "23456789":
            if digits.startswith("32") and pvn.is_valid(digits):
                return "new format"
            if hyphen or has_context:
                return "new format"
        elif pvn.is_valid(digits):
            return "old format"
    return None


def code_format(text: object) -> str | None:
    """``'old format'``, ``'new format'`` or ``None`` for one value (any type, junk allowed)."""
    if not isinstance(text, str):
        return None
    return _classify(text)


def contains_personal_code(values: pd.Series) -> pd.Series:
    """Mask of the values holding a personal code.  Null and non-text values are ``False``.

    Vectorised: a regular expression picks the few candidate cells, stdnum checks only those.
    """
    text = values.astype("string")
    candidates = text.str.contains(_PREFILTER, regex=True, na=False)
    mask = pd.Series(False, index=values.index)
    if candidates.any():
        mask[candidates] = [_classify(v) is not None for v in text[candidates]]
    return mask
