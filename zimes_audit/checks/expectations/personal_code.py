"""``expect_multicolumn_values_to_contain_no_personal_code`` — procedure §6 (PERSONAL-CODE-IN-TEXT).

Passes for rows whose listed columns hold no Latvian personal code in either format (see
:mod:`zimes_audit.checks.detect.personal_codes` for the formats and the look-alikes left alone).  One
expectation covers every scanned field of a record; :func:`locate` names, for a flagged record,
the fields and formats — never the code.

>>> import pandas as pd
>>> rows = pd.DataFrame({"notes": ["Brīvības iela 1", "p.k. 161175-19997"], "address": [None, "Rīga"]})
>>> MulticolumnValuesContainNoPersonalCode._mask(rows).tolist()
[True, False]
>>> locate(pd.Series(["Mans pk 371234-56789", "Rīga", None])).tolist()
['new format', None, None]
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

from zimes_audit.checks.detect.personal_codes import code_format, contains_personal_code
from zimes_audit.checks.detect.text import any_cell
from zimes_audit.checks.expectations.rendering import prescriptive


def locate(values: pd.Series) -> pd.Series:
    """Per cell: ``"old format"``, ``"new format"`` or ``None`` — the format, never the code."""
    found = contains_personal_code(values).to_numpy()
    labels = np.full(len(values), None, dtype=object)
    labels[found] = [code_format(v) for v in values[found]]
    return pd.Series(labels, index=values.index, dtype=object)


class MulticolumnValuesContainNoPersonalCode(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.zimes_no_personal_code"
    condition_domain_keys = MulticolumnMapMetricProvider.condition_domain_keys

    @staticmethod
    def _mask(columns: pd.DataFrame) -> pd.Series:
        return ~any_cell(columns, contains_personal_code)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        return cls._mask(column_list)


class ExpectMulticolumnValuesToContainNoPersonalCode(MulticolumnMapExpectation):
    """Expect no listed field of a record to hold a personal identity code (§6)."""

    map_metric = "multicolumn_values.zimes_no_personal_code"
    success_keys = ("mostly",)
    _prescriptive_renderer = prescriptive(
        "no field of a record ($fields) may hold a personal identity code, old or new format."
    )
