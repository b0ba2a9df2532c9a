"""``expect_column_values_to_contain_no_card_number`` — procedure §6 (CARD-NUMBER-IN-TEXT).

Passes for values holding no Luhn-valid 13–19 digit card number; IBANs are not card numbers.

>>> import pandas as pd
>>> ColumnValuesContainNoCardNumber._mask(pd.Series(["LV80HABA0551012345678", "4111-1111-1111-1111"])).tolist()
[True, False]
"""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.detect.card_numbers import contains_card_number


class ColumnValuesContainNoCardNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_no_card_number"

    @staticmethod
    def _mask(column):
        return ~contains_card_number(column)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return cls._mask(column)


class ExpectColumnValuesToContainNoCardNumber(ColumnMapExpectation):
    """Expect no value of the column to hold a payment-card number (§6)."""

    map_metric = "column_values.zimes_no_card_number"
    success_keys = ("mostly",)
