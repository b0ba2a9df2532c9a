"""Round trip: records written as CSV (every delimiter × encoding) and as XLSX load back unchanged."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loading_helpers import LATVIAN_LETTERS, write_csv, write_xlsx
from profiles import examples

from zimes_audit.loading import load_file

HEADINGS = [
    "Pasūtījuma nr.",
    "Datums",
    "Vārds, uzvārds",
    "E-pasts",
    "Tālrunis",
    "Piezīmes",
    "Summa",
    "Nosūtīts",
    "Pēdējā saziņa",
]
FIELDS = ["order_id", "created_at", "name", "email", "phone", "notes", "total", "dispatched",
          "last_contact_at"]  # fmt: skip

LETTERS = st.sampled_from("abcdefghijklmnoprstuvz" + LATVIAN_LETTERS)
word = st.text(LETTERS, min_size=1, max_size=10)
name = st.lists(word, min_size=1, max_size=3).map(" ".join).map(str.title)
email = st.from_regex(r"[a-z][a-z0-9.]{0,10}[a-z0-9]@example\.lv", fullmatch=True)
phone = st.integers(0, 9_999_999).map(lambda n: f"+371 2{n:07d}")
note_text = st.text(st.sampled_from("abc ēūž;,\"'\n0123456789" + LATVIAN_LETTERS), max_size=30).map(
    str.strip
)
notes = st.one_of(st.none(), note_text.filter(bool))
created = st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2030, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
contact = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
cents = st.integers(0, 10_000_000)
flag = st.one_of(st.none(), st.booleans())

record = st.fixed_dictionaries(
    {
        "name": name,
        "email": email,
        "phone": phone,
        "notes": notes,
        "created_at": created,
        "total": cents,
        "dispatched": flag,
        "last_contact_at": contact,
    }
)


def _money(c: int) -> str:
    whole, rest = divmod(c, 100)
    return f"{whole:,}".replace(",", " ") + f",{rest:02d}"


def _csv_row(i: int, r: dict) -> list[str]:
    yes_no = {True: "Jā", False: "Nē", None: ""}
    return [
        f"M-{i}-25",
        r["created_at"].strftime("%Y-%m-%d %H:%M:%S"),
        r["name"],
        r["email"],
        r["phone"],
        r["notes"] or "",
        _money(r["total"]),
        yes_no[r["dispatched"]],
        r["last_contact_at"].strftime("%d.%m.%Y"),
    ]


def _xlsx_row(i: int, r: dict) -> list[object]:
    return [
        f"M-{i}-25",
        r["created_at"],
        r["name"],
        r["email"],
        r["phone"],
        r["notes"],
        r["total"] / 100,
        r["dispatched"],
        r["last_contact_at"],
    ]


def _check(table, records: list[dict], first_row: int) -> None:
    frame = table.frame
    assert table.rows == len(records)
    assert [c.field for c in table.columns] == FIELDS
    assert frame.source_row.tolist() == list(range(first_row, first_row + len(records)))
    assert frame.order_id.tolist() == [f"M-{i}-25" for i in range(len(records))]
    for field in ("name", "email", "phone"):
        assert frame[field].tolist() == [r[field] for r in records]
    assert [None if pd.isna(v) else v for v in frame.notes] == [r["notes"] for r in records]
    assert frame.created_at.tolist() == [pd.Timestamp(r["created_at"]) for r in records]
    assert frame.last_contact_at.tolist() == [pd.Timestamp(r["last_contact_at"]) for r in records]
    assert frame.total.round(2).tolist() == [r["total"] / 100 for r in records]
    assert [None if pd.isna(v) else bool(v) for v in frame.dispatched] == [
        r["dispatched"] for r in records
    ]


@settings(
    max_examples=examples(default=10, thorough=100),  # each: 9 CSV dialects and a workbook
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(records=st.lists(record, min_size=1, max_size=8), title_rows=st.integers(0, 2))
def test_csv_and_xlsx_round_trip(records, title_rows):
    above = [["Pasūtījumu eksports"], []][:title_rows]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for delimiter in (",", ";", "\t"):
            for encoding in ("utf-8", "utf-8-sig", "cp1257"):
                rows = [*above, HEADINGS, *(_csv_row(i, r) for i, r in enumerate(records))]
                path = write_csv(base / "o.csv", rows, delimiter, encoding)
                table = load_file(path)
                assert (table.detected.delimiter, table.detected.encoding) == (delimiter, encoding)
                _check(table, records, title_rows + 2)
        rows = [*above, HEADINGS, *(_xlsx_row(i, r) for i, r in enumerate(records))]
        _check(
            load_file(write_xlsx(base / "o.xlsx", {"Pasūtījumi": rows})), records, title_rows + 2
        )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_notes_with_delimiters_quotes_and_newlines(tmp_path, delimiter):
    tricky = 'Ievietot "pie durvīm"; zvanīt,\nja nav mājās'
    rows = [HEADINGS, ["M-1", "2024-01-05 10:00:00", "Ūna", "u@example.lv", "+371 20000000",
                       tricky, "1,00", "", "05.01.2024"]]  # fmt: skip
    table = load_file(write_csv(tmp_path / "o.csv", rows, delimiter))
    assert table.frame.notes.tolist() == [tricky]
