"""Finding the header among a file's first rows and turning its headings into columns.

Every row among the first ``HEADER_SEARCH_ROWS`` is a candidate, and so is every pair of
adjacent rows read as a two-row header (the upper one more than a lone title, the lower one
naming fields by itself: :func:`_candidates`): a group row (``Klients``, ``Kontaktinformācija``
…) over sub-headings, a group merged across its span qualifying the sub-headings under it
(:func:`qualified`), a heading merged down across both rows
(or written only in the upper row) taking its own text.  The candidate taken is the one whose
headings name the most catalogue fields of one kind (``[kinds.*]``), the kind's required fields
first (a customer register needs its customer id), then the most catalogue fields of any kind,
then the most headings, then the fewest rows, then the earliest (:class:`HeaderChoice`).  At
least ``MIN_KNOWN_HEADINGS`` fields must be named.  Rows above the header holding text are
titles, skipped and named; the choice says why it was taken, for the inventory.  Headings are
matched by :meth:`Catalogue.field_for <zimes_audit.procedure.catalogue.Catalogue.field_for>`.

>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> rows = [["Pasūtījumi 2024"], [], ["Pasūtījuma nr.", "  VĀRDS, UZVĀRDS: ", "Krāsa"]]
>>> choice = choose_header(rows, cat)
>>> choice.first, choice.last, choice.kind, choice.titles
(2, 2, 'orders', (0,))
>>> [c.column for c in map_columns(choice.headings, cat)]
['order_id', 'name', 'unclassified:Krāsa']
>>> group = ["Nr.p.k.", "Klients", "", "Kontaktinformācija", "", "Piezīmes"]
>>> sub = ["", "Klienta ID", "Vārds, uzvārds", "E-pasts", "Tālrunis", ""]
>>> c = choose_header([["Klientu reģistrs"], group, sub, ["1", "K-1", "Anna", "a@b.lv"]], cat)
>>> c.first, c.last, c.headings
(1, 2, ['Nr.p.k.', 'Klienta ID', 'Vārds, uzvārds', 'E-pasts', 'Tālrunis', 'Piezīmes'])
>>> c.note
'header rows 2–3 (group row over sub-headings): names 6 catalogue fields, 1 of them register fields (customer id); row 1 above skipped as a title'
>>> choose_header([["a", "b"], ["c", "d"]], cat) is None
True
>>> column_letter(0), column_letter(27)
('A', 'AB')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zimes_audit.loading.tables import LOCAL_PREFIX, UNCLASSIFIED_PREFIX, ColumnInfo
from zimes_audit.procedure.catalogue import UNCLASSIFIED, Catalogue, normalise_heading

HEADER_SEARCH_ROWS = 20
MIN_KNOWN_HEADINGS = 2
# a sub-heading of one word naming a field of these types is a bare date (``Datums`` under
# ``Piekrišana``): the date of what its group names, never taken as a field of its own
BARE_TYPES = frozenset({"date", "datetime"})

Span = tuple[
    tuple[int, int], tuple[int, int]
]  # ((first row, first column), (last row, last column))


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


def qualified(group: str, sub: str, catalogue: Catalogue) -> str:
    """The heading of a column under a group heading: ``group sub`` when that names a field
    other than the sub-heading's (``Piegādes`` + ``adrese``); else the sub-heading when it names
    a field (``Kontakti`` or
    ``Klients`` over ``E-pasts``), unless it is a bare date under a group naming a field
    (``Piekrišana`` over ``Datums``: the consent's date, not the order's); else ``group sub``.

    >>> from zimes_audit.procedure.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> qualified("Piegādes", "adrese", cat), qualified("Kontakti", "E-pasts", cat)
    ('Piegādes adrese', 'E-pasts')
    >>> qualified("Klients", "Klienta ID", cat), qualified("Piekrišana", "Datums", cat)
    ('Klienta ID', 'Piekrišana Datums')
    >>> qualified("Sūtījums", "Adrese", cat), qualified("Klients", "Vārds, uzvārds", cat)
    ('Adrese', 'Vārds, uzvārds')
    >>> qualified("Piezīmes", "", cat), qualified("", "E-pasts", cat)
    ('Piezīmes', 'E-pasts')
    """
    group, sub = (group or "").strip(), (sub or "").strip()
    if not group or not sub or group.casefold() == sub.casefold():
        return sub or group
    joined = f"{group} {sub}"
    field, together = catalogue.field_for(sub), catalogue.field_for(joined)
    if together is not None and together != field:  # the group changes what the column is
        return joined
    if field is None:
        return joined
    bare = field.type in BARE_TYPES and len(normalise_heading(sub).split()) == 1
    return joined if bare and catalogue.field_for(group) is not None else sub


def _text(row: Sequence[str], at: int) -> str:
    return (row[at] or "").strip() if at < len(row) else ""


def pair_headings(
    group: Sequence[str], sub: Sequence[str], catalogue: Catalogue, spans: Iterable[Span] = ()
) -> list[str]:
    """The headings of a two-row header: each sub-heading qualified by the group heading above
    it (a group merged across a span stands over every column of it), a cell empty in the lower
    row taking the upper row's text (a heading merged down, or written once above).  ``spans``
    are the group row's merged cells, in the pair's own row numbers (0 = group row)."""
    width = max(len(group), len(sub))
    above = [_text(group, c) for c in range(width)]
    spanned = [False] * width  # a column a group to its left spans: no heading of its own
    for (r0, c0), (_, c1) in spans:
        if r0 == 0 and c0 < width and above[c0]:
            for c in range(c0 + 1, min(c1, width - 1) + 1):
                above[c], spanned[c] = above[c] or above[c0], not above[c]
    return [
        "" if spanned[c] and not _text(sub, c) else qualified(above[c], _text(sub, c), catalogue)
        for c in range(width)
    ]


@dataclass(frozen=True)
class HeaderChoice:
    """The header taken: its rows (0-based, ``first == last`` for one row), its headings, the
    kind they make (``None``: no kind's required fields), the fields they name (of that kind
    first), the rows above it holding text (titles) and its ``score``, highest wins."""

    first: int
    last: int
    headings: list[str]
    kind: str | None
    fields: tuple[str, ...]
    kind_fields: tuple[str, ...]
    titles: tuple[int, ...]
    score: tuple

    @property
    def note(self) -> str:
        """Which row(s) were taken and why, and the titles skipped: one line, no cell values."""
        if self.first == self.last:
            rows = f"header row {self.first + 1}"
        else:
            rows = f"header rows {self.first + 1}–{self.last + 1} (group row over sub-headings)"
        why = f"names {len(self.fields)} catalogue fields"
        if self.kind is not None:
            own = ", ".join(f.replace("_", " ") for f in self.kind_fields)
            why += f", {len(self.kind_fields)} of them {self.kind} fields ({own})"
        line = f"{rows}: {why}"
        if self.titles:
            shown = ", ".join(str(t + 1) for t in self.titles[:5])
            many = "rows" if len(self.titles) > 1 else "row"
            what = "titles" if len(self.titles) > 1 else "a title"
            line += (
                f"; {many} {shown}{' …' if len(self.titles) > 5 else ''} above skipped as {what}"
            )
        return line


def _score(fields: set[str], catalogue: Catalogue) -> tuple[tuple, str | None, tuple[str, ...]]:
    """``(score, kind, the kind's fields named)`` of a set of named fields."""
    best: tuple = (0, 0)
    kind_name, own = None, ()
    for kind in catalogue.kinds.values():
        required = sum(f in fields for f in kind.requires)
        named = tuple(f for f in (*kind.requires, *kind.any_of) if f in fields)
        if (required, len(named)) > best:
            best = (required, len(named))
            complete = required == len(kind.requires)
            kind_name, own = (kind.name if complete else None), named
    return (*best, len(fields)), kind_name, own


def _candidates(rows: Sequence[Sequence[str]], catalogue: Catalogue, spans: Sequence[Span]):
    """``(first, last, headings, fields named)`` of every one-row and two-row header among
    ``rows``.  A pair's upper row holds more than a lone title; its lower row names
    ``MIN_KNOWN_HEADINGS`` fields by itself (sub-headings are headings, a row of data under the
    header is not, though a value may read as one: ``pk 010180-10006``), or one field while the
    upper row has merged cells (a group merged across, a heading merged down)."""
    filled = [sum(bool((cell or "").strip()) for cell in row) for row in rows]
    named = [known_fields(row, catalogue) if filled[r] else set() for r, row in enumerate(rows)]
    for first in range(len(rows)):
        if not filled[first]:
            continue
        yield first, first, list(rows[first]), named[first]
        if first + 1 >= len(rows) or filled[first] < 2 or not named[first + 1]:
            continue
        mine = [((r0 - first, c0), (r1 - first, c1)) for (r0, c0), (r1, c1) in spans if r0 == first]
        if len(named[first + 1]) >= MIN_KNOWN_HEADINGS or mine:
            headings = pair_headings(rows[first], rows[first + 1], catalogue, mine)
            yield first, first + 1, headings, known_fields(headings, catalogue)


def choose_header(
    rows: Sequence[Sequence[str]], catalogue: Catalogue, spans: Sequence[Span] = ()
) -> HeaderChoice | None:
    """The header among the first ``HEADER_SEARCH_ROWS`` of ``rows`` (see the module), or
    ``None`` when no candidate names ``MIN_KNOWN_HEADINGS`` catalogue fields.  ``spans`` are
    the sheet's merged cells (0-based, inclusive)."""
    rows = rows[:HEADER_SEARCH_ROWS]
    best: HeaderChoice | None = None
    for first, last, headings, fields in _candidates(rows, catalogue, spans):
        if len(fields) < MIN_KNOWN_HEADINGS:
            continue
        score, kind, own = _score(fields, catalogue)
        named = sum(bool((h or "").strip()) for h in headings)
        score = (*score, named, -(last - first), -first)
        if best is not None and score <= best.score:
            continue
        ordered = (*own, *sorted(fields - set(own)))
        titles = tuple(r for r in range(first) if any((c or "").strip() for c in rows[r]))
        best = HeaderChoice(first, last, headings, kind, ordered, own, titles, score)
    return best


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
