"""The header is chosen by score, not first match; totals and footnotes under the data are left
out (issue 23, parts 1 and 2)."""

from __future__ import annotations

import dataclasses

from conftest import AS_OF
from layout_data import ORDER_HEADINGS, ORDER_ROWS, REGISTER_HEADINGS, REGISTER_ROWS
from loading_helpers import write_csv
from test_layouts_generated import PLAIN, SOURCES, _blocks, findings_of, lay_out, write

from zimes_audit.audit import audit
from zimes_audit.loading import load_path
from zimes_audit.views.inventory import render_inventory


def _plain(kind):
    order = tuple(range(len(_blocks(SOURCES[kind][0], SOURCES[kind][2]))))
    return dataclasses.replace(PLAIN, order=order)


HAND_KEPT = dataclasses.replace(
    _plain("register"), writer="openpyxl", titles=2, blanks=1, group="merged", totals=1,
    footnotes=1, gap_below=True,
)  # fmt: skip


def test_the_hand_kept_register_of_issue_23_is_read_and_audited_as_the_plain_one(tmp_path):
    grid = lay_out("register", HAND_KEPT)
    group_row, sub_row = grid.rows[3], grid.rows[4]
    assert group_row[:4] == ["Nr.p.k.", "Klients", "", "Kontaktinformācija"]
    assert group_row[-1] == "Piezīmes" and sub_row[0] == sub_row[-1] == ""  # merged down
    assert (3, 0, 4, 0) in grid.merges and (3, 1, 3, 2) in grid.merges
    register = write(tmp_path, "register", HAND_KEPT)
    [table] = load_path(register)
    assert (table.detected.header_first, table.detected.header_row) == (4, 5)
    assert [c.field for c in table.columns][:3] == ["row_number", "customer_id", "name"]
    assert table.columns[-1].field == "notes"
    assert table.frame["customer_id"].tolist() == [r[1] for r in REGISTER_ROWS]
    text = render_inventory([table], language="en")
    assert "header rows 4–5" in text
    assert "rows 1, 2 above skipped as titles" in text
    assert "row 15: a totals row, left out" in text and "row 16: a footnote line, left out" in text
    text = render_inventory([table])  # the same notes in Latvian
    assert "virsrakstu rindas 4–5 (grupas rinda virs apakšvirsrakstiem)" in text
    assert "rindas 1, 2 virs tās izlaistas kā nosaukumi" in text
    assert "rinda 15: kopsummu rinda, izlaista" in text
    assert "rinda 16: zemsvītras piezīme, izlaista" in text

    orders = write(tmp_path, "orders", _plain("orders"))
    plain = tmp_path / "plain"
    plain.mkdir()
    expected = findings_of([write(plain, k, _plain(k)) for k in SOURCES])
    assert findings_of([register, orders]) == expected
    assert ("CONSENT-MISSING", "K-0102", "consent given") in expected
    assert not any(record == "" or record.startswith("Kop") for _, record, _ in expected)


def test_the_group_row_alone_is_not_taken_though_it_names_two_fields(tmp_path):
    """``Klients`` and ``Piezīmes`` name fields: the old first match took the group row."""
    rows = [
        ["Klientu saraksts"],
        ["Klients", "", "Piezīmes"],
        ["Klienta ID", "Vārds, uzvārds", ""],
        ["K-0101", "Jānis Bērziņš", "Pastāvīgs klients"],
    ]
    grid_path = write_csv(tmp_path / "klienti.csv", [[*r, "", ""] for r in rows])
    # a register needs a consent or relationship column to be one: add them on the sub row
    rows[1] += ["Sadarbība", ""]
    rows[2] += ["Piekrišana", "Attiecību sākums"]
    rows[3] += ["Jā", "05.01.2020"]
    [table] = load_path(write_csv(grid_path, rows))
    assert [c.heading for c in table.columns] == [
        "Klienta ID", "Vārds, uzvārds", "Piezīmes", "Piekrišana", "Attiecību sākums",
    ]  # fmt: skip
    assert table.detected.header_row == 3 and table.detected.header_first == 2
    assert "row 1 above skipped as a title" in " ".join(table.notes)


def test_a_totals_line_with_the_count_in_the_id_column_is_no_customer(tmp_path):
    rows = [REGISTER_HEADINGS, *REGISTER_ROWS, ["Kopā:", "8", *[""] * 10]]
    table = load_path(write_csv(tmp_path / "klienti.csv", rows))[0]
    assert table.rows == 8 and "8" not in table.frame["customer_id"].tolist()
    assert "row 10: a totals row, left out" in table.notes
    found = audit(tables=[table], as_of=AS_OF).findings
    assert not (found["record_id"] == "8").any()


def test_subtotals_and_footnotes_under_orders_are_left_out_and_named(tmp_path):
    rows = [
        ["Pasūtījumu eksports"],
        ORDER_HEADINGS,
        *ORDER_ROWS[:3],
        ["", "", "", "Starpsumma", "", "", "", "", "1 292,40", ""],
        *ORDER_ROWS[3:],
        ["Total", *[""] * 7, "1 337,50", ""],
        ["* Dati uz 30.11.2026"],
        ["Avots: Mozello eksports"],
    ]
    table = load_path(write_csv(tmp_path / "orders.csv", rows))[0]
    assert table.frame["order_id"].tolist() == [r[0] for r in ORDER_ROWS]
    assert "rows 6, 10: totals rows, left out" in table.notes
    assert "rows 11, 12: footnote lines, left out" in table.notes


def test_a_last_record_with_one_value_is_kept(tmp_path):
    """A lone value under the data is a footnote only when it reads as a note."""
    rows = [REGISTER_HEADINGS, *REGISTER_ROWS, ["", "K-0109", *[""] * 10], ["", "", "Ivars Vītols"]]
    table = load_path(write_csv(tmp_path / "klienti.csv", rows))[0]
    assert table.rows == 10 and table.frame["customer_id"].iloc[-2] == "K-0109"
    assert table.frame["name"].iloc[-1] == "Ivars Vītols"
    assert not any("left out" in note for note in table.notes)


def test_a_footnote_in_an_empty_first_column_does_not_hide_the_totals_word(tmp_path):
    """Found by the generated layouts: column A holds nothing but the footnote, the totals word
    stands in the third column holding values, the count under the id column."""
    rows = [["", *REGISTER_HEADINGS], *(["", *r] for r in REGISTER_ROWS)]
    rows.append(["", "", "8", "Kopā"])  # id (column C) holds the count, the word in column D
    rows.append(["* Dati uz 30.11.2026"])
    table = load_path(write_csv(tmp_path / "klienti.csv", rows))[0]
    assert table.rows == 8
    assert "row 10: a totals row, left out" in table.notes
    assert "row 11: a footnote line, left out" in table.notes
