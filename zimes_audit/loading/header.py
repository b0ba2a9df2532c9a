"""Finding the header row and turning its headings into columns.

The header is the first row, within the first ``HEADER_SEARCH_ROWS``, where at least
``MIN_KNOWN_HEADINGS`` cells name catalogue fields; title and blank rows above it are skipped.

>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> rows = [["Pasūtījumi 2024"], [], ["Pasūtījuma nr.", "  VĀRDS, UZVĀRDS: ", "Krāsa"]]
>>> find_header(rows, cat)
(2, 2)
>>> [c.column for c in map_columns(rows[2], cat)]
['order_id', 'name', 'unclassified:Krāsa']
>>> find_header([["a", "b"], ["c", "d"]], cat) is None
True
>>> column_letter(0), column_letter(27)
('A', 'AB')
"""

from __future__ import annotations

from collections.abc import Sequence

from zimes_audit.loading.tables import LOCAL_PREFIX, UNCLASSIFIED_PREFIX, ColumnInfo
from zimes_audit.procedure.catalogue import UNCLASSIFIED, Catalogue

HEADER_SEARCH_ROWS = 20
MIN_KNOWN_HEADINGS = 2


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def known_fields(row: Sequence[str], catalogue: Catalogue) -> set[str]:
    """The canonical fields the cells of a row name."""
    found = (catalogue.field_for(cell) for cell in row if cell and cell.strip())
    return {f.name for f in found if f is not None}


def find_header(rows: Sequence[Sequence[str]], catalogue: Catalogue) -> tuple[int, int] | None:
    """``(index, number of known fields)`` of the header row among ``rows``, or ``None``."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len(known_fields(row, catalogue))
        if score >= MIN_KNOWN_HEADINGS:
            return index, score
    return None


def map_columns(headings: Sequence[str], catalogue: Catalogue) -> list[ColumnInfo]:
    """One ``ColumnInfo`` per heading, in file order.

    A heading the catalogue does not know, a blank heading (named after its column letter) and a
    second heading for a field already taken all become unclassified columns, so nothing is lost.
    """
    taken: set[str] = set()
    columns: list[ColumnInfo] = []
    for index, raw in enumerate(headings):
        heading = (raw or "").strip() or f"(blank heading, column {column_letter(index)})"
        found = catalogue.match(heading) if raw and raw.strip() else None
        if found is not None and found[0].name not in taken:
            field, matched_by = found
            taken.add(field.name)
            column = LOCAL_PREFIX + field.name if field.local else field.name
            columns.append(
                ColumnInfo(
                    heading, field.name, field.category, column, field.scan,
                    letter=column_letter(index), matched_by=matched_by,
                )
            )  # fmt: skip
            continue
        name = UNCLASSIFIED_PREFIX + heading
        if name in taken:
            name = f"{name} (column {column_letter(index)})"
        taken.add(name)
        columns.append(
            ColumnInfo(heading, None, UNCLASSIFIED, name, True, letter=column_letter(index))
        )
    return columns
