"""``expect_multicolumn_values_to_contain_no_personal_code`` — procedure §6 (PERSONAL-CODE-IN-TEXT).

Passes for rows whose listed columns hold no Latvian personal code in either format (see
:mod:`zimes_audit.detect.personal_codes` for the formats and the look-alikes left alone).
One expectation covers every scanned field of a record.  The condition is
:func:`zimes_audit.checks.conditions.no_personal_code`.
"""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

from zimes_audit.checks.conditions import no_personal_code
from zimes_audit.checks.expectations.rendering import prescriptive


class MulticolumnValuesContainNoPersonalCode(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.zimes_no_personal_code"
    condition_domain_keys = MulticolumnMapMetricProvider.condition_domain_keys

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        return no_personal_code(column_list)


class ExpectMulticolumnValuesToContainNoPersonalCode(MulticolumnMapExpectation):
    """Expect no listed field of a record to hold a personal identity code (§6)."""

    map_metric = "multicolumn_values.zimes_no_personal_code"
    success_keys = ("mostly",)
    _prescriptive_renderer = prescriptive(
        "no field of a record ($fields) may hold a personal identity code, old or new format."
    )
