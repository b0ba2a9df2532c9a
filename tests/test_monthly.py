"""The monthly loop end to end (issue 13): three months of real workbooks, read back with openpyxl.

Month 1 the administrator runs the audit, then fills in the workbook: an exception with a note
(consent on paper), a false "Dzēsts" (the personal code is still in the notes) and a real
deletion (the customer past the retention term is gone from the next export).  Month 2 must show
exactly that, with due dates unchanged and an untouched finding overdue; month 3 keeps the
exception and the history holds three runs.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
from test_run import zimes

from zimes_audit.report.history import History

MONTHS = ("2026-11-01", "05.12.2026", "2027-01-05")
ORDER_HEADINGS = ["Pasūtījuma nr.", "Datums", "Apmaksas statuss", "Klienta nr.", "Vārds, uzvārds",
                  "E-pasts", "Tālrunis", "Adrese", "Piezīmes", "Summa"]  # fmt: skip
ORDERS = [
    ["M-2475401-25", "04.03.2025 10:15", "paid", "K-00001", "Jānis Bērziņš",
     "janis.berzins@inbox.lv", "+371 22345678", "Brīvības iela 12-5, Rīga", "", "24,20"],
    ["M-2475402-25", "11.05.2025 09:00", "paid", "K-00002", "Līga Ozoliņa",
     "liga.ozolina@gmail.com", "+371 29876543", "Čiekurkalna 1. līnija 3", "", "12,00"],
    ["M-2475403-26", "02.02.2026 16:40", "paid", "K-00004", "Pēteris Kalniņš",
     "peteris.kalnins@apollo.lv", "+371 26543210", "Rīgas iela 1, Cēsis", "", "9,99"],
]  # fmt: skip
REGISTER_HEADINGS = ["Klienta nr.", "Vārds, uzvārds", "E-pasts", "Tālrunis", "Attiecību sākums",
                     "Attiecību beigas", "Piekrišana", "Piekrišanas datums", "Piezīmes"]  # fmt: skip
REGISTER = {
    "K-00001": ["Jānis Bērziņš", "janis.berzins@inbox.lv", "+371 22345678", "01.03.2025", "",
                "Jā", "01.03.2025", ""],
    "K-00002": ["Līga Ozoliņa", "liga.ozolina@gmail.com", "+371 29876543", "01.05.2025", "",
                "Nē", "", ""],  # CONSENT-MISSING → accepted exception (paper consent)
    "K-00003": ["Ērika Šmite", "erika.smite@inbox.lv", "+371 27654321", "10.01.2015",
                "30.06.2019", "Jā", "10.01.2015", ""],  # RETENTION-EXPIRED → really deleted
    "K-00004": ["Pēteris Kalniņš", "peteris.kalnins@apollo.lv", "+371 26543210", "01.02.2026",
                "", "Jā", "01.02.2026", "p.k. 161175-19997, zvanīt vakarā"],  # false "Dzēsts"
    "K-00005": ["Aija Zālīte", "aija.zalite@@inbox", "+371 28765432", "01.09.2026", "", "Jā",
                "01.09.2026", ""],  # DATA-INACCURATE, left alone → overdue
}  # fmt: skip
PERSONAL = ["Jānis", "Bērziņš", "Ozoliņa", "Šmite", "Kalniņš", "Zālīte", "janis.berzins",
            "liga.ozolina", "erika.smite", "aija.zalite", "22345678", "29876543", "26543210",
            "161175-19997", "Brīvības"]  # fmt: skip
NOTE = "Piekrišana papīra formā, arhīva mape 2025/7"


def write_shop(folder: Path, orders, register) -> None:
    """A month's exports as the shop keeps them: ``orders`` rows in a `;` UTF-8 (BOM) CSV, the
    ``register`` rows under a title and a blank line in ``klienti.xlsx`` (shared by the loop tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "pasutijumi.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(ORDER_HEADINGS)
        writer.writerows(orders)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    sheet.append(['SIA "ZĪMES" klientu reģistrs'])
    sheet.append([])
    sheet.append(REGISTER_HEADINGS)
    for row in register:
        sheet.append(row)
    book.save(folder / "klienti.xlsx")


def write_month(folder: Path, customers: list[str]) -> None:
    orders = [o for o in ORDERS if o[3] in customers]
    write_shop(folder, orders, ([cid, *REGISTER[cid]] for cid in customers))


def rows_of(path: Path, sheet: str) -> list[dict]:
    book = openpyxl.load_workbook(path)
    cells = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(cells[0], r, strict=True)) for r in cells[1:] if any(v is not None for v in r)]


def decide(path: Path, decisions: dict[str, tuple[str, str]]) -> None:
    """Fill in Risinājums / Piezīme / Kas lēma on the Flagged rows, as the administrator does."""
    book = openpyxl.load_workbook(path)
    sheet = book["Atzīmētie"]
    header = [c.value for c in sheet[1]]
    key, resolution = header.index("Atslēga"), header.index("Risinājums")
    for row in sheet.iter_rows(min_row=2):
        for wanted, (value, note) in decisions.items():
            if row[key].value == wanted:
                row[resolution].value = value
                row[header.index("Piezīme")].value = note
                row[header.index("Kas lēma")].value = "IK"
    book.save(path)


EXCEPTION = "register:K-00002|CONSENT-MISSING|consent_given"
FALSE_DONE = "register:K-00004|PERSONAL-CODE-IN-TEXT|notes"
DELETED = "register:K-00003|RETENTION-EXPIRED|relationship_end"
LEFT_ALONE = "register:K-00005|DATA-INACCURATE|email"


def play_months(base: Path) -> list[tuple[Path, object]]:
    """The loop as the administrator plays it, through the command line: month 1, the workbook
    filled in, month 2 (its notebook executed: test_evidence reads it), month 3.  Played once
    per test session (conftest ``months``)."""
    inputs = base / "eksports"
    runs = []
    for number, as_of in enumerate(MONTHS):
        customers = list(REGISTER) if number == 0 else [c for c in REGISTER if c != "K-00003"]
        write_month(inputs, customers)
        notebook = [] if number == 1 else ["--no-notebook"]
        done = zimes("run", str(inputs), "--as-of", as_of, *notebook, cwd=base)
        assert done.returncode == 0, done.stderr
        folder = base / done.stdout.split("Pārskats: ")[1].split("/  ")[0]
        runs.append((folder, done))
        if number == 0:
            decide(
                folder / "flagged-records.xlsx",
                {EXCEPTION: ("Izņēmums", NOTE), FALSE_DONE: ("Dzēsts", ""),
                 DELETED: ("Dzēsts", "")},
            )  # fmt: skip
    return runs


def by_key(rows: list[dict]) -> dict[str, dict]:
    return {r["Atslēga"]: r for r in rows}


def test_month_one_is_all_new_with_due_dates_from_the_policy(months):
    _, runs = months
    folder, done = runs[0]
    assert "visi konstatējumi ir jauni" in done.stdout  # the console: Latvian by default
    flagged = by_key(rows_of(folder / "flagged-records.xlsx", "Atzīmētie"))
    assert {EXCEPTION, FALSE_DONE, DELETED, LEFT_ALONE} <= set(flagged)
    assert flagged[FALSE_DONE]["Termiņš"] == datetime(2026, 11, 15)  # REDACT_FIELD: 14 days
    assert flagged[LEFT_ALONE]["Termiņš"] == datetime(2026, 12, 1)  # FIX_DATA: 30 days
    assert {r["Statuss"] for r in flagged.values()} == {"jauns"}
    assert flagged[FALSE_DONE]["Lauks"] == "Piezīmes"  # the file's own heading


def test_month_two_reads_the_decisions_back(months):
    _, runs = months
    folder, done = runs[1]
    path = folder / "flagged-records.xlsx"
    flagged_rows = rows_of(path, "Atzīmētie")
    flagged = by_key(flagged_rows)
    # the accepted exception is not flagged again, and is listed with its note and who decided
    assert EXCEPTION not in flagged
    exceptions = by_key(rows_of(path, "Izņēmumi"))
    assert exceptions[EXCEPTION]["Piezīme"] == NOTE and exceptions[EXCEPTION]["Kas lēma"] == "IK"
    # … while findings.csv stays the complete record of what was found
    found = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    assert ((found.record_id == "K-00002") & (found.rule_id == "CONSENT-MISSING")).any()
    # the false "Dzēsts" is marked done but still present, and comes first
    assert flagged[FALSE_DONE]["Statuss"] == "atzīmēts kā izdarīts, bet joprojām ir"
    assert flagged_rows[0]["Atslēga"] == FALSE_DONE
    # its due date did not move; it is overdue by 20 days
    assert flagged[FALSE_DONE]["Termiņš"] == datetime(2026, 11, 15)
    assert flagged[FALSE_DONE]["Nokavētas dienas"] == 20
    # the real deletion is resolved
    assert DELETED not in flagged
    assert DELETED in by_key(rows_of(path, "Novērstie"))
    # the finding nobody touched is overdue since its fixed due date
    assert flagged[LEFT_ALONE]["Statuss"] == "nokavēts"
    assert flagged[LEFT_ALONE]["Termiņš"] == datetime(2026, 12, 1)
    assert flagged[LEFT_ALONE]["Nokavētas dienas"] == 4
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    counts = manifest["since_last_run"]
    assert counts["exceptions"] == 1 and counts["done_still_present"] == 1
    assert counts["resolved"] >= 1 and counts["overdue"] >= 2
    assert manifest["previous_run"]["path"] == str(runs[0][0].resolve())
    assert f"novērsti {counts['resolved']}," in done.stdout
    assert f"nokavēti {counts['overdue']}, izņēmumi 1," in done.stdout
    summary = {
        r[0].value: r[1].value for r in openpyxl.load_workbook(path)["Kopsavilkums"].iter_rows()
    }
    assert summary["Nokavēti (termiņš pagājis)"] == counts["overdue"]
    assert summary["Visvairāk nokavēts (dienas)"] == 20


def test_month_three_keeps_the_exception_and_the_history_holds_three_runs(months):
    base, runs = months
    folder, _ = runs[2]
    path = folder / "flagged-records.xlsx"
    flagged = by_key(rows_of(path, "Atzīmētie"))
    assert EXCEPTION not in flagged
    assert by_key(rows_of(path, "Izņēmumi"))[EXCEPTION]["Piezīme"] == NOTE
    # no decision this month: the false "Dzēsts" is simply overdue now, its due date unchanged
    assert flagged[FALSE_DONE]["Statuss"] == "nokavēts"
    assert flagged[FALSE_DONE]["Termiņš"] == datetime(2026, 11, 15)
    db = sqlite3.connect(base / "reports" / "zimes-history.sqlite")
    runs_recorded = db.execute("SELECT as_of, previous_run FROM runs ORDER BY as_of").fetchall()
    assert [r[0] for r in runs_recorded] == ["2026-11-01", "2026-12-05", "2027-01-05"]
    assert runs_recorded[0][1] is None and runs_recorded[2][1] is not None
    db.close()
    history = History(base / "reports" / "zimes-history.sqlite")
    dues = set()
    for run in history.runs():
        found = history.findings_of(run.run_id)
        dues |= set(found.loc[found["finding_key"] == FALSE_DONE, "due_date"])
    history.close()
    assert dues == {"2026-11-15"}


def test_the_history_holds_no_personal_value(months):
    base, _ = months
    raw = (base / "reports" / "zimes-history.sqlite").read_bytes()
    assert b"K-00002" in raw  # ids are kept …
    for value in PERSONAL:  # … personal values are not
        assert value.encode("utf-8") not in raw, value


def test_the_sample_and_an_earlier_as_of_are_never_the_baseline(months, tmp_path):
    base, runs = months
    history = tmp_path / "h.sqlite"
    shutil.copy(base / "reports" / "zimes-history.sqlite", history)
    sample = tmp_path / "data_samples"  # `make audit`: a synthetic sample, a later as-of
    made = zimes("sample", "--orders", "40", "--customers", "15", "--out", str(sample),
                 cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    done = zimes("run", str(sample), "--as-of", "2027-01-20", "--no-notebook",
                 "--history", str(history), "--out", str(tmp_path / "s"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "visi konstatējumi ir jauni" in done.stdout  # real runs are no baseline for the sample
    # the run asks the history for the latest earlier run of its series (its own audit date,
    # real with real): a run between two recorded months compares with the earlier one, never
    # the later ones …
    between = zimes("run", str(base / "eksports"), "--as-of", "2026-12-20", "--no-notebook",
                    "--history", str(history), "--out", str(tmp_path / "b"), cwd=tmp_path)  # fmt: skip
    assert between.returncode == 0, between.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text("utf-8"))
    assert manifest["previous_run"]["as_of"] == "2026-12-05"  # never the later runs
    # … after the last month, the last month; before the first, none (every finding new, as
    # month one's run shows end to end)
    book = History(history)
    kinds = {r.as_of.isoformat(): r.input_kinds for r in book.runs()}["2027-01-05"]
    last = book.previous_run(as_of=date(2027, 2, 1), input_kinds=kinds, synthetic=False)
    assert (last.as_of, last.report_folder) == (date(2027, 1, 5), str(runs[2][0].resolve()))
    assert book.previous_run(as_of=date(2026, 10, 1), input_kinds=kinds, synthetic=False) is None
    book.close()
