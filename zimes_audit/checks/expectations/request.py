"""``expect_column_values_to_not_be_past_due`` — SUBJECT-REQUEST-OVERDUE (§12.4, §10.1.2; GDPR
Art. 12(3), 17, 21).

Applied to ``request_due``: the day by which what is still left of a data subject's erasure or
objection on the record was due (:mod:`zimes_audit.facts.requests`).  The condition is
:func:`zimes_audit.checks.conditions.not_past_due`.
"""

from __future__ import annotations

from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.checks.conditions import not_past_due
from zimes_audit.checks.expectations.rendering import prescriptive


class ColumnValuesNotPastDue(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_not_past_due"
    condition_value_keys = ("as_of",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, as_of, **kwargs):
        return not_past_due(column, as_of)


class ExpectColumnValuesToNotBePastDue(ColumnMapExpectation):
    """Expect nothing of a data subject's request to be left past its due date (Art. 12(3))."""

    as_of: str | SuiteParameterDict
    map_metric = "column_values.zimes_not_past_due"
    success_keys = ("as_of", "mostly")
    _prescriptive_renderer = prescriptive(
        "What a data subject's request left in $column must not be past its due date ($as_of)."
    )
