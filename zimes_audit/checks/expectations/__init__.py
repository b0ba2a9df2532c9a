"""The audit's custom Great Expectations expectations, one module each.

Each module declares a GX ``ColumnMapExpectation`` — or, for the scans of every text field of a
record, a ``MulticolumnMapExpectation`` — and the metric that computes it; the computation is one
vectorised call of a condition in :mod:`zimes_audit.checks.conditions` (the plain-pandas
reference evaluator calls the same functions).
Importing this package registers them all with GX — it must happen before a suite that names
them is loaded (otherwise GX drops them with only a log line; :mod:`zimes_audit.checks.suites` checks).
"""

from zimes_audit.checks.expectations.card_number import ExpectMulticolumnValuesToContainNoCardNumber
from zimes_audit.checks.expectations.email import ExpectColumnValuesToBeValidEmail
from zimes_audit.checks.expectations.future_date import ExpectColumnValuesToNotBeAfterAsOf
from zimes_audit.checks.expectations.hold import ExpectColumnValuesToBeOutsideAccountingHold
from zimes_audit.checks.expectations.personal_code import (
    ExpectMulticolumnValuesToContainNoPersonalCode,
)
from zimes_audit.checks.expectations.phone import ExpectColumnValuesToBeValidPhone
from zimes_audit.checks.expectations.request import ExpectColumnValuesToNotBePastDue
from zimes_audit.checks.expectations.term import ExpectColumnValuesToBeWithinTerm

CUSTOM_EXPECTATIONS = (
    ExpectMulticolumnValuesToContainNoPersonalCode,
    ExpectMulticolumnValuesToContainNoCardNumber,
    ExpectColumnValuesToBeValidEmail,
    ExpectColumnValuesToBeValidPhone,
    ExpectColumnValuesToNotBeAfterAsOf,
    ExpectColumnValuesToBeWithinTerm,
    ExpectColumnValuesToBeOutsideAccountingHold,
    ExpectColumnValuesToNotBePastDue,
)

__all__ = [cls.__name__ for cls in CUSTOM_EXPECTATIONS] + ["CUSTOM_EXPECTATIONS"]
