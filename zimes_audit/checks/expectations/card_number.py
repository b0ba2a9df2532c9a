"""``expect_multicolumn_values_to_contain_no_card_number`` — procedure §6 (CARD-NUMBER-IN-TEXT).

Passes for rows whose listed columns hold no Luhn-valid 13–19 digit card number; IBANs are not
card numbers.  One expectation covers every scanned field of a record; :func:`locate` names the
fields of a flagged record.

>>> import pandas as pd
>>> rows = pd.DataFrame({"notes": ["LV80HABA0551012345678", "4111-1111-1111-1111"]})
>>> MulticolumnValuesContainNoCardNumber._mask(rows).tolist()
[True, False]
>>> locate(rows["notes"]).tolist()
[None, 'card number']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

from zimes_audit.checks.detect.card_numbers import contains_card_number
from zimes_audit.checks.detect.text import any_cell
from zimes_audit.checks.expectations.rendering import prescriptive


def locate(values: pd.Series) -> pd.Series:
    """Per cell: ``"card number"`` when it holds one, else ``None``."""
    found = contains_card_number(values).to_numpy()
    return pd.Series(np.where(found, "card number", None), index=values.index, dtype=object)


class MulticolumnValuesContainNoCardNumber(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.zimes_no_card_number"
    condition_domain_keys = MulticolumnMapMetricProvider.condition_domain_keys

    @staticmethod
    def _mask(columns: pd.DataFrame) -> pd.Series:
        return ~any_cell(columns, contains_card_number)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        return cls._mask(column_list)


class ExpectMulticolumnValuesToContainNoCardNumber(MulticolumnMapExpectation):
    """Expect no listed field of a record to hold a payment-card number (§6)."""

    map_metric = "multicolumn_values.zimes_no_card_number"
    success_keys = ("mostly",)
    _prescriptive_renderer = prescriptive(
        "no free-text field of a record ($fields) may hold a payment-card number."
    )
