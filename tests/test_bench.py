"""`make bench` keeps working: a tiny run of every case, checked for agreement, not for speed."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_runs_every_case_and_the_paths_agree(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", "--out", str(tmp_path), "--sizes", "300:120"]
        + ["--workloads", "kind,guest"]
        + ["--cases", "ours,floor,bare,naive", "--xlsx-size", "300:120"]
        + ["--notebook-size", "300:120", "--notebook-runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "ours/floor" in done.stdout and "naive/ours = " in done.stdout
    report = json.loads((tmp_path / "bench.json").read_text("utf-8"))
    assert report["as_of"] == "2026-11-01"
    assert [run["workload"] for run in report["runs"]] == ["kind", "guest"]
    assert "audit/floor" in done.stdout and "floor/bare" in done.stdout
    for run in report["runs"]:
        findings = {case: run[case]["findings"] for case in ("ours", "floor", "naive")}
        assert len(set(findings.values())) == 1 and findings["ours"] > 0, findings
        assert set(run["ours"]["stages"]) == {"load", "facts", "validate", "findings", "write"}
        # peak RSS after every stage, and after each step of writing (history, workbook, …)
        assert set(run["ours"]["stages"]) <= set(run["ours"]["memory"])
        assert {"write.workbook", "history"} <= set(run["ours"]["write_steps"])
        assert set(run["ours"]["write_steps"]) <= set(run["ours"]["memory"])
        assert set(run["floor"]["stages"]) == {"load", "facts", "rules", "merge", "write"}
        assert set(run["floor"]["stages"]) <= set(run["floor"]["memory"])  # both sides' memory
        ratios = run["ours_over_floor"]
        assert set(ratios["stages"]) == {"load", "facts", "checks", "write"}
        assert ratios["total"] > 0 and ratios["process"] > 0 and run["same_findings"]
        assert run["ours"]["peak_rss_mb"] > 0 and run["floor"]["peak_rss_mb"] > 0
        # the bare read: every cell of the workload's files, no findings of its own
        assert run["bare"]["cells"] > 300 * 38 and "findings" not in run["bare"]
        summary = run["summary"]
        assert summary["same_findings"] and summary["floor_over_bare"] > 0
        assert summary["ours_over_floor"] > 0 and summary["peak_rss_mb"]["bare"] > 0
    assert report["xlsx"]["rows"] == 300
    notebook = report["notebook"]
    assert len(notebook["runs"]["default"]) == len(notebook["runs"]["no_notebook"]) == 1
    assert notebook["default_over_no_notebook"] > 0 and "default/no-notebook = " in done.stdout
