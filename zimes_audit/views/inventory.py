"""The inventory of what was read: per file, how it was read and which §6 category each column has.

It is the first thing an auditor reads, so it shows headings, fields, categories, fill rates and
how each column's values were read (date spellings, yes/no styles, unreadable cells), how its
heading was matched (``by words`` when only its stems matched; ``by values`` when its values —
personal codes, card numbers — made it not permitted whatever its heading) and what the values of
an unknown column suggest, as counts ("40 of 40 values are valid e-mail addresses"); never a
cell value.  For every heading it does not know it prints the lines to paste into the
administrator's field map (:mod:`zimes_audit.procedure.field_map`).  Columns outside the §6
catalogue are marked ``!! NAV ATĻAUTS`` (``!! NOT PERMITTED``), headings the catalogue does not
know ``?? NEKLASIFICĒTS`` (``?? UNCLASSIFIED``).  Its words are the catalogue's
(``[<language>.inventory]`` of ``words/data/labels.toml``); loading's notes are written in them
by templates.

>>> import tempfile
>>> from pathlib import Path
>>> from zimes_audit.loading import load_file
>>> path = Path(tempfile.mkdtemp()) / "orders.csv"
>>> _ = path.write_text("Pasūtījuma nr.;Summa;Personas kods;Krāsa\\nM-1;12,50;;zila\\n")
>>> table = load_file(path)
>>> print(render_inventory([table], language="en").split("\\n", 1)[1])  # doctest: +NORMALIZE_WHITESPACE
  kind: Mozello orders export · rows: 1 · sha256: ...
  read as: csv, utf-8, delimiter ;, header row 1
  note: encoding UTF-8: every byte of the file is UTF-8
  note: header row 1: names 3 catalogue fields, 2 of them orders fields (order id, total)
  note: taken as Mozello orders export: orders headings: order id, total (2)
  column          field          category               filled
  Pasūtījuma nr.  order id       operational            100.0%
  Summa           total          6.6 purchase history   100.0%
  Personas kods   personal code  not permitted          0.0%  !! NOT PERMITTED
  Krāsa           -              unclassified           100.0%  ?? UNCLASSIFIED
<BLANKLINE>
Unclassified headings: each is one FIELD-UNCLASSIFIED finding.  To classify them, paste these lines ...
<BLANKLINE>
# Krāsa: orders.csv column D
[fields.krasa]
category = "?"  # decide: 6.1 … 6.8, operational or not-permitted
headings = ["Krāsa"]
<BLANKLINE>

In Latvian (the command line's default), the fields by their Latvian names:

>>> print("\\n".join(render_inventory([table]).split("\\n")[6:10]))
  kolonna         lauks           kategorija           aizpildīts
  Pasūtījuma nr.  pasūtījuma nr.  darbības dati        100.0%
  Summa           summa           6.6 pirkumu vēsture  100.0%
  Personas kods   personas kods   nav atļauts          0.0%  !! NAV ATĻAUTS
>>> inventory_frame([table])[["heading", "category", "filled", "fill_rate"]].to_dict("list")
{'heading': ['Pasūtījuma nr.', 'Summa', 'Personas kods', 'Krāsa'], 'category': ['operational', \
'6.6', 'not-permitted', 'unclassified'], 'filled': [1, 1, 0, 1], 'fill_rate': [100.0, 100.0, 0.0, 100.0]}
"""

from __future__ import annotations

import pandas as pd

from zimes_audit.errors import one_line
from zimes_audit.loading import LoadedTable
from zimes_audit.procedure.catalogue import (
    UNCLASSIFIED,
    VALUES,
    WORDS,
    Catalogue,
    load_catalogue,
)
from zimes_audit.procedure.field_map import FILE_NAME, toml_lines
from zimes_audit.words.labels import Labels, labels, pattern

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


def field_label(lab: Labels, field: str) -> str:
    """A catalogue field as a person reads it: its Latvian name (``[lv.fields]``), or in
    English the id spoken (``customer id``).

    >>> field_label(labels("lv"), "customer_id"), field_label(labels("en"), "customer_id")
    ('klienta nr.', 'customer id')
    """
    return lab.table["fields"].get(field, field.replace("_", " "))


def _spoken_fields(lab: Labels, text: str) -> str:
    """A list of fields as loading writes them (``customer id, relationship start``) in
    ``lab``'s words."""
    return lab.spoken_fields(text)


def _in_words(lab: Labels, table: str, text: str) -> str:
    """One of loading's English texts in ``lab``'s language by the templates of
    ``[<language>.inventory.<table>]``: the whole text, else part by part (parts joined by
    ``; ``); in a match, a list of fields (``{fields}``) in the reader's words, how cells were
    read (``{how}``) by the ``read_as`` templates, and a placeholder with a table under
    ``values`` looked up there.  What no template knows stays as it is.

    >>> _in_words(labels("lv"), "notes", "sheet 'Kopā' skipped: neither kind (no order id or "
    ...           "customer id column)")
    "lapa 'Kopā' izlaista: nav ne pasūtījumi, ne reģistrs (nav kolonnas pasūtījuma nr. vai klienta nr.)"
    >>> _in_words(labels("lv"), "notes", "header row 3: names 18 catalogue fields, 2 of them "
    ...           "register fields (customer id, relationship end); row 1 above skipped as a title")
    'virsrakstu rinda 3: kataloga lauki: 18, no tiem reģistra lauki: 2 (klienta nr., attiecību beigas); rinda 1 virs tās izlaista kā nosaukums'
    """
    words = lab.table["inventory"]
    templates, values = words[table], words.get("values", {})
    if not templates:
        return text

    def one(part: str) -> str | None:
        for template, wording in templates.items():
            match = pattern(template).fullmatch(part)
            if match:
                found = {k: values.get(k, {}).get(v, v) for k, v in match.groupdict().items()}
                if "fields" in found:
                    found["fields"] = _spoken_fields(lab, found["fields"])
                if "why" in found:  # why a sheet is neither kind
                    found["why"] = lab.kind_reason(found["why"])
                return wording.format(**found)
        return None

    whole = one(text)
    if whole is not None:
        return whole
    return "; ".join(one(part) or part for part in text.split("; "))


def _describe(table: LoadedTable, lab: Labels) -> list[str]:
    words = lab.table["inventory"]
    d = table.detected
    how = [d.format]
    if d.encoding:
        how.append(d.encoding)
    if d.delimiter:
        how.append(words["delimiter"].format(delimiter=d.delimiter_label))
    if d.sheet:
        how.append(words["sheet"].format(sheet=one_line(d.sheet)))
    first = d.header_first or d.header_row
    how.append(
        words["header_row"].format(row=d.header_row)
        if first == d.header_row
        else words["header_rows"].format(first=first, last=d.header_row)
    )
    source = words["source"].format(source=one_line(table.source))
    lines = [
        one_line(table.path) + (source if table.source != table.path.name else ""),
        words["kind_line"].format(
            kind=words["kinds"][table.kind], rows=table.rows, sha=table.sha256[:12]
        ),
        words["read_as_line"].format(how=", ".join(how)),
    ]
    lines += [words["note"].format(note=one_line(_in_words(lab, "notes", n))) for n in table.notes]
    if table.problems:
        lines.append(lab.say("inventory", "unreadable", count=len(table.problems)))
    return lines


def _how_matched(info, lab: Labels) -> str:
    """``by words`` (stems only: check it), ``by values: 97 of 100 values are …`` or, for an
    unknown heading, what its values suggest."""
    words = lab.table["inventory"]
    if info.matched_by == WORDS:
        return words["by_words"]
    if info.matched_by == VALUES:
        return words["by_values"].format(evidence=_in_words(lab, "evidence", info.evidence))
    if info.suggestion:
        return words["suggest"].format(
            field=field_label(lab, info.suggestion),
            evidence=_in_words(lab, "evidence", info.evidence or ""),
        )
    return _in_words(lab, "evidence", info.evidence) if info.evidence else ""


def _column_lines(table: LoadedTable, lab: Labels) -> list[str]:
    words = lab.table["inventory"]
    cells = [(*words["columns"], "")]
    for info, (_, heading, field, category, _, rate, *_) in zip(
        table.columns, _records(table), strict=True
    ):
        label = words["categories"].get(category, category)
        notes = [words["markers"].get(category, ""), _how_matched(info, lab)]
        if info.read_as:
            notes.append(words["cells_read_as"].format(how=_in_words(lab, "read_as", info.read_as)))
        if info.unreadable:
            notes.append(words["unreadable_cells"].format(count=info.unreadable))
        note = " · ".join(n for n in notes if n)
        shown = field_label(lab, field) if field else "-"
        cells.append((one_line(heading), shown, label, f"{rate:.1f}%", note))
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = []
    for row in cells:
        line = "  " + "  ".join(row[i].ljust(widths[i]) for i in range(4)).rstrip()
        lines.append(f"{line}  {row[4]}" if row[4] else line)
    return lines


def field_map_lines(
    tables: list[LoadedTable], catalogue: Catalogue | None = None, lab: Labels | None = None
) -> list[str]:
    """For every heading no catalogue field (nor the field map) knows, the TOML lines to paste
    into ``zimes-fields.toml``, once per heading, naming the files and columns it was seen in;
    the comments in ``lab``'s language (Latvian by default)."""
    catalogue = catalogue or load_catalogue()
    lab = lab or labels()
    seen: dict[str, list[str]] = {}
    suggested: dict[str, tuple[str, str]] = {}
    for table in tables:
        for info in table.columns:
            if info.category == UNCLASSIFIED and not info.heading.startswith("(blank heading"):
                place = lab.say("inventory", "paste_place", file=table.source, column=info.letter)
                seen.setdefault(info.heading, []).append(place)
                if info.suggestion:
                    evidence = _in_words(lab, "evidence", info.evidence or "")
                    suggested.setdefault(info.heading, (info.suggestion, evidence))
    lines: list[str] = []
    for heading, where in seen.items():
        lines += [
            "",
            lab.say(
                "inventory",
                "paste_seen",
                heading=one_line(heading),
                places=one_line(", ".join(where)),
            ),  # fmt: skip
            *toml_lines(heading, catalogue, suggested.get(heading), lab.language),
        ]
    return lines


def render_inventory(
    tables: list[LoadedTable], catalogue: Catalogue | None = None, field_map=None,
    language: str = "lv",
) -> str:  # fmt: skip
    """The inventory as plain text in ``language``, one block per file (no cell values), then
    the files skipped and the field-map lines to paste for the headings it does not know."""
    lab = labels(language)
    words = lab.table["inventory"]
    blocks = ["\n".join(_describe(t, lab) + _column_lines(t, lab)) for t in tables]
    skipped = getattr(tables, "skipped", [])
    if skipped:
        blocks.append("\n".join(lab.left_out(s, "inventory") for s in skipped))
    text = "\n\n".join(blocks) + "\n"
    if field_map is not None:
        text += (
            "\n"
            + words["field_map"].format(source=field_map.source, sha=field_map.sha256[:12])
            + "\n"
        )
    paste = field_map_lines(tables, catalogue, lab)
    if paste:
        text += "\n" + words["paste"].format(file=FILE_NAME) + "\n" + "\n".join(paste) + "\n"
    return text
