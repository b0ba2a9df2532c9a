"""``load_inputs``: files and folders, order, hidden and lock files, duplicates."""

from __future__ import annotations

from loading_helpers import ORDER_HEADINGS, ORDER_ROWS, orders_csv, write_csv, write_xlsx

from zimes_audit.loading import load_inputs


def test_folder_contributes_its_data_files_sorted_non_recursively(tmp_path):
    orders_csv(tmp_path, "b_orders.csv")
    write_xlsx(tmp_path / "a_orders.xlsx", {"S": [ORDER_HEADINGS, *ORDER_ROWS]})
    orders_csv(tmp_path, "c_orders.TSV", delimiter="\t")
    orders_csv(tmp_path, ".hidden.csv")
    (tmp_path / "~$a_orders.xlsx").write_bytes(b"lock")
    (tmp_path / "readme.md").write_text("nav dati")
    (tmp_path / "sub").mkdir()
    orders_csv(tmp_path / "sub", "d_orders.csv")
    tables = load_inputs([tmp_path])
    assert [t.path.name for t in tables] == ["a_orders.xlsx", "b_orders.csv", "c_orders.TSV"]
    assert [t.rows for t in tables] == [2, 2, 2]


def test_files_and_folders_mixed_in_given_order_and_read_once(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    first = orders_csv(folder, "orders.csv")
    register = write_csv(tmp_path / "register.csv", [["Klienta nr.", "Piekrišana"], ["K-1", "Jā"]])
    tables = load_inputs([register, folder, first])
    assert [(t.path.name, t.kind) for t in tables] == [
        ("register.csv", "register"),
        ("orders.csv", "orders"),
    ]
    assert tables[0].frame.consent_given.tolist() == [True]
