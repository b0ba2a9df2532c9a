"""Generated layouts of one register and one orders export give the plain files' findings (issue 23).

From the plain tables of :mod:`layout_data`, hypothesis draws layouts as people keep them: 0–3
title lines and blank lines above the header, a group row over the headings (merged or not, the
other headings merged down), empty and hidden columns, a summary sheet before or after the data,
a totals line and footnote lines below it, columns shuffled, headings in upper case or with
units and punctuation — written as CSV (either delimiter, three encodings) and as xlsx (openpyxl
or xlsxwriter).  Each must give the same findings (rule, record id, field) as the plain files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass

import openpyxl
import pytest
import xlsxwriter
from conftest import AS_OF
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from layout_data import (
    ORDER_GROUPS,
    ORDER_HEADINGS,
    ORDER_ROWS,
    REGISTER_GROUPS,
    REGISTER_HEADINGS,
    REGISTER_ROWS,
)
from profiles import examples

from zimes_audit.audit import audit
from zimes_audit.loading import load_path
from zimes_audit.procedure.catalogue import load_catalogue, normalise_heading

TITLES = [
    'SIA "ZĪMES" klientu saraksts',
    "Atjaunots: 30.11.2026",
    "Konfidenciāli — tikai iekšējai lietošanai",
    "Eksports no Mozello, 2025. gads",
]
FOOTNOTES = ["* Dati uz 30.11.2026", "Avots: Mozello eksports", "Sagatavoja grāmatvedība decembrī"]
# headings as people dress them: a unit or a format hint (read away by the catalogue's matching)
UNITS = {
    "Summa": "Summa (EUR)",
    "Datums": "Datums (dd.mm.gggg)",
    "Attiecību sākums": "Attiecību sākums (datums)",
    "Attiecību beigas": "Attiecību beigas (datums)",
    "Atteikuma datums": "Atteikuma datums (dd.mm.gggg)",
    "Piekrišana": "Piekrišana (Jā/Nē)",
    "Jaunumu saņemšana": "Jaunumu saņemšana (Jā/Nē)",
    "Tālrunis": "Tālrunis (+371)",
}
STYLES = ("plain", "upper", "colon", "units")
SOURCES = {
    "register": (REGISTER_HEADINGS, REGISTER_ROWS, REGISTER_GROUPS, "Klienta ID"),
    "orders": (ORDER_HEADINGS, ORDER_ROWS, ORDER_GROUPS, "Summa"),
}


def _styled(heading: str, style: str) -> str:
    if style == "upper":
        return heading.upper()
    if style == "colon":
        return heading + ":"
    if style == "units":
        return UNITS.get(heading, heading)
    return heading


@dataclass(frozen=True)
class Layout:
    """One way of keeping a table: what hypothesis draws (see the module)."""

    writer: str  # csv, openpyxl, xlsxwriter
    titles: int
    blanks: int
    group: str  # none, plain, merged
    empty_columns: tuple[int, ...]  # block boundaries where an empty column goes
    hidden: bool
    summary: str  # none, before, after
    totals: int  # 0: none; else where the word goes among the first columns (1–3)
    footnotes: int
    gap_below: bool
    order: tuple[int, ...]  # a permutation of the blocks
    style: str
    csv_format: tuple[str, str]  # delimiter, encoding
    typed: bool  # numbers written as numbers in a workbook


@st.composite
def layouts(draw, kind: str) -> Layout:
    headings, _, groups, _ = SOURCES[kind]
    blocks = len(_blocks(headings, groups))
    writer = draw(st.sampled_from(("csv", "openpyxl", "xlsxwriter")))
    workbook = writer != "csv"
    return Layout(
        writer=writer,
        titles=draw(st.integers(0, 3)),
        blanks=draw(st.integers(0, 2)),
        group=draw(st.sampled_from(("none", "plain", "merged") if workbook else ("none", "plain"))),
        empty_columns=tuple(draw(st.lists(st.integers(0, blocks), max_size=2))),
        hidden=workbook and draw(st.booleans()),
        summary=draw(st.sampled_from(("none", "before", "after"))) if workbook else "none",
        totals=draw(st.integers(0, 3)),
        footnotes=draw(st.integers(0, 2)),
        gap_below=draw(st.booleans()),
        order=tuple(draw(st.permutations(range(blocks)))),
        style=draw(st.sampled_from(STYLES)),
        csv_format=draw(
            st.sampled_from([(";", "utf-8"), (",", "utf-8-sig"), (";", "cp1257"), ("\t", "utf-8")])
        ),
        typed=draw(st.booleans()),
    )


def _blocks(headings, groups) -> list[list[int]]:
    """The columns as blocks that stay together when shuffled: each group, each other column."""
    grouped = {c for _, first, last in groups for c in range(first, last + 1)}
    blocks = [list(range(first, last + 1)) for _, first, last in groups]
    blocks += [[c] for c in range(len(headings)) if c not in grouped]
    return sorted(blocks)  # in file order: the identity order is the plain file


def _number(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "."))


@dataclass
class Grid:
    """A laid-out sheet: its rows of cells, merged ranges (0-based, inclusive) and hidden columns."""

    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]]
    hidden: list[int]


def _header(headings, groups, columns, layout: Layout, start: int, grid: Grid) -> None:
    """The header rows (one, or a group row over sub-headings) for ``columns`` (-1 = empty)."""
    names = [_styled(headings[c], layout.style) if c >= 0 else "" for c in columns]
    if layout.group == "none":
        grid.rows.append(names)
        return
    group_of = {c: (g, first) for g, first, last in groups for c in range(first, last + 1)}
    upper, lower = [""] * len(columns), [""] * len(columns)
    for at, c in enumerate(columns):
        if c < 0:
            continue
        if c not in group_of:  # a heading merged down across both rows (or written once above)
            upper[at] = names[at]
            if layout.group == "merged":
                grid.merges.append((start, at, start + 1, at))
            continue
        lower[at] = names[at]
        group, _ = group_of[c]
        if at == 0 or columns[at - 1] not in group_of or group_of[columns[at - 1]][0] != group:
            upper[at] = _styled(group, layout.style)
            span = sum(1 for d in columns[at:] if d in group_of and group_of[d][0] == group)
            if layout.group == "merged" and span > 1:
                grid.merges.append((start, at, start, at + span - 1))
    grid.rows += [upper, lower]


def _below(kind, headings, rows, columns, layout: Layout, grid: Grid) -> None:
    """A totals line (the word in one of the first columns, the count or sum beside it) and
    footnote lines under the data."""
    _, _, _, summed = SOURCES[kind]
    if layout.gap_below and (layout.totals or layout.footnotes):
        grid.rows.append([])
    if layout.totals:
        at_number = columns.index(headings.index(summed))
        first = [at for at, c in enumerate(columns) if c >= 0][:3]  # the first columns
        filled = [at for at in first if at != at_number]
        word_at = filled[(layout.totals - 1) % len(filled)]
        total = [""] * len(columns)
        total[word_at] = ("Kopā:", "KOPĀ", "Total", "Summa")[layout.totals % 4]
        if kind == "register":
            total[at_number] = len(rows)
        else:
            amount = sum(_number(r[headings.index(summed)]) for r in rows)
            total[at_number] = f"{amount:.2f}".replace(".", ",")
        grid.rows.append(total)
    for n in range(layout.footnotes):
        grid.rows.append([FOOTNOTES[(n + layout.titles) % len(FOOTNOTES)]])


def lay_out(kind: str, layout: Layout) -> Grid:
    """The sheet of ``kind``'s plain table in ``layout``."""
    headings, rows, groups, _ = SOURCES[kind]
    blocks = _blocks(headings, groups)
    columns: list[int] = []
    for at, block in enumerate([blocks[b] for b in layout.order]):
        columns += [-1] * layout.empty_columns.count(at) + block
    columns += [-1] * layout.empty_columns.count(len(blocks))
    grid = Grid([], [], [])
    for n in range(layout.titles):
        grid.rows.append([TITLES[(n + len(kind)) % len(TITLES)]])
    grid.rows += [[] for _ in range(layout.blanks)]
    _header(headings, groups, columns, layout, len(grid.rows), grid)
    for row in rows:
        cells: list[object] = [row[c] if c >= 0 else "" for c in columns]
        if layout.typed and layout.writer != "csv":
            for at, c in enumerate(columns):
                if c >= 0 and headings[c] in ("Summa", "Nr.p.k."):
                    cells[at] = _number(row[c])
        grid.rows.append(cells)
    _below(kind, headings, rows, columns, layout, grid)
    if layout.hidden:
        grid.hidden = [at for at, c in enumerate(columns) if c >= 0][1::4]
    return grid


SUMMARY = [["Kopsavilkums"], ["Klientu skaits", 8], ["Pasūtījumu skaits", 6]]


def _openpyxl(path, grid: Grid, layout: Layout) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dati"
    for row in grid.rows:
        sheet.append([None if v == "" else v for v in row])
    for r0, c0, r1, c1 in grid.merges:
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for at in grid.hidden:
        sheet.column_dimensions[openpyxl.utils.get_column_letter(at + 1)].hidden = True
    if layout.summary != "none":
        summary = book.create_sheet("Kopsavilkums", 0 if layout.summary == "before" else 1)
        for row in SUMMARY:
            summary.append(row)
    book.save(path)


def _xlsxwriter(path, grid: Grid, layout: Layout) -> None:
    book = xlsxwriter.Workbook(str(path))
    if layout.summary == "before":
        summary = book.add_worksheet("Kopsavilkums")
    sheet = book.add_worksheet("Dati")
    if layout.summary == "after":
        summary = book.add_worksheet("Kopsavilkums")
    merged = {(r0, c0) for r0, c0, _, _ in grid.merges}
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if value != "" and (r, c) not in merged:
                sheet.write(r, c, value)
    for r0, c0, r1, c1 in grid.merges:
        sheet.merge_range(r0, c0, r1, c1, grid.rows[r0][c0])
    for at in grid.hidden:
        sheet.set_column(at, at, None, None, {"hidden": True})
    if layout.summary != "none":
        for r, row in enumerate(SUMMARY):
            summary.write_row(r, 0, row)
    book.close()


def _csv(path, grid: Grid, layout: Layout) -> None:
    delimiter, encoding = layout.csv_format
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(grid.rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write(folder, kind: str, layout: Layout):
    """The laid-out table written as its layout's file type; the path."""
    grid = lay_out(kind, layout)
    path = folder / f"{kind}.{'csv' if layout.writer == 'csv' else 'xlsx'}"
    {"csv": _csv, "openpyxl": _openpyxl, "xlsxwriter": _xlsxwriter}[layout.writer](
        path, grid, layout
    )
    return path


def findings_of(paths) -> set[tuple[str, str, str]]:
    """The findings of an audit of ``paths`` as (rule, record id, field) — the field's heading
    compared as the catalogue folds it (an unknown heading's case and punctuation aside)."""
    tables = [table for path in paths for table in load_path(path)]
    found = audit(tables=tables, as_of=AS_OF).findings
    return {
        (rule, record, normalise_heading(str(field)))
        for rule, record, field in found[["rule_id", "record_id", "field"]].itertuples(index=False)
    }


PLAIN = Layout(
    "csv", 0, 0, "none", (), False, "none", 0, 0, False, (), "plain", (";", "utf-8"), False
)


@pytest.fixture(scope="module")
def plain_findings(tmp_path_factory) -> set[tuple[str, str, str]]:
    folder = tmp_path_factory.mktemp("plain")
    paths = []
    for kind in SOURCES:
        order = tuple(range(len(_blocks(SOURCES[kind][0], SOURCES[kind][2]))))
        paths.append(write(folder, kind, dataclasses.replace(PLAIN, order=order)))
    return findings_of(paths)


def test_the_plain_files_hold_the_planted_findings(plain_findings):
    assert {
        ("CONSENT-MISSING", "K-0102", "consent given"),
        ("MARKETING-WITHOUT-BASIS", "K-0103", "marketing opt in"),
        ("PERSONAL-CODE-IN-TEXT", "K-0104", "notes"),
        ("FIELD-UNPERMITTED", "K-0105", "personal code"),
        ("DATA-INACCURATE", "K-0106", "email"),
        ("RETENTION-EXPIRED", "K-0107", "relationship end"),
        ("CARD-NUMBER-IN-TEXT", "M-2475407-25", "notes"),
        ("DATA-INACCURATE", "M-2475408-25", "phone"),
    } <= plain_findings


def test_every_dressed_heading_names_the_same_field():
    catalogue = load_catalogue()
    for headings, *_ in SOURCES.values():
        for heading in headings:
            for style in STYLES:
                dressed = catalogue.field_for(_styled(heading, style))
                assert dressed == catalogue.field_for(heading), (heading, style)


@settings(
    max_examples=examples(default=4, thorough=200),
    deadline=None,
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
    ],  # an audit a case: shrinking takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(register=layouts("register"), orders=layouts("orders"))
def test_a_generated_layout_gives_the_plain_files_findings(
    plain_findings, tmp_path_factory, register, orders
):
    folder = tmp_path_factory.mktemp("layout")
    paths = [write(folder, "register", register), write(folder, "orders", orders)]
    assert findings_of(paths) == plain_findings
