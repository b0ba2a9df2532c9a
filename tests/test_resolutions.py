"""Reading decisions back from a filled workbook: job rows, either language, bad files."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import AS_OF, make_table
from test_run import write_inputs, zimes

from zimes_audit.audit import audit
from zimes_audit.errors import BadArgument, CorruptWorkbook
from zimes_audit.report import workbook
from zimes_audit.report.resolutions import read_resolutions


def _book(tmp_path, language):
    rows = [{"customer_id": f"K-{i:03d}", "name": f"Klients {i}", "email": f"k{i}@@inbox",
             "consent_given": True, "consent_at": "2024-01-01", "relationship_start": "2024-01-01"}
            for i in range(8)]  # fmt: skip
    result = audit(tables=[make_table("register", rows)], as_of=AS_OF)
    return workbook.write_workbook(
        tmp_path / "w.xlsx", result.findings, result.frames, [],
        view=workbook.View(language, volume=workbook.Volume(bulk_job_threshold=5, bulk_job_examples=2)),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "sheets", "value", "note"),
    [("lv", ("Darbi", "Atzīmētie"), "Labots", "Piezīme"),
     ("en", ("Jobs", "Flagged"), "Corrected", "Note")],
)  # fmt: skip
def test_a_job_row_and_a_record_row_are_read_back(tmp_path, language, sheets, value, note):
    path = _book(tmp_path, language)
    book = openpyxl.load_workbook(path)
    jobs, flagged = book[sheets[0]], book[sheets[1]]
    header = [c.value for c in jobs[1]]
    jobs.cell(2, header.index(workbook_label(language, "resolution")) + 1, value)
    jobs.cell(2, header.index(note) + 1, "izlaboti visi")
    header = [c.value for c in flagged[1]]
    flagged.cell(2, header.index(workbook_label(language, "resolution")) + 1, "deferred")
    book.save(path)
    records, job_rows = read_resolutions(path)
    assert len(job_rows) == 1
    (job,) = job_rows.values()
    assert job.resolution == "corrected" and job.note == "izlaboti visi" and job.from_job
    assert [d.resolution for d in records.values()] == ["deferred"]
    assert len(list(flagged.iter_rows(min_row=2))) == 2  # a big job: 2 examples of 8


def workbook_label(language, key):
    from zimes_audit.words.labels import labels

    return labels(language).heading(key)


def test_a_file_that_is_no_workbook_of_ours_is_refused(tmp_path):
    other = openpyxl.Workbook()
    other.active.append(["Klients", "Summa"])
    other.save(tmp_path / "cits.xlsx")
    with pytest.raises(BadArgument, match="not a zimes-audit workbook"):
        read_resolutions(tmp_path / "cits.xlsx")
    (tmp_path / "bojats.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(CorruptWorkbook):
        read_resolutions(tmp_path / "bojats.xlsx")


def test_a_missing_resolutions_file_is_one_line(tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    done = zimes("run", str(inputs), "--resolutions", "nav.xlsx", "--no-notebook", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "zimes-audit: kļūda: nav.xlsx: tāda faila vai mapes nav. Pārbaudiet ceļu."
    ]
