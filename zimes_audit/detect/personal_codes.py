"""Latvian personal identity codes (personas kods) written inside other fields — procedure §6.

§8 says the order form collects the personal code, §6 does not permit it; a code typed into notes,
an address or a sole trader's company id is flagged as PERSONAL-CODE-IN-TEXT.

A candidate is 11 digits, not part of a longer number, written whole or as six and five digits
joined by a hyphen ``-``, an en dash ``–``, a non-breaking hyphen ``‑`` or a space; ``LV`` may
stand before it (a person's VAT number is their code).  Valid IBANs are removed first.  It counts:

- **old format** ``DDMMYY-CNNNN`` when the birth date is a real date no later than 30 June 2017
  (the last day such codes were issued), the century digit C is 0, 1 or 2 (1800s, 1900s,
  2000s) and python-stdnum's check digit holds (``stdnum.lv.pvn``);
- **new format** ``3XNNNN-NNNNN`` (X = 2–9; PMLP: every digit after the leading ``3`` is random,
  so there is nothing to check) when written with a hyphen or dash; written bare or with a space
  it counts only with a context word just before it (``p.k.``, ``pers. k.``, ``p/k``,
  ``personas kods``/``koda``, ``personal code``, ``ID code`` …); a bare ``32…`` (the prefix of
  every code issued so far) also counts with ``LV`` glued to it or when it is the whole cell —
  never a bare ``37…``, which is how a phone number with its country code looks.

Never a code: a number right after a phone cue (``tālr.``, ``tel.``, ``mob.``) or a document cue
(``Līgums``, ``rēķins``, ``invoice`` …); company registration numbers (first digit 4, 5 or 9);
and a **document number**: digits glued to letters, before or after (``M-120485-10308``,
``ZIM-…``, ``A120485-10308``, ``…-10308B``), or right after a document prefix such as ``Nr.``
(``prefix`` in the words) — unless a context word (``p.k.``) stands just before, and for ``LV``,
which makes a person's VAT number of their code.  The words are data (``code_words.toml``);
docs/rules.md gives the sources and the measured look-alike rates.

>>> contains_personal_code(pd.Series(["p.k. 161175-19997", "tālr. 37122345678", None, "40203002519"])).tolist()
[True, False, False, False]
>>> code_format("Zvanīt, mans pk 371234-56789")
'new format'
>>> code_format("Nerakstīt p.k. rēķinā! Tālr. 37129530859") is None
True
>>> code_format("Līgums 170828-81990") is None, code_format("161175\u201319997")
(True, 'old format')
>>> code_format("LV80HABA0551012345678") is None
True
>>> [code_format(t) for t in ("kā pasūtījumā M-120485-10308", "Nr. 120485-10308", "p.k.120485-10308")]
[None, None, 'old format']
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from stdnum.exceptions import InvalidComponent
from stdnum.lv import pvn

from zimes_audit.detect.text import as_text, strip_ibans

OLD, NEW = "old format", "new format"
LAST_OLD_FORMAT = date(2017, 6, 30)  # Iedzīvotāju reģistra likums: new codes from 1 July 2017
_HYPHENS = "-\u2013\u2011"

# Six digits, an optional separator, five digits; not glued to other digits.
_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{6})([-\u2013\u2011 \u00a0]?)([0-9]{5})(?![0-9])")
# The RE2 prefilter: ASCII digit classes and literal separators only.
_PREFILTER = "[0-3][0-9]{5}[-\u2013\u2011 \u00a0]?[0-9]{5}"


@cache
def _words() -> dict[str, re.Pattern]:
    text = resources.files("zimes_audit.detect").joinpath("code_words.toml").read_text()
    raw = tomllib.loads(text)
    fillers = raw["fillers"]

    def cue(words: list[str]) -> re.Pattern:
        return re.compile(rf"(?i)(?<!\w)(?:{'|'.join(words)}){fillers}$")

    words = {key: cue(raw[key]) for key in ("context", "phone", "document")}
    # a document prefix or letters glued to the number (``M-``, ``ZIM-``, ``Nr.``, ``A``)
    prefix = "|".join(raw["prefix"])
    words["glued_before"] = re.compile(
        rf"(?i)(?:(?<!\w)(?:{prefix})\s?|[^\W\d_](?<!\bLV)[-/.#_]?)$"
    )
    words["glued_after"] = re.compile(r"^(?:[^\W\d_]|[-/_][^\W_])")
    return words


def _document_number(text: str, start: int, end: int, words: dict[str, re.Pattern]) -> bool:
    """Whether the number at ``text[start:end]`` is part of a document number: letters or a
    document prefix glued to it, and no context word (``p.k.``) just before."""
    before = text[max(0, start - 60) : start]
    glued = words["glued_before"].search(before) or words["glued_after"].match(text[end:])
    return bool(glued) and not words["context"].search(before)


def _old_format(digits: str) -> bool:
    if digits[6] not in "012":
        return False
    try:
        born = pvn.get_birth_date(digits)
    except InvalidComponent:  # not a date
        return False
    return born <= LAST_OLD_FORMAT and pvn.calc_check_digit_pers(digits[:-1]) == digits[-1]


@lru_cache(maxsize=65536)  # the GX metric and the findings ask about the same flagged cells
def _classify(text: str) -> str | None:
    """The format of the first personal code found in ``text``, or ``None``."""
    text = strip_ibans(text)
    words = _words()
    for match in _CANDIDATE.finditer(text):
        head, sep, tail = match.groups()
        digits = head + tail
        if head[0] > "3":
            continue
        before = text[max(0, match.start() - 60) : match.start()]
        if words["phone"].search(before) or words["document"].search(before):
            continue
        if _document_number(text, match.start(), match.end(), words):
            continue
        if head[0] == "3" and head[1] in "23456789":
            # bare: a context word just before it, or (only for 32…, the prefix every code issued
            # so far has; a phone number's 371… never) LV glued to it or the cell is the code
            issued = head[1] == "2" and (
                before[-2:].upper() == "LV" or text.strip() == match.group(0)
            )
            if (sep and sep in _HYPHENS) or issued or words["context"].search(before):
                return NEW
        elif _old_format(digits):
            return OLD
    return None


def code_format(text: object) -> str | None:
    """``'old format'``, ``'new format'`` or ``None`` for one value (any type, junk allowed)."""
    if not isinstance(text, str):
        return None
    return _classify(text)


def personal_code_labels(values: pd.Series) -> pd.Series:
    """Per cell: the format of the personal code it holds (``'old format'``/``'new format'``) or
    ``None`` — never the code.  Null and non-text values are ``None``.

    Vectorised: an RE2 prefilter over the column picks the few candidate cells; only those are
    read in Python.
    """
    text = as_text(values)
    candidates = text.str.contains(_PREFILTER, regex=True).fillna(False).to_numpy(dtype=bool)
    labels = np.full(len(values), None, dtype=object)
    if candidates.any():
        labels[candidates] = [_classify(v) for v in text[candidates]]
    return pd.Series(labels, index=values.index, dtype=object)


def contains_personal_code(values: pd.Series) -> pd.Series:
    """Mask of the values holding a personal code.  Null and non-text values are ``False``."""
    return personal_code_labels(values).notna()
