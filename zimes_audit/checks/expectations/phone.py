"""``expect_column_values_to_be_valid_phone`` — procedure §12.4 (DATA-INACCURATE).

Judged by phonenumbers; a number without country code is read in ``region`` (policy).  The
condition is :func:`zimes_audit.checks.conditions.valid_phone`.
"""

from __future__ import annotations

from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.checks.conditions import valid_phone
from zimes_audit.checks.expectations.rendering import prescriptive


class ColumnValuesValidPhone(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_valid_phone"
    condition_value_keys = ("region",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, region, **kwargs):
        return valid_phone(column, region)


class ExpectColumnValuesToBeValidPhone(ColumnMapExpectation):
    """Expect every present phone number to be a valid number (§12.4)."""

    region: str | SuiteParameterDict
    map_metric = "column_values.zimes_valid_phone"
    success_keys = ("region", "mostly")
    _prescriptive_renderer = prescriptive(
        "$column values must be valid phone numbers (a number without a country code is read as $region; blank cells pass)."
    )
