"""CSV variants: delimiters, encodings, title rows, quoted newlines, odd headings, row numbers."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from loading_helpers import (
    LATVIAN_LETTERS,
    ORDER_HEADINGS,
    ORDER_ROWS,
    csv_bytes,
    orders_csv,
    write_csv,
)

from zimes_audit.loading import UNCLASSIFIED_PREFIX, load_file


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1257"])
def test_every_delimiter_and_encoding_reads_the_same_records(tmp_path, delimiter, encoding):
    path = orders_csv(tmp_path, delimiter=delimiter, encoding=encoding)
    table = load_file(path)
    assert table.detected.format == "csv"
    assert table.detected.delimiter == delimiter
    assert table.detected.encoding == encoding
    assert table.detected.header_row == 1
    assert table.kind == "orders"
    frame = table.frame
    assert frame.name.tolist() == ["Jānis Bērziņš", "Līga Ozoliņa"]
    assert frame.address.tolist() == ["Brīvības iela 12-3, Rīga", "Čiekurkalna 1. līnija 5, Rīga"]
    assert frame.phone.tolist() == ["+371 29123456", "+371 26543210"]
    assert frame.total.tolist() == [12.5, 1234.0]
    assert frame.dispatched.tolist() == [True, False]
    assert frame.created_at.tolist() == [
        pd.Timestamp("2024-01-05 13:45"),
        pd.Timestamp("2024-01-06 09:05"),
    ]
    assert frame.source_row.tolist() == [2, 3]
    assert frame.source_file.tolist() == ["orders.csv", "orders.csv"]
    assert frame.source_sheet.isna().all()
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_cp1257_keeps_every_latvian_letter(tmp_path):
    rows = [["Klienta nr.", "Vārds, uzvārds", "Piekrišana"], ["K-1", LATVIAN_LETTERS, "Jā"]]
    path = write_csv(tmp_path / "reg.csv", rows, encoding="cp1257")
    table = load_file(path)
    assert table.detected.encoding == "cp1257"
    assert table.kind == "register"
    assert table.frame.name.tolist() == [LATVIAN_LETTERS]


def test_title_and_blank_rows_above_the_header_count_in_row_numbers(tmp_path):
    rows = [["Pasūtījumi 2024. gada janvārī"], [], ORDER_HEADINGS, *ORDER_ROWS]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert table.detected.header_row == 3
    assert table.frame.source_row.tolist() == [4, 5]
    assert table.frame.order_id.tolist() == ["M-2475405-25", "M-2475406-25"]


def test_blank_rows_between_records_are_skipped_but_counted(tmp_path):
    rows = [ORDER_HEADINGS, ORDER_ROWS[0], [], [""] * len(ORDER_HEADINGS), ORDER_ROWS[1]]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert table.rows == 2
    assert table.frame.source_row.tolist() == [2, 5]


def test_quoted_newline_is_one_row_and_row_numbers_count_records(tmp_path):
    first = list(ORDER_ROWS[0])
    first[6] = "Zvanīt pirms piegādes,\nkods durvīs 1234"
    rows = [ORDER_HEADINGS, first, ORDER_ROWS[1]]
    table = load_file(write_csv(tmp_path / "o.csv", rows, delimiter=","))
    assert table.frame.notes.tolist()[0] == "Zvanīt pirms piegādes,\nkods durvīs 1234"
    assert table.frame.source_row.tolist() == [2, 3]


def test_odd_case_spacing_and_punctuation_in_headings(tmp_path):
    rows = [
        ["  PASŪTĪJUMA NR. ", "  VĀRDS, UZVĀRDS: ", "e-pasts", "SUMMA:", "Krāsa"],
        ["M-1", "Ērika Ķēniņa", "erika@example.lv", "3,00", "zila"],
    ]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert [c.field for c in table.columns] == ["order_id", "name", "email", "total", None]
    assert [c.heading for c in table.columns][1] == "VĀRDS, UZVĀRDS:"
    assert table.frame["name"].tolist() == ["Ērika Ķēniņa"]
    assert table.frame[UNCLASSIFIED_PREFIX + "Krāsa"].tolist() == ["zila"]
    assert table.columns[4].category == "unclassified"


def test_codes_stay_verbatim_text(tmp_path):
    rows = [
        ["Pasūtījuma nr.", "Summa", "Tālrunis", "Pasta indekss", "Personas kods", "Reģ nr"],
        ["007", "1", "37129123456", "LV-1050", "010180-10006", "40203002519"],
        ["008", "2", "0037129123456", "1050", "32000000001", ""],
    ]
    frame = load_file(write_csv(tmp_path / "o.csv", rows)).frame
    assert frame.order_id.tolist() == ["007", "008"]
    assert frame.phone.tolist() == ["37129123456", "0037129123456"]
    assert frame.zip.tolist() == ["LV-1050", "1050"]
    assert frame.personal_code.tolist() == ["010180-10006", "32000000001"]
    assert frame.company_id.tolist()[0] == "40203002519"
    assert pd.isna(frame.company_id.tolist()[1])
    for column in ("order_id", "phone", "zip", "personal_code", "company_id"):
        assert pd.api.types.is_string_dtype(frame[column]), column


def test_values_are_stripped_and_empty_is_missing(tmp_path):
    rows = [["Pasūtījuma nr.", "Summa", "Piezīmes"], ["  M-1 ", " 2 ", "   "]]
    frame = load_file(write_csv(tmp_path / "o.csv", rows)).frame
    assert frame.order_id.tolist() == ["M-1"]
    assert frame.total.tolist() == [2.0]
    assert frame.notes.isna().all()


def test_blank_heading_without_values_is_dropped_with_values_is_kept(tmp_path):
    rows = [
        ["Pasūtījuma nr.", "", "Summa", ""],
        ["M-1", "", "1", "pk 010180-10006"],
    ]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert [c.heading for c in table.columns] == [
        "Pasūtījuma nr.",
        "Summa",
        "(blank heading, column D)",
    ]
    column = table.columns[2].column
    assert column == UNCLASSIFIED_PREFIX + "(blank heading, column D)"
    assert table.frame[column].tolist() == ["pk 010180-10006"]


def test_duplicate_heading_keeps_first_as_field_and_later_as_unclassified(tmp_path):
    rows = [
        ["Pasūtījuma nr.", "E-pasts", "Summa", "email"],
        ["M-1", "a@example.lv", "1", "b@example.lv"],
    ]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert [(c.field, c.column) for c in table.columns] == [
        ("order_id", "order_id"),
        ("email", "email"),
        ("total", "total"),
        (None, "unclassified:email"),
    ]
    assert table.frame["email"].tolist() == ["a@example.lv"]
    assert table.frame["unclassified:email"].tolist() == ["b@example.lv"]


def test_short_rows_are_padded(tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes(b"Pasutijuma nr.;Summa;Piezimes\nM-1;1\nM-2;2;ok\n")
    frame = load_file(path).frame
    assert frame.order_id.tolist() == ["M-1", "M-2"]
    assert frame.notes.isna().tolist() == [True, False]


def test_header_only_file_loads_with_no_rows(tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes(csv_bytes([ORDER_HEADINGS]))
    table = load_file(path)
    assert table.rows == 0
    assert "order_id" in table.frame.columns


def test_tsv_and_txt_suffixes_are_read(tmp_path):
    for name in ("o.tsv", "o.txt"):
        table = load_file(orders_csv(tmp_path, name, delimiter="\t"))
        assert table.detected.delimiter == "\t"
        assert table.rows == 2


def test_input_file_is_not_modified(tmp_path):
    path = orders_csv(tmp_path, encoding="cp1257")
    before = path.read_bytes(), path.stat().st_mtime_ns
    load_file(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_tab_delimited_last_row_ending_in_empty_cells_is_read_not_called_cut(tmp_path):
    """Trailing tabs are the row's empty last fields, not blank space after the text (found by
    tests/test_layouts_generated.py: the row was refused as a cut file)."""
    path = tmp_path / "o.tsv"
    path.write_bytes(
        "Pasūtījuma nr.\tSumma\tPiezīmes\tKomentārs\r\nM-1\t1\t\t\r\nM-2\t2\t\t\r\n".encode()
    )
    table = load_file(path)
    assert table.frame.order_id.tolist() == ["M-1", "M-2"]
    assert table.frame.total.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1257"])
def test_quoted_line_breaks_across_arrow_blocks_keep_every_record_whole(tmp_path, encoding):
    # Arrow reads in 1 MiB blocks split at line breaks; a note holding line breaks in every few
    # rows puts some block boundaries inside a quoted value, and a note whose second line reads
    # as a whole row (four fields) is split without an error: each note must come back whole
    notes = ["Zvanīt\n1;2;3;pirms piegādes", "", "durvju kods\r\n12;2;3;otrā stāvā", "bez piezīmēm"]
    lines = ["Pasūtījuma nr.;Summa;Vārds, uzvārds;Piezīmes"]
    lines += [f'M-{i};"12,50";"Jānis Bērziņš";"{notes[i % 4]}"' for i in range(60_000)]
    path = tmp_path / "orders.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    frame = load_file(path).frame
    assert len(frame) == 60_000
    assert frame.notes.fillna("").tolist() == [notes[i % 4] for i in range(60_000)]
    assert frame.source_row.iloc[-1] == 60_001  # a note over two lines is one row


def test_a_stray_quote_inside_a_value_keeps_its_row(tmp_path):
    lines = ["Pasūtījuma nr.;Summa;Produkts;Piezīmes"]
    notes = ["a\nb" if i % 7 == 0 else "c" for i in range(50_000)]
    lines += [f'M-{i};3;12" ekrāns;"{note}"' for i, note in enumerate(notes)]
    path = tmp_path / "orders.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode())
    frame = load_file(path).frame
    assert frame.order_id.tolist() == [f"M-{i}" for i in range(50_000)]
    assert frame.notes.tolist() == notes


def test_a_quoted_line_break_where_arrow_splits_its_blocks_is_read_whole(tmp_path):
    # the one note with a line break straddles the end of Arrow's first block (counted from the
    # first record), and its second line reads as a whole row: split there, the text reads
    # without an error, one row a line, the note's first line kept with its line break
    from zimes_audit.loading.csv_reader import BLOCK

    rows = "".join(f'M-{i};"3";"Anna";"bez"\n' for i in range(BLOCK // 20)).encode()
    rows = rows[: rows[: BLOCK - 100].rfind(b"\n") + 1].decode()  # whole rows, room for more
    n = rows.count("\n")
    pad = BLOCK - len(rows.encode()) - len(f'M-{n};"3";"Anna";"') - 5
    note = "x" * pad + "\n1;2;3;otrā rindā"  # its line break 4 bytes before the block's end
    rows += f'M-{n};"3";"Anna";"{note}"\nM-{n + 1};"3";"Anna";"bez"\n'
    path = tmp_path / "orders.csv"
    path.write_bytes(("Pasūtījuma nr.;Summa;Vārds, uzvārds;Piezīmes\n" + rows).encode())
    frame = load_file(path).frame
    assert frame.order_id.tolist() == [f"M-{i}" for i in range(n + 2)]
    assert pad > 0 and frame.notes.iloc[n] == note
