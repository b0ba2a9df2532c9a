"""The inventory of what was read: per file, how it was read and which §6 category each column has.

It is the first thing an auditor reads, so it shows headings, fields, categories, fill rates and
how each column's values were read (date spellings, yes/no styles, unreadable cells), how its
heading was matched (``by words`` when only its stems matched; ``by values`` when its values —
personal codes, card numbers — made it not permitted whatever its heading) and what the values of
an unknown column suggest, as counts ("40 of 40 values are valid e-mail addresses"); never a
cell value.  For every heading it does not know it prints the lines to paste into the
administrator's field map (:mod:`zimes_audit.procedure.field_map`).  Columns outside the §6 catalogue are marked ``!! NOT PERMITTED``, headings
the catalogue does not know ``?? UNKNOWN``.

>>> import tempfile
>>> from pathlib import Path
>>> from zimes_audit.loading import load_file
>>> path = Path(tempfile.mkdtemp()) / "orders.csv"
>>> _ = path.write_text("Pasūtījuma nr.;Summa;Personas kods;Krāsa\\nM-1;12,50;;zila\\n")
>>> table = load_file(path)
>>> print(render_inventory([table]).split("\\n", 1)[1])  # doctest: +NORMALIZE_WHITESPACE
  kind: Mozello orders export · rows: 1 · sha256: ...
  read as: csv, utf-8, delimiter ;, header row 1
  note: encoding UTF-8: every byte of the file is UTF-8
  note: header row 1: names 3 catalogue fields, 2 of them orders fields (order id, total)
  note: taken as Mozello orders export: orders headings: order id, total (2)
  column          field          category               filled
  Pasūtījuma nr.  order_id       operational            100.0%
  Summa           total          6.6 purchase history   100.0%
  Personas kods   personal_code  not permitted          0.0%  !! NOT PERMITTED
  Krāsa           -              unknown heading        100.0%  ?? UNKNOWN
<BLANKLINE>
Unknown headings: each is one FIELD-UNCLASSIFIED finding.  To classify them, paste these lines ...
<BLANKLINE>
# Krāsa: orders.csv column D
[fields.krasa]
category = "?"  # decide: 6.1 … 6.8, operational or not-permitted
headings = ["Krāsa"]
<BLANKLINE>
>>> inventory_frame([table])[["heading", "category", "filled", "fill_rate"]].to_dict("list")
{'heading': ['Pasūtījuma nr.', 'Summa', 'Personas kods', 'Krāsa'], 'category': ['operational', \
'6.6', 'not-permitted', 'unclassified'], 'filled': [1, 1, 0, 1], 'fill_rate': [100.0, 100.0, 0.0, 100.0]}
"""

from __future__ import annotations

import pandas as pd

from zimes_audit.errors import one_line
from zimes_audit.loading import LoadedTable
from zimes_audit.procedure.catalogue import (
    CATEGORY_LABELS,
    NOT_PERMITTED,
    UNCLASSIFIED,
    VALUES,
    WORDS,
    Catalogue,
    load_catalogue,
)
from zimes_audit.procedure.field_map import FILE_NAME, toml_lines

MARKERS = {NOT_PERMITTED: "!! NOT PERMITTED", UNCLASSIFIED: "?? UNKNOWN"}
COLUMNS = ("file", "heading", "field", "category", "filled", "fill_rate", "matched_by",
           "suggestion", "evidence")  # fmt: skip


def _records(table: LoadedTable) -> list[tuple]:
    records = []
    for info in table.columns:
        filled = info.filled
        rate = round(100 * filled / table.rows, 1) if table.rows else 0.0
        records.append(
            (table.source, info.heading, info.field, info.category, filled, rate,
             info.matched_by, info.suggestion, info.evidence)
        )  # fmt: skip
    return records


def inventory_frame(tables: list[LoadedTable]) -> pd.DataFrame:
    """One row per column of every table: file, heading, field, category code, filled cells,
    fill rate in percent (0–100) of the table's rows, how the heading was matched
    (``matched_by``: heading, field map, words or values), the field its values suggest and the
    evidence in counts (never a value)."""
    records = [record for table in tables for record in _records(table)]
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def _describe(table: LoadedTable) -> list[str]:
    d = table.detected
    how = [d.format]
    if d.encoding:
        how.append(d.encoding)
    if d.delimiter:
        how.append(f"delimiter {d.delimiter_label}")
    if d.sheet:
        how.append(f"sheet '{d.sheet}'")
    how.append(d.header_rows)
    label = load_catalogue().kinds[table.kind].label
    lines = [
        one_line(table.path)
        + (f"  (source: {one_line(table.source)})" if table.source != table.path.name else ""),
        f"  kind: {label} · rows: {table.rows} · sha256: {table.sha256[:12]}",
        f"  read as: {', '.join(one_line(h) for h in how)}",
    ]
    lines += [f"  note: {one_line(note)}" for note in table.notes]
    if table.problems:
        lines.append(
            f"  unreadable cells: {len(table.problems)} (each is a DATA-INACCURATE finding)"
        )
    return lines


def _how_matched(info) -> str:
    """``by words`` (stems only: check it), ``by values: 97 of 100 values are …`` or, for an
    unknown heading, what its values suggest."""
    if info.matched_by == WORDS:
        return "by words"
    if info.matched_by == VALUES:
        return f"by values: {info.evidence}"
    if info.suggestion:
        return f"values suggest {info.suggestion}: {info.evidence}"
    return info.evidence or ""


def _column_lines(table: LoadedTable) -> list[str]:
    cells = [("column", "field", "category", "filled", "")]
    for info, (_, heading, field, category, _, rate, *_) in zip(
        table.columns, _records(table), strict=True
    ):
        label = CATEGORY_LABELS.get(category, category)
        notes = [MARKERS.get(category, ""), _how_matched(info)]
        if info.read_as:
            notes.append(f"read as {info.read_as}")
        if info.unreadable:
            notes.append(f"{info.unreadable} unreadable (DATA-INACCURATE)")
        note = " · ".join(n for n in notes if n)
        cells.append((one_line(heading), field or "-", label, f"{rate:.1f}%", note))
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = []
    for row in cells:
        line = "  " + "  ".join(row[i].ljust(widths[i]) for i in range(4)).rstrip()
        lines.append(f"{line}  {row[4]}" if row[4] else line)
    return lines


def field_map_lines(tables: list[LoadedTable], catalogue: Catalogue | None = None) -> list[str]:
    """For every heading no catalogue field (nor the field map) knows, the TOML lines to paste
    into ``zimes-fields.toml``, once per heading, naming the files and columns it was seen in."""
    catalogue = catalogue or load_catalogue()
    seen: dict[str, list[str]] = {}
    suggested: dict[str, tuple[str, str]] = {}
    for table in tables:
        for info in table.columns:
            if info.category == UNCLASSIFIED and not info.heading.startswith("(blank heading"):
                seen.setdefault(info.heading, []).append(f"{table.source} column {info.letter}")
                if info.suggestion:
                    suggested.setdefault(info.heading, (info.suggestion, info.evidence or ""))
    lines: list[str] = []
    for heading, where in seen.items():
        lines += [
            "",
            f"# {one_line(heading)}: {one_line(', '.join(where))}",
            *toml_lines(heading, catalogue, suggested.get(heading)),
        ]
    return lines


def render_inventory(
    tables: list[LoadedTable], catalogue: Catalogue | None = None, field_map=None
) -> str:
    """The inventory as plain text, one block per file (no cell values), then the files skipped and the
    field-map lines to paste for the headings it does not know."""
    blocks = ["\n".join(_describe(t) + _column_lines(t)) for t in tables]
    skipped = getattr(tables, "skipped", [])
    if skipped:
        blocks.append("\n".join(str(s) for s in skipped))
    text = "\n\n".join(blocks) + "\n"
    if field_map is not None:
        text += f"\nfield map: {field_map.source} (sha256 {field_map.sha256[:12]})\n"
    paste = field_map_lines(tables, catalogue)
    if paste:
        text += (
            f"\nUnknown headings: each is one FIELD-UNCLASSIFIED finding.  To classify them, paste "
            f"these lines into {FILE_NAME} beside the exports (or a file passed with --fields), "
            "set each category, and run again:\n" + "\n".join(paste) + "\n"
        )
    return text
