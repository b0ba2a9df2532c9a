"""A folder of exports as the administrator keeps it, audited in one run (issue 11, "Done when").

The folder holds, built here from scratch:

* ``mozello-orders.csv`` — a Mozello-like orders export with Latvian labels, one row per cart line,
  ``;``, a UTF-8 byte-order mark, ``DD.MM.YYYY`` dates and decimal commas;
* ``pasutijumu-arhivs-2025.xlsx`` — an archive of orders with a title row above the header and a
  ``Kopā:`` totals row under the data;
* ``klientu-registrs.xlsx`` — the customer register: a ``Kopsavilkums`` summary sheet first, then
  the data sheet with a two-row header of merged cells (``Kontakti`` over ``E-pasts`` and
  ``Tālrunis``, the other headings merged down over both rows);
* ``piezimes.txt`` — the administrator's stray notes;
* ``mozello-orders (1).csv`` — the same export downloaded twice (the same bytes).

Every planted violation is found on the row a person sees in the file (§6, §10.1.1, §11, §12.4),
nothing else is flagged, the totals row and the summary sheet are no records, and the stray file
and the duplicate are named as skipped.  The audit date is pinned.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from loading_helpers import write_csv
from stdnum.lv import pvn

from zimes_audit.cli import main

AS_OF = "2026-11-30"
CODE_IN_NOTES = "161175-19997"  # old-format codes with a valid check digit, of nobody real
CODE_IN_COLUMN = "230885-12344"

ORDERS = "mozello-orders.csv"
DUPLICATE = "mozello-orders (1).csv"
ARCHIVE = "pasutijumu-arhivs-2025.xlsx"
REGISTER = "klientu-registrs.xlsx"
STRAY = "piezimes.txt"

ORDER_HEADINGS = [
    "Pasūtījuma nr.", "Datums", "Apmaksas statuss", "Vārds, uzvārds", "E-pasts", "Tālrunis",
    "Adrese", "Pilsēta", "Pasta indekss", "Piegādes veids", "Piezīmes", "Prece", "Artikuls",
    "Daudzums", "Cena", "Summa",
]  # fmt: skip

# Who is who: the register's customers (and one guest buyer) with their contact data.
ANNA = ("Anna Kalniņa", "anna.kalnina@inbox.lv", "+371 29123456")
MARTINS = ("Mārtiņš Ozols", "martins.ozols@inbox.lv", "+371 26234567")
ROBERTS = ("Roberts Krūmiņš", "roberts.krumins@inbox.lv", "+371 25345678")
EDGARS = ("Edgars Vītols", "edgars.vitols@inbox.lv", "+371 22456789")
GUEST = ("Kristīne Bērziņa", "kristine.berzina@inbox.lv", "+371 27567890")
GUEST_2 = ("Dace Sproģe", "dace.sproge@inbox.lv", "+371 2867890")  # a digit short


def _line(order, date, who, address, product, sku, qty, price, total, notes=""):
    """One cart line of a Mozello export: the order's fields repeated on every line."""
    name, email, phone = who
    return [order, date, "paid", name, email, phone, address, "Rīga", "LV-1011",
            "Omniva pakomāts", notes, product, sku, qty, price, total]  # fmt: skip


ORDER_ROWS = [  # spreadsheet rows 2..7
    _line("M-2611001-26", "03.11.2026", ANNA, "Brīvības iela 21-4", "Linu dvielis", "LD-01",
          "2", "14,90", "41,30"),
    _line("M-2611001-26", "03.11.2026", ANNA, "Brīvības iela 21-4", "Keramikas krūze", "KK-07",
          "1", "11,50", "41,30"),
    _line("M-2611002-26", "09.11.2026", MARTINS, "Tērbatas iela 5", "Vilnas zeķes", "VZ-03",
          "3", "8,00", "24,00"),
    _line("M-2611003-26", "12.11.2026", GUEST, "Lāčplēša iela 40-2", "Bērza kaste", "BK-02",
          "1", "19,99", "19,99", notes=f"Rēķinu, lūdzu, uz p.k. {CODE_IN_NOTES}"),
    _line("M-2611004-26", "18.11.2026", ROBERTS, "Avotu iela 9-12", "Linu galdauts", "LG-11",
          "1", "32,00", "32,00", notes="Zvaniet pirms piegādes"),
]  # fmt: skip


def _orders_csv(folder):
    return write_csv(folder / ORDERS, [ORDER_HEADINGS, *ORDER_ROWS], encoding="utf-8-sig")


def _archive_xlsx(folder):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Arhīvs"
    sheet.append(["Pasūtījumu arhīvs, 2025. gads"])  # title row 1, header row 2
    sheet.append(["Pasūtījuma nr.", "Datums", "Vārds, uzvārds", "E-pasts", "Tālrunis", "Prece",
                  "Daudzums", "Summa", "Apmaksas statuss"])  # fmt: skip
    rows = [  # rows 3..5
        ("M-2509001-25", dt.date(2025, 9, 14), EDGARS, "Vilnas pleds", 1, 59.0),
        ("M-2510002-25", dt.date(2025, 10, 2), ANNA, "Linu dvielis", 2, 29.8),
        ("M-2511003-25", dt.date(2025, 11, 20), GUEST_2, "Keramikas šķīvis", 4, 46.0),
    ]
    for order, date, (name, email, phone), product, qty, total in rows:
        sheet.append([order, date, name, email, phone, product, qty, total, "paid"])
        sheet.cell(sheet.max_row, 2).number_format = "dd.mm.yyyy"
    sheet.append(["Kopā:", None, None, None, None, None, 7, sum(r[-1] for r in rows), None])
    book.save(folder / ARCHIVE)


REGISTER_DATA = [  # rows 3..8 of the data sheet
    # id, first, last, e-mail, phone, personal code, start, end, consent
    ("K-001", "Anna", "Kalniņa", ANNA[1], ANNA[2], None, dt.date(2024, 3, 12), None, "Jā"),
    ("K-002", "Mārtiņš", "Ozols", MARTINS[1], MARTINS[2], CODE_IN_COLUMN, dt.date(2025, 1, 8),
     None, "Jā"),
    ("K-003", "Ilze", "Liepiņa", "ilze.liepina@inbox.lv", "+371 29876543", None,
     dt.date(2016, 4, 2), dt.date(2020, 5, 31), "Jā"),
    ("K-004", "Roberts", "Krūmiņš", ROBERTS[1], ROBERTS[2], None, dt.date(2026, 11, 18), None, "Nē"),
    ("K-005", "Laura", "Zariņa", "laura.zarina@inbox", "+371 23987654", None,
     dt.date(2025, 6, 15), None, "Jā"),
    ("K-006", "Edgars", "Vītols", EDGARS[1], EDGARS[2], None, dt.date(2025, 9, 14), None, "Jā"),
]  # fmt: skip


def _register_xlsx(folder):
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Kopsavilkums"
    for row in (["Klientu reģistrs"], [], ["Klientu skaits", 6], ["Aktīvi klienti", 5],
                ["Atjaunots", dt.date(2026, 11, 28)]):  # fmt: skip
        summary.append(row)
    data = book.create_sheet("Klienti")
    data.append(["Klienta kods", "Vārds", "Uzvārds", "Kontakti", None, "Pers. kods",
                 "Sadarbības sākums", "Sadarbības beigas", "Piekrišana (Jā/Nē)"])  # fmt: skip
    data.append([None, None, None, "E-pasts", "Tālrunis", None, None, None, None])
    data.merge_cells("D1:E1")
    for column in "ABCFGHI":
        data.merge_cells(f"{column}1:{column}2")
    for record in REGISTER_DATA:
        data.append(list(record))
        for column in (7, 8):
            data.cell(data.max_row, column).number_format = "dd.mm.yyyy"
    book.save(folder / REGISTER)


# (file, spreadsheet row, rule): the title row and the two header rows are counted
PLANTED = {
    (ORDERS, 5, "PERSONAL-CODE-IN-TEXT"),  # "p.k. 161175-19997" in the guest's notes
    (ARCHIVE, 5, "DATA-INACCURATE"),  # a phone a digit short
    (REGISTER, 4, "FIELD-UNPERMITTED"),  # a value in "Pers. kods"
    (REGISTER, 5, "RETENTION-EXPIRED"),  # ended 31.05.2020, more than 5 years before as_of
    (REGISTER, 6, "CONSENT-MISSING"),  # "Nē", and an order on 18.11.2026
    (REGISTER, 7, "DATA-INACCURATE"),  # an e-mail with no domain suffix
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """One ``zimes-audit run`` of the folder: its findings, manifest, stdout and stderr."""
    tmp = tmp_path_factory.mktemp("folder")
    folder = tmp / "eksporti"
    folder.mkdir()
    _orders_csv(folder)
    (folder / DUPLICATE).write_bytes((folder / ORDERS).read_bytes())
    _archive_xlsx(folder)
    _register_xlsx(folder)
    (folder / STRAY).write_text(
        "Novembra audits: pārbaudīt arhīvu, atjaunot reģistru.\nPiegādātājam piezvanīt.\n",
        encoding="utf-8",
    )
    out, err, report = io.StringIO(), io.StringIO(), tmp / "report"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", str(folder), "--as-of", AS_OF, "--out", str(report), "--no-notebook",
                     "--lang", "en"])  # fmt: skip
    assert code == 0, err.getvalue()
    with (report / "findings.csv").open(encoding="utf-8", newline="") as handle:
        findings = list(csv.DictReader(handle))
    manifest = json.loads((report / "manifest.json").read_text("utf-8"))
    return findings, manifest, out.getvalue(), err.getvalue()


def _audited_orders(stderr: str) -> str:
    """Which of the two identical downloads was read (the other is named as its duplicate)."""
    skipped = [name for name in (ORDERS, DUPLICATE) if f"zimes-audit: {name}: skipped" in stderr]
    assert len(skipped) == 1, stderr
    return DUPLICATE if skipped == [ORDERS] else ORDERS


def test_the_planted_codes_are_valid_latvian_codes():
    assert pvn.is_valid(CODE_IN_NOTES) and pvn.is_valid(CODE_IN_COLUMN)


def test_every_planted_violation_on_its_row_and_nothing_else(audited):
    findings, _, _, stderr = audited
    read = _audited_orders(stderr)
    found = [
        (
            ORDERS if r["source_file"] == read else r["source_file"],
            int(r["source_row"]),
            r["rule_id"],
        )
        for r in findings
    ]
    assert sorted(found) == sorted(PLANTED)  # each once: the duplicate's findings are not doubled
    by_row = {(r["source_file"], int(r["source_row"])): r for r in findings}
    assert by_row[(read, 5)]["record_id"] == "M-2611003-26"
    assert by_row[(ARCHIVE, 5)]["record_id"] == "M-2511003-25"
    assert by_row[(ARCHIVE, 5)]["field"] == "phone"
    assert [by_row[(REGISTER, n)]["record_id"] for n in (4, 5, 6, 7)] == [
        "K-002", "K-003", "K-004", "K-005"
    ]  # fmt: skip
    assert by_row[(REGISTER, 4)]["field"] == "personal_code"
    assert by_row[(REGISTER, 7)]["field"] == "email"
    clean = {"M-2611001-26", "M-2611002-26", "M-2611004-26", "M-2509001-25", "M-2510002-25",
             "K-001", "K-006"}  # fmt: skip
    assert not clean & {r["record_id"] for r in findings}
    assert CODE_IN_NOTES not in str(findings) and CODE_IN_COLUMN not in str(findings)


def test_the_totals_row_and_the_summary_sheet_are_no_records(audited):
    findings, manifest, stdout, _ = audited
    assert not [r for r in findings if r["source_file"] == ARCHIVE and r["source_row"] == "6"]
    assert not [r for r in findings if "Kopsavilkums" in r["source_file"]]
    inputs = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert sorted(inputs) == sorted([_audited_orders(audited[3]), ARCHIVE, REGISTER])
    assert {name: (i["kind"], i["rows"], i["header_row"]) for name, i in inputs.items()} == {
        _audited_orders(audited[3]): ("orders", 5, 1),
        ARCHIVE: ("orders", 3, 2),
        REGISTER: ("register", 6, 2),
    }
    assert inputs[REGISTER]["sheet"] == "Klienti"
    assert "row 6: a totals row, left out" in inputs[ARCHIVE]["notes"]
    assert any(n.startswith("sheet 'Kopsavilkums' skipped") for n in inputs[REGISTER]["notes"])
    assert "6 findings in 14 records" in stdout


def test_the_stray_file_and_the_duplicate_are_named_as_skipped(audited):
    _, _, _, stderr = audited
    read = _audited_orders(stderr)
    other = DUPLICATE if read == ORDERS else ORDERS
    assert f"zimes-audit: {other}: skipped (the same bytes as {read}, read once)." in stderr
    assert f"zimes-audit: {STRAY}: skipped (not an orders export or register" in stderr
    assert len(stderr.strip().splitlines()) == 2  # nothing else: no warning, no traceback


def test_the_second_download_is_the_one_named_duplicate(audited):
    assert _audited_orders(audited[3]) == ORDERS
