"""What a column's values say it holds, whatever its heading — procedure §6.

A heading can say "Piezīmes 2" over a column of personal codes.  So every column's filled cells
are sampled and read by the audit's own detectors (:mod:`zimes_audit.detect`): personal
codes in either format, payment-card numbers, e-mail addresses, phone numbers, IBANs, dates in
the range of birth dates, yes/no.  The thresholds are data, documented where they are written
(``procedure/data/value_evidence.toml``):

- a column whose values are **personal codes or card numbers** is not permitted whatever its
  heading (§6): it becomes a not-permitted column (FIELD-UNPERMITTED on each record holding a
  value), ``matched_by = "values"`` — except the record id and the identifier fields the
  catalogue never scans (SKU, barcode, tracking and invoice numbers: numbers by design);
- a column whose heading is **unknown** and whose values are clearly one field (e-mails,
  phones, IBANs, dates of birth) gets that field as a **suggestion** (its FIELD-UNCLASSIFIED
  finding, the inventory, the field-map lines to paste); the administrator decides.

The evidence is counts, never a value: "97 of 100 values are valid personal codes".

>>> codes = pd.Series(["161175-19997", "120485-10308", None, "010101-10005", "120485-10308",
...                    "161175-19997", "120485-10308"], dtype="str")
>>> column_evidence(codes).text  # 010101-10005: its check digit fails
'5 of 6 values are valid personal codes'
>>> column_evidence(pd.Series([f"klients{n}@inbox.lv" for n in range(9)] + ["nav"])).field
'email'
>>> column_evidence(pd.Series(["zila", "sarkana", "zaļa", "zila", "balta"])) is None
True
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from stdnum import iban

from zimes_audit.detect.card_numbers import contains_card_number
from zimes_audit.detect.contacts import invalid_email, invalid_phone
from zimes_audit.detect.personal_codes import contains_personal_code
from zimes_audit.loading.tables import UNCLASSIFIED_PREFIX, ColumnInfo
from zimes_audit.loading.values import read_column
from zimes_audit.procedure.catalogue import NOT_PERMITTED, UNCLASSIFIED, VALUES, Catalogue
from zimes_audit.procedure.policy import load_policy

#: Evidence that makes a column not permitted whatever its heading, strongest first.
UNPERMITTED_KINDS = ("personal_code", "card_number")
_NOT_A_PHONE = re.compile(r"[^0-9\s+()\-./]")


@cache
def thresholds() -> dict:
    """The data: ``value_evidence.toml``."""
    text = (
        resources.files("zimes_audit.procedure.data")
        .joinpath("value_evidence.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


@cache
def _phone_region() -> str:
    return load_policy().phone_region  # the shipped policy's: a suggestion, not a finding


@dataclass(frozen=True)
class Evidence:
    """What a column's sampled values showed: ``count`` of ``sampled`` values are ``kind``."""

    kind: str
    field: str | None
    count: int
    sampled: int
    words: str

    @property
    def text(self) -> str:
        return f"{self.count} of {self.sampled} values are {self.words}"


def sample(text: pd.Series, size: int) -> pd.Series:
    """Up to ``size`` filled values, spread evenly over the column (first and last included;
    in a long column, over evenly spread cells, so a million rows are not all looked at).

    >>> sample(pd.Series([str(n) for n in range(10)] + [None]), 4).tolist()
    ['0', '3', '6', '9']
    """
    if len(text) > 8 * size:  # a long column: look at evenly spread cells first, not at all
        spread = text.iloc[np.linspace(0, len(text) - 1, 4 * size).round().astype(int)].dropna()
        if len(spread) >= size:
            return spread.iloc[_evenly(len(spread), size)].reset_index(drop=True)
    # a sparse column: the positions of its filled cells (its text is not copied to find them)
    filled = np.flatnonzero(text.notna().to_numpy())
    return text.iloc[filled[_evenly(len(filled), size)]].reset_index(drop=True)


def _evenly(filled: int, size: int) -> np.ndarray:
    """Up to ``size`` positions of ``filled`` ones, spread evenly (first and last included)."""
    if filled <= size:
        return np.arange(filled)
    return np.unique(np.linspace(0, filled - 1, size).round().astype(int))


def _birth_dates(dates: pd.Series) -> int:
    """Dates of birth: in the years of the data, and spread over many of them."""
    spec = thresholds()["birth_dates"]
    inside = (dates.dt.year >= spec["first_year"]) & (dates.dt.year <= spec["last_year"])
    if not inside.any():
        return 0
    span = dates[inside].max().year - dates[inside].min().year
    return int(inside.sum()) if span >= spec["min_span_years"] else 0


def _short(text: pd.Series) -> np.ndarray:
    """Values with little beside their digits: a code or card number, not a note quoting one."""
    others = text.str.replace(r"[0-9\s\-\u2013\u2011]", "", regex=True).str.len()
    return (others <= thresholds()["max_other_characters"]).to_numpy()


def _phones(text: pd.Series) -> int:
    phones = ~text.str.contains(_NOT_A_PHONE) & (text.str.count(r"[0-9]") >= 7)
    return int((phones & ~invalid_phone(text, _phone_region())).sum())


def _yes_no(text: pd.Series) -> int:
    # yes/no words, not dates (a yes/no column reads a date as yes)
    words = ~read_column(text, "bool").unreadable & read_column(text, "date").unreadable
    return int(words.sum())


#: Each kind of evidence: how many of a column's sampled values (filled, text) are of it.
_COUNTERS = {
    "personal_code": lambda t: int((contains_personal_code(t).to_numpy() & _short(t)).sum()),
    "card_number": lambda t: int((contains_card_number(t).to_numpy() & _short(t)).sum()),
    "email": lambda t: int((t.str.contains("@", regex=False) & ~invalid_email(t)).sum()),
    "phone": _phones,
    "iban": lambda t: int(t.map(iban.is_valid).sum()),
    "birth_date": lambda t: _birth_dates(
        pd.to_datetime(read_column(t, "date").values, errors="coerce")
    ),
    "yes_no": _yes_no,
}


def column_evidence(text: pd.Series, kinds: tuple[str, ...] = tuple(_COUNTERS)) -> Evidence | None:
    """The clearest evidence a column's values give among ``kinds`` (default: every kind), or
    ``None`` (too few values, or nothing clear): a not-permitted kind past
    ``not_permitted.share`` first, then any kind past ``suggest.share``."""
    spec = thresholds()
    values = sample(text, spec["sample"]).astype("str")
    if len(values) < spec["min_values"]:
        return None
    for kind in kinds:
        share = spec["not_permitted" if kind in UNPERMITTED_KINDS else "suggest"]["share"]
        count = _COUNTERS[kind](values)
        if count >= share * len(values):
            field, words = spec["kinds"][kind]
            words = words.format(**spec["birth_dates"])
            return Evidence(kind, field or None, count, len(values), words)
    return None


def classify_by_values(
    info: ColumnInfo, text: pd.Series, catalogue: Catalogue, record_id: str
) -> ColumnInfo:
    """``info`` as the column's values ``text`` show it: not permitted when they are personal
    codes or card numbers (not the record id nor an identifier field), a suggestion for an
    unknown heading, or unchanged."""
    if info.category == NOT_PERMITTED or info.field == record_id:
        return info
    field = catalogue.fields.get(info.field) if info.field else None
    if field is not None and not field.scan:  # an identifier: numbers by design
        return info
    # a known column is only asked whether it holds what no heading may hold
    kinds = tuple(_COUNTERS) if info.category == UNCLASSIFIED else UNPERMITTED_KINDS
    evidence = column_evidence(text, kinds)
    if evidence is None:
        return info
    if evidence.kind in UNPERMITTED_KINDS:
        column = info.column
        if info.category != UNCLASSIFIED:  # its frame column leaves the field it was taken for
            column = f"{UNCLASSIFIED_PREFIX}{info.heading} (column {info.letter})"
        return replace(
            info, field=None, category=NOT_PERMITTED, column=column, scan=False,
            matched_by=VALUES, suggestion=evidence.field, evidence=evidence.text,
        )  # fmt: skip
    if info.category == UNCLASSIFIED:
        return replace(info, suggestion=evidence.field, evidence=evidence.text)
    return info
