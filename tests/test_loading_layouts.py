"""Spreadsheet layouts and files as people keep them: merged two-row headers, totals rows, summary
sheets, archive sheets, error and formula cells, mixed encodings, short rows, folders of exports."""

from __future__ import annotations

import codecs

import openpyxl
import pytest
import xlsxwriter
from conftest import AS_OF
from loading_helpers import (
    ORDER_HEADINGS,
    ORDER_ROWS,
    PERSONAL_VALUES,
    csv_bytes,
    without_formula_results,
    write_csv,
    write_ods_xml,
)

from zimes_audit import errors
from zimes_audit.audit import audit
from zimes_audit.loading import load_file, load_inputs, load_path
from zimes_audit.views.inventory import render_inventory

REGISTER_HEADINGS = ["Klienta ID", "Vārds, uzvārds", "E-pasts", "Piekrišana", "Attiecību sākums"]
REGISTER_ROWS = [
    ["K-001", "Jānis Bērziņš", "janis.berzins@example.lv", "Jā", "05.01.2020"],
    ["K-002", "Līga Ozoliņa", "liga.ozolina@example.lv", "Nē", "06.02.2021"],
    ["K-003", "Pēteris Kalniņš", "peteris.kalnins@example.lv", "Jā", "07.03.2022"],
]
SECRETS = [*PERSONAL_VALUES, *(v for row in REGISTER_ROWS for v in row[1:3])]


def _no_secret(message: str) -> None:
    assert "\n" not in message
    for value in SECRETS:
        assert value not in message


def _refused(path, error_type, load=load_file) -> str:
    with pytest.raises(error_type) as caught:
        load(path)
    message = str(caught.value)
    assert path.name in message
    _no_secret(message)
    return message


# ------------------------------------------------------------------ workbook layouts


def _two_row_register(path):
    """A hand-kept register: a summary sheet first, then the data under a title row, a two-row
    header with merged cells, a blank row inside the data, a hidden column, a formatted but
    empty column, and a totals row under the data."""
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Kopsavilkums"
    summary.append(["Klientu skaits", 3])
    summary.append(["Atjaunots", "2026-10-01"])
    sheet = book.create_sheet("Klienti")
    sheet.append(["Klientu reģistrs 2026"])
    sheet.append(["Klienta ID", "Vārds, uzvārds", "Kontakti", None, "Piekrišana", "Piegādes", None])
    sheet.append([None, None, "E-pasts", "Tālrunis", None, "adrese", None])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:G2"):
        sheet.merge_cells(cells)
    data = [
        ["K-001", "Jānis Bērziņš", "janis.berzins@example.lv", "+371 29123456", "Jā", "Rīga"],
        ["K-002", "Līga Ozoliņa", "liga.ozolina@example.lv", "+371 26543210", "Nē", "Cēsis"],
        [],
        ["K-003", "Pēteris Kalniņš", "peteris.kalnins@example.lv", "+371 27000000", "Jā", "Ogre"],
        [],
        ["Kopā:", None, None, None, 2, None],
    ]
    for row in data:
        sheet.append(row)
    sheet.column_dimensions["D"].hidden = True
    for row in range(4, 10):  # formatted but empty: column H
        sheet.cell(row=row, column=8).number_format = "0.00"
    book.save(path)
    return path


def test_two_row_merged_header_summary_sheet_totals_and_blank_rows(tmp_path):
    [table] = load_path(_two_row_register(tmp_path / "klienti.xlsx"))
    assert table.kind == "register"
    assert table.detected.sheet == "Klienti" and table.detected.header_row == 3
    fields = [c.field for c in table.columns]
    assert fields == [
        "customer_id",
        "name",
        "email",
        "phone",
        "consent_given",
        "shipping_address",
    ]  # merged-down headings name their column, the group qualifies "adrese", H is left out
    assert table.frame["customer_id"].tolist() == ["K-001", "K-002", "K-003"]
    assert table.frame["source_row"].tolist() == [4, 5, 7]
    assert table.frame["phone"].tolist()[2] == "+371 27000000"  # the hidden column is read
    notes = " | ".join(table.notes)
    assert "sheet 'Kopsavilkums' skipped" in notes
    assert "row 9: a totals row, left out" in notes
    assert "taken as customer register" in notes


def test_totals_rows_in_every_spelling_are_left_out_of_a_csv(tmp_path):
    rows = [ORDER_HEADINGS, *ORDER_ROWS]
    for word in ("Kopā", "Total", "Summa", "KOPĀ:"):
        rows.append([word, "", "", "", "", "", "", "1 246,50", ""])
    table = load_file(write_csv(tmp_path / "orders.csv", rows))
    assert table.frame["order_id"].tolist() == ["M-2475405-25", "M-2475406-25"]
    assert "rows 4, 5, 6, 7: totals rows, left out" in table.notes


def test_a_second_sheet_of_the_same_layout_is_read_as_its_own_source(tmp_path):
    path = tmp_path / "register.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Klienti"
    book.active.append(REGISTER_HEADINGS)
    book.active.append(REGISTER_ROWS[0])
    archive = book.create_sheet("Arhīvs")
    archive.append(REGISTER_HEADINGS)
    for row in REGISTER_ROWS[1:]:
        archive.append(row)
    book.create_sheet("Piezīmes").append(["Te nav datu"])
    book.save(path)
    tables = load_inputs([path])
    assert [(t.source, t.rows) for t in tables] == [
        ("register.xlsx [Klienti]", 1),
        ("register.xlsx [Arhīvs]", 2),
    ]
    assert tables[1].frame["source_sheet"].unique().tolist() == ["Arhīvs"]
    assert tables[1].frame["customer_id"].tolist() == ["K-002", "K-003"]
    assert any("sheet 'Piezīmes' skipped" in n for n in tables[0].notes)


def test_xlsm_is_read(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(REGISTER_HEADINGS)
    book.active.append(REGISTER_ROWS[0])
    book.save(tmp_path / "register.xlsm")
    table = load_file(tmp_path / "register.xlsm")
    assert table.kind == "register" and table.detected.format == "xlsm"


def _ods(path, rows):
    """A minimal OpenDocument spreadsheet of string cells (``rows`` of texts)."""
    return write_ods_xml(
        path,
        [
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{c}</text:p>'
                "</table:table-cell>"
                for c in row
            )
            + "</table:table-row>"
            for row in rows
        ],
    )


def test_ods_is_read(tmp_path):
    path = _ods(tmp_path / "register.ods", [REGISTER_HEADINGS, *REGISTER_ROWS])
    table = load_file(path)
    assert table.kind == "register" and table.detected.format == "ods"
    assert table.frame["customer_id"].tolist() == ["K-001", "K-002", "K-003"]


# ------------------------------------------------------------------ cells that are not blanks


def _with_cells(path, consent_cells):
    """A register whose consent column holds the given (value, formula, cached result) cells,
    written by xlsxwriter, which stores a formula's result only when told one."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Klienti")
    sheet.write_row(0, 0, REGISTER_HEADINGS)
    for n, (row, cell) in enumerate(zip(REGISTER_ROWS, consent_cells, strict=True), start=1):
        sheet.write_row(n, 0, row)
        kind, text, result = cell
        if kind == "formula":
            sheet.write_formula(n, 3, text, None, result)
    book.close()
    return path


def test_error_cells_and_formulas_without_results_are_findings(tmp_path):
    path = _with_cells(
        tmp_path / "register.xlsx",
        [("formula", "=NA()", "#N/A"), ("value", "", ""), ("formula", '=IF(1,"Jā","Nē")', 0)],
    )
    # xlsxwriter writes a result of 0 as <v>0</v>; make the third a formula with no result
    without_formula_results(path, rb"0")
    table = load_file(path)
    assert [(p.source_row, p.field) for p in table.problems] == [
        (2, "consent_given"),
        (4, "consent_given"),
    ]
    details = [p.detail for p in table.problems]
    assert "an Excel error (#N/A)" in details[0]
    assert "a formula saved without its result" in details[1]
    result = audit(tables=[table], as_of=AS_OF)
    unreadable = result.findings[result.findings["detail"].str.contains("unreadable cell")]
    assert unreadable[["source_row", "record_id", "rule_id"]].values.tolist() == [
        [2, "K-001", "DATA-INACCURATE"],
        [4, "K-003", "DATA-INACCURATE"],
    ]


def test_a_column_of_formulas_without_results_is_refused(tmp_path):
    path = _with_cells(
        tmp_path / "register.xlsx",
        [("formula", '=IF(1,"Jā","Nē")', "")] * 3,
    )
    without_formula_results(path)
    message = _refused(path, errors.UnreadableColumn)
    assert "column 'Piekrišana'" in message and "save it again" in message


# ------------------------------------------------------------------ what kind a file is


def test_a_register_with_an_order_and_a_total_column_is_a_register(tmp_path):
    headings = [*REGISTER_HEADINGS, "Pasūtījums", "Kopā"]
    rows = [[*r, "M-1", "12,50"] for r in REGISTER_ROWS]
    table = load_file(write_csv(tmp_path / "klienti.csv", [headings, *rows]))
    assert table.kind == "register"
    assert any("register headings" in n and "vs orders headings" in n for n in table.notes)


def test_a_tie_between_kinds_is_refused(tmp_path):
    rows = [["Klienta ID", "Piekrišana", "Pasūtījums", "Summa"], ["K-1", "Jā", "M-1", "3"]]
    message = _refused(write_csv(tmp_path / "mix.csv", rows), errors.AmbiguousKind)
    assert "equally well" in message


# ------------------------------------------------------------------ text files


def test_excel_unicode_text_utf16_tab_is_read(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_bytes(csv_bytes([ORDER_HEADINGS, *ORDER_ROWS], "\t", "utf-16"))
    table = load_file(path)
    assert table.detected.encoding == "utf-16" and table.detected.delimiter == "\t"
    assert "encoding UTF-16: a UTF-16 byte-order mark (Excel's Unicode text)" in table.notes
    assert table.frame["name"].tolist() == ["Jānis Bērziņš", "Līga Ozoliņa"]


@pytest.mark.parametrize("first", ["utf-8", "cp1257"])
def test_a_file_of_two_encodings_is_refused_at_the_row_where_it_changes(tmp_path, first):
    second = "cp1257" if first == "utf-8" else "utf-8"
    data = csv_bytes([REGISTER_HEADINGS, *REGISTER_ROWS[:2]], encoding=first)
    data += csv_bytes(
        [["K-004", "Jēkabs Liepiņš", "j@example.lv", "Jā", "01.01.2023"]], ";", second
    )
    path = tmp_path / "klienti.csv"
    path.write_bytes(data)
    message = _refused(path, errors.MixedEncoding)
    assert "row 4:" in message
    assert "Jēkabs" not in message


def test_a_short_row_is_a_finding_not_padding(tmp_path):
    rows = [REGISTER_HEADINGS, REGISTER_ROWS[0], REGISTER_ROWS[1][:3], REGISTER_ROWS[2]]
    table = load_file(write_csv(tmp_path / "klienti.csv", rows))
    assert table.rows == 3
    assert [(p.source_row, p.detail) for p in table.problems] == [
        (3, "the row has 3 fields where the header has 5")
    ]


def test_a_file_cut_mid_row_is_refused_naming_the_row(tmp_path):
    data = csv_bytes([REGISTER_HEADINGS, *REGISTER_ROWS])
    path = tmp_path / "klienti.csv"
    path.write_bytes(data[: data.rindex("Jā".encode()) - 1])  # the last row stops after 3 fields
    message = _refused(path, errors.TruncatedFile)
    assert "row 4:" in message and "cut off" in message


def test_every_row_short_is_refused(tmp_path):
    rows = [[*REGISTER_HEADINGS, "Piezīmes", "Adrese"], *REGISTER_ROWS]
    message = _refused(write_csv(tmp_path / "klienti.csv", rows), errors.MalformedRow)
    assert "row 2:" in message and "5 fields where the header has 7" in message


def test_a_128_kb_cell_in_the_first_data_row_is_read(tmp_path):
    note = "Ļoti gara piezīme. " * 7000  # ~130 KB
    rows = [[*ORDER_HEADINGS], [*ORDER_ROWS[0][:6], note, *ORDER_ROWS[0][7:]], ORDER_ROWS[1]]
    table = load_file(write_csv(tmp_path / "orders.csv", rows))
    assert table.rows == 2 and len(table.frame["notes"].iloc[0]) == len(note.strip())


# ------------------------------------------------------------------ folders of exports


def test_a_folder_as_the_administrator_keeps_it(tmp_path):
    folder = tmp_path / "eksporti"
    folder.mkdir()
    write_csv(folder / "mozello-orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    (folder / "mozello-orders (1).csv").write_bytes((folder / "mozello-orders.csv").read_bytes())
    (folder / "notes.txt").write_text("Atcerēties: eksportēt katru mēnesi.\n", "utf-8")
    (folder / "instrukcija.pdf").write_bytes(b"%PDF-1.4\n")
    _two_row_register(folder / "klienti.xlsx")
    (folder / "flagged-records.xlsx").write_bytes((folder / "klienti.xlsx").read_bytes())
    report = folder / "2026-10-01"
    report.mkdir()
    (report / "manifest.json").write_text("{}")
    tables = load_inputs([folder])
    assert [t.source for t in tables] == ["klienti.xlsx", "mozello-orders.csv"]
    skipped = [str(s) for s in tables.skipped]
    assert "flagged-records.xlsx: skipped (a report's own output)." in skipped
    assert "instrukcija.pdf: skipped (not a data file)." in skipped
    assert (
        "mozello-orders (1).csv: skipped (the same bytes as mozello-orders.csv, read once)."
        in skipped
    )
    assert any(
        s.startswith("notes.txt: skipped (not an orders export or register") for s in skipped
    )


def test_a_file_named_explicitly_that_is_neither_kind_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Atcerēties: eksportēt katru mēnesi.\n", "utf-8")
    _refused(path, errors.UnknownHeading, load=lambda p: load_inputs([p]))


def test_a_report_folder_is_never_read(tmp_path):
    report = tmp_path / "reports" / "2026-10-01"
    report.mkdir(parents=True)
    (report / "manifest.json").write_text("{}")
    write_csv(report / "orders-copy.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    with pytest.raises(errors.NoInputFiles):
        load_inputs([report])
    with pytest.raises(errors.BadArgument, match="a report's own output"):
        load_inputs([report / "orders-copy.csv"])


def test_a_report_output_named_explicitly_is_refused(tmp_path):
    path = write_csv(tmp_path / "findings.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    with pytest.raises(errors.BadArgument, match="a report's own output"):
        load_inputs([path])


def test_same_named_files_in_two_folders_stay_two_sources(tmp_path):
    for month, shift in (("2026-09", 0), ("2026-10", 1)):
        (tmp_path / month).mkdir()
        rows = [r[:] for r in ORDER_ROWS]
        for r in rows:
            r[0] = r[0].replace("-25", f"-{25 + shift}")
        write_csv(tmp_path / month / "orders.csv", [ORDER_HEADINGS, *rows])
    tables = load_inputs([tmp_path / "2026-09", tmp_path / "2026-10"])
    assert [t.source for t in tables] == ["2026-09/orders.csv", "2026-10/orders.csv"]
    one = audit(tables=tables[:1], as_of=AS_OF).findings
    both = audit(tables=tables, as_of=AS_OF).findings
    assert len(one) > 0 and len(both) == 2 * len(one)
    assert set(both["source_file"]) == {"2026-09/orders.csv", "2026-10/orders.csv"}


# ------------------------------------------------------------------ messages


def test_an_unreadable_file_names_the_file_and_the_cause(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "open", denied)
    monkeypatch.setattr(type(path), "read_bytes", denied)
    message = _refused(path, errors.UnreadableInput)
    assert "Permission denied" in message


def test_headings_and_paths_with_line_breaks_stay_on_one_line(tmp_path):
    path = tmp_path / "orders\nmarts.csv"
    write_csv(path, [["Krāsa\n(zila/sarkana)"], ["zila"]])  # neither kind: refused
    with pytest.raises(errors.AuditError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "\n" not in message and "orders\\nmarts.csv" in message
    rows = [["Pasūtījuma nr.", "Summa", "Krāsa\n(zila/sarkana)"], ["M-1", "3", "zila"]]
    write_csv(path, rows)
    text = render_inventory(load_inputs([path]))
    assert "Krāsa\\n(zila/sarkana)" in text and "orders\\nmarts.csv" in text
    assert all("(zila/sarkana)" not in line or "Krāsa" in line for line in text.splitlines())


def test_a_fifo_is_named_as_a_fifo(tmp_path):
    import os

    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    with pytest.raises(errors.NotAFile, match="named pipe"):
        load_inputs([fifo])


def test_bom_then_two_encodings(tmp_path):
    data = codecs.BOM_UTF8 + csv_bytes([REGISTER_HEADINGS, REGISTER_ROWS[0]])
    data += csv_bytes([REGISTER_ROWS[1]], encoding="cp1257")
    path = tmp_path / "klienti.csv"
    path.write_bytes(data)
    assert "row 3:" in _refused(path, errors.MixedEncoding)
