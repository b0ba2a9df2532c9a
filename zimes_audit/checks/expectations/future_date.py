"""``expect_column_values_to_not_be_after_as_of`` — procedure §12.4 (DATA-INACCURATE).

A date later than the audit date cannot be a fact yet: it is a typing error.  The condition is
:func:`zimes_audit.checks.conditions.not_after_as_of`.
"""

from __future__ import annotations

from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.checks.conditions import not_after_as_of
from zimes_audit.checks.expectations.rendering import prescriptive


class ColumnValuesNotAfterAsOf(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_not_after_as_of"
    condition_value_keys = ("as_of",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, as_of, **kwargs):
        return not_after_as_of(column, as_of)


class ExpectColumnValuesToNotBeAfterAsOf(ColumnMapExpectation):
    """Expect no date of the column to fall after the audit date (§12.4)."""

    as_of: str | SuiteParameterDict
    map_metric = "column_values.zimes_not_after_as_of"
    success_keys = ("as_of", "mostly")
    _prescriptive_renderer = prescriptive(
        "$column dates must not be after the audit date ($as_of)."
    )
