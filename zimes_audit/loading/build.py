"""From a reader's :class:`RawTable` to a typed :class:`LoadedTable`.

Cells are stripped (an empty cell is missing), fully blank rows are dropped (row numbers keep
counting them), a column with a blank heading and no values is dropped, the file's kind is
recognised and each column is read by its catalogue field type, the same way for every cell of
the column (:func:`zimes_audit.loading.values.read_column`).  A cell that cannot be read as its
field's type does not stop the load: the value is left missing and the record carries the field's
name in ``unreadable_fields`` (and "unreadable date in relationship start" in
``unreadable_detail``), which the suites turn into a DATA-INACCURATE finding (§12.4).

>>> import numpy as np
>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> from zimes_audit.loading.tables import Detected
>>> cells = pd.DataFrame({0: ["M-1", None, " M-2 "], 1: ["12,50", None, "3"], 2: [None] * 3},
...                      dtype="str")
>>> raw = RawTable(["Pasūtījuma nr.", "Summa", ""], cells, np.array([2, 3, 4]),
...                Detected("csv", "utf-8", ";", None, 1))
>>> t = build_table(Path("o.csv"), raw, "0" * 64, load_catalogue())
>>> t.kind, t.rows, list(t.frame.columns)[:5]
('orders', 2, ['order_id', 'total', 'source_file', 'source_sheet', 'source_row'])
>>> t.frame.order_id.tolist(), t.frame.total.tolist(), t.frame.source_row.tolist()
(['M-1', 'M-2'], [12.5, 3.0], [2, 4])
>>> cells = pd.DataFrame({0: ["M-1", "M-2"], 1: ["12,50", "twelve"]}, dtype="str")
>>> raw = RawTable(["Pasūtījuma nr.", "Summa"], cells, np.array([2, 3]),
...                Detected("csv", "utf-8", ";", None, 1))
>>> t = build_table(Path("o.csv"), raw, "0" * 64, load_catalogue())
>>> t.frame.total.tolist(), t.frame.unreadable_detail.tolist(), t.columns[1].unreadable
([12.5, nan], [<NA>, 'unreadable number in total'], 1)
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit import errors
from zimes_audit.loading.header import map_columns
from zimes_audit.loading.kinds import missing_text, recognise_kind
from zimes_audit.loading.tables import (
    UNREADABLE_DETAIL,
    UNREADABLE_FIELDS,
    UNREADABLE_PREFIX,
    ColumnInfo,
    LoadedTable,
    RawTable,
)
from zimes_audit.loading.values import EXPECTED, clean_text, read_column
from zimes_audit.procedure.catalogue import Catalogue


def _joined(masks: list[np.ndarray], labels: list[str], rows: int, sep: str) -> pd.Series:
    """Per row, the labels whose mask is set, joined by ``sep`` (missing when none)."""
    out = np.full(rows, "", dtype=object)
    for mask, label in zip(masks, labels, strict=True):
        out = np.where(mask, np.where(out == "", label, out + sep + label), out)
    return pd.Series(out, dtype="string").replace("", pd.NA)


def build_table(path: Path, raw: RawTable, sha256: str, catalogue: Catalogue) -> LoadedTable:
    """Type ``raw`` by the catalogue; ``sha256`` is the hash of the file's bytes."""
    cells = {i: clean_text(raw.cells[i]) for i in raw.cells.columns}
    filled = {i: int(s.notna().sum()) for i, s in cells.items()}
    keep = np.zeros(len(raw.cells), dtype=bool)
    for series in cells.values():
        keep |= series.notna().to_numpy()
    infos = [
        (i, info)
        for i, info in enumerate(map_columns(raw.headings, catalogue))
        if (raw.headings[i] or "").strip() or filled.get(i, 0)
    ]
    fields = {info.field for _, info in infos if info.field}
    kind = recognise_kind(fields, catalogue)
    if kind is None:
        raise errors.UnknownFileKind(path, missing=missing_text(fields, catalogue))

    rows = raw.source_rows[keep]
    frame: dict[str, pd.Series] = {}
    read: list[ColumnInfo] = []
    bad_fields: list[str] = []
    bad_words: list[str] = []
    bad_masks: list[np.ndarray] = []
    for i, info in infos:
        text = cells[i][keep].reset_index(drop=True)
        type_ = catalogue.fields[info.field].type if info.field else "text"
        reading = read_column(text, type_)
        frame[info.column] = reading.values
        read.append(replace(info, read_as=reading.how, unreadable=int(reading.unreadable.sum())))
        if reading.unreadable.any():
            bad_fields.append(info.field or info.column)
            bad_words.append(
                f"unreadable {EXPECTED[type_]} in {(info.field or info.column).replace('_', ' ')}"
            )
            bad_masks.append(reading.unreadable)
            frame[UNREADABLE_PREFIX + info.column] = text.where(reading.unreadable)
    frame["source_file"] = pd.Series(path.name, index=range(len(rows)), dtype="str")
    frame["source_sheet"] = pd.Series(raw.detected.sheet, index=range(len(rows)), dtype="str")
    frame["source_row"] = pd.Series(rows, dtype="int64")
    frame[UNREADABLE_FIELDS] = _joined(bad_masks, bad_fields, len(rows), ";")
    frame[UNREADABLE_DETAIL] = _joined(bad_masks, bad_words, len(rows), "; ")
    return LoadedTable(
        path=path,
        kind=kind.name,
        frame=pd.DataFrame(frame),
        columns=tuple(read),
        detected=raw.detected,
        sha256=sha256,
    )
