"""From a reader's :class:`RawTable` to a typed :class:`LoadedTable`.

Cells are stripped (an empty cell is missing), fully blank rows are dropped (row numbers keep
counting them), totals rows, subtotals and footnote lines (:mod:`zimes_audit.loading.margins`)
are left out and named in the notes, a column with a blank heading and no values in the records
(formatted but empty) is dropped, the file's kind is recognised (both kinds weighed; a tie is
refused), each column's values are sampled for what they hold whatever the heading
(:mod:`zimes_audit.loading.evidence`: a column of personal codes is not permitted, an unknown one
gets a suggestion) and each column is read by its catalogue field type, the same way for every
cell of the column (:func:`zimes_audit.loading.values.read_column`).  A cell that cannot be read
does not stop the load — a value its field's type cannot read, a cell the reader could not read
(an Excel error, a formula saved without its result: a :class:`CellProblem`, never a blank), a row
cut short: the value is left missing and the record carries the field's name in
``unreadable_fields`` (and e.g. "unreadable date in relationship start" in
``unreadable_detail``), which the suites turn into a DATA-INACCURATE finding (§12.4).  A column
where every row is a cell the reader could not read is refused.

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
>>> cells = pd.DataFrame({0: ["M-1", "M-2", "Kopā:"], 1: ["12,50", "twelve", "12,50"]}, dtype="str")
>>> raw = RawTable(["Pasūtījuma nr.", "Summa"], cells, np.array([2, 3, 4]),
...                Detected("csv", "utf-8", ";", None, 1))
>>> t = build_table(Path("o.csv"), raw, "0" * 64, load_catalogue())
>>> t.rows, t.notes[-1]
(2, 'row 4: a totals row, left out')
>>> t.frame.total.tolist(), t.frame.unreadable_detail.tolist(), t.columns[1].unreadable
([12.5, nan], [<NA>, 'unreadable number in total'], 1)
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit import errors
from zimes_audit.loading.evidence import classify_by_values
from zimes_audit.loading.header import map_columns
from zimes_audit.loading.kinds import decide_kind
from zimes_audit.loading.margins import find_margins
from zimes_audit.loading.tables import (
    UNREADABLE_DETAIL,
    UNREADABLE_FIELDS,
    UNREADABLE_PREFIX,
    CellProblem,
    ColumnInfo,
    LoadedTable,
    RawTable,
)
from zimes_audit.loading.values import EXPECTED, Reading, clean_text, read_column
from zimes_audit.procedure.catalogue import Catalogue, Kind


def _joined(masks: list[np.ndarray], labels: list[str], rows: int, sep: str) -> pd.Series:
    """Per row, the labels whose mask is set, joined by ``sep`` (missing when none)."""
    out = np.full(rows, "", dtype=object)
    for mask, label in zip(masks, labels, strict=True):
        out = np.where(mask, np.where(out == "", label, out + sep + label), out)
    return pd.Series(out, dtype="string").replace("", pd.NA)


def _kind(path: Path, columns: list[ColumnInfo], catalogue: Catalogue) -> tuple[Kind, str]:
    """The kind the columns' fields make, and the note saying why (a tie or none is refused)."""
    decision = decide_kind({info.field for info in columns if info.field}, catalogue)
    if decision.tie:
        raise errors.AmbiguousKind(path, why=decision.why)
    if decision.kind is None:
        raise errors.UnknownFileKind(path, missing=decision.why)
    return decision.kind, f"taken as {decision.kind.label}: {decision.why}"


def _kept_column(raw: RawTable, i: int, text: pd.Series | None, keep: np.ndarray) -> bool:
    """A column is kept when it has a heading or a value in a record (a formatted but empty
    column, or one holding only a totals row's sum, is not)."""
    if (raw.headings[i] or "").strip():
        return True
    if raw.unreadable.get(i) and np.isin(raw.source_rows[keep], list(raw.unreadable[i])).any():
        return True
    return text is not None and bool(text.notna().to_numpy()[keep].any())


@dataclass
class _BadCells:
    """Per bad reading (a column's unreadable values, a cell the reader could not read, a row
    cut short): the rows it marks, the field it names and its words — one mark for every bad
    cell, so the same expectation makes them DATA-INACCURATE findings."""

    masks: list[np.ndarray] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def add(self, mask: np.ndarray, field_: str, words: str) -> None:
        self.masks.append(mask)
        self.fields.append(field_)
        self.words.append(words)

    def columns(self, rows: int) -> dict[str, pd.Series]:
        """The records' ``unreadable_fields`` and ``unreadable_detail`` columns."""
        return {
            UNREADABLE_FIELDS: _joined(self.masks, self.fields, rows, ";"),
            UNREADABLE_DETAIL: _joined(self.masks, self.words, rows, "; "),
        }


#: Columns cleaned and typed at once: two, for the machine's two cores (Arrow's kernels, which do
#: most of that work, let go of the GIL).
COLUMN_WORKERS = 2


def _cleaned_cells(raw: RawTable, pool: Executor) -> tuple[dict[int, pd.Series], np.ndarray]:
    """The cleaned text of each column, and per row whether it holds anything (a value or a
    cell the reader could not read).  ``raw.cells`` is emptied: the text of the file is held
    once, not twice (each column's text handed to its task alone)."""
    columns = dict(raw.cells.items())
    raw.cells.drop(columns=list(columns), inplace=True)  # at once: one at a time is quadratic
    order = list(columns)
    cells = dict(zip(order, pool.map(clean_text, (columns.pop(i) for i in order)), strict=True))
    filled = np.zeros(len(raw.cells), dtype=bool)
    for series in cells.values():
        filled |= series.notna().to_numpy()
    for where in raw.unreadable.values():
        filled |= np.isin(raw.source_rows, list(where))
    return cells, filled


def _kept(found: dict[int, str] | dict[int, int], rows: np.ndarray) -> dict:
    """The entries of ``found`` (by row number) whose row is one of ``rows`` (the kept rows: a
    million of them are not made a set of Python numbers for the few rows asked about).

    >>> _kept({9: "#REF!", 3: "#N/A"}, np.array([2, 3, 4]))
    {3: '#N/A'}
    """
    if not found:
        return {}
    inside = np.isin(np.fromiter(found, dtype=np.int64, count=len(found)), rows)
    return {r: v for (r, v), keep in zip(found.items(), inside, strict=True) if keep}


def _reader_problems(
    path: Path, raw: RawTable, i: int, info: ColumnInfo, rows: np.ndarray
) -> list[CellProblem]:
    """The cells of column ``i`` in the kept ``rows`` the reader could not read (a column of
    nothing else is refused)."""
    unreadable = _kept(raw.unreadable.get(i, {}), rows)
    if unreadable and len(unreadable) == len(rows):
        what = next(iter(unreadable.values()))
        raise errors.UnreadableColumn(path, column=info.heading, what=what)
    return [
        CellProblem(r, info.heading, info.field, f"unreadable cell in {info.heading}: {w}")
        for r, w in sorted(unreadable.items())
    ]


def _short_rows(raw: RawTable, heading: str, rows: np.ndarray) -> list[CellProblem]:
    """The kept rows cut short: fewer fields than the header (named at the first column)."""
    width = len(raw.headings)
    return [
        CellProblem(r, heading, None, f"the row has {found} fields where the header has {width}")
        for r, found in sorted(_kept(raw.short_rows, rows).items())
    ]


def _provenance(source: str, sheet: str | None, rows: np.ndarray) -> dict[str, pd.Series]:
    """The columns naming each record's file, sheet and row."""
    return {
        "source_file": pd.Series(source, index=range(len(rows)), dtype="str"),
        "source_sheet": pd.Series(sheet, index=range(len(rows)), dtype="str"),
        "source_row": pd.Series(rows, dtype="int64"),
    }


def _typed(
    info: ColumnInfo, text: pd.Series, keep: np.ndarray | None, catalogue: Catalogue, record_id: str
) -> tuple[ColumnInfo, pd.Series, str, Reading]:
    """One column's text in the kept rows (all of them when ``keep`` is ``None``), what its
    values show it to be, its field's type and its reading."""
    text = text if keep is None else text[keep].reset_index(drop=True)
    info = classify_by_values(info, text, catalogue, record_id)
    type_ = catalogue.fields[info.field].type if info.field else "text"
    return info, text, type_, read_column(text, type_)


def build_table(
    path: Path, raw: RawTable, sha256: str, catalogue: Catalogue, name: str | None = None
) -> LoadedTable:
    """Type ``raw`` by the catalogue; ``sha256`` is the hash of the file's bytes, ``name`` the
    source name (default: the file name).  ``raw.cells`` is emptied as its columns are read.
    Up to :data:`COLUMN_WORKERS` columns are cleaned and typed at once, taken in file order."""
    with ThreadPoolExecutor(COLUMN_WORKERS, thread_name_prefix="column") as pool:
        try:
            return _build(path, raw, sha256, catalogue, name, pool)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # a refused table: the other columns let go
            raise


def _build(
    path: Path, raw: RawTable, sha256: str, catalogue: Catalogue, name: str | None, pool: Executor
) -> LoadedTable:
    """:func:`build_table`, its columns cleaned and typed by ``pool``'s threads."""
    cells, keep = _cleaned_cells(raw, pool)
    mapped = list(enumerate(map_columns(raw.headings, catalogue)))
    kind, why = _kind(path, [info for _, info in mapped], catalogue)
    notes = [*raw.notes, why]
    id_column = next((i for i, info in mapped if info.field == kind.record_id), None)
    margins = find_margins(cells, keep, id_column)
    notes += margins.notes(raw.source_rows)
    keep &= ~margins.rows
    infos = [(i, info) for i, info in mapped if _kept_column(raw, i, cells.get(i), keep)]

    rows = raw.source_rows[keep]
    kept = None if keep.all() else keep
    problems: list[CellProblem] = []
    frame: dict[str, pd.Series] = {}
    read: list[ColumnInfo] = []
    bad = _BadCells()
    typed = deque(pool.submit(_typed, info, cells.pop(i), kept, catalogue, kind.record_id)
                  for i, info in infos)  # fmt: skip
    for i, info in infos:
        problems += _reader_problems(path, raw, i, info, rows)
        info, text, type_, reading = typed.popleft().result()  # each column's text let go in turn
        frame[info.column] = reading.values
        read.append(replace(info, read_as=reading.how, unreadable=int(reading.unreadable.sum())))
        if reading.unreadable.any():
            named = info.field or info.column
            bad.add(reading.unreadable, named,
                    f"unreadable {EXPECTED[type_]} in {named.replace('_', ' ')}")  # fmt: skip
            frame[UNREADABLE_PREFIX + info.column] = text.where(reading.unreadable)
    problems += _short_rows(raw, infos[0][1].heading if infos else "", rows)
    for problem in problems:  # cells the reader could not read and rows cut short
        bad.add(rows == problem.source_row, problem.field or problem.heading, problem.detail)
    source = name or path.name
    frame |= _provenance(source, raw.detected.sheet, rows) | bad.columns(len(rows))
    return LoadedTable(
        path=path,
        kind=kind.name,
        frame=pd.DataFrame(frame),
        columns=tuple(read),
        detected=raw.detected,
        sha256=sha256,
        name=source,
        notes=tuple(notes),
        problems=tuple(problems),
    )
