"""`zimes-audit run` end to end, as the administrator runs it: the command line's ``main`` with
its arguments, real files (in this process: ``cli_runner``; test_stopping runs real processes)."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_runner import Invoked, invoke
from conftest import AS_OF

from zimes_audit.audit import audit
from zimes_audit.checks.findings import FINDINGS_COLUMNS

HYPERLINK = '=HYPERLINK("http://x","y")'
ORDERS = [
    [
        "order_id",
        "created_at",
        "payment_status",
        "customer_id",
        "name",
        "email",
        "phone",
        "address",
        "notes",
        "total",
        "Personas kods",
    ],
    [
        "M-2475405-25",
        "2025-03-04 10:15:00",
        "paid",
        "K-00001",
        "Jānis Bērziņš",
        "janis.berzins@inbox.lv",
        "+371 22345678",
        "Brīvības iela 12-5",
        "p.k. 161175-19997",
        "24,20",
        "161175-19997",
    ],
    [
        "M-2475406-25",
        "2026-06-01 09:00:00",
        "paid",
        "K-00002",
        HYPERLINK,
        "liga.ozolina@gmail.com",
        "+371 29876543",
        "Čiekurkalna 1. līnija 3",
        "karte 4111 1111 1111 1111",
        "12,00",
        "",
    ],
    [
        "M-2475407-18",
        "2018-01-15 12:00:00",  # a guest order: ended 2020-01-15, hold over 2025-01-15
        "paid",
        "",
        "Ērika Šmite",
        "erika.smite@inbox.lv",
        "+371 26543210",
        "Rīgas iela 1, Cēsis",
        "Zvanīt 37122345678",
        "9,99",
        "",
    ],
]
REGISTER = [
    ['SIA "ZĪMES" klientu reģistrs'],
    [],
    [
        "Klienta nr.",
        "Vārds, uzvārds",
        "E-pasts",
        "Tālrunis",
        "Attiecību sākums",
        "Attiecību beigas",
        "Piekrišana",
        "Piekrišanas datums",
        "Konta numurs",
        "Piezīmes",
    ],
    [
        "K-00001",
        "Jānis Bērziņš",
        "janis.berzins@inbox.lv",
        "+371 22345678",
        "01.03.2024",
        "",
        "Jā",
        "01.03.2024",
        "LV80HABA0551012345678",
        "",
    ],
    [
        "K-00002",
        HYPERLINK,
        "liga.ozolina@gmail.com",
        "+371 29876543",
        "01.05.2026",
        "",
        "Nē",
        "",
        "",
        "Lūdzu rēķinu uz e-pastu",
    ],
]
PERSONAL_VALUES = [
    "Jānis Bērziņš",
    "janis.berzins@inbox.lv",
    "22345678",
    "161175-19997",
    "4111 1111 1111 1111",
    "LV80HABA0551012345678",
    "liga.ozolina@gmail.com",
    "Ērika Šmite",
    "erika.smite@inbox.lv",
    "Brīvības iela",
]


def write_inputs(folder: Path) -> Path:
    folder.mkdir()
    with (folder / "orders.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(ORDERS)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    for row in REGISTER:
        sheet.append(row)
    book.save(folder / "register.xlsx")
    return folder


def zimes(*args: str, cwd: Path) -> Invoked:
    return invoke(*args, cwd=cwd)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Path, Invoked]:
    base = tmp_path_factory.mktemp("run")
    inputs = write_inputs(base / "inputs")
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    done = zimes("run", str(inputs), "--as-of", AS_OF.isoformat(), "--no-notebook", cwd=base)
    assert done.returncode == 0, done.stderr
    assert {p.name: p.read_bytes() for p in inputs.iterdir()} == before, "inputs were modified"
    return base, inputs, done


def test_every_output_exists_in_the_default_folder(report):
    base, _, done = report
    folder = base / "reports" / AS_OF.isoformat()
    for name in ("flagged-records.xlsx", "findings.csv", "manifest.json", "data-docs/index.html"):
        assert (folder / name).is_file(), name
    assert "Pārskats: reports/2026-11-01/" in done.stdout  # the console: Latvian by default
    assert sorted(p.name for p in (base / "reports").iterdir()) == [
        "2026-11-01",
        "zimes-history.secret",  # the key of the history's hashes (report.requests.history_key)
        "zimes-history.sqlite",
    ]  # no staging left


def test_workbook_reads_back_with_its_sheets_header_filter_and_dropdown(report):
    folder = report[0] / "reports" / AS_OF.isoformat()
    book = openpyxl.load_workbook(folder / "flagged-records.xlsx")
    assert book.sheetnames == ["Darbi", "Kopsavilkums", "Atzīmētie"]
    sheet = book["Atzīmētie"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Ieraksta nr.", "Klients", "Statuss", "Termiņš"]
    assert header.index("Risinājums") < 10  # on screen without scrolling
    assert sheet.freeze_panes == "C2"  # header, record id and customer frozen
    assert sheet.auto_filter.ref.startswith("A1:")
    validations = sheet.data_validations.dataValidation
    assert validations and validations[0].type == "list"
    assert "Dzēsts" in validations[0].formula1
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    code = [
        r
        for r in rows
        if r["Ieraksta nr."] == "M-2475405-25" and r["Noteikums"] == "FIELD-UNPERMITTED"
    ]
    assert code and code[0]["Klients"] == "Jānis Bērziņš" and code[0]["§"] == "6, 8"
    assert code[0]["Lauks"] == "Personas kods"  # the file's own heading
    assert code[0]["Termiņš"].date().isoformat() == "2026-11-15"  # REDACT_FIELD: 14 days
    assert all(r["Risinājums"] is None for r in rows)
    consent = [r for r in rows if r["Noteikums"] == "CONSENT-MISSING"]
    assert consent and consent[0]["Lauks"] == "Piekrišana"
    summary = {
        r[0].value: [c.value for c in r[1:]] for r in book["Kopsavilkums"].iter_rows() if r[0].value
    }
    assert summary["FIELD-UNPERMITTED"][:2] == ["6, 8", 1]
    assert summary["Audita datums"][0].date().isoformat() == "2026-11-01"


def test_a_formula_in_the_input_arrives_as_inert_text(report):
    folder = report[0] / "reports" / AS_OF.isoformat()
    sheet = openpyxl.load_workbook(folder / "flagged-records.xlsx")["Atzīmētie"]
    cells = [
        c
        for row in sheet.iter_rows(min_row=2)
        for c in row
        if c.value and "HYPERLINK" in str(c.value)
    ]
    assert cells, "the customer with the formula-like name should be in the workbook"
    for cell in cells:
        assert cell.data_type == "s"  # a text cell, not a formula
        assert cell.value == HYPERLINK  # shown exactly as it is
        assert cell.quotePrefix  # Excel's "text, never a formula" style


def test_findings_csv_matches_the_library(report):
    base, inputs, _ = report
    folder = base / "reports" / AS_OF.isoformat()
    written = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == [*FINDINGS_COLUMNS, "status"]  # the status: issue 25
    assert set(written.pop("status")) == {"new"}  # the first run: every finding is new
    expected = audit([inputs], as_of=AS_OF).findings[FINDINGS_COLUMNS].astype(str)
    assert written.to_dict("records") == expected.to_dict("records")
    assert set(written["rule_id"]) >= {
        "FIELD-UNPERMITTED",
        "PERSONAL-CODE-IN-TEXT",
        "CARD-NUMBER-IN-TEXT",
        "CONSENT-MISSING",
        "RETENTION-EXPIRED",
    }
    assert (written.loc[written["record_id"] == "K-00001", "source_row"] == "4").all()


def test_manifest_hashes_match_the_inputs(report):
    base, inputs, _ = report
    manifest = json.loads(
        (base / "reports" / AS_OF.isoformat() / "manifest.json").read_text("utf-8")
    )
    assert manifest["as_of"] == "2026-11-01"
    assert manifest["great_expectations_version"] == "1.24.1"
    by_name = {Path(i["path"]).name: i for i in manifest["inputs"]}
    for path in inputs.iterdir():
        assert by_name[path.name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert by_name["orders.csv"]["kind"] == "orders" and by_name["orders.csv"]["rows"] == 3
    assert by_name["orders.csv"]["delimiter"] == ";"
    assert by_name["register.xlsx"]["header_row"] == 3
    assert sum(manifest["counts_by_rule"].values()) == manifest["findings"]
    assert manifest["expectations_run"] == sum(s["expectations"] for s in manifest["suites"])


def test_no_personal_value_in_data_docs_or_manifest(report):
    folder = report[0] / "reports" / AS_OF.isoformat()
    texts = [
        p.read_text("utf-8", errors="replace")
        for p in (folder / "data-docs").rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".js")
    ]
    texts.append((folder / "manifest.json").read_text("utf-8"))
    texts.append((folder / "findings.csv").read_text("utf-8"))
    assert any("zimes_orders" in t for t in texts)
    for value in PERSONAL_VALUES:
        assert not any(value in t for t in texts), "a personal value leaked"


def test_an_existing_report_folder_is_never_touched(report):
    base, inputs, _ = report
    existing = base / "kept"
    existing.mkdir()
    (existing / "note.txt").write_text("administrator's notes", "utf-8")
    done = zimes(
        "run",
        str(inputs),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(existing),
        "--no-notebook",
        cwd=base,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "pārskata mape jau pastāv" in done.stderr
    assert [p.name for p in existing.iterdir()] == ["note.txt"]
    again = zimes("run", str(inputs), "--as-of", AS_OF.isoformat(), "--no-notebook", cwd=base)
    assert again.returncode == 0 and "reports/2026-11-01-2/" in again.stdout


def test_a_failing_run_leaves_nothing_and_names_the_file(tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    # named explicitly, a damaged workbook refuses the run (inside a folder it would be skipped
    # and named: tests/test_hostile_files.py)
    damaged = tmp_path / "zz-second.xlsx"
    damaged.write_bytes(b"PK\x03\x04 this is not really a workbook")
    done = zimes(
        "run",
        str(inputs),
        str(damaged),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(tmp_path / "out"),
        "--no-notebook",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "zz-second.xlsx" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs", "zz-second.xlsx"]


def test_a_bad_cell_is_a_finding_on_its_row_not_a_refused_audit(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    rows = [ORDERS[0], ORDERS[1], [*ORDERS[2][:1], "161175-19997", *ORDERS[2][2:]]]
    with (inputs / "orders.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "report"
    done = zimes(
        "run", str(inputs), "--as-of", AS_OF.isoformat(), "--no-notebook", "--out", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        found = {(r["source_row"], r["rule_id"]): r for r in csv.DictReader(handle)}
    bad = found[("3", "DATA-INACCURATE")]
    assert (bad["field"], bad["detail"]) == ("created_at", "unreadable date in created at")
    # the code typed into the date column is still found, and never written out
    assert found[("3", "PERSONAL-CODE-IN-TEXT")]["field"] == "created_at"
    for text in (done.stdout, done.stderr, (out / "findings.csv").read_text("utf-8")):
        assert "161175" not in text and "Traceback" not in text


def test_help_and_version_do_not_import_pandas_or_gx():
    code = (
        "import sys\nfrom zimes_audit.cli import main\n"
        "for args in (['--help'], ['--version'], ['run', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "print('pandas' in sys.modules, 'great_expectations' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "False False"
    assert "--no-notebook" in done.stdout and "--as-of" in done.stdout


def test_a_usage_mistake_is_one_line(tmp_path):
    done = zimes("run", "exports", "--as-of", "2026-13-01", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "zimes-audit: kļūda: --as-of 2026-13-01: tādas dienas kalendārā nav. "
        "Rakstiet esošu datumu kā YYYY-MM-DD, DD.MM.YYYY vai DD.MM.YY."
    ]


def test_the_next_run_shows_what_was_resolved(tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    first = zimes("run", str(inputs), "--as-of", AS_OF.isoformat(), "--no-notebook", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # the administrator clears the personal code column and the card number, then exports again
    fixed = [row[:] for row in ORDERS]
    fixed[1][-1] = ""
    fixed[2][8] = "Lūdzu zvanīt"
    with (inputs / "orders.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(fixed)
    second = zimes("run", str(inputs), "--as-of", "02.11.2026", "--no-notebook", "--lang", "en",
                   cwd=tmp_path)  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "2 resolved, 0 new" in second.stdout
    folder = tmp_path / "reports" / "2026-11-02"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["previous_run"]["path"].endswith("reports/2026-11-01")
    assert manifest["previous_run"]["resolved"] == 2
    book = openpyxl.load_workbook(folder / "flagged-records.xlsx")
    resolved = {(r[0], r[1]) for r in book["Resolved"].iter_rows(min_row=2, values_only=True)}
    assert resolved == {
        ("M-2475405-25", "FIELD-UNPERMITTED"),
        ("M-2475406-25", "CARD-NUMBER-IN-TEXT"),
    }
    flagged = book["Flagged"]
    header = [c.value for c in flagged[1]]
    statuses = {r[header.index("Status")] for r in flagged.iter_rows(min_row=2, values_only=True)}
    assert statuses == {"still open"}
    assert manifest["previous_run"]["still_open"] == flagged.max_row - 1


def test_a_missing_policy_file_is_one_line(tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    done = zimes(
        "run", str(inputs), "--policy", "nav.toml", "--no-notebook", "--lang", "en", cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "zimes-audit: error: nav.toml: no such file. "
        "Check the --policy path (or leave it out for the shipped policy)."
    ]
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_the_library_run_with_no_inputs_is_refused_not_the_sample_audited(tmp_path):
    """``run_report([])`` names no input: it is refused as the command line refuses it, never
    quietly taken as the shipped sample (``audit()``'s default when given no inputs at all)."""
    from zimes_audit import errors
    from zimes_audit.report.run import RunRequest, run_report

    with pytest.raises(errors.NoInputFiles):
        run_report(RunRequest([], AS_OF, out=tmp_path / "r", notebook=False,
                              history=tmp_path / "h.sqlite"))  # fmt: skip
    assert not (tmp_path / "r").exists()
