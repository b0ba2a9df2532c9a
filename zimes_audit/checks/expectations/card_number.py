"""``expect_multicolumn_values_to_contain_no_card_number`` — procedure §6 (CARD-NUMBER-IN-TEXT).

Passes for rows whose listed columns hold no payment-card number; IBANs are not card numbers.
One expectation covers every scanned field of a record.  The condition is
:func:`zimes_audit.checks.conditions.no_card_number`.
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

from zimes_audit.checks.conditions import no_card_number
from zimes_audit.checks.expectations.rendering import prescriptive


class MulticolumnValuesContainNoCardNumber(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.zimes_no_card_number"
    condition_domain_keys = MulticolumnMapMetricProvider.condition_domain_keys

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        return no_card_number(column_list)


class ExpectMulticolumnValuesToContainNoCardNumber(MulticolumnMapExpectation):
    """Expect no listed field of a record to hold a payment-card number (§6)."""

    map_metric = "multicolumn_values.zimes_no_card_number"
    success_keys = ("mostly",)
    _prescriptive_renderer = prescriptive(
        "no free-text field of a record ($fields) may hold a payment-card number."
    )
