"""``expect_column_values_to_be_valid_email`` — procedure §12.4 (DATA-INACCURATE).

Syntax checked by email-validator, offline (no DNS).  Nulls are skipped by GX.  The condition is
:func:`zimes_audit.checks.conditions.valid_email`.
"""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.checks.conditions import valid_email
from zimes_audit.checks.expectations.rendering import prescriptive


class ColumnValuesValidEmail(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_valid_email"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return valid_email(column)


class ExpectColumnValuesToBeValidEmail(ColumnMapExpectation):
    """Expect every present e-mail address to be syntactically valid (§12.4)."""

    map_metric = "column_values.zimes_valid_email"
    success_keys = ("mostly",)
    _prescriptive_renderer = prescriptive(
        "$column values must be valid e-mail addresses (blank cells pass)."
    )
