"""What each custom expectation checks, as plain vectorised functions (no Great Expectations).

A *condition* returns, per row, ``True`` where the value is as expected.  The GX metrics in
:mod:`zimes_audit.checks.expectations` call these functions; so does the plain-pandas reference
evaluator (:mod:`zimes_audit.checks.reference`).  :data:`CONDITIONS` maps each custom
expectation type to its condition and the expectation arguments it takes, in order.

Locators name, for a flagged record of a multicolumn scan, what each cell holds — a label such as
``"old format"``, never the value; :data:`LOCATORS` maps the scan's expectation type to it.

>>> import pandas as pd
>>> no_personal_code(pd.DataFrame({"notes": ["Brīvības iela 1", "p.k. 161175-19997"]})).tolist()
[True, False]
>>> no_card_number(pd.DataFrame({"notes": ["LV80HABA0551012345678", "4111-1111-1111-1111"]})).tolist()
[True, False]
>>> valid_email(pd.Series(["liga@inbox.lv", "liga@@inbox"])).tolist()
[True, False]
>>> valid_phone(pd.Series(["+371 22345678", "+371 1234"]), "LV").tolist()
[True, False]
>>> dates = pd.Series(pd.to_datetime(["2026-11-02", "2024-05-01", "2021-10-31"]))
>>> not_after_as_of(dates, "2026-11-01").tolist()
[False, True, True]
>>> within_term(dates, "2026-11-01", 5).tolist()
[True, True, False]
>>> outside_accounting_hold(dates, "2026-11-01", 5).tolist()
[True, False, True]
>>> not_past_due(pd.Series(pd.to_datetime(["2026-11-01", "2026-10-31", None])), "2026-11-01").tolist()
[True, False, True]
>>> locate_personal_code(pd.Series(["Mans pk 371234-56789", "Rīga", None])).tolist()
['new format', None, None]
>>> locate_card_number(pd.Series(["4111 1111 1111 1111", "Rīga"])).tolist()
['card number', None]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from zimes_audit.checks import text_scan
from zimes_audit.checks.text_scan import CARD, CODE
from zimes_audit.detect.contacts import invalid_email, invalid_phone
from zimes_audit.procedure.terms import (
    calendar_dates,
    in_accounting_hold,
    on_or_before,
    term_passed,
)


# ------------------------------------------------------------------ multicolumn (whole records)
def no_personal_code(columns: pd.DataFrame) -> pd.Series:
    """Per row: no listed field holds a personal code in either format (§6); read from the
    records' one scan when there is one (:mod:`zimes_audit.checks.text_scan`)."""
    return ~text_scan.found(CODE, columns)


def no_card_number(columns: pd.DataFrame) -> pd.Series:
    """Per row: no listed field holds a payment-card number (§6); read from the records' one
    scan when there is one."""
    return ~text_scan.found(CARD, columns)


# ------------------------------------------------------------------------ one column at a time
def valid_email(column: pd.Series) -> pd.Series:
    """The e-mail address is syntactically valid (§12.4)."""
    return ~invalid_email(column)


def valid_phone(column: pd.Series, region: str) -> pd.Series:
    """The phone number is valid; one without country code is read in ``region`` (§12.4)."""
    return ~invalid_phone(column, region)


def not_after_as_of(column: pd.Series, as_of: object) -> pd.Series:
    """The date is not later than the audit date (§12.4)."""
    return on_or_before(column, as_of)


def within_term(column: pd.Series, as_of: object, years: int) -> pd.Series:
    """``years`` after the date have not passed as of the audit date (§10.1.1, §10)."""
    return ~term_passed(column, as_of, years)


def outside_accounting_hold(column: pd.Series, as_of: object, years: int) -> pd.Series:
    """The relationship end is not within the accounting hold (§10.1.1, §6.2)."""
    return ~in_accounting_hold(column, as_of, years)


def not_past_due(column: pd.Series, as_of: object) -> pd.Series:
    """Nothing is left past its due date: the date (what is left of a data subject's request
    was due by, :mod:`zimes_audit.facts.requests`) is missing or not before the audit date
    (GDPR Art. 12(3); §12.4, §10.1.2)."""
    return ~(calendar_dates(column) < pd.Timestamp(as_of).normalize()).fillna(False).astype(bool)


# -------------------------------------------------------------------------------- locators
def locate_personal_code(values: pd.Series) -> pd.Series:
    """Per cell: ``"old format"``, ``"new format"`` or ``None`` — the format, never the code;
    the records' one scan's verdict when there is one."""
    return text_scan.labels(CODE, values)


def locate_card_number(values: pd.Series) -> pd.Series:
    """Per cell: ``"card number"`` when it holds one, else ``None``."""
    return text_scan.labels(CARD, values)


@dataclass(frozen=True)
class Condition:
    """A custom expectation's condition and the names of the arguments it takes after the data."""

    check: Callable[..., pd.Series]
    arguments: tuple[str, ...] = ()
    multicolumn: bool = False


#: Custom expectation type → its condition.
CONDITIONS: dict[str, Condition] = {
    "expect_multicolumn_values_to_contain_no_personal_code": Condition(
        no_personal_code, multicolumn=True
    ),
    "expect_multicolumn_values_to_contain_no_card_number": Condition(
        no_card_number, multicolumn=True
    ),
    "expect_column_values_to_be_valid_email": Condition(valid_email),
    "expect_column_values_to_be_valid_phone": Condition(valid_phone, ("region",)),
    "expect_column_values_to_not_be_after_as_of": Condition(not_after_as_of, ("as_of",)),
    "expect_column_values_to_be_within_term": Condition(within_term, ("as_of", "years")),
    "expect_column_values_to_be_outside_accounting_hold": Condition(
        outside_accounting_hold, ("as_of", "years")
    ),
    "expect_column_values_to_not_be_past_due": Condition(not_past_due, ("as_of",)),
}

#: Multicolumn scan type → which cell of a flagged record is to blame, and what it holds.
LOCATORS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "expect_multicolumn_values_to_contain_no_personal_code": locate_personal_code,
    "expect_multicolumn_values_to_contain_no_card_number": locate_card_number,
}
