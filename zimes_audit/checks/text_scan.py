"""One scan of a kind's records for personal codes and card numbers, shared by every check that
reads it — procedure §6 (PERSONAL-CODE-IN-TEXT, CARD-NUMBER-IN-TEXT).

Two expectations scan the same free-text columns of a record — one for personal codes, one for
card numbers — and the findings then name the cell to blame.  Within :func:`scanning` (the
audit wraps each kind's validation and findings in it; the runner and the plain-pandas
reference evaluator do when no one has), each column is scanned **once for both detectors**
(:func:`zimes_audit.detect.scan.scan_column`), over the whole frame — started ahead by the runner
(:meth:`RecordScan.start`: two columns at a time in threads of their own, while GX validates
the other expectations), else by the first of them to ask; the other, and the findings'
locators, read that one classification.  GX still evaluates every expectation and counts every
row: only the reading of the text is shared.

The scan also carries what a cell alone cannot tell (issue 23): the file each record came from,
and that file's code-shaped order numbers (:class:`~zimes_audit.detect.personal_codes.OrderNumbers`,
from its order-id column), which a note may quote and which are not personal codes.

Outside :func:`scanning` each call scans the columns it is given on its own, with no file's order
numbers.

>>> frame = pd.DataFrame({"source_file": ["a.csv"] * 2, "order_id": ["120485-10316", "120485-12346"],
...                       "notes": ["atgriezts kā 120485-10316", "atgriezts, p.k. 161175-19997"]})
>>> found(CODE, frame[["notes"]]).tolist()
[True, True]
>>> with scanning(frame):
...     found(CODE, frame[["notes"]]).tolist(), labels(CODE, frame["notes"]).tolist()
([False, True], [None, 'old format'])
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd

from zimes_audit.detect.personal_codes import OrderNumbers
from zimes_audit.detect.scan import CARD, CODE, DETECTORS, Hits, scan_column
from zimes_audit.procedure.catalogue import load_catalogue

__all__ = ["CARD", "CODE", "RecordScan", "found", "labels", "scanning"]

SOURCE_FILE = "source_file"
#: Columns scanned at once: the machine's two cores (Arrow's hashing and RE2 run without the GIL).
WORKERS = 2


def _order_numbers(frame: pd.DataFrame) -> np.ndarray | None:
    """Per row: its file's code-shaped order numbers, or ``None``; ``None`` if no file has any."""
    order_id = load_catalogue().kinds["orders"].record_id
    if order_id not in frame or SOURCE_FILE not in frame:
        return None
    files, _ = pd.factorize(frame[SOURCE_FILE])
    ids = frame[order_id]
    per_file = [OrderNumbers.of(ids[files == n]) for n in range(files.max() + 1)]
    if all(numbers is None for numbers in per_file):
        return None
    per_row = np.array([*per_file, None], dtype=object)  # code -1 (no file): None
    return per_row[files]


class RecordScan:
    """The scan of one frame of records: each column read once for both detectors — on
    demand, or started ahead (:meth:`start`) and read meanwhile in the background."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._positional = frame.index.equals(pd.RangeIndex(len(frame)))
        self._orders = _order_numbers(frame)
        self._columns: dict[str, dict[str, Hits] | Future] = {}
        self._any: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
        self._pool: ThreadPoolExecutor | None = None

    def has_rows(self, index: pd.Index) -> bool:
        """Whether ``index`` names rows (by position) of this scan's frame."""
        return self._positional and (
            not len(index) or (index.min() >= 0 and index.max() < len(self.frame))
        )

    def hits(self, column: str) -> dict[str, Hits]:
        """Both detectors' hits in one whole column (scanned the first time it is asked for,
        or waited for when its scan was started)."""
        held = self._columns.get(column)
        if held is None:
            held = self._columns[column] = self._scan(self.frame[column])
        elif isinstance(held, Future):
            held = self._columns[column] = held.result()
        return held

    def _scan(self, values: pd.Series) -> dict[str, Hits]:
        return scan_column(values, DETECTORS, self._orders)

    def start(self, columns: Iterable[str]) -> None:
        """Start scanning those of ``columns`` the frame has and this scan has not read yet,
        :data:`WORKERS` columns at a time in threads of their own, while the caller goes on
        (:meth:`hits` waits for a column still being read).  Each column's scan reads that
        column alone, so the verdicts are those of one scan after the other; most of a scan
        is Arrow's hashing and RE2, which leave the GIL to the caller.  The columns are taken
        from the frame here: the threads never touch the frame itself."""
        todo = [c for c in dict.fromkeys(columns) if c in self.frame and c not in self._columns]
        if todo and self._pool is None:
            self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="text-scan")
        for column in todo:
            self._columns[column] = self._pool.submit(self._scan, self.frame[column])

    def close(self) -> None:
        """Stop the scans' threads (the scans started and not yet begun are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _orders_at(self, rows: np.ndarray) -> np.ndarray | None:
        return None if self._orders is None else self._orders[rows]

    def found(self, detector: str, columns: pd.DataFrame) -> np.ndarray:
        """Per row of ``columns``: does ``detector`` find something in any of them?  A column
        the frame lacks (an absent field, empty) is read as given."""
        rows = columns.index.to_numpy()
        self.start(columns.columns)  # every column at once, two at a time
        out = self._found_in(detector, tuple(c for c in columns.columns if c in self.frame))[rows]
        for name in columns.columns:
            if name not in self.frame:
                hits = scan_column(columns[name], (detector,), self._orders_at(rows))
                out[hits[detector].positions] = True
        return out

    def _found_in(self, detector: str, names: tuple[str, ...]) -> np.ndarray:
        """Per row of the frame: does ``detector`` find something in any of the ``names``
        columns?  Put together once per detector and columns: GX asks for it once per metric
        of an expectation, each time for the same columns."""
        key = (detector, names)
        if key not in self._any:
            positions = [self.hits(name)[detector].positions for name in names]
            self._any[key] = np.zeros(len(self.frame), bool)
            self._any[key][np.concatenate([np.zeros(0, np.int64), *positions])] = True
        return self._any[key]

    def labels(self, detector: str, values: pd.Series) -> pd.Series:
        """Per cell of ``values`` (rows of one column): what ``detector`` found, or ``None``.  A
        column already scanned is looked up; another is read cell by cell, not scanned whole."""
        rows = values.index.to_numpy()
        if values.name not in self._columns:
            hits = scan_column(values, (detector,), self._orders_at(rows))
            return hits[detector].series(values.index)
        hits = self.hits(values.name)[detector]
        held = pd.Series(hits.labels, index=hits.positions, dtype=object).reindex(rows)
        out = held.where(held.notna(), None).to_numpy(object)
        return pd.Series(out, index=values.index, dtype=object)


_ACTIVE: list[RecordScan] = []  # a stack; one audit runs its kinds one after the other


def active() -> RecordScan | None:
    """The scan of the records being checked, if any."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextlib.contextmanager
def scanning(frame: pd.DataFrame) -> Iterator[RecordScan]:
    """Within the block, the checks of ``frame``'s records share one scan (the one already
    active for this very frame, if there is one)."""
    current = active()
    if current is not None and current.frame is frame:
        yield current
        return
    scan = RecordScan(frame)
    _ACTIVE.append(scan)
    try:
        yield scan
    finally:
        _ACTIVE.pop()
        scan.close()


def found(detector: str, columns: pd.DataFrame) -> pd.Series:
    """Per row: does ``detector`` find something in any of ``columns``?"""
    scan = active()
    if scan is not None and scan.has_rows(columns.index):
        return pd.Series(scan.found(detector, columns), index=columns.index)
    out = np.zeros(len(columns), bool)
    for name in columns.columns:
        out |= scan_column(columns[name], (detector,))[detector].mask(len(columns))
    return pd.Series(out, index=columns.index)


def labels(detector: str, values: pd.Series) -> pd.Series:
    """Per cell: what ``detector`` found (``'old format'``, ``'card number'`` …), or ``None``."""
    scan = active()
    if scan is not None and scan.has_rows(values.index):
        return scan.labels(detector, values)
    return scan_column(values, (detector,))[detector].series(values.index)
