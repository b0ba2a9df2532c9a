"""``expect_column_values_to_be_within_term`` — procedure §10.1.1 and §10.

Passes while ``years`` after the date have not passed as of the audit date.  RETENTION-EXPIRED
applies it to the relationship end with the retention term; RELATIONSHIP-STALE to the last
activity with the inactivity term.  The condition is
:func:`zimes_audit.checks.conditions.within_term`.
"""

from __future__ import annotations

from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.checks.conditions import within_term
from zimes_audit.checks.expectations.rendering import prescriptive


class ColumnValuesWithinTerm(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_within_term"
    condition_value_keys = ("as_of", "years")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, as_of, years, **kwargs):
        return within_term(column, as_of, years)


class ExpectColumnValuesToBeWithinTerm(ColumnMapExpectation):
    """Expect ``years`` after each date not to have passed as of the audit date (§10)."""

    as_of: str | SuiteParameterDict
    years: int | SuiteParameterDict
    map_metric = "column_values.zimes_within_term"
    success_keys = ("as_of", "years", "mostly")
    _prescriptive_renderer = prescriptive(
        "$years years after each $column date must not have passed by the audit date ($as_of)."
    )
