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

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

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
DELIMITER_LABELS = {",": ",", ";": ";", "\t": "TAB"}


@dataclass(frozen=True)
class Detected:
    """How a file was read: format, text encoding, delimiter, sheet and header row (1-based)."""

    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int

    @property
    def delimiter_label(self) -> str | None:
        """The delimiter as a person reads it: ``,`` ``;`` or ``TAB``."""
        if self.delimiter is None:
            return None
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)


@dataclass(frozen=True)
class ColumnInfo:
    """One column of the input: its heading, canonical field, §6 category and frame column.

    ``scan``: its text is scanned for personal codes and card numbers (every unknown heading is);
    ``read_as``: how its cells were read (dates, yes/no styles), for the inventory;
    ``unreadable``: cells that held text the field's type could not read;
    ``letter``: the spreadsheet column letter.
    """

    heading: str
    field: str | None
    category: str
    column: str
    scan: bool = False
    read_as: str | None = None
    unreadable: int = 0
    letter: str = ""

    @property
    def classified(self) -> bool:
        return self.field is not None


@dataclass(frozen=True)
class LoadedTable:
    """One input file, loaded: the typed frame plus everything needed to trace a value back."""

    path: Path
    kind: str
    frame: pd.DataFrame
    columns: tuple[ColumnInfo, ...]
    detected: Detected
    sha256: str

    @property
    def rows(self) -> int:
        return len(self.frame)


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
