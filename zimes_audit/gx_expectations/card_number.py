"""``expect_multicolumn_values_to_contain_no_card_number`` — procedure §6 (CARD-NUMBER-IN-TEXT).

Passes for rows whose listed columns hold no Luhn-valid 13–19 digit card number; IBANs are not
card numbers.  One expectation covers every scanned field of a record; :func:`locate` names the
fields of a flagged record.

>>> import pandas as pd
>>> rows = pd.DataFrame({"notes": ["LV80HABA0551012345678", "4111-1111-1111-1111"]})
>>> MulticolumnValuesContainNoCardNumber._mask(rows).tolist()
[True, False]
"""

from __future__ import annotations

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

from zimes_audit.detect.card_numbers import contains_card_number


def locate(value: object) -> str | None:
    """``"card number"`` when the cell holds one, else ``None``."""
    return "card number" if contains_card_number(pd.Series([value])).iloc[0] else None


class MulticolumnValuesContainNoCardNumber(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.zimes_no_card_number"
    condition_domain_keys = MulticolumnMapMetricProvider.condition_domain_keys

    @staticmethod
    def _mask(columns: pd.DataFrame) -> pd.Series:
        found = pd.Series(False, index=columns.index)
        for name in columns.columns:
            found |= contains_card_number(columns[name])
        return ~found

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        return cls._mask(column_list)


class ExpectMulticolumnValuesToContainNoCardNumber(MulticolumnMapExpectation):
    """Expect no listed field of a record to hold a payment-card number (§6)."""

    map_metric = "multicolumn_values.zimes_no_card_number"
    success_keys = ("mostly",)
