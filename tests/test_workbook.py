"""The administrator's workbook beyond the end-to-end run: sheet splitting and cell types."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import openpyxl
import pandas as pd
import pytest
from conftest import AS_OF, make_table

from zimes_audit.audit import audit
from zimes_audit.report import workbook


def _result():
    register = make_table(
        "register",
        [{"customer_id": f"K-{i:03d}", "name": f"Līga Ozoliņa {i}", "email": f"liga{i}@@inbox",
          "consent_given": True, "consent_at": "2024-01-01", "relationship_start": "2024-01-01"}
         for i in range(12)],
    )  # fmt: skip
    return audit(tables=[register], as_of=AS_OF)


def test_findings_past_the_row_limit_continue_on_further_sheets(tmp_path, monkeypatch):
    result = _result()
    assert len(result.findings) == 12  # an invalid e-mail each
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 6)  # 5 findings per sheet
    path = workbook.write_workbook(tmp_path / "w.xlsx", result.findings, result.frames, [])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Darbi", "Kopsavilkums", "Atzīmētie", "Atzīmētie (2)",
                               "Atzīmētie (3)"]  # fmt: skip
    ids = [
        row[0]
        for name in book.sheetnames[2:]
        for row in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert ids == [f"K-{i:03d}" for i in range(12)]
    for name in book.sheetnames[2:]:
        assert book[name].freeze_panes == "C2" and book[name]["A1"].value == "Ieraksta nr."


def test_cells_keep_their_types(tmp_path):
    result = _result()
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [("Audit date (as of)", AS_OF)],
        view=workbook.View("en"),
    )  # fmt: skip
    sheet = openpyxl.load_workbook(path)["Flagged"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert first["Row"] == 2 and isinstance(first["Row"], int)
    assert first["Due date"].date() == date(2026, 12, 1)  # FIX_DATA: 30 days
    assert first["Customer"] == "Līga Ozoliņa 0" and first["E-mail"] == "liga0@@inbox"
    assert first["Rule"] == "DATA-INACCURATE" and first["Resolution"] is None
    assert pd.isna(first["Phone"]) or first["Phone"] is None


LABELS = {
    "lv": (["Darbi", "Kopsavilkums", "Atzīmētie"], "Ieraksta nr.", "Labot datus", "vidējs",
           "nederīga e-pasta adrese", "Izdarīts", "Termiņš"),
    "en": (["Jobs", "Summary", "Flagged"], "Record id", "Fix the data", "medium",
           "invalid e-mail address", "Done", "Due date"),
}  # fmt: skip


@pytest.mark.parametrize("language", ["lv", "en"])
def test_labels_are_latvian_by_default_and_english_on_request(tmp_path, language):
    result = _result()
    kwargs = {} if language == "lv" else {"view": workbook.View("en")}
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [], **kwargs
    )
    sheets, record, action, severity, detail, resolution, due = LABELS[language]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == sheets
    sheet = book[sheets[2]]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert header[0] == record and due in header
    assert first[header[5]] == action and first[header[12]] == severity
    assert first[header[7]] == detail
    dropdown = sheet.data_validations.dataValidation[0]
    assert (
        resolution in dropdown.formula1 and "Deleted" not in dropdown.formula1 or language == "en"
    )
    jobs = book[sheets[0]]
    assert jobs.cell(2, 3).value == 12 and jobs.freeze_panes == "B2"  # one job of 12 records
    # month 1: no Exceptions or Resolved sheet yet, and the Summary says when they appear
    summary = {r[0]: r[1] for r in book[sheets[1]].iter_rows(max_col=2, values_only=True)}
    later = "Lapas Izņēmumi un Novērstie" if language == "lv" else "Sheets Exceptions and Resolved"
    assert summary[later].startswith("vēl nav" if language == "lv" else "not yet")


def _mixed():
    """Register rows with findings of different due dates (policy grace days) and severities."""
    rows = [{"customer_id": f"K-{i:03d}", "name": f"Klients {i}", "email": f"k{i}@@inbox",
             "consent_given": True, "consent_at": "2024-01-01", "relationship_start": "2024-01-01"}
            for i in range(30)]  # fmt: skip
    rows += [{"customer_id": "K-900", "name": "Opt-out", "email": "k900@inbox.lv",
              "consent_given": True, "consent_at": "2024-01-01", "relationship_start": "2024-01-01",
              "marketing_opt_in": True, "marketing_opt_out_at": "2025-01-01"}]  # fmt: skip
    return audit(tables=[make_table("register", rows)], as_of=AS_OF)


def test_flagged_starts_with_the_earliest_due_and_big_jobs_list_examples(tmp_path):
    result = _mixed()
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [],
        view=workbook.View(volume=workbook.Volume(bulk_job_threshold=10, bulk_job_examples=4)),
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    flagged = list(book["Atzīmētie"].iter_rows(min_row=2, values_only=True))
    assert flagged[0][0] == "K-900"  # STOP_MARKETING, 3 days: first
    dues = [r[3] for r in flagged]
    assert dues == sorted(dues)
    assert len(flagged) == 1 + 4  # the 30 invalid e-mails: a big job, 4 examples
    jobs = list(book["Darbi"].iter_rows(min_row=2, values_only=True))
    assert [j[2] for j in jobs] == [1, 30]  # counts: the job row holds them all
    assert jobs[1][14] == "4 / 30"
    assert len(result.findings) == 31  # findings.csv stays complete


def test_overdue_and_done_rows_are_coloured_and_print_setup(tmp_path):
    result = _mixed()
    tracking = workbook._default_tracking(result.findings)
    tracking.days_overdue.iloc[0] = 5
    tracking.status.iloc[1] = "done_still_present"
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [], tracking=tracking
    )
    sheet = openpyxl.load_workbook(path)["Atzīmētie"]
    colours = {r[0].value: r[0].fill.fgColor.rgb for r in sheet.iter_rows(min_row=2)}
    keys = result.findings["record_id"]
    assert colours[keys.iloc[1]].endswith("F8CBAD")  # done but still present
    assert colours[keys.iloc[0]].endswith("FFC7CE")  # overdue
    assert sheet["A2"].value == keys.iloc[1]  # done but still present comes first
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # fit to one page wide (the default)
    assert sheet.page_setup.fitToHeight == 0  # … and as many pages tall as needed
    assert sheet.print_title_rows == "$1:$1"  # the header row repeated on every page


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed; "
    "apt-get install -y libreoffice-calc poppler-utils",
)
def test_the_workbook_prints_with_the_header_on_every_page(tmp_path):
    rows = [{"customer_id": f"K-{i:04d}", "name": f"Klients {i}", "email": f"k{i}@@inbox",
             "consent_given": True, "consent_at": "2024-01-01", "relationship_start": "2024-01-01"}
            for i in range(260)]  # fmt: skip
    result = audit(tables=[make_table("register", rows)], as_of=AS_OF)
    path = workbook.write_workbook(tmp_path / "w.xlsx", result.findings, result.frames, [])
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "w.pdf"), "-"], capture_output=True, text=True
    ).stdout.split("\f")
    flagged = [p for p in pages if p.strip() and p.strip().splitlines()[-1].startswith("Atzīmētie")]
    assert len(flagged) >= 3  # 260 rows: several pages
    for page in flagged:
        lines = page.strip().splitlines()
        assert lines[0].startswith("Izdrukā nav kolonnu: Pēdējais lēmums"), lines[0]  # says so
        first = [line for line in lines[1:] if line.strip()][0]
        assert first.split()[:2] == ["Ieraksta", "nr."], first  # the header row, repeated


def test_past_the_row_limit_the_largest_jobs_become_bulk_jobs_and_flagged_stays_one_sheet(
    tmp_path, monkeypatch
):
    result = _mixed()  # 31 findings: a job of 30 invalid e-mails and one of 1
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 11)  # 10 records fit on a sheet
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [],
        view=workbook.View(volume=workbook.Volume(bulk_job_threshold=1000, bulk_job_examples=4)),
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Darbi", "Kopsavilkums", "Atzīmētie"]  # no "Atzīmētie (2)"
    assert len(list(book["Atzīmētie"].iter_rows(min_row=2))) == 1 + 4
    jobs = list(book["Darbi"].iter_rows(min_row=2, values_only=True))
    assert [(j[2], j[14]) for j in jobs] == [(1, ""), (30, "4 / 30")]  # decided on its row


def test_a_bulk_job_of_exceptions_lists_examples_only(tmp_path):
    result = _mixed()
    tracking = workbook._default_tracking(result.findings)
    invalid = (result.findings["rule_id"] == "DATA-INACCURATE").to_numpy()
    tracking.status[invalid] = "exception"  # accepted on the job row last month
    tracking.exception = pd.DataFrame(
        {"note": ["papīra piekrišana"] * len(invalid), "decided_by": ["AB"] * len(invalid)},
        index=result.findings.index,
    ).where(pd.Series(invalid, index=result.findings.index), None, axis=0)
    path = workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [], tracking=tracking,
        view=workbook.View(volume=workbook.Volume(bulk_job_threshold=10, bulk_job_examples=4)),
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    held = list(book["Izņēmumi"].iter_rows(min_row=2, values_only=True))
    assert len(held) == 4 and {r[5] for r in held} == {"papīra piekrišana"}
    assert [j[2] for j in book["Darbi"].iter_rows(min_row=2, values_only=True)] == [1]


def test_a_jobs_steps_name_its_latest_record_date(tmp_path):
    """The job row's steps say up to which date its records go ("kas datēti līdz …"): the
    latest order date, or the latest end of a relationship, of the job's records (the one join
    to the records, facts.records.record_positions)."""
    register = [{"customer_id": f"K-{i}", "name": f"Klients {i}", "email": f"k{i}@inbox.lv",
                 "relationship_start": "2012-01-01", "relationship_end": end}
                for i, end in enumerate(["2019-06-30", "2020-03-15", "2018-01-02"])]  # fmt: skip
    orders = [{"order_id": f"M-{i}", "created_at": created, "name": "Viesis",
               "email": f"v{i}@inbox.lv", "total": 1.0}
              for i, created in enumerate(["2017-02-03 10:00", "2018-05-06 11:00"])]  # fmt: skip
    result = audit(tables=[make_table("register", register), make_table("orders", orders)],
                   as_of=AS_OF)  # fmt: skip
    path = workbook.write_workbook(tmp_path / "w.xlsx", result.findings, result.frames, [])
    steps = [r[7] for r in openpyxl.load_workbook(path)["Darbi"].iter_rows(min_row=2,
                                                                           values_only=True)]  # fmt: skip
    assert any("3 klientu rindas, kuru attiecības beigušās līdz 15.03.2020" in s for s in steps)
    assert any("2 pasūtījumus, kas datēti līdz 06.05.2018" in s for s in steps), steps


def test_a_long_summary_fact_that_reads_as_a_formula_stays_text(tmp_path):
    """A fact spanning the Summary's columns (a folder name, say) keeps the quote prefix every
    other text cell that starts like a formula has, so Excel never evaluates it on an edit."""
    from zimes_audit.report.workbook import _summary_fact, _Writer

    path = tmp_path / "fact.xlsx"
    w = _Writer(path)
    sheet = w.book.add_worksheet("Kopsavilkums")
    _summary_fact(w, sheet, 0, "Ievaddati", '=HYPERLINK("http://example.invalid","eksports")')
    _summary_fact(w, sheet, 1, "Ievaddati", "eksporti/2026-11/pasūtījumi un klienti")
    w.book.close()
    cells = openpyxl.load_workbook(path)["Kopsavilkums"]
    assert cells["B1"].value.startswith("=HYPERLINK") and cells["B1"].data_type == "s"
    assert cells["B1"].quotePrefix and not cells["B2"].quotePrefix
