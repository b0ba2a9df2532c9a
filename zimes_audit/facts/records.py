"""The one join from findings to the records they are about.

A finding names its record by ``record_kind`` and ``record_position`` (the row position in the
audit's frame of that kind).  The workbook takes the identifying values and its jobs' dates from here; masking takes
the customer's name from here and masks it.

>>> import pandas as pd
>>> frames = {"orders": pd.DataFrame({"name": ["Jānis", "Līga"]}),
...           "register": pd.DataFrame({"email": ["a@b.lv"]})}
>>> findings = pd.DataFrame({"record_kind": ["orders", "register", "orders"],
...                          "record_position": [1, 0, 0]})
>>> record_values(findings, frames, "name").tolist()
['Līga', <NA>, 'Jānis']
>>> mine, positions = record_positions(findings, "orders")
>>> mine.tolist(), positions.tolist()
([True, False, True], [1, 0])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zimes_audit.facts.derived import NAME_COLUMNS, full_name


def record_positions(findings: pd.DataFrame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Which findings are about a record of ``kind`` (a mask), and those records' positions in
    the audit's frame of that kind (in the findings' order)."""
    mine = (findings["record_kind"] == kind).to_numpy(dtype=bool)
    return mine, findings["record_position"].to_numpy()[mine].astype("int64")


def record_values(
    findings: pd.DataFrame, frames: dict[str, pd.DataFrame], column: str
) -> pd.Series:
    """Per finding, the value of ``column`` in its record (NA where the kind has no such column).

    ``name`` is the person's name however the file keeps it (one column, or first and last name:
    :func:`~zimes_audit.facts.derived.full_name`)."""
    out = pd.Series(pd.NA, index=findings.index, dtype="object")
    for kind, frame in frames.items():
        if column not in frame and column != "name":
            continue
        mine, positions = record_positions(findings, kind)
        if not mine.any():
            continue
        read = [c for c in (NAME_COLUMNS if column == "name" else (column,)) if c in frame]
        records = frame[read].iloc[positions]  # only the records asked about, only what is read
        values = full_name(records) if column == "name" else records[column]
        out[mine] = values.to_numpy()
    return out
