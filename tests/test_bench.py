"""`make bench` keeps working: a tiny run of every case, checked for agreement, not for speed."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_runs_every_case_and_the_paths_agree(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", "--out", str(tmp_path), "--sizes", "300:120"]
        + ["--notebook-size", "300:120", "--notebook-runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "naive/ours = " in done.stdout and "ours/limit = " in done.stdout
    report = json.loads((tmp_path / "bench.json").read_text("utf-8"))
    assert report["as_of"] == "2026-11-01"
    (size,) = report["sizes"]
    findings = {case: size[case]["findings"] for case in ("ours", "limit", "naive")}
    assert len(set(findings.values())) == 1 and findings["ours"] > 0, findings
    assert set(size["ours"]["stages"]) == {"load", "facts", "validate", "findings", "write"}
    assert size["ours"]["peak_rss_mb"] > 0 and size["naive_over_ours"] > 0
    notebook = report["notebook"]
    assert len(notebook["runs"]["default"]) == len(notebook["runs"]["no_notebook"]) == 1
    assert notebook["default_over_no_notebook"] > 0 and "default/no-notebook = " in done.stdout
