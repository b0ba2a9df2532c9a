"""``expect_column_values_to_contain_no_personal_code`` — procedure §6 (PERSONAL-CODE-IN-TEXT).

Passes for values holding no Latvian personal code in either format (see
:mod:`zimes_audit.detect.personal_codes` for the formats and the look-alikes left alone).

>>> import pandas as pd
>>> ColumnValuesContainNoPersonalCode._mask(pd.Series(["Brīvības iela 1", "p.k. 161175-19997"])).tolist()
[True, False]
"""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zimes_audit.detect.personal_codes import contains_personal_code


class ColumnValuesContainNoPersonalCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.zimes_no_personal_code"

    @staticmethod
    def _mask(column):
        return ~contains_personal_code(column)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return cls._mask(column)


class ExpectColumnValuesToContainNoPersonalCode(ColumnMapExpectation):
    """Expect no value of the column to hold a personal identity code (§6)."""

    map_metric = "column_values.zimes_no_personal_code"
    success_keys = ("mostly",)
