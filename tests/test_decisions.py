"""The monthly loop never loses a decision (issue 25): each test is one way it used to."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import test_monthly
from cli_runner import invoke
from test_monthly import by_key, rows_of

from zimes_audit.cli import main


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("0001-01-01", "before 2000-01-01"),
        ("9999-12-31", "not a date"),
        ("31.11.2026", "there is no such day in the calendar"),
        ("30/11/2026", "not a date"),
        ("2026-11-31", "there is no such day in the calendar"),
        ("30.11.2062", "more than a year after today"),
        ("9999-12-31 --future-as-of", "not a date"),
    ],
)
def test_a_bad_as_of_is_one_line_and_exit_2(tmp_path, capsys, written, says):
    as_of, *flags = written.split()
    code = main(["run", str(tmp_path / "nav"), "--as-of", as_of, *flags, "--lang", "en"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"zimes-audit: error: --as-of {as_of}: ")
    assert says in err[0]


def test_a_day_the_calendar_lacks_is_named_as_such_in_latvian(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nav"), "--as-of", "2026-11-31"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "zimes-audit: kļūda: --as-of 2026-11-31: tādas dienas kalendārā nav. "
        "Rakstiet esošu datumu kā YYYY-MM-DD, DD.MM.YYYY vai DD.MM.YY."
    ]


@pytest.mark.parametrize("written", ["2026-11-30", "30.11.2026", "30.11.26", " 30.11.26"])
def test_every_accepted_as_of_form_is_the_same_date(written):
    from zimes_audit.cli import _audit_date

    assert _audit_date(written, future=False).isoformat() == "2026-11-30"


def test_6_a_short_latvian_date_is_the_audit_date(loop):
    base, _, _, december = loop  # run with --as-of 05.12.26
    assert december[1].startswith("Audits uz 05.12.2026:")  # Latvian by default
    assert (base / "reports" / "2026-12-05" / "flagged-records.xlsx").is_file()


def test_a_far_future_as_of_runs_only_when_confirmed():
    from datetime import date

    from zimes_audit.cli import _audit_date

    assert _audit_date("30.11.2062", future=True) == date(2062, 11, 30)


# -- the monthly loop as an administrator lives it (in-process, no notebook) ------------------
ORDER_HEADINGS = test_monthly.ORDER_HEADINGS
REGISTER_HEADINGS = test_monthly.REGISTER_HEADINGS
ORDERS = [
    *test_monthly.ORDERS,
    ["M-2019001-20", "15.06.2020 12:00", "paid", "K-00006", "Roberts Liepiņš",
     "roberts.liepins@inbox.lv", "+371 25551234", "Vaļņu iela 7, Valmiera", "", "30,00"],
]  # fmt: skip
REGISTER = {
    **test_monthly.REGISTER,
    "K-00006": ["Roberts Liepiņš", "roberts.liepins@inbox.lv", "+371 25551234", "01.01.2015",
                "30.06.2020", "Jā", "01.01.2015", ""],  # ended 2020: erased with his order
}  # fmt: skip
FALSE_DONE = test_monthly.FALSE_DONE  # "Dzests" (typed without diacritics) though still there
UNKNOWN = test_monthly.LEFT_ALONE  # "Gatavs": no such choice
NO_NOTE = test_monthly.EXCEPTION  # "Izņēmums" without a note
NAMED_NOTE = "register:K-00003|RETENTION-EXPIRED|relationship_end"  # a note naming a customer
ERASED = "register:K-00006|RETENTION-EXPIRED|relationship_end"
ERASED_ORDER = "orders:M-2019001-20|RETENTION-EXPIRED|relationship_end"
NOTE = (
    "Roberts Liepiņš lūdza atlikt, Vaļņu iela 7, Valmiera, tālr. +371 25551234, p.k. 161175-19997"
)
SECRETS = ["Roberts", "Liepiņš", "Vaļņu", "Valmiera", "25551234", "161175-19997"]


def write_month(folder: Path, customers: list[str], orders=None) -> None:
    kept = [o for o in ORDERS if o[0] in (orders or [o[0] for o in ORDERS])]
    test_monthly.write_shop(folder, kept, ([cid, *REGISTER[cid]] for cid in customers))


def run(inputs: Path, reports: Path, as_of: str) -> tuple[int, str, str]:
    """``zimes-audit run`` in-process: exit code, stdout, stderr."""
    done = invoke("run", str(inputs), "--as-of", as_of, "--no-notebook", "--reports", str(reports))
    return done.returncode, done.stdout, done.stderr


def folder_of(stdout: str) -> Path:
    return Path(stdout.split("Pārskats: ")[1].split("/  ")[0])


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """November audited; decisions written in its workbook as people write them; November
    re-run to see the effect (and "Gatavs" mended there); K-00006 erased from the register only (his order
    still in the export); December audited (its date written short, as DD.MM.YY)."""
    base = tmp_path_factory.mktemp("loop")
    inputs, reports = base / "eksports", base / "reports"
    write_month(inputs, list(REGISTER))
    first = run(inputs, reports, "2026-11-01")
    assert first[0] == 0, first[2]
    test_monthly.decide(
        folder_of(first[1]) / "flagged-records.xlsx",
        {FALSE_DONE: ("DZESTS", ""), UNKNOWN: ("Gatavs", ""), NO_NOTE: ("Izņēmums", ""),
         NAMED_NOTE: ("Izņēmums", NOTE), ERASED: ("Dzēsts", "")},
    )  # fmt: skip
    rerun = run(inputs, reports, "2026-11-01")
    assert rerun[0] == 0, rerun[2]
    # the administrator mends "Gatavs" in the newest workbook: an exception with a named note
    test_monthly.decide(folder_of(rerun[1]) / "flagged-records.xlsx", {UNKNOWN: ("Izņēmums", NOTE)})
    write_month(inputs, [c for c in REGISTER if c != "K-00006"])
    december = run(inputs, reports, "05.12.26")  # a short Latvian date (test_6)
    assert december[0] == 0, december[2]
    return base, first, rerun, december


def test_1_a_rerun_month_keeps_its_decisions_for_the_next(loop):
    _, first, rerun, december = loop
    rows = by_key(rows_of(folder_of(december[1]) / "flagged-records.xlsx", "Atzīmētie"))
    assert rows[FALSE_DONE]["Statuss"] == "atzīmēts kā izdarīts, bet joprojām ir"
    assert rows[FALSE_DONE]["Termiņš"] == datetime(2026, 11, 15)
    # the re-run applied them too, and said where it read them
    again = by_key(rows_of(folder_of(rerun[1]) / "flagged-records.xlsx", "Atzīmētie"))
    assert again[FALSE_DONE]["Statuss"] == "atzīmēts kā izdarīts, bet joprojām ir"
    workbook = folder_of(first[1]).resolve() / "flagged-records.xlsx"
    assert f"Nolasīti lēmumi: 4 no {workbook}" in rerun[1]
    manifest = json.loads((folder_of(rerun[1]) / "manifest.json").read_text("utf-8"))
    assert manifest["decisions_read"] == [{"workbook": str(workbook), "decisions": 4}]


def test_2_a_decision_not_understood_is_warned_and_listed(loop):
    _, first, rerun, _ = loop
    workbook = folder_of(first[1]).resolve() / "flagged-records.xlsx"
    warnings = [line for line in rerun[2].splitlines() if "brīdinājums" in line]
    assert any(f"{workbook}, lapa Atzīmētie, " in w and 'lēmums "Gatavs" nav saprasts' in w
               for w in warnings), rerun[2]  # fmt: skip
    listed = summary_list(folder_of(rerun[1]) / "flagged-records.xlsx")
    assert ("Gatavs", "nav saraksta izvēle; ierakstiet kādu no saraksta Risinājums") in listed
    rows = by_key(rows_of(folder_of(rerun[1]) / "flagged-records.xlsx", "Atzīmētie"))
    assert rows[UNKNOWN]["Pēdējais lēmums"].startswith("nesaprasts")


def test_3_an_exception_without_a_note_is_not_silently_refused(loop):
    _, _, rerun, _ = loop
    rows = by_key(rows_of(folder_of(rerun[1]) / "flagged-records.xlsx", "Atzīmētie"))
    assert rows[NO_NOTE]["Statuss"] == "izņēmumam vajag piezīmi"
    assert any('lēmumam "Izņēmums" vajag piezīmi' in line for line in rerun[2].splitlines())
    listed = summary_list(folder_of(rerun[1]) / "flagged-records.xlsx")
    assert any(text == "Izņēmums" for text, _ in listed)
    # with a note, it is accepted
    assert NAMED_NOTE not in rows
    assert NAMED_NOTE in by_key(rows_of(folder_of(rerun[1]) / "flagged-records.xlsx", "Izņēmumi"))


def test_4_a_half_done_erasure_stays_under_its_rule_and_due_date(loop):
    _, first, _, december = loop
    path = folder_of(december[1]) / "flagged-records.xlsx"
    rows = by_key(rows_of(path, "Atzīmētie"))
    carried = [r for r in rows.values() if r["Ieraksta nr."] == "M-2019001-20"]
    assert [r["Noteikums"] for r in carried] == ["RETENTION-EXPIRED"]
    assert carried[0]["Statuss"] == "atzīmēts kā izdarīts, bet joprojām ir"
    november = by_key(rows_of(folder_of(first[1]) / "flagged-records.xlsx", "Atzīmētie"))
    assert carried[0]["Termiņš"] == november[ERASED]["Termiņš"]
    assert carried[0]["Apraksts"] == "dzēšana nav pabeigta: ieraksts joprojām ir"
    assert ERASED not in by_key(rows_of(path, "Novērstie"))  # not "resolved" while half done
    found = pd.read_csv(folder_of(december[1]) / "findings.csv", dtype=str, keep_default_na=False)
    mine = found[found.record_id == "M-2019001-20"]
    assert "CONTACT-AFTER-END" not in set(mine.rule_id)


# -- 4: an order naming a customer id the register does not (or no longer) has --------------
KEPT = "M-2475401-25"  # K-00001's order: K-00001 (no finding) is deleted from the register
STRAY = ["M-2475404-26", "03.03.2026 11:00", "paid", "K-00008", "Zane Vītola",
         "zane.vitola@inbox.lv", "+371 29990001", "Avotu iela 4, Rīga", "", "5,00"]  # fmt: skip
OLD = ["M-2019002-19", "15.05.2019 10:00", "paid", "K-00003", "Ērika Šmite",
       "erika.smite@inbox.lv", "+371 27654321", "", "", "7,00"]  # fmt: skip


@pytest.fixture(scope="module")
def gone(tmp_path_factory):
    """November: every customer, their orders, an order naming K-00008 (never in the register)
    and an old order of K-00003 (ended 2019: erased with her).  December: K-00001 (in order),
    K-00003 and K-00006 (both erasures of November) deleted from the register only."""
    base = tmp_path_factory.mktemp("gone")
    inputs, reports = base / "eksports", base / "reports"
    orders = [*ORDERS, STRAY, OLD]
    test_monthly.write_shop(inputs, orders, ([c, *REGISTER[c]] for c in REGISTER))
    november = run(inputs, reports, "2026-11-01")
    assert november[0] == 0, november[2]
    left = [c for c in REGISTER if c not in ("K-00001", "K-00003", "K-00006")]
    test_monthly.write_shop(inputs, orders, ([c, *REGISTER[c]] for c in left))
    december = run(inputs, reports, "2026-12-05")
    assert december[0] == 0, december[2]
    return [folder_of(month[1]) for month in (november, december)]


def test_4_every_order_of_a_customer_gone_from_the_register_is_reported(gone):
    november, december = (_found(folder) for folder in gone)
    rules = november.groupby("record_id")["rule_id"].apply(sorted).to_dict()
    assert KEPT not in rules  # K-00001 in order: nothing to report in November
    assert rules[STRAY[0]] == ["CUSTOMER-NOT-IN-REGISTER"]
    assert _row(november, STRAY[0], "CUSTOMER-NOT-IN-REGISTER")["detail"] == (
        "customer id not in the register"
    )
    rules = december.groupby("record_id")["rule_id"].apply(sorted).to_dict()
    assert rules[KEPT] == ["CUSTOMER-NOT-IN-REGISTER"]
    kept = _row(december, KEPT, "CUSTOMER-NOT-IN-REGISTER")
    assert (kept["detail"], kept["status"], kept["action"], kept["field"]) == (
        "customer deleted from the register; the order is still here", "new", "REVIEW",
        "customer_id",
    )  # fmt: skip
    stray = _row(december, STRAY[0], "CUSTOMER-NOT-IN-REGISTER")
    assert stray["detail"] == "customer id not in the register"  # never in it: worded apart
    # an erasure of November still half done: under its own rule and due date, nothing milder
    # and no second finding saying the customer is gone
    assert rules["M-2019001-20"] == ["RETENTION-EXPIRED"]
    assert _row(december, "M-2019001-20", "RETENTION-EXPIRED")["detail"] == (
        "erasure not finished: the record is still present"
    )
    # K-00003's old order is still flagged under the erasure's rule: shown once under it
    assert rules[OLD[0]] == ["CUSTOMER-NOT-IN-REGISTER", "RETENTION-EXPIRED"]
    flagged = by_key(rows_of(gone[1] / "flagged-records.xlsx", "Atzīmētie"))
    first = by_key(rows_of(gone[0] / "flagged-records.xlsx", "Atzīmētie"))
    carried = [r for r in flagged.values() if r["Ieraksta nr."] == "M-2019001-20"]
    assert [r["Termiņš"] for r in carried] == [first[ERASED]["Termiņš"]]
    assert flagged[f"orders:{KEPT}|CUSTOMER-NOT-IN-REGISTER|customer_id"]["Apraksts"] == (
        "klients dzēsts no reģistra; pasūtījums joprojām ir"
    )
    still = flagged[f"orders:{STRAY[0]}|CUSTOMER-NOT-IN-REGISTER|customer_id"]
    assert (
        still["Termiņš"]
        == first[f"orders:{STRAY[0]}|CUSTOMER-NOT-IN-REGISTER|customer_id"]["Termiņš"]
    )


def test_4_the_history_keeps_the_register_ids_it_saw_and_no_value(gone):
    import sqlite3

    db = sqlite3.connect(gone[0].parent / "zimes-history.sqlite")
    seen = dict(db.execute("SELECT customer_id, first_seen FROM register_ids").fetchall())
    db.close()
    assert seen == {c: "2026-11-01" for c in REGISTER}  # December's were all known


def _found(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)


def _row(found: pd.DataFrame, record_id: str, rule_id: str) -> pd.Series:
    rows = found[(found.record_id == record_id) & (found.rule_id == rule_id)]
    assert len(rows) == 1, (record_id, rule_id, len(rows))
    return rows.iloc[0]


def test_5_a_note_naming_a_customer_reaches_no_auditor_output(loop):
    base, _, rerun, december = loop
    outputs = {"history": base / "reports" / "zimes-history.sqlite"}
    for name, (_, out, _) in (("re-run", rerun), ("december", december)):
        outputs[f"{name} exceptions"] = folder_of(out) / "results" / "exceptions.parquet"
        outputs[f"{name} manifest"] = folder_of(out) / "manifest.json"
    for name, path in outputs.items():
        raw = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode("utf-8") not in raw, (name, secret)
    table = pd.read_parquet(folder_of(december[1]) / "results" / "exceptions.parquet")
    assert table["note"].str.contains("lūdza atlikt").any()  # the note itself is kept


def test_8_findings_csv_says_what_is_open(loop):
    _, _, rerun, december = loop
    found = pd.read_csv(folder_of(rerun[1]) / "findings.csv", dtype=str, keep_default_na=False)
    status = dict(zip(found.record_id + "|" + found.rule_id, found.status, strict=True))
    assert status["K-00003|RETENTION-EXPIRED"] == "exception"
    assert status["K-00004|PERSONAL-CODE-IN-TEXT"] == "done-but-still-present"
    assert status["K-00002|CONSENT-MISSING"] == "open"
    assert set(found.status) <= {"new", "open", "overdue", "done-but-still-present", "exception"}
    # the console counts open findings by rule; the exception is counted apart
    assert "pieņemtie izņēmumi neskaitot: 1" in rerun[1]
    by_rule = rerun[1].split("pieņemtie izņēmumi neskaitot: 1):")[1].split("\n")
    counted = {tuple(line.split()) for line in by_rule[:12]}
    assert ("RETENTION-EXPIRED", "2") in counted  # of 3: K-00003's is an accepted exception
    assert (found.rule_id == "RETENTION-EXPIRED").sum() == 3


def test_8_the_results_findings_carry_the_status_of_findings_csv(loop):
    """``results/findings.parquet`` (what the notebooks read) says what is open as
    ``findings.csv`` does, finding by finding."""
    _, _, rerun, _ = loop
    folder = folder_of(rerun[1])
    found = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    saved = pd.read_parquet(folder / "results" / "findings.parquet")
    assert list(saved.columns) == [*found.columns, "due_date"]
    key = ["source_file", "source_row", "rule_id"]
    both = found.merge(saved.astype({"source_row": str}), on=key, suffixes=("", "_saved"))
    assert len(both) == len(found) == len(saved)
    assert both["status"].tolist() == both["status_saved"].tolist()
    assert {"exception", "done-but-still-present", "open"} <= set(saved["status"])


def summary_list(path: Path) -> list[tuple[str, str]]:
    """(written, what is wrong) per row of the Summary's *Decisions not understood* list."""
    cells = list(openpyxl.load_workbook(path)["Kopsavilkums"].iter_rows(values_only=True))
    start = [i for i, r in enumerate(cells) if r[0] and str(r[0]).startswith("Lēmumi, kas")]
    assert start, "no list of decisions not understood"
    rows = []
    for row in cells[start[0] + 2 :]:
        if row[0] is None:
            break
        rows.append((row[3], row[4]))
    return rows


# -- 7: keys independent of field order; notes never keep a phone ------------------------------
def test_7_a_finding_key_does_not_depend_on_the_order_of_its_fields():
    from zimes_audit.report.history import finding_keys

    frame = pd.DataFrame({"record_kind": ["orders"] * 2, "source_file": ["o.csv"] * 2,
                          "source_row": [2, 2], "record_id": ["M-1"] * 2,
                          "rule_id": ["CONTACT-AFTER-END"] * 2,
                          "field": ["phone;email;address", "address;email;phone"]})  # fmt: skip
    keys = finding_keys(frame).tolist()
    assert keys[0] == keys[1] == "orders:M-1|CONTACT-AFTER-END|address;email;phone"


@pytest.mark.parametrize(
    "phone", ["+371 22345678", "22345678", "+371-2234-5678", "(+371) 2234 5678", "0037122345678"]
)
def test_7_a_note_never_keeps_a_phone_number(phone):
    from zimes_audit.report.history import scrub_note  # as the history keeps notes

    kept = scrub_note(f"zvanīt {phone} vakarā")
    assert not any(run in kept for run in ("2234", "5678", "22345678")), kept
    assert kept.startswith("zvanīt") and kept.endswith("vakarā")


def test_8_a_finding_flagged_before_and_not_yet_due_is_open(tmp_path):
    from datetime import date

    from test_history import DUE, findings, record

    from zimes_audit.report.history import History
    from zimes_audit.report.resolutions import csv_status

    history = History(tmp_path / "h.sqlite")
    code = ("K-1", "PERSONAL-CODE-IN-TEXT", "REDACT_FIELD", "notes")  # due in 14 days
    mail = ("K-2", "DATA-INACCURATE", "FIX_DATA", "email")  # due in 30 days
    record(history, "nov", date(2026, 11, 1), findings(code, mail))
    later = record(history, "nov20", date(2026, 11, 20), findings(code, mail))
    assert csv_status(later.status).tolist() == ["overdue", "open"]
    assert set(DUE) >= {"REDACT_FIELD", "FIX_DATA"}
