"""Data-subject requests (issue 26): find everything about one person, answer access, erasure,
correction and objection, and record the request with no personal value in the history."""

from __future__ import annotations

import csv
import shlex
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT

from zimes_audit.cli import main
from zimes_audit.loading import load_inputs
from zimes_audit.procedure.policy import load_policy
from zimes_audit.report.requests import RequestStore
from zimes_audit.subject.answer import Ask, answer
from zimes_audit.subject.identifiers import Identifiers
from zimes_audit.subject.lookup import find_subject, sources_of
from zimes_audit.subject.outcome import left_of

RECEIVED = date(2026, 11, 5)
ORDER_HEADINGS = ["Pasūtījuma nr.", "Datums", "Klienta nr.", "Vārds, uzvārds", "E-pasts",
                  "Tālrunis", "Summa", "Statuss", "Piezīmes"]  # fmt: skip
REGISTER_HEADINGS = ["Klienta nr.", "Vārds, uzvārds", "E-pasts", "Tālrunis", "Attiecību sākums",
                     "Piekrišana", "Jaunumu saņemšana", "Nodots parādu piedziņai"]  # fmt: skip
# Līga Ozoliņa (K-00007): in the register, on the marketing list, handed to debt collection;
# orders under two e-mail addresses (one linked by her customer id, one a guest order).
LIGA = ["Līga Ozoliņa", "liga.ozolina@inbox.lv", "+371 29111111"]
ORDERS = [
    ["M-2020-0001", "05.03.2020", "K-00007", LIGA[0], LIGA[1], LIGA[2], "12,50", "Apmaksāts", ""],
    ["M-2025-0042", "10.06.2025", "K-00007", "Liga Ozolina", "liga.o@gmail.com", "", "30,00",
     "Neapmaksāts", ""],
    ["M-2026-0100", "15.01.2026", "", "Līga Ozoliņa", "liga.o@gmail.com", "", "8,00",
     "Apmaksāts", ""],
    ["M-2026-0101", "20.01.2026", "K-00002", "Jānis Bērziņš", "janis.berzins@inbox.lv",
     "22345678", "45,00", "Apmaksāts", "Piegādāt kopā ar kaimiņienes pasūtījumu, zvanīt 29111111"],
    ["M-2026-0102", "02.02.2026", "K-00009", "Līga Ozoliņa", "liga.ozolina77@gmail.com",
     "26543210", "19,00", "Apmaksāts", ""],
    ["M-2026-0103", "03.02.2026", "K-00004", "Ērika Šmite", "erika.smite@inbox.lv", "29876543",
     "5,00", "Apmaksāts", "Pircēja Ērika Šmite lūdza rēķinu uz erika.smite@inbox.lv"],
]  # fmt: skip
REGISTER = [
    ["K-00002", "Jānis Bērziņš", "janis.berzins@inbox.lv", "22345678", "01.02.2021", "Jā", "Nē", ""],
    ["K-00004", "Ērika Šmite", "erika.smite@inbox.lv", "29876543", "11.04.2022", "Jā", "Jā", ""],
    ["K-00007", *LIGA, "14.05.2019", "Jā", "Jā", "01.03.2026"],
    ["K-00009", "Līga Ozoliņa", "liga.ozolina77@gmail.com", "26543210", "02.02.2026", "Jā", "Nē", ""],
]  # fmt: skip
# every value of the other customers: none may be in the access file or the history
OTHERS = ["Jānis", "Bērziņš", "janis.berzins", "22345678", "Ērika", "Šmite", "erika.smite",
          "29876543", "liga.ozolina77", "26543210", "K-00002", "K-00004", "K-00009"]  # fmt: skip
HERS = ["Ozoliņa", "liga.ozolina@inbox.lv", "liga.o@gmail.com", "29111111"]


def write_inputs(folder: Path, orders=ORDERS, register=REGISTER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "pasutijumi.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(ORDER_HEADINGS)
        writer.writerows(orders)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    sheet.append(REGISTER_HEADINGS)
    for row in register:
        sheet.append(row)
    book.save(folder / "klienti.xlsx")
    return folder


def sheet_rows(path: Path, sheet: str | None = None) -> list[dict]:
    book = openpyxl.load_workbook(path)
    cells = list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))
    return [dict(zip(cells[0], r, strict=True)) for r in cells[1:]]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    return write_inputs(tmp_path_factory.mktemp("subject") / "eksports")


@pytest.fixture(scope="module")
def found(inputs):
    sources = sources_of(load_inputs([inputs]))
    ids = Identifiers.of(emails=["Liga.Ozolina@inbox.lv"], region="LV")
    return find_subject(sources, ids), sources


def test_every_record_and_mention_of_the_person_is_found(found):
    result, _ = found
    keys = sorted({r.key for r in result.records})
    assert keys == ["orders:M-2020-0001", "orders:M-2025-0042", "orders:M-2026-0100",
                    "register:K-00007"]  # fmt: skip
    assert [(m.key, m.column, m.what) for m in result.mentions] == [
        ("orders:M-2026-0101", "notes", "phone")
    ]
    # the other Līga Ozoliņa shares only the name: listed, not merged
    assert sorted({r.key for r in result.uncertain}) == ["orders:M-2026-0102", "register:K-00009"]


def test_a_confirmed_record_joins_the_person(found):
    _, sources = found
    ids = Identifiers.of(emails=["liga.ozolina@inbox.lv"], region="LV")
    result = find_subject(sources, ids, confirm := ["register:K-00009"])
    assert "register:K-00009" in {r.key for r in result.records}
    assert "orders:M-2026-0102" in {r.key for r in result.records}  # by its customer id
    assert result.uncertain == [] and confirm


def test_a_phone_number_written_otherwise_finds_her(found):
    _, sources = found
    result = find_subject(sources, Identifiers.of(phones=["29 111 111"], region="LV"))
    assert "register:K-00007" in {r.key for r in result.records}
    assert {r.key for r in result.records} >= {"orders:M-2025-0042"}  # via her customer id


@pytest.fixture(scope="module")
def access(inputs, tmp_path_factory):
    base = tmp_path_factory.mktemp("access")
    done = answer([inputs], Identifiers.of(emails=["liga.ozolina@inbox.lv"], region="LV"), Ask(
                  request="access", received=RECEIVED, out=base / "piekluve",
                  history=base / "reports" / "zimes-history.sqlite"))  # fmt: skip
    return done, base


def test_the_access_file_holds_her_values_with_section_purpose_term_and_recipient(access):
    done, _ = access
    rows = sheet_rows(done.folder / "access.xlsx", "Dati")
    values = {(r["Fails"], r["Rinda"], r["Kolonna"]): r for r in rows}
    email = values[("klienti.xlsx", "4", "E-pasts")]
    assert email["Vērtība"] == "liga.ozolina@inbox.lv"
    assert email["Kategorija (6.)"] == "kontaktinformācija (6.2.)"
    assert "4.1." in email["Mērķis (4.)"] and "3.2." in email["Tiesiskais pamats (3.)"]
    assert "5 gadus" in email["Glabāšanas termiņš"]
    assert email["Glabā līdz"] == "kamēr attiecības turpinās"
    assert "parādu piedziņas" in email["Saņēmēji"]  # she was handed over (§4.2)
    # the order under her other address is hers: kept while her relationship lasts
    other = values[("pasutijumi.csv", "4", "E-pasts")]
    assert (
        other["Vērtība"] == "liga.o@gmail.com"
        and other["Glabā līdz"] == "kamēr attiecības turpinās"
    )
    marketing = values[("klienti.xlsx", "4", "Jaunumu saņemšana")]
    assert "10.1.2." in marketing["Mērķis (4.)"] and "3.1." in marketing["Tiesiskais pamats (3.)"]
    assert all(r["Mērķis (4.)"] and r["Glabāšanas termiņš"] for r in rows)
    mention = sheet_rows(done.folder / "access.xlsx", "Pieminējumi citos ierakstos")
    assert [m["Vērtība"] for m in mention] == [
        "Piegādāt kopā ar kaimiņienes pasūtījumu, zvanīt 29111111"
    ]


def test_no_debt_collector_is_named_for_someone_never_handed_over(tmp_path):
    """Jānis (K-00002) was never handed to debt collection — his flag says *Nē* — so his
    values go to the platform (his orders) and to no debt collector (§4.2)."""
    register = [[*row[:-1], "Nē"] if row[0] == "K-00002" else row for row in REGISTER]
    inputs = write_inputs(tmp_path / "eksports", register=register)
    done = answer([inputs], Identifiers.of(emails=["janis.berzins@inbox.lv"], region="LV"), Ask(
                  request="access", received=RECEIVED, out=tmp_path / "piekluve",
                  history=tmp_path / "reports" / "zimes-history.sqlite"))  # fmt: skip
    rows = sheet_rows(done.folder / "access.xlsx", "Dati")
    files = {r["Fails"] for r in rows}
    assert files == {"klienti.xlsx", "pasutijumi.csv"}
    assert not [r for r in rows if "parādu piedziņas" in (r["Saņēmēji"] or "")]
    assert {r["Saņēmēji"] for r in rows if r["Fails"] == "pasutijumi.csv"} == {
        "Mozello SIA (reģ. nr. 40203002519), e-veikala platforma (8.)"
    }
    assert "parādu piedziņas" not in (done.folder / "access.html").read_text("utf-8")


def test_the_access_file_holds_no_other_persons_value(access):
    done, _ = access
    for name in ("access.xlsx", "access.html", "lookup.xlsx"):
        path = done.folder / name
        text = path.read_text("utf-8") if name.endswith(".html") else _xlsx_text(path)
        # the administrator's lookup names other records by key only (to confirm or look up)
        for value in OTHERS[:-3] if name == "lookup.xlsx" else OTHERS:
            assert value not in text, (name, value)
    html = (done.folder / "access.html").read_text("utf-8")
    assert all(v in html for v in HERS) and '<html lang="lv">' in html


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v
    )


def test_the_mention_quote_masks_the_other_customer(inputs, tmp_path):
    orders = [
        *ORDERS[:3],
        [*ORDERS[3][:8], "Jānis Bērziņš (22345678) lūdz: atdot Līgai, liga.ozolina@inbox.lv"],
    ]
    folder = write_inputs(tmp_path / "in", orders=orders)
    done = answer([folder], Identifiers.of(emails=["liga.ozolina@inbox.lv"], region="LV"), Ask(
                  request="access", received=RECEIVED, out=tmp_path / "out",
                  history=tmp_path / "h.sqlite"))  # fmt: skip
    [mention] = sheet_rows(done.folder / "access.xlsx", "Pieminējumi citos ierakstos")
    assert mention["Vērtība"] == "J*** B*** ([…]) lūdz: atdot Līgai, liga.ozolina@inbox.lv"


def test_erasure_plan_and_the_history_holds_no_input_value(inputs, tmp_path):
    history = tmp_path / "reports" / "zimes-history.sqlite"
    ids = Identifiers.of(emails=["liga.ozolina@inbox.lv"], customer_ids=["K-00007"], region="LV")
    done = answer([inputs], ids, Ask(request="erasure", received=RECEIVED, out=tmp_path / "dzest",
                  history=history, language="en"))  # fmt: skip
    plan = {(r["Record"], r["Action"]): r for r in sheet_rows(done.folder / "plan.xlsx")}
    assert plan[("orders:M-2020-0001", "delete now")]["What to do"].startswith("pasutijumi.csv")
    kept = plan[("orders:M-2025-0042", _REDACT)]
    assert kept["Kept until"] == "2030-06-10" and kept["Fields"] == "E-pasts"
    assert "Mozello → Orders: clear E-pasts" in kept["What to do"]
    assert ("register:K-00007", "remove from commercial notices now") in plan
    raw = history.read_bytes()
    for value in [*HERS, *OTHERS[:-3], "Līga", "Liga", "inbox.lv"]:
        assert value.encode("utf-8") not in raw, value
    assert (history.parent / "zimes-history.secret").stat().st_mode & 0o077 == 0
    [stored] = RequestStore(history).open_requests()
    assert (stored.type, stored.due) == ("erasure", date(2026, 12, 5))


_REDACT = (
    "clear the contacts now, keep the rest until the term ends (accounting, GDPR Art. 17(3)(b))"
)


def test_what_is_left_of_an_erasure_month_by_month(inputs, tmp_path):
    """Recorded in month 1; in month 2 only partly done (named what is left); month 3 all done."""
    ids = Identifiers.of(emails=["liga.ozolina@inbox.lv"], region="LV")
    done = answer([inputs], ids, Ask(request="erasure", received=RECEIVED, out=tmp_path / "p",
                  history=tmp_path / "h.sqlite"))  # fmt: skip
    partly = write_inputs(
        tmp_path / "december",
        orders=[ORDERS[1], *ORDERS[3:]],  # M-2020-0001 and the guest order deleted ...
        register=[r for r in REGISTER if r[0] != "K-00007"],  # ... and her register row
    )  # but M-2025-0042 still holds her e-mail
    left = left_of(done.items, sources_of(load_inputs([partly])), date(2026, 12, 6))
    assert [(i.record_key, why) for i, why in left] == [("orders:M-2025-0042", "email")]
    redacted = [[*ORDERS[1][:4], "", *ORDERS[1][5:]], *ORDERS[3:]]
    carried = write_inputs(
        tmp_path / "january", orders=redacted, register=REGISTER[:2] + REGISTER[3:]
    )
    assert left_of(done.items, sources_of(load_inputs([carried])), date(2027, 1, 6)) == []


def test_the_command_prints_counts_only_and_never_overwrites(inputs, tmp_path, capsys):
    out = tmp_path / "lookup"
    args = ["subject", str(inputs), "--email", "liga.ozolina@inbox.lv", "--out", str(out),
            "--history", str(tmp_path / "h.sqlite")]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == (  # the console: Latvian by default
        "Atrasti ieraksti: 4 (rindas: 4); nedroši (sakrīt tikai vārds): 2; "
        "pieminējumi citu ierakstu tekstā: 1."
    )
    assert not any(v in printed for v in [*HERS, *OTHERS, "Līga"])
    assert sorted(p.name for p in out.iterdir()) == ["lookup.xlsx"]
    assert main(args) == 2  # the folder exists: refused, not overwritten
    assert "jau pastāv" in capsys.readouterr().err  # Latvian, the default
    assert not (tmp_path / "h.sqlite").exists()  # a lookup records no request


def test_objection_plan_and_a_person_nobody_holds(inputs, tmp_path):
    ids = Identifiers.of(customer_ids=["K-00007"], region="LV")
    done = answer([inputs], ids, Ask(request="objection", received=RECEIVED, out=tmp_path / "o",
                  history=tmp_path / "h.sqlite"))  # fmt: skip
    assert [(i.record_key, i.action) for i in done.items] == [
        ("register:K-00007", "stop_marketing")
    ]
    nobody = answer([inputs], Identifiers.of(emails=["x@y.lv"], region="LV"), Ask(out=tmp_path / "n",
                    history=tmp_path / "h.sqlite"))  # fmt: skip
    assert nobody.found.counts() == {"records": 0, "rows": 0, "uncertain": 0, "mentions": 0}


def test_the_history_tables_are_the_stores_own(tmp_path):
    store = RequestStore(tmp_path / "h.sqlite")
    store.record("access", RECEIVED, [("email", "a@b.lv")], [])
    db = sqlite3.connect(tmp_path / "h.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"subject_requests", "subject_request_items"}
    [(subject,)] = db.execute("SELECT subject FROM subject_requests").fetchall()
    assert "a@b.lv" not in subject and len(subject) > 64
    policy = load_policy()
    assert policy.retention_years == 5  # the terms the expectations above are written for


def test_the_readme_section_runs_as_written(tmp_path, monkeypatch, capsys):
    from test_readme import commands

    write_inputs(tmp_path / "exports" / "2026-11")
    monkeypatch.chdir(tmp_path)
    lines = commands("### Answering a customer's request")
    assert len(lines) == 3
    for line in lines:
        words = shlex.split(line)
        assert words[0] == "zimes-audit"
        assert main(words[1:]) == 0, (line, capsys.readouterr().err)
    assert sorted(p.name for p in (tmp_path / "requests").iterdir()) == [
        "2026-12-05-access", "2026-12-05-erasure", "2026-12-05-lookup"
    ]  # fmt: skip
    assert (tmp_path / "requests" / "2026-12-05-access" / "access.html").is_file()
    assert (tmp_path / "reports" / "zimes-history.secret").is_file()
    [erasure] = RequestStore(tmp_path / "reports" / "zimes-history.sqlite").open_requests()
    assert erasure.due == date(2027, 1, 5)
    for path in ("requests/2026-12-05-access/access.html", "reports/zimes-history.secret"):
        ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, path


# ----------------------------------------------------------- the audit of a request, month by month
@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """An erasure received in November; the run of December finds it partly done, the run of
    January carried out."""
    from cli_runner import invoke

    base = tmp_path_factory.mktemp("months")
    november = write_inputs(base / "eksports" / "2026-11")
    erasure = invoke("subject", str(november), "--email", "liga.ozolina@inbox.lv",
                     "--request", "erasure", "--received", "05.11.2026", cwd=base)  # fmt: skip
    assert erasure.returncode == 0, erasure.stderr
    december = write_inputs(
        base / "eksports" / "2026-12",
        orders=[ORDERS[1], *ORDERS[3:]],  # M-2020-0001 and the guest order deleted ...
        register=[r for r in REGISTER if r[0] != "K-00007"],  # ... and her register row
    )  # ... but M-2025-0042, kept for accounting, still holds her e-mail
    redacted = [[*ORDERS[1][:4], "", *ORDERS[1][5:]], *ORDERS[3:]]
    january = write_inputs(base / "eksports" / "2027-01", orders=redacted,
                           register=REGISTER[:2] + REGISTER[3:])  # fmt: skip
    runs = {}
    for folder, as_of in ((november, "2026-11-30"), (december, "2026-12-31"),
                          (january, "2027-01-31")):  # fmt: skip
        notebook = [] if as_of == "2026-12-31" else ["--no-notebook"]  # audit.html: once
        done = invoke("run", str(folder), "--as-of", as_of, *notebook, cwd=base)
        assert done.returncode == 0, done.stderr
        runs[as_of] = (base / "reports" / as_of, done.stdout)
    return base, runs


def _overdue(report: Path) -> list[dict]:
    with (report / "findings.csv").open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["rule_id"] == "SUBJECT-REQUEST-OVERDUE"]


def test_a_request_not_yet_due_is_listed_not_flagged(months):
    _, runs = months
    report, printed = runs["2026-11-30"]
    assert _overdue(report) == []
    [row] = sheet_rows(report / "flagged-records.xlsx", "Pieprasījumi")
    assert (row["Veids"], row["Statuss"]) == ("dzēšana", "atvērts")
    assert row["Termiņš"].date() == date(2026, 12, 5) and row["Ierakstu skaits"] == 4
    assert "orders:M-2025-0042 (email)" in row["Vēl palicis"]
    assert "atvērti pirms šī audita 1, nokavēti 0" in printed


def test_partly_carried_out_it_is_overdue_naming_what_is_left(months):
    _, runs = months
    report, printed = runs["2026-12-31"]
    [finding] = _overdue(report)
    assert (finding["record_id"], finding["field"], finding["action"]) == (
        "M-2025-0042", "email", "REDACT_FIELD"
    )  # fmt: skip
    assert finding["procedure_section"] == "12.4, 10.1.2"
    [row] = sheet_rows(report / "flagged-records.xlsx", "Pieprasījumi")
    assert row["Statuss"] == "nokavēts" and row["Vēl palicis"] == "orders:M-2025-0042 (email)"
    flagged = sheet_rows(report / "flagged-records.xlsx", "Atzīmētie")
    assert any(r["Noteikums"] == "SUBJECT-REQUEST-OVERDUE" for r in flagged)
    assert "pieprasījumi: atvērti pirms šī audita 1, nokavēti 1," in printed
    html = (report / "audit.html").read_text("utf-8")  # the auditor's view lists it, masked
    assert "orders:M-2025-0042 (email)" in html and "2026-11-05-erasure-" in html
    for value in [*HERS, *OTHERS[:-3], "Līga"]:
        assert value not in html, value


def test_carried_out_it_closes_and_the_history_holds_no_input_value(months):
    base, runs = months
    report, printed = runs["2027-01-31"]
    assert _overdue(report) == []
    assert "izpildīti (slēgti) 1." in printed
    history = base / "reports" / "zimes-history.sqlite"
    assert RequestStore(history).open_requests() == []
    raw = history.read_bytes()
    for value in [*HERS, *OTHERS[:-3], "Līga", "Liga", "inbox.lv", "gmail"]:
        assert value.encode("utf-8") not in raw, value


def test_the_synthetic_sample_is_never_checked_against_real_requests(tmp_path):
    from zimes_audit.report.requests_sheet import requests_for_run

    history = tmp_path / "h.sqlite"
    RequestStore(history).record("objection", RECEIVED, [("email", "a@b.lv")], [])
    assert len(requests_for_run([str(write_inputs(tmp_path / "in"))], history)) == 1
    assert requests_for_run([str(ROOT / "data_samples")], history) == []


def test_every_category_says_its_purpose_basis_and_term():
    from zimes_audit.procedure.catalogue import load_catalogue
    from zimes_audit.procedure.processing import load_processing

    processing = load_processing()
    for category in load_catalogue().category_labels:
        for language in ("lv", "en"):
            assert processing.category_name(category, language)
            text = processing.term_text(processing.term_of(category, None), language, years=5)
            assert text
        permitted = category.startswith("6.") or category == "operational"
        assert bool(processing.purposes_of(category, None, "en")) == permitted, category
        assert bool(processing.bases_of(category, None, "en")) == permitted, category
