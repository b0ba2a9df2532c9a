"""The notebooks: committed clean, executed by a real Jupyter kernel, agreeing with the library,
and showing no personal value from the inputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from test_masking import leak_candidates

from zimes_audit.errors import NotebookFailed
from zimes_audit.views.page import Page

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LV = Page("lv")  # the pages are Latvian by default: headings and words as the catalogue gives them
AUDIT_CHARTS = 5  # findings trend, findings by rule, retention timeline, consent, field inventory
REVIEW_CHARTS = 1  # findings by rule


def _outputs(nb, kind: str | None = None):
    for cell in nb.cells:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if kind is None or output.output_type == kind:
                    yield cell, output


def _tagged(nb, tag: str):
    (cell,) = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    return cell


def _html_table(cell, key: str | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """Header and rows of the DataFrame a cell displayed, keyed by column ``key`` (or the index)."""
    (html,) = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    soup = BeautifulSoup(html, "html.parser")
    header = [th.get_text(strip=True) for th in soup.find("thead").find_all("tr")[0].find_all("th")]
    at = header.index(key) if key in header else 0
    rows = {}
    for tr in soup.find("tbody").find_all("tr"):
        cells = [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        rows[cells[at]] = cells
    return header, rows


def _column(cell, name: str, key: str | None = None) -> dict[str, str]:
    header, rows = _html_table(cell, key)
    at = header.index(name)
    return {key: cells[at] for key, cells in rows.items()}


# --------------------------------------------------------------------------- committed notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    assert _tagged(nb, "parameters").source


def test_both_notebooks_are_committed():
    assert {p.name for p in NOTEBOOKS} >= {"periodic_audit.ipynb", "auditor_review.ipynb"}


# --------------------------------------------------------------------------- executed notebooks
@pytest.fixture(scope="module")
def report(sample_report):
    return sample_report


@pytest.fixture(scope="module")
def audit_nb(report):
    return nbformat.read(report[0] / "audit.ipynb", as_version=4)


@pytest.fixture(scope="module")
def review(sample_review):
    return sample_review


def test_audit_notebook_ran_without_errors(audit_nb):
    assert list(_outputs(audit_nb, "error")) == []
    assert all(c.execution_count for c in audit_nb.cells if c.cell_type == "code")


def test_audit_notebook_shows_the_charts(audit_nb, report):
    images = [o for _, o in _outputs(audit_nb) if "image/png" in o.get("data", {})]
    assert len(images) == AUDIT_CHARTS
    html = (report[0] / "audit.html").read_text("utf-8")
    assert html.count('src="data:image/png;base64,') == AUDIT_CHARTS
    pngs = sorted(p.name for p in report[0].glob("*.png"))
    assert len(pngs) == AUDIT_CHARTS


def test_audit_notebook_findings_equal_the_library(audit_nb, report):
    _, result = report
    totals = _column(_tagged(audit_nb, "findings-by-rule"), LV.column("total"))
    shown = {rule: int(n) for rule, n in totals.items() if rule and int(n)}
    assert shown == result.counts_by_rule()
    rows = _column(_tagged(audit_nb, "inputs"), LV.column("rows"), key=LV.column("file"))
    assert sorted(int(n) for n in rows.values()) == sorted(t.rows for t in result.tables)
    hashes = set(
        _column(_tagged(audit_nb, "inputs"), LV.column("sha256"), key=LV.column("file")).values()
    )
    assert hashes == {t.sha256 for t in result.tables}


def test_audit_notebook_parameters_were_injected(audit_nb, report):
    injected = _tagged(audit_nb, "injected-parameters").source
    # the kernel runs beside the report folder; the notebook records the final folder's name
    assert f'report_dir = "{report[0].name}"' in injected
    assert f'report_folder = "{report[0].name}"' in injected
    assert "partial" not in injected


def test_no_personal_value_in_the_audit_notebook(report):
    folder, result = report
    raw = leak_candidates(result)
    assert len(raw) > 100
    for name in ("audit.ipynb", "audit.html", "findings.csv", "manifest.json"):
        text = (folder / name).read_text("utf-8")
        leaked = sorted(v for v in raw if v in text)
        assert leaked == [], f"{name} shows raw personal values"


def test_review_notebook_ran(review, report):
    nb, out, html = review
    assert list(_outputs(nb, "error")) == []
    images = [o for _, o in _outputs(nb) if "image/png" in o.get("data", {})]
    assert len(images) == REVIEW_CHARTS
    assert html.read_text("utf-8").count('src="data:image/png;base64,') == REVIEW_CHARTS


def test_review_notebook_checks_the_manifest(review, report):
    nb = review[0]
    from zimes_audit.report.reports import load_report

    assert load_report(report[0]).problems == []  # findings.csv's status column is contracted
    status = _column(_tagged(nb, "inputs-check"), LV.column("status"), key=LV.column("file"))
    assert set(status.values()) == {LV.cell("match")}
    csv_counts = _column(_tagged(nb, "findings-by-rule"), "findings.csv", key=LV.column("rule_id"))
    shown = {r: int(n) for r, n in csv_counts.items() if int(n)}
    assert shown == report[1].counts_by_rule()
    agree = _column(_tagged(nb, "reproduction"), LV.column("agree"), key=LV.column("rule_id"))
    assert set(agree.values()) == {LV.cell("True")}


def test_review_notebook_counts_the_procedure_gaps(review, report):
    _, result = report
    outputs = _tagged(review[0], "procedure-gaps").outputs
    (html,) = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    table = BeautifulSoup(html, "html.parser")
    header = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.tbody("tr")]
    counts = [cells[header.index(LV.column("count"))] for cells in rows]
    assert len(counts) == 7 and all(c.isdigit() for c in counts)
    by_rule = result.counts_by_rule()
    assert str(by_rule.get("PERSONAL-CODE-IN-TEXT", 0)) in counts
    assert str(by_rule.get("MARKETING-WITHOUT-BASIS", 0)) in counts
    (checklist,) = [o["data"]["text/markdown"] for o in _tagged(review[0], "sign-off").outputs]
    assert checklist.count("- [ ]") >= 5


def test_no_personal_value_in_the_review_notebook(review, report):
    raw = leak_candidates(report[1])
    for path in review[1:]:
        text = Path(path).read_text("utf-8")
        assert sorted(v for v in raw if v in text) == []


def test_review_reports_a_changed_input(report, tmp_path):
    from zimes_audit.report import reports

    folder = report[0]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    copy = tmp_path / "copy.csv"
    original = Path(manifest["inputs"][0]["path"])
    copy.write_bytes(original.read_bytes() + b"\n")
    manifest["inputs"][0]["path"] = str(copy)
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    (changed / "findings.csv").write_bytes((folder / "findings.csv").read_bytes())
    loaded = reports.load_report(changed)
    assert reports.check_inputs(loaded)["status"].tolist()[0] == reports.MISMATCH
    assert reports.reaudit(loaded) is None


def test_a_failing_cell_raises_notebook_failed_without_outputs(tmp_path, capsys):
    from zimes_audit.report.notebook import execute_audit_notebook

    (tmp_path / "manifest.json").write_text('{"as_of": "no-such-date"}', "utf-8")
    with pytest.raises(NotebookFailed) as caught:
        execute_audit_notebook(tmp_path)  # a folder without results: a cell fails
    assert "no-such-date" not in str(caught.value)
    assert not (tmp_path / "audit.ipynb").exists()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_a_kernel_dying_mid_cell_is_our_one_failure_not_jupyters_log(tmp_path, capfd, caplog):
    """The kernel gone in the middle of a cell (as when a Ctrl-C reaches it too): nbclient logs
    "Kernel died while waiting for execute reply." and asyncio its cancelled tasks — none of it
    reaches stderr (report.notebook.QUIET_LOGGERS); the failure is NotebookFailed alone, and
    the loggers speak again afterwards."""
    import logging

    from zimes_audit.report.notebook import QUIET_LOGGERS, _execute

    dying = nbformat.v4.new_notebook()
    dying.cells = [nbformat.v4.new_code_cell("import os, time\ntime.sleep(0.5)\nos._exit(1)")]
    source = tmp_path / "dying.ipynb"
    nbformat.write(dying, source)
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    with pytest.raises(NotebookFailed):
        _execute(source, tmp_path / "out.ipynb", {}, tmp_path)
    captured = capfd.readouterr()
    assert "Kernel died" not in captured.err and "Traceback" not in captured.err, captured.err
    # what a command's stderr would have shown (logging's last-resort handler: no handler is
    # configured outside pytest, which captures the records instead)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert {name: logging.getLogger(name).level for name in QUIET_LOGGERS} == levels
    assert not (tmp_path / "out.ipynb").exists()
