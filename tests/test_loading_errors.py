"""Every way a load can fail: the exact error type, the file named, and no personal value leaked."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from loading_helpers import ORDER_HEADINGS, ORDER_ROWS, PERSONAL_VALUES, write_csv, write_xlsx

from zimes_audit import errors
from zimes_audit.loading import load_file, load_inputs
from zimes_audit.loading.xlsx_reader import OLE2_MAGIC

PNG = bytes.fromhex("89504E470D0A1A0A0000000D49484452000000010000000108060000001F15C489")
SECRET_CODE = "010180-10006"


def _fails(path, error_type) -> str:
    with pytest.raises(error_type) as caught:
        load_file(path)
    assert type(caught.value) is error_type
    message = str(caught.value)
    assert path.name in message
    for value in [*PERSONAL_VALUES, SECRET_CODE]:
        assert value not in message
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"")
    _fails(path, errors.EmptyFile)


@pytest.mark.parametrize("content", [b"   \r\n\t\n", b"\xef\xbb\xbf\r\n"])
def test_whitespace_only_file(tmp_path, content):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    _fails(path, errors.EmptyFile)


def test_png_renamed_csv_is_binary(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(PNG)
    _fails(path, errors.BinaryFile)


def test_xlsx_renamed_csv_is_binary(tmp_path):
    source = write_xlsx(tmp_path / "o.xlsx", {"S": [ORDER_HEADINGS, *ORDER_ROWS]})
    path = tmp_path / "orders.csv"
    path.write_bytes(source.read_bytes())
    _fails(path, errors.BinaryFile)


def test_control_characters_are_binary(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(bytes(range(1, 9)) * 200)
    _fails(path, errors.BinaryFile)


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "orders.csv"
    # 0x98 is not a character in Windows-1257 and the bytes are not UTF-8 either.
    path.write_bytes("Pasūtījuma nr.;Summa\nM-1;".encode("cp1257") + b"\x98\x98\n")
    _fails(path, errors.UndecodableText)


def test_utf16_with_a_broken_byte_is_undecodable_not_binary(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes("Pasūtījuma nr.\tSumma\nM-1\t1\n".encode("utf-16") + b"\x00\xd8")
    _fails(path, errors.UndecodableText)


def test_no_recognisable_header(tmp_path):
    path = write_csv(
        tmp_path / "orders.csv",
        [["Krāsa", "Izmērs"], ["zila", "M"], [SECRET_CODE, "Jānis Bērziņš"]],
    )
    _fails(path, errors.UnknownHeading)


def test_header_below_row_20_is_not_found(tmp_path):
    rows = [[f"rinda {i}"] for i in range(20)] + [ORDER_HEADINGS, *ORDER_ROWS]
    _fails(write_csv(tmp_path / "orders.csv", rows), errors.UnknownHeading)


def test_neither_orders_nor_register(tmp_path):
    rows = [
        ["Vārds, uzvārds", "E-pasts", "Personas kods"],
        ["Jānis Bērziņš", "janis.berzins@example.lv", SECRET_CODE],
    ]
    message = _fails(write_csv(tmp_path / "people.csv", rows), errors.UnknownFileKind)
    assert "no order id or customer id column" in message


def test_order_id_without_any_order_field(tmp_path):
    rows = [["Pasūtījuma nr.", "E-pasts"], ["M-1", "janis.berzins@example.lv"]]
    message = _fails(write_csv(tmp_path / "o.csv", rows), errors.UnknownFileKind)
    assert "order id column present but none of created at" in message


def _unreadable(table, row: int) -> tuple[str, str]:
    """The unreadable fields and their description on spreadsheet row ``row``."""
    record = table.frame[table.frame["source_row"] == row].iloc[0]
    return record["unreadable_fields"], record["unreadable_detail"]


def test_unparseable_date_is_kept_as_an_unreadable_cell_not_a_refused_file(tmp_path):
    bad = list(ORDER_ROWS[1])
    bad[1] = SECRET_CODE  # a personal code typed into the date column
    rows = [["Pasūtījumi"], ORDER_HEADINGS, ORDER_ROWS[0], bad]
    table = load_file(write_csv(tmp_path / "orders.csv", rows))
    assert table.rows == 2
    assert _unreadable(table, 4) == ("created_at", "unreadable date in created at")
    assert pd.isna(table.frame["created_at"].iloc[1])
    assert pd.isna(table.frame["unreadable_fields"].iloc[0])
    # its text is kept apart for the scans, never in the description
    assert table.frame["unreadable:created_at"].iloc[1] == SECRET_CODE
    assert SECRET_CODE not in table.frame["unreadable_detail"].iloc[1]
    assert [c.unreadable for c in table.columns if c.field == "created_at"] == [1]


def test_unparseable_number_and_yes_no(tmp_path):
    rows = [ORDER_HEADINGS, [*ORDER_ROWS[0][:7], "Jānis Bērziņš", "Jā"]]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert _unreadable(table, 2)[1] == "unreadable number in total"
    rows = [ORDER_HEADINGS, [*ORDER_ROWS[0][:8], "paid"]]
    table = load_file(write_csv(tmp_path / "o.csv", rows))
    assert _unreadable(table, 2) == ("dispatched", "unreadable yes/no value in dispatched")


def test_unparseable_value_in_xlsx(tmp_path):
    bad = list(ORDER_ROWS[0])
    bad[1] = SECRET_CODE
    path = write_xlsx(tmp_path / "orders.xlsx", {"S": [["Pasūtījumi"], [], ORDER_HEADINGS, bad]})
    assert _unreadable(load_file(path), 4)[0] == "created_at"


def test_row_with_more_cells_than_the_header(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(f"Pasūtījuma nr.;Summa\nM-1;1\nM-2;2;{SECRET_CODE}\n", encoding="utf-8")
    message = _fails(path, errors.MalformedRow)
    assert "row 3:" in message and "3 fields where the header has 2" in message


def test_surplus_cell_in_every_row_is_refused_not_dropped(tmp_path):
    """pandas would silently make the first column an index and lose every record."""
    path = tmp_path / "orders.csv"
    path.write_text(
        f"Pasūtījuma nr.;Summa;Personas kods\nM-1;1;{SECRET_CODE};\nM-2;2;{SECRET_CODE};\n",
        encoding="utf-8",
    )
    message = _fails(path, errors.MalformedRow)
    assert "row 2:" in message and "4 fields where the header has 3" in message


def test_random_bytes_named_xlsx(tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    _fails(path, errors.CorruptWorkbook)


def test_truncated_xlsx(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", {"S": [ORDER_HEADINGS, *ORDER_ROWS]}).read_bytes()
    path = tmp_path / "orders.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    _fails(path, errors.CorruptWorkbook)


def test_zip_that_is_not_a_workbook(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "nav darbgrāmata")
    path = tmp_path / "orders.xlsx"
    path.write_bytes(buffer.getvalue())
    _fails(path, errors.CorruptWorkbook)


def test_password_protected_workbook(tmp_path):
    # Excel encrypts a protected workbook into an OLE2 compound file (magic D0 CF 11 E0 A1 B1 1A E1)
    # whose directory names an "EncryptionInfo" stream in UTF-16LE: that is what the loader checks.
    path = tmp_path / "orders.xlsx"
    path.write_bytes(OLE2_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(64))
    _fails(path, errors.ProtectedWorkbook)


def test_old_xls_renamed_xlsx_is_corrupt(tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_bytes(OLE2_MAGIC + bytes(504) + "Workbook".encode("utf-16-le"))
    _fails(path, errors.CorruptWorkbook)


def test_workbook_without_header(tmp_path):
    path = write_xlsx(tmp_path / "orders.xlsx", {"S": [["Krāsa"], ["zila"]]})
    _fails(path, errors.UnknownHeading)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "orders.pdf"
    path.write_bytes(b"%PDF-1.4")
    _fails(path, errors.UnsupportedFileType)
    with pytest.raises(errors.UnsupportedFileType):
        load_inputs([path])


def test_missing_input(tmp_path):
    with pytest.raises(errors.InputNotFound) as caught:
        load_inputs([tmp_path / "nav.csv"])
    assert "nav.csv" in str(caught.value)
    with pytest.raises(errors.InputNotFound):
        load_file(tmp_path / "nav.csv")


def test_folder_without_input_files(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "~$orders.xlsx").write_bytes(b"lock")
    with pytest.raises(errors.NoInputFiles) as caught:
        load_inputs([tmp_path])
    assert str(tmp_path) in str(caught.value)
