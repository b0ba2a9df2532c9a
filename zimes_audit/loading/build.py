"""From a reader's :class:`RawTable` to a typed :class:`LoadedTable`.

Cells are stripped (an empty cell is missing), fully blank rows are dropped (row numbers keep
counting them), a column with a blank heading and no values is dropped, the file's kind is
recognised and each column is parsed by its catalogue field type.  A value that does not parse
stops the load with :class:`zimes_audit.errors.BadValue`, naming file, row and heading only.

>>> import numpy as np
>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> from zimes_audit.loading.tables import Detected
>>> cells = pd.DataFrame({0: ["M-1", None, " M-2 "], 1: ["12,50", None, "3"], 2: [None] * 3},
...                      dtype="str")
>>> raw = RawTable(["Pasūtījuma nr.", "Summa", ""], cells, np.array([2, 3, 4]),
...                Detected("csv", "utf-8", ";", None, 1))
>>> t = build_table(Path("o.csv"), raw, "0" * 64, load_catalogue())
>>> t.kind, t.rows, list(t.frame.columns)
('orders', 2, ['order_id', 'total', 'source_file', 'source_sheet', 'source_row'])
>>> t.frame.order_id.tolist(), t.frame.total.tolist(), t.frame.source_row.tolist()
(['M-1', 'M-2'], [12.5, 3.0], [2, 4])
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit import errors
from zimes_audit.loading.header import map_columns
from zimes_audit.loading.kinds import missing_text, recognise_kind
from zimes_audit.loading.tables import LoadedTable, RawTable
from zimes_audit.loading.values import EXPECTED, clean_text, first_bad, parse_column
from zimes_audit.procedure.catalogue import Catalogue


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
    for i, info in infos:
        text = cells[i][keep].reset_index(drop=True)
        type_ = catalogue.fields[info.field].type if info.field else "text"
        typed = parse_column(text, type_)
        bad = first_bad(text, typed)
        if bad is not None:
            raise errors.BadValue(
                path, row=int(rows[bad]), column=info.heading, expected=EXPECTED[type_]
            )
        frame[info.column] = typed
    frame["source_file"] = pd.Series(path.name, index=range(len(rows)), dtype="str")
    frame["source_sheet"] = pd.Series(raw.detected.sheet, index=range(len(rows)), dtype="str")
    frame["source_row"] = pd.Series(rows, dtype="int64")
    return LoadedTable(
        path=path,
        kind=kind.name,
        frame=pd.DataFrame(frame),
        columns=tuple(info for _, info in infos),
        detected=raw.detected,
        sha256=sha256,
    )
