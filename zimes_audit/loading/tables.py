"""What a loader returns: one input file as a typed frame, with what was detected and where from.

``LoadedTable.frame`` holds one column per recognised canonical field (named by the field), one
column per unknown heading (named ``UNCLASSIFIED_PREFIX + heading``) and three provenance columns:
``source_file``, ``source_sheet`` and ``source_row`` (the 1-based row a spreadsheet program shows).

>>> d = Detected(format="csv", encoding="utf-8", delimiter=";", sheet=None, header_row=3)
>>> d.delimiter_label
';'
>>> Detected("csv", "utf-8", "\\t", None, 1).delimiter_label
'TAB'
>>> ColumnInfo("Piezīmes", "notes", "6.5", "notes").classified
True
>>> ColumnInfo("Krāsa", None, "unclassified", UNCLASSIFIED_PREFIX + "Krāsa").column
'unclassified:Krāsa'
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit import errors

UNCLASSIFIED_PREFIX = "unclassified:"
#: Frame column of a field the administrator's field map declares (not in the package catalogue).
LOCAL_PREFIX = "local:"
PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")
#: Per record: the fields whose cell could not be read as the field's type (``;``-joined), and
#: the same in words ("unreadable date in relationship start") — never the value itself.
UNREADABLE_FIELDS = "unreadable_fields"
#: Frame column (``UNREADABLE_PREFIX + column``) keeping the text of a column's unreadable cells:
#: scanned like free text, so a personal code typed into a date column is still found.
UNREADABLE_PREFIX = "unreadable:"
UNREADABLE_DETAIL = "unreadable_detail"
#: The FIELD-UNCLASSIFIED finding's detail, and the column of the columns frame that holds it
#: per column: this wording, then what the column's values suggest, if anything.
UNCLASSIFIED_DETAIL = (
    "heading neither the field catalogue nor the field map knows "
    "(map it in zimes-fields.toml or delete the column)"
)
COLUMN_DETAIL = "column_detail"
DELIMITER_LABELS = {",": ",", ";": ";", "\t": "TAB"}


@dataclass(frozen=True)
class Detected:
    """How a file was read: format, text encoding, delimiter, sheet and header row (1-based,
    the last when the header takes two rows; ``header_first`` its first)."""

    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    header_first: int | None = None

    @property
    def header_rows(self) -> str:
        """The header's row(s) in words: ``header row 3`` or ``header rows 2–3``.

        >>> Detected("xlsx", None, None, "Klienti", 5, header_first=4).header_rows
        'header rows 4–5'
        """
        first = self.header_first or self.header_row
        if first == self.header_row:
            return f"header row {self.header_row}"
        return f"header rows {first}–{self.header_row}"

    @property
    def delimiter_label(self) -> str | None:
        """The delimiter as a person reads it: ``,`` ``;`` or ``TAB``."""
        if self.delimiter is None:
            return None
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)


def keep_columns(frame: pd.DataFrame, columns: Collection[str]) -> pd.DataFrame:
    """``frame`` with only its columns in ``columns`` and its provenance columns, in order.

    >>> keep_columns(pd.DataFrame(columns=["email", "notes", "source_row"]), {"email"}).columns.tolist()
    ['email', 'source_row']
    """
    return frame[[c for c in frame.columns if c in columns or c in PROVENANCE_COLUMNS]]


@dataclass(frozen=True)
class ColumnInfo:
    """One column of the input: its heading, canonical field, §6 category and frame column.

    ``scan``: its text is scanned for personal codes and card numbers (every unknown heading is);
    ``read_as``: how its cells were read (dates, yes/no styles), for the inventory;
    ``unreadable``: cells that held text the field's type could not read;
    ``letter``: the spreadsheet column letter;
    ``filled``: cells that hold a value once read (counted by :class:`LoadedTable`, so the
    inventory keeps its counts when a run lets the column's values go);
    ``matched_by``: how the heading was matched to its field — ``"heading"`` (a synonym of the
    catalogue), ``"field map"`` (the administrator's), ``"words"`` (only its stems and
    abbreviations: :mod:`zimes_audit.procedure.words`) or ``"values"`` (its cells are personal
    codes or card numbers, whatever the heading says: :mod:`zimes_audit.loading.evidence`);
    ``suggestion``: for an unknown heading, the field its values clearly hold (``"email"``);
    ``evidence``: what the values showed, in counts only ("97 of 100 values are valid personal
    codes") — never a value.
    """

    heading: str
    field: str | None
    category: str
    column: str
    scan: bool = False
    read_as: str | None = None
    unreadable: int = 0
    letter: str = ""
    filled: int | None = None
    matched_by: str | None = None
    suggestion: str | None = None
    evidence: str | None = None

    @property
    def classified(self) -> bool:
        return self.field is not None

    @property
    def detail(self) -> str:
        """The detail of the column's FIELD-UNCLASSIFIED finding, with what its values suggest.

        >>> ColumnInfo("E-pasta kontakts", None, "unclassified", "unclassified:E-pasta kontakts",
        ...            suggestion="email", evidence="40 of 40 values are valid e-mail addresses"
        ...            ).detail.split("; ")[1]
        'its values suggest email: 40 of 40 values are valid e-mail addresses'
        """
        if self.suggestion:
            return f"{UNCLASSIFIED_DETAIL}; its values suggest {self.suggestion}: {self.evidence}"
        return UNCLASSIFIED_DETAIL


@dataclass(frozen=True)
class CellProblem:
    """A cell that could not be read (an Excel error, a formula without a saved result, a row
    cut short): a finding for that record and column, never a blank."""

    source_row: int
    heading: str
    field: str | None
    detail: str


@dataclass(frozen=True)
class LoadedTable:
    """One input file (or one sheet of a workbook), loaded: the typed frame plus everything
    needed to trace a value back.  ``name`` is the source name findings key on (the path relative
    to the inputs given); ``notes`` say how it was read (kind and why, rows left out, sheets
    skipped), for the inventory; ``problems`` are the cells that could not be read."""

    path: Path
    kind: str
    frame: pd.DataFrame
    columns: tuple[ColumnInfo, ...]
    detected: Detected
    sha256: str
    name: str = ""
    notes: tuple[str, ...] = ()
    problems: tuple[CellProblem, ...] = ()

    def __post_init__(self):
        if any(info.filled is None for info in self.columns):  # counted once, while all is here
            counted = tuple(
                info if info.filled is not None
                else replace(info, filled=int(self.frame[info.column].notna().sum()))
                for info in self.columns
            )  # fmt: skip
            object.__setattr__(self, "columns", counted)

    def keeping(self, columns: Collection[str]) -> LoadedTable:
        """This table with only the frame columns in ``columns`` (and its provenance): what a
        run keeps once the findings are in, so a million records' other cells can be let go.
        Its rows, column descriptions and counts stay as they are."""
        return replace(self, frame=keep_columns(self.frame, columns))

    @property
    def source(self) -> str:
        return self.name or self.path.name

    @property
    def rows(self) -> int:
        return len(self.frame)


#: Columns holding a heading or a value that a file may have; no export comes near it (Mozello's
#: has about 40).  Empty columns right of the last filled one (a sheet's claimed width, a row of
#: trailing delimiters) are not counted: they are dropped before any column is read.
MAX_FILLED_COLUMNS = 1000


def filled_width(path: Path, headings: list[str], empty: Callable[[int], bool]) -> int:
    """The number of columns up to the last with a heading or a value (``empty(i)``: column
    ``i`` holds no value); raises ``TooWide`` past :data:`MAX_FILLED_COLUMNS`.

    >>> filled_width(Path("o.csv"), ["a", "", "", ""], lambda i: i != 1)
    2
    """
    width = len(headings)
    while width and not (headings[width - 1] or "").strip() and empty(width - 1):
        width -= 1
    if width > MAX_FILLED_COLUMNS:
        raise errors.TooWide(path, found=width, limit=MAX_FILLED_COLUMNS)
    return width


@dataclass(frozen=True)
class RawTable:
    """A reader's output before typing: header cells and the data cells, all as text.

    ``cells`` has integer column labels (0 = column A) and pandas ``str`` dtype, missing for an
    empty cell; ``source_rows[i]`` is the spreadsheet row of ``cells.iloc[i]``.
    """

    headings: list[str]
    cells: pd.DataFrame
    source_rows: np.ndarray
    detected: Detected
    # column index -> {spreadsheet row: what the cell holds ("an Excel error" …)}
    unreadable: dict[int, dict[int, str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    short_rows: dict[int, int] = field(default_factory=dict)  # spreadsheet row -> fields found
