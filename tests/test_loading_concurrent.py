"""Files read at once and columns typed at once: the outcome is the one-after-the-other one.

``load_inputs`` reads and types up to two files at a time (a thread each) and ``build_table``
cleans and types two columns at a time.  Whatever finishes first, the tables come in input
order, duplicates are decided in input order (the first copy read, the later named), the first
refusal in input order is the one raised, skipped files are named in input order, and each table
is the one the file gives alone (:func:`~zimes_audit.loading.load_path`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from layout_data import REGISTER_HEADINGS, REGISTER_ROWS
from loading_helpers import (
    ORDER_HEADINGS,
    ORDER_ROWS,
    csv_bytes,
    without_formula_results,
    write_csv,
    write_xlsx,
)
from profiles import examples

import zimes_audit.loading as loading
from zimes_audit import errors
from zimes_audit.loading import build, load_inputs, load_path
from zimes_audit.procedure.catalogue import load_catalogue

_DUPLICATE = "the same bytes as {}, read once"
_NOT_AN_EXPORT = "not an orders export or register: "
_CANNOT_BE_READ = "cannot be read: "


def _orders(n: int) -> bytes:
    """An orders export whose bytes say which one it is (its order numbers)."""
    rows = [[f"M-{n}{k:05d}-25", *row[1:]] for k, row in enumerate(ORDER_ROWS)]
    return csv_bytes([ORDER_HEADINGS, *rows])


def _register(n: int) -> bytes:
    rows = [[row[0], f"K-{n}{k:04d}", *row[2:]] for k, row in enumerate(REGISTER_ROWS)]
    return csv_bytes([REGISTER_HEADINGS, *rows])


# what each generated file is: its bytes from a number, its suffix, and what loading it gives
# (None: a table; else the error and the words of its skip line)
_KINDS = {
    "orders": (_orders, ".csv", None),
    "register": (_register, ".csv", None),
    "not an export": (lambda n: csv_bytes([["Krāsa", "Daudzums"], [f"zila {n}", "3"]]), ".csv",
                      (errors.UnknownHeading, _NOT_AN_EXPORT)),
    "empty": (lambda n: b"", ".csv", (errors.EmptyFile, _NOT_AN_EXPORT)),
    "damaged workbook": (lambda n: b"PK\x03\x04" + bytes([n % 256]) * 64, ".xlsx",
                         (errors.CorruptWorkbook, _CANNOT_BE_READ)),
}  # fmt: skip


@dataclass(frozen=True)
class _File:
    kind: str
    number: int  # which bytes: two files of one kind and number have the same bytes

    def data(self) -> bytes:
        return _KINDS[self.kind][0](self.number)


_files = st.lists(
    st.builds(_File, st.sampled_from(sorted(_KINDS)), st.integers(0, 2)), min_size=1, max_size=6
)


def _write(folder: Path, files: list[_File]) -> list[Path]:
    """The files, named so that a folder lists them in the order given."""
    paths = []
    for at, file in enumerate(files):
        path = folder / f"{at:02d}-{file.kind.replace(' ', '-')}{_KINDS[file.kind][1]}"
        path.write_bytes(file.data())
        paths.append(path)
    return paths


def _expected(files: list[_File], paths: list[Path], explicit: bool):
    """One file after the other: the tables' names and the skip lines, or the first refusal
    (its error type and file)."""
    seen: dict[bytes, str] = {}
    tables, skipped = [], []
    for file, path in zip(files, paths, strict=True):
        data = file.data()
        if data in seen:
            skipped.append((path.name, _DUPLICATE.format(seen[data])))
            continue
        seen[data] = path.name
        failure = _KINDS[file.kind][2]
        if failure is None:
            tables.append(path.name)
        elif explicit:
            return failure[0], path
        else:
            skipped.append((path.name, failure[1]))
    return (tables, skipped) if tables else (errors.NoInputFiles, None)


def _outcome(inputs: list[Path]):
    try:
        loaded = load_inputs(inputs)
    except errors.AuditError as error:
        return type(error), error.path
    skipped = [(s.name, s.reason) for s in loaded.skipped]
    return [t.name for t in loaded], skipped, loaded


def _assert_outcome(files: list[_File], paths: list[Path], explicit: bool, inputs: list[Path]):
    expected = _expected(files, paths, explicit)
    got = _outcome(inputs)
    if isinstance(expected[0], type):  # refused: the first refusal in input order
        assert got[0] is expected[0]
        if expected[1] is not None:
            assert Path(got[1]) == expected[1]
        return
    names, skipped, loaded = got
    assert names == expected[0]
    assert [n for n, _ in skipped] == [n for n, _ in expected[1]]
    for (_, reason), (_, words) in zip(skipped, expected[1], strict=True):
        assert reason == words if words.startswith("the same") else reason.startswith(words)
    alone = {p.name: p for p in paths}
    for table in loaded:  # each table the one its file gives alone
        [single] = load_path(alone[table.name])
        pd.testing.assert_frame_equal(table.frame, single.frame)
        assert (table.columns, table.notes, table.detected) == (
            single.columns,
            single.notes,
            single.detected,
        )


@settings(max_examples=examples(default=25, thorough=300), deadline=None)
@given(_files, st.booleans())
def test_files_read_at_once_give_the_one_after_the_other_outcome(files, explicit):
    with tempfile.TemporaryDirectory() as folder:
        paths = _write(Path(folder), files)
        _assert_outcome(files, paths, explicit, paths if explicit else [Path(folder)])


def _big_orders(path: Path, rows: int) -> Path:
    """An orders export of ``rows`` orders: slow enough that the files after it finish first."""
    body = [[f"M-{k:07d}-25", *ORDER_ROWS[k % 2][1:]] for k in range(rows)]
    return write_csv(path, [ORDER_HEADINGS, *body])


def test_a_slow_first_file_still_comes_first_and_its_copy_is_the_duplicate(tmp_path):
    big = _big_orders(tmp_path / "a-orders.csv", 30_000)
    write_xlsx(tmp_path / "b-orders.xlsx", {"S": [ORDER_HEADINGS, *ORDER_ROWS]})
    (tmp_path / "c-orders (1).csv").write_bytes(big.read_bytes())
    (tmp_path / "d-notes.csv").write_text("Atcerēties: eksportēt katru mēnesi.\n", "utf-8")
    write_csv(tmp_path / "e-register.csv", [REGISTER_HEADINGS, *REGISTER_ROWS])
    loaded = load_inputs([tmp_path])
    assert [(t.name, t.rows) for t in loaded] == [
        ("a-orders.csv", 30_000),
        ("b-orders.xlsx", 2),
        ("e-register.csv", len(REGISTER_ROWS)),
    ]
    assert [s.name for s in loaded.skipped] == ["c-orders (1).csv", "d-notes.csv"]
    assert loaded.skipped[0].reason == _DUPLICATE.format("a-orders.csv")


def test_the_first_refusal_in_input_order_is_raised_though_a_later_one_comes_sooner(tmp_path):
    # contacts without an order or customer id: read whole, then refused as neither kind
    contacts = [["Anna Liepa", "anna@example.lv", "+371 29123456"]] * 30_000
    slow = write_csv(tmp_path / "a.csv", [["Vārds, uzvārds", "E-pasts", "Tālrunis"], *contacts])
    fast = tmp_path / "b.csv"
    fast.write_bytes(b"")
    with pytest.raises(errors.UnknownFileKind) as caught:
        load_inputs([slow, fast])
    assert caught.value.path == str(slow)
    with pytest.raises(errors.EmptyFile):
        load_inputs([fast, slow])


def test_a_file_read_at_once_lets_its_bytes_go_before_its_tables_are_built(tmp_path):
    path = write_csv(tmp_path / "orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    held = [path.read_bytes()]
    [table] = loading._typed(path, held, "orders.csv", "0" * 64, load_catalogue())
    assert held == [] and table.rows == 2


def test_columns_typed_at_once_give_the_one_after_the_other_table(tmp_path, monkeypatch):
    headings = [*ORDER_HEADINGS, "Datums 2", "Summa 2"]
    rows = [[*row, row[1], row[7]] for row in ORDER_ROWS]
    odd = [" M-3 ", "nav", *ORDER_ROWS[0][2:], ORDER_ROWS[0][1], " 3 "]
    totals = ["Kopā:", *[""] * 6, "1246,50", "", "", ""]  # left out: the kept rows are taken
    path = write_csv(tmp_path / "orders.csv", [headings, *rows, odd, totals])
    [together] = load_path(path)
    monkeypatch.setattr(build, "COLUMN_WORKERS", 1)
    [alone] = load_path(path)
    assert together.rows == 3 and together.notes[-1] == "row 5: a totals row, left out"
    assert together.frame.order_id.tolist()[-1] == "M-3"
    assert together.frame.unreadable_detail.tolist()[-1] == "unreadable date in created at"
    pd.testing.assert_frame_equal(together.frame, alone.frame)
    assert (together.columns, together.notes) == (alone.columns, alone.notes)


def test_of_two_columns_the_reader_could_not_read_the_first_is_named(tmp_path):
    path = tmp_path / "register.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Klienti")
    sheet.write_row(0, 0, REGISTER_HEADINGS)
    for n, row in enumerate(REGISTER_ROWS, start=1):
        sheet.write_row(n, 0, row)
        for column in (5, 3):
            sheet.write_formula(n, column, '=IF(1,"Jā","Nē")', None, "")
    book.close()
    without_formula_results(path)
    with pytest.raises(errors.UnreadableColumn) as caught:
        load_path(path)
    assert f"column '{REGISTER_HEADINGS[3]}'" in caught.value.reason()


def test_a_file_whose_bytes_cannot_be_taken_waits_its_turn(tmp_path):
    contacts = [["Anna Liepa", "anna@example.lv", "+371 29123456"]] * 30_000
    slow = write_csv(tmp_path / "a.csv", [["Vārds, uzvārds", "E-pasts", "Tālrunis"], *contacts])
    blank = tmp_path / "b.csv"  # more blank lines than any export holds, then more rows
    blank.write_bytes(csv_bytes([ORDER_HEADINGS, *ORDER_ROWS]) + b"\n" * (17 << 20) + b"M-9;x\n")
    with pytest.raises(errors.UnknownFileKind):
        load_inputs([slow, blank])
    with pytest.raises(errors.BlankRun):
        load_inputs([blank, slow])
    orders = write_csv(tmp_path / "c.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    loaded = load_inputs([tmp_path])
    assert [t.name for t in loaded] == ["c.csv"]
    assert [s.name for s in loaded.skipped] == ["a.csv", "b.csv"]
    assert loaded.skipped[1].reason.startswith(_CANNOT_BE_READ) and orders.exists()
