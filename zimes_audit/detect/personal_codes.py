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
which makes a person's VAT number of their code.  Nor, in a cell of an orders export, a number
written the way that **same file's** order numbers are (:class:`OrderNumbers`, derived from its
order-id column): where the order ids hold more than the code's shape (``2024-120485-10311``),
any number of their pattern; where an order id is just code-shaped (``120485-10311``), that
order's own number.  The words are data (``code_words.toml``);
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
>>> orders = OrderNumbers.of(pd.Series(["2026-010190-10319", "2026-230370-10310"]))
>>> note = "skat. 2026-120485-10316, p.k. 161175-19997"
>>> code_format("skat. 2026-120485-10316"), code_format("skat. 2026-120485-10316", orders)
('old format', None)
>>> code_format(note, orders), OrderNumbers.of(pd.Series(["M-2475405-25", None])) is None
('old format', True)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources

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
PREFILTER = "[0-3][0-9]{5}[-\u2013\u2011 \u00a0]?[0-9]{5}"
# What a candidate needs to be read as a code without a context word (RE2): a birth date's
# first digits (0-2, or 30/31: old format), a hyphen or dash (new format), or the prefix 32.
# Any other 3… counts only after a context word, and every context word has letters: a cell
# with no letter (RE2 \pL) and none of these — a phone number with its country code,
# +371 2… — holds no code, and the scan does not read it (issue 29).
WITHOUT_CONTEXT = (
    "[0-2][0-9]{5}[-\u2013\u2011 \u00a0]?[0-9]{5}|3[01][0-9]{4}[-\u2013\u2011 \u00a0]?[0-9]{5}"
    "|3[0-9]{5}[-\u2013\u2011][0-9]{5}|32[0-9]{4}[-\u2013\u2011 \u00a0]?[0-9]{5}"
)
LETTER = r"\pL"


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


_DIGITS = re.compile(r"([0-9]+)")
_SHAPES = 20  # order-id patterns kept per file; more and the column is not one numbering


@dataclass(frozen=True, eq=False)  # hashed by identity: one per file, a key of the cache below
class OrderNumbers:
    """A file's code-shaped order numbers: the patterns of its order ids that hold a candidate
    code (digit runs as ``[0-9]{n}``, the rest as written), and those ids.

    A pattern longer than the code's own shape names any number written in it; one that is just
    the code's shape (the order ids are bare ``DDDDDD-DDDDD``) names only the file's own ids —
    else every code would look like an order number.
    """

    patterns: tuple[tuple[re.Pattern, bool], ...]  # (pattern, names only the file's own ids)
    numbers: frozenset[str]

    @classmethod
    def of(cls, order_ids: pd.Series) -> OrderNumbers | None:
        """The code-shaped order numbers of one file's order-id column, ``None`` if it has none."""
        text = as_text(order_ids)
        shaped = text[text.str.contains(PREFILTER, regex=True).fillna(False).to_numpy(bool)]
        coded = {v.strip() for v in shaped.unique() if _CANDIDATE.search(v.strip())}
        if not coded:
            return None
        patterns = {}
        for order_id in sorted(coded):
            body = "".join(
                f"[0-9]{{{len(part)}}}" if _DIGITS.fullmatch(part) else re.escape(part)
                for part in _DIGITS.split(order_id)
                if part
            )
            if body not in patterns and len(patterns) < _SHAPES:
                patterns[body] = _CANDIDATE.fullmatch(order_id) is not None
        compiled = tuple(
            (re.compile(rf"(?<![0-9A-Za-z]){body}(?![0-9A-Za-z])"), own_only)
            for body, own_only in patterns.items()
        )
        return cls(compiled, frozenset(coded))

    def names(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` (a candidate code) lies in one of the file's order numbers."""
        for pattern, own_only in self.patterns:
            for match in pattern.finditer(text):
                covers = match.start() <= start and end <= match.end()
                if covers and (not own_only or match.group(0) in self.numbers):
                    return True
        return False


def _old_format(digits: str) -> bool:
    if digits[6] not in "012":
        return False
    try:
        born = pvn.get_birth_date(digits)
    except InvalidComponent:  # not a date
        return False
    return born <= LAST_OLD_FORMAT and pvn.calc_check_digit_pers(digits[:-1]) == digits[-1]


@lru_cache(maxsize=65536)  # the same text in several columns (name, shipping name, …)
def _classify(text: str, orders: OrderNumbers | None = None) -> str | None:
    """The format of the first personal code found in ``text`` (none of ``orders``), or ``None``."""
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
        if orders is not None and orders.names(text, match.start(), match.end()):
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


def code_format(text: object, orders: OrderNumbers | None = None) -> str | None:
    """``'old format'``, ``'new format'`` or ``None`` for one value (any type, junk allowed);
    ``orders``: the value's file's order numbers, not codes."""
    if not isinstance(text, str):
        return None
    return _classify(text, orders)


def personal_code_labels(values: pd.Series) -> pd.Series:
    """Per cell: the format of the personal code it holds (``'old format'``/``'new format'``) or
    ``None`` — never the code.  Null and non-text values are ``None``.

    Vectorised: one RE2 prefilter over the column picks the candidate cells, and each distinct
    candidate is read once in Python (:func:`zimes_audit.detect.scan.scan_column`).
    """
    from zimes_audit.detect.scan import CODE, scan_column  # it reads this module's verdicts

    return scan_column(values, (CODE,))[CODE].series(values.index)


def contains_personal_code(values: pd.Series) -> pd.Series:
    """Mask of the values holding a personal code.  Null and non-text values are ``False``."""
    return personal_code_labels(values).notna()
