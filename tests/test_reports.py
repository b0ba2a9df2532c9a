"""Finding and reading earlier report folders (report/reports.py): the one finder, the one reader."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.report import reports
from zimes_audit.report.layout import FINDINGS_CSV, MANIFEST

HEADER = ",".join(FINDINGS_COLUMNS)
ROWS = [
    "orders.csv,7,M-2475405-25,PERSONAL-CODE-IN-TEXT,6,high,REDACT_FIELD,notes,personal code (old format) in notes",
    'register.xlsx,3,,CONSENT-MISSING,"3.1, 11",high,DELETE,consent_given,no consent on record',
]


def _report(root: Path, name: str, finished: str | None, *, findings: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    manifest = {"as_of": "2026-11-01", "inputs": [], "policy": {}, "suites": []}
    if finished is not None:
        manifest["finished"] = finished
    (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    if findings:
        (folder / FINDINGS_CSV).write_text("\n".join([HEADER, *ROWS]) + "\n", "utf-8")
    return folder


def test_the_latest_report_is_the_one_that_finished_last_not_the_last_name(tmp_path):
    _report(tmp_path, "2026-11-01-2", "2026-11-01T10:00:00+00:00")
    newest = _report(tmp_path, "2026-11-01-10", "2026-11-01T11:00:00+00:00")
    assert reports.latest_report(tmp_path) == newest


def test_a_malformed_or_missing_manifest_is_skipped_never_a_crash(tmp_path):
    good = _report(tmp_path, "2026-10-01", "2026-10-01T09:00:00+00:00")
    broken = tmp_path / "2026-11-01"
    broken.mkdir()
    (broken / MANIFEST).write_text("{not json", "utf-8")
    listed = tmp_path / "2026-11-02"
    listed.mkdir()
    (listed / MANIFEST).write_text("[1, 2]", "utf-8")  # JSON, but not a manifest
    (tmp_path / "2026-11-03").mkdir()  # a claimed folder without a manifest
    (tmp_path / "notes.txt").write_text("x", "utf-8")
    assert reports.find_reports(tmp_path) == [("2026-10-01T09:00:00+00:00", good)]
    assert reports.latest_report(tmp_path) == good
    assert reports.latest_report(tmp_path, before="2027-01-01") == good


def test_the_latest_report_before_a_time_holds_findings(tmp_path):
    older = _report(tmp_path, "a", "2026-10-01T09:00:00+00:00")
    _report(tmp_path, "b", "2026-10-15T09:00:00+00:00", findings=False)
    _report(tmp_path, "c", "2026-11-02T09:00:00+00:00")  # finished after the run started
    assert reports.latest_report(tmp_path, before="2026-11-01T00:00:00+00:00") == older
    # "b" has no findings.csv: not a complete report (folder.is_report)
    assert reports.latest_report(tmp_path, before="2026-11-01T00:00:00+00:00") == older


def test_no_reports_folder_means_no_latest_report(tmp_path):
    assert reports.latest_report(tmp_path / "missing") is None
    assert reports.latest_report(tmp_path / "missing", before="2027") is None


def test_findings_are_read_with_one_dtype_convention(tmp_path):
    folder = _report(tmp_path, "r", "2026-11-01T10:00:00+00:00")
    frame = reports.read_findings(folder)
    assert list(frame.columns) == FINDINGS_COLUMNS
    assert str(frame["source_row"].dtype) == "Int64"
    assert all(str(frame[c].dtype) == "string" for c in FINDINGS_COLUMNS if c != "source_row")
    assert frame["source_row"].tolist() == [7, 3]
    assert frame["record_id"].tolist() == ["M-2475405-25", ""]  # an empty id stays empty text
    assert frame["procedure_section"].tolist() == ["6", "3.1, 11"]


def test_load_report_lists_what_is_wrong_with_findings_csv(tmp_path):
    missing = _report(tmp_path, "missing", "2026-11-01T10:00:00+00:00", findings=False)
    report = reports.load_report(missing)
    assert report.problems == ["findings.csv is missing"]
    assert list(report.findings.columns) == FINDINGS_COLUMNS and report.findings.empty
    reordered = _report(tmp_path, "reordered", "2026-11-01T10:00:00+00:00", findings=False)
    frame = pd.read_csv(
        _report(tmp_path, "src", "x") / FINDINGS_CSV, dtype="string", keep_default_na=False
    )
    frame[list(reversed(FINDINGS_COLUMNS))].to_csv(reordered / FINDINGS_CSV, index=False)
    assert reports.load_report(reordered).problems == [
        "findings.csv does not have the contracted columns"
    ]
    assert reports.load_report(_report(tmp_path, "fine", "x")).problems == []


def test_load_report_without_a_folder_takes_the_latest_and_refuses_a_broken_one(tmp_path):
    newest = _report(tmp_path, "2026-11-01", "2026-11-01T10:00:00+00:00")
    assert reports.load_report("", reports_root=tmp_path).folder == newest
    (newest / MANIFEST).write_text("{", "utf-8")
    with pytest.raises(FileNotFoundError):
        reports.load_report(newest)


def test_check_inputs_rehashes_each_input(tmp_path):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"order_id\nM-1\n")
    recorded = hashlib.sha256(b"order_id\nM-1\n").hexdigest()
    folder = _report(tmp_path, "r", "x")
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    manifest["inputs"] = [
        {"path": str(data), "sha256": recorded, "kind": "orders", "rows": 1},
        {"path": str(tmp_path / "gone.csv"), "sha256": recorded, "kind": "orders", "rows": 1},
    ]
    (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    report = reports.load_report(folder)
    table = reports.check_inputs(report)
    assert table["status"].tolist() == [reports.MATCH, reports.MISSING]
    assert table["sha256 (now)"].tolist()[0] == recorded
    assert not reports.inputs_verified(report)
    data.write_bytes(b"order_id\nM-2\n")
    assert reports.check_inputs(report)["status"].tolist()[0] == reports.MISMATCH


def test_the_shipped_policy_is_found_and_rehashed(tmp_path):
    from zimes_audit.procedure.policy import SHIPPED_SOURCE, load_policy

    policy = load_policy()
    folder = _report(tmp_path, "r", "x")
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    manifest["policy"] = {"path": SHIPPED_SOURCE, "sha256": policy.sha256, "retention_years": 5}
    (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    table = reports.check_policy(reports.load_report(folder)).set_index("term")["value"]
    assert table["policy file status"] == reports.MATCH
    assert table["retention after the relationship ends (years, §10.1.1)"] == "5"
