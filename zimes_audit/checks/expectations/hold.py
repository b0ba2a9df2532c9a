"""``expect_column_values_to_be_outside_accounting_hold`` — procedure §10.1.1, §6.2.

Applied to the relationship end of records that still hold contact data accounting does not need
(CONTACT-AFTER-END): fails for an end on or before the audit date whose retention term has not
passed yet — the record sits out the accounting hold and its e-mail/phone should be gone.
Open relationships (no end, or an end after the audit date) pass, and so do expired ones (they are
RETENTION-EXPIRED's to delete).  The condition is
:func:`zimes_audit.checks.conditions.outside_accounting_hold` (term arithmetic:
:mod:`zimes_audit.procedure.terms`).
"""

from __future__ import annotations

from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.checks.conditions import outside_accounting_hold
from zimes_audit.checks.expectations.rendering import prescriptive


class ColumnValuesOutsideAccountingHold(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_outside_accounting_hold"
    condition_value_keys = ("as_of", "years")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, as_of, years, **kwargs):
        return outside_accounting_hold(column, as_of, years)


class ExpectColumnValuesToBeOutsideAccountingHold(ColumnMapExpectation):
    """Expect no record holding unneeded contact data to sit in the accounting hold (§10.1.1)."""

    as_of: str | SuiteParameterDict
    years: int | SuiteParameterDict
    map_metric = "column_values.zimes_outside_accounting_hold"
    success_keys = ("as_of", "years", "mostly")
    _prescriptive_renderer = prescriptive(
        "a record that keeps contact data accounting does not need must not have its $column within the $years-year accounting hold before the audit date ($as_of)."
    )
