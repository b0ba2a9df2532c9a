"""The suites evaluated with plain pandas: a reference path for the benchmark and the tests.

It reads the same committed suite JSON and calls the same conditions as the GX expectations
(:mod:`zimes_audit.checks.conditions`), but without Great Expectations: a row condition is a
boolean mask, a column map expectation is a mask of unexpected non-null values.  It is the "limit" the benchmark measures GX against, and a test
checks that it finds exactly what GX finds on ``data_samples/``.

>>> import pandas as pd
>>> frame = pd.DataFrame({"personal_code": ["161175-19997", None]})
>>> exp = {"type": "expect_column_values_to_be_null", "kwargs": {"column": "personal_code"}}
>>> unexpected_rows(exp, frame, {}).tolist()
[0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zimes_audit.checks.conditions import CONDITIONS
from zimes_audit.checks.findings import Failure
from zimes_audit.checks.runner import narrow_frame, referenced_columns
from zimes_audit.checks.suites import ExpectationMeta
from zimes_audit.checks.text_scan import scanning


def _resolve(value, params: dict):
    if isinstance(value, dict) and "$PARAMETER" in value:
        return params[value["$PARAMETER"]]
    return value


def condition_mask(condition: dict, frame: pd.DataFrame) -> pd.Series:
    """Rows a serialised GX row condition selects."""
    kind = condition["type"]
    if kind == "and":
        mask = pd.Series(True, index=frame.index)
        for part in condition["conditions"]:
            mask &= condition_mask(part, frame)
        return mask
    column = frame[condition["column"]["name"]]
    if kind == "nullity":
        return column.isna() if condition["is_null"] else column.notna()
    if kind == "comparison" and condition["operator"] == "==":
        return (column == condition["parameter"]).fillna(False).astype(bool)
    raise ValueError(f"row condition {kind} is not supported")


def unexpected_rows(expectation: dict, frame: pd.DataFrame, params: dict) -> np.ndarray:
    """Positions of the rows that fail one expectation (nulls pass, as in GX column maps)."""
    kind, kwargs = expectation["type"], expectation["kwargs"]
    scope = pd.Series(True, index=frame.index)
    if "row_condition" in kwargs:
        scope = condition_mask(kwargs["row_condition"], frame)
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = frame[kwargs["column_A"]], frame[kwargs["column_B"]]
        both = a.notna() & b.notna()
        ok = (a >= b) if kwargs.get("or_equal") else (a > b)
        bad = both & ~ok.fillna(False).astype(bool)
        return np.flatnonzero((bad & scope).to_numpy())
    condition = CONDITIONS.get(kind)
    arguments = [_resolve(kwargs[a], params) for a in condition.arguments] if condition else []
    if condition is not None and condition.multicolumn:
        ok = condition.check(frame[kwargs["column_list"]], *arguments)
        return np.flatnonzero((~ok.astype(bool) & scope).to_numpy())
    column = frame[kwargs["column"]]
    present = column.notna()
    if kind == "expect_column_values_to_be_null":
        bad = present
    elif kind == "expect_column_values_to_not_be_in_set":
        bad = present & column.isin(kwargs["value_set"])
    elif kind == "expect_column_values_to_be_in_set":
        bad = present & ~column.isin(kwargs["value_set"])
    elif kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        bad = present & False
        if low is not None:
            bad |= present & (column < low)
        if high is not None:
            bad |= present & (column > high)
    elif condition is not None:
        bad = present & ~condition.check(column, *arguments).astype(bool)
    else:
        raise ValueError(f"expectation {kind} is not supported")
    return np.flatnonzero((bad & scope).to_numpy())


def pandas_failures(suite: dict, frame: pd.DataFrame, params: dict) -> list[Failure]:
    """Every failed expectation of ``suite`` over ``frame``, computed with pandas alone."""
    narrow = narrow_frame(frame, referenced_columns(suite))
    out = []
    with scanning(frame):  # as the runner: one text scan of the records, their files known
        found = [unexpected_rows(exp, narrow, params) for exp in suite["expectations"]]
    for exp, rows in zip(suite["expectations"], found, strict=True):
        if len(rows):
            meta = ExpectationMeta.of(exp["meta"])
            out.append(Failure(exp["type"], exp["kwargs"], meta, rows.tolist()))
    return out
