"""Payment-card numbers stored in any text field — procedure §6 (CARD-NUMBER-IN-TEXT).

A number counts as a card number only when all of these hold (issuers and words are data:
``card_issuers.toml`` beside this module):

- its prefix and length fit one issuer's published range (Visa 4… at 16 or 19, Mastercard 51–55
  and 2221–2720 at 16, Amex 34/37 at 15, Diners, Discover, UnionPay, JCB, Maestro, Mir; no 17/18-digit lengths);
- it passes the Luhn check (python-stdnum ``stdnum.luhn``);
- it is written as cards are: contiguous, or in the issuer's grouping (fours, Amex 4-6-5, Diners
  4-6-4) with one kind of separator — space, no-break space or hyphen;
- a 13-digit number only next to a card word (``karte``, ``card``, ``visa`` …) and no barcode
  word (``svītrkods``, ``EAN`` …): EAN-13 barcodes (Latvian ``475…``, German ``400–440…``) and
  millisecond timestamps have 13 digits too.

Every valid IBAN is removed before the search (:func:`~zimes_audit.detect.text.strip_ibans`).

>>> contains_card_number(pd.Series(["karte 4111 1111 1111 1111", "LV80BANK0000435195001", None])).tolist()
[True, False, False]
>>> contains_card_number(pd.Series(["4750000000011", "Visa 4222222222222", "3056 930902 5904"])).tolist()
[False, True, True]
>>> card_issuer("5555\u00a05555\u00a05555\u00a04444"), card_issuer("tālr. 37122345678")
('Mastercard', None)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import pandas as pd
from stdnum import luhn

from zimes_audit.detect.text import strip_ibans

LABEL = "card number"


@dataclass(frozen=True)
class Issuer:
    name: str
    prefixes: tuple[tuple[int, int, int], ...]  # (prefix length, low, high)
    lengths: frozenset[int]
    groups: tuple[tuple[int, ...], ...]

    def fits(self, digits: str) -> bool:
        if len(digits) not in self.lengths:
            return False
        return any(low <= int(digits[:size]) <= high for size, low, high in self.prefixes)

    def grouping_ok(self, sizes: tuple[int, ...]) -> bool:
        if len(sizes) == 1:
            return True
        if sizes in self.groups:
            return True
        # the default grouping: fours, the last group shorter
        return all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4


@dataclass(frozen=True)
class Issuers:
    issuers: tuple[Issuer, ...]
    words: re.Pattern
    barcode_words: re.Pattern
    window: int
    separators: str


def _prefix(spec: str) -> tuple[int, int, int]:
    low, _, high = spec.partition("-")
    return len(low), int(low), int(high or low)


@cache
def load_issuers() -> Issuers:
    """The issuer table of ``card_issuers.toml``."""
    text = resources.files("zimes_audit.detect").joinpath("card_issuers.toml").read_text()
    raw = tomllib.loads(text)
    issuers = tuple(
        Issuer(
            name=spec["name"],
            prefixes=tuple(_prefix(p) for p in spec["prefixes"]),
            lengths=frozenset(spec["lengths"]),
            groups=tuple(tuple(g) for g in spec.get("groups", [])),
        )
        for spec in raw["issuer"]
    )
    words = "|".join(re.escape(w) for w in raw["words"]["thirteen_digits"])
    barcode = "|".join(re.escape(w) for w in raw["words"]["barcode"])
    return Issuers(
        issuers=issuers,
        words=re.compile(rf"(?i)(?<!\w)(?:{words})"),
        barcode_words=re.compile(rf"(?i)(?<!\w)(?:{barcode})"),
        window=int(raw["words"]["window"]),
        separators="".join(raw["separators"]["allowed"]),
    )


# Digit groups joined by at most one separator character; the groups are then tried in every
# contiguous run, so "4111 1111 1111 1111 2025" still yields its card.
_GROUPS = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ \u00a0\u202f-][0-9]+)*")
_SPLIT = re.compile(r"([ \u00a0\u202f-])")
# RE2-friendly superset of every candidate (12+ digits, groups of 4 or 4-6-x): picks the cells
# the Python step looks at.
PREFILTER = (
    "[0-9]{4}[ \u00a0\u202f-]?[0-9]{4}[ \u00a0\u202f-]?[0-9]{4}"
    "|[0-9]{4}[ \u00a0\u202f-][0-9]{6}[ \u00a0\u202f-][0-9]{4}"
)


def _issuer_of(digits: str, sizes: tuple[int, ...], table: Issuers) -> str | None:
    if not 13 <= len(digits) <= 19:
        return None
    for issuer in table.issuers:  # the cheap tests first, Luhn last
        if issuer.fits(digits) and issuer.grouping_ok(sizes) and luhn.is_valid(digits):
            return issuer.name
    return None


def _near_word(text: str, start: int, end: int, table: Issuers) -> bool:
    near = text[max(0, start - table.window) : start] + " " + text[end : end + table.window]
    return bool(table.words.search(near)) and not table.barcode_words.search(near)


@lru_cache(maxsize=65536)  # the GX metric and the findings ask about the same flagged cells
def card_issuer(text: str) -> str | None:
    """The issuer of the first card number written in ``text``, or ``None``."""
    table = load_issuers()
    text = strip_ibans(text)
    for match in _GROUPS.finditer(text):
        run = match.group(0)
        if len(run) < 13:
            continue
        parts = _SPLIT.split(run)
        groups, seps = parts[0::2], parts[1::2]
        offsets, at = [], 0
        for n, part in enumerate(parts):
            if n % 2 == 0:
                offsets.append(at)  # start of each group
            at += len(part)
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                if j > i and seps[j - 1] != seps[i]:
                    break  # one kind of separator per number
                digits += groups[j]
                if len(digits) > 19:
                    break
                name = _issuer_of(digits, tuple(len(g) for g in groups[i : j + 1]), table)
                if name is None:
                    continue
                if len(digits) == 13:
                    start = match.start() + offsets[i]
                    end = match.start() + offsets[j] + len(groups[j])
                    if not _near_word(text, start, end, table):
                        continue
                return name
    return None


def card_number_labels(values: pd.Series) -> pd.Series:
    """Per cell: ``"card number"`` when it holds one, else ``None`` (null and non-text: ``None``).

    Vectorised: one RE2 prefilter over the column picks the candidate cells, and each distinct
    candidate is read once in Python (:func:`zimes_audit.detect.scan.scan_column`).
    """
    from zimes_audit.detect.scan import CARD, scan_column  # it reads this module's verdicts

    return scan_column(values, (CARD,))[CARD].series(values.index)


def contains_card_number(values: pd.Series) -> pd.Series:
    """Mask of the values holding a card number.  Null and non-text are ``False``."""
    return card_number_labels(values).notna()
