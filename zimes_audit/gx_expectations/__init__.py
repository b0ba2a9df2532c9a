"""The audit's custom Great Expectations expectations, one module each.

Each module declares a GX ``ColumnMapExpectation`` and the metric that computes it; the
computation is one vectorised call into :mod:`zimes_audit.detect` or :mod:`zimes_audit.terms`.
Importing this package registers them all with GX — it must happen before a suite that names
them is loaded (otherwise GX drops them with only a log line; :mod:`zimes_audit.suites` checks).
"""

from zimes_audit.gx_expectations.card_number import ExpectColumnValuesToContainNoCardNumber
from zimes_audit.gx_expectations.email import ExpectColumnValuesToBeValidEmail
from zimes_audit.gx_expectations.future_date import ExpectColumnValuesToNotBeAfterAsOf
from zimes_audit.gx_expectations.hold import ExpectColumnValuesToBeOutsideAccountingHold
from zimes_audit.gx_expectations.personal_code import ExpectColumnValuesToContainNoPersonalCode
from zimes_audit.gx_expectations.phone import ExpectColumnValuesToBeValidPhone
from zimes_audit.gx_expectations.term import ExpectColumnValuesToBeWithinTerm

CUSTOM_EXPECTATIONS = (
    ExpectColumnValuesToContainNoPersonalCode,
    ExpectColumnValuesToContainNoCardNumber,
    ExpectColumnValuesToBeValidEmail,
    ExpectColumnValuesToBeValidPhone,
    ExpectColumnValuesToNotBeAfterAsOf,
    ExpectColumnValuesToBeWithinTerm,
    ExpectColumnValuesToBeOutsideAccountingHold,
)

__all__ = [cls.__name__ for cls in CUSTOM_EXPECTATIONS] + ["CUSTOM_EXPECTATIONS"]
