"""`make bench` keeps working: a tiny smoke run of the harness, checked for shape and agreement,
never for speed.  The scale runs are `make bench`'s alone; that the floor finds what the audit
finds is test_floor's, that the naive GX way finds the same is test_ground_truth's."""

from __future__ import annotations

import json

from benchmarks import bench
from benchmarks.workloads import AS_OF, write_kind

TINY = (300, 120)


def test_the_harness_runs_ours_the_floor_and_the_bare_read_in_their_own_processes(tmp_path, capsys):
    args = ["--out", str(tmp_path), "--sizes", "{}:{}".format(*TINY), "--workloads", "guest"]
    assert bench.main([*args, "--cases", "ours,floor,bare", "--skip", "xlsx,notebook"]) == 0
    printed = capsys.readouterr().out
    assert "ours/floor" in printed and "audit/floor" in printed and "floor/bare" in printed
    report = json.loads((tmp_path / "bench.json").read_text("utf-8"))
    assert report["as_of"] == AS_OF.isoformat()
    (run,) = report["runs"]
    assert run["workload"] == "guest" and run["same_findings"]
    assert run["ours"]["findings"] == run["floor"]["findings"] > 0
    assert set(run["ours"]["stages"]) == set(bench.AUDIT_STEPS)
    # peak RSS after every stage, and after each step of writing (history, workbook, …)
    assert set(run["ours"]["stages"]) <= set(run["ours"]["memory"])
    assert {"write.workbook", "history"} <= set(run["ours"]["write_steps"])
    assert set(run["ours"]["write_steps"]) <= set(run["ours"]["memory"])
    assert set(run["floor"]["stages"]) == {"load", "facts", "rules", "merge", "write"}
    assert set(run["floor"]["stages"]) <= set(run["floor"]["memory"])  # both sides' memory
    ratios = run["ours_over_floor"]
    assert set(ratios["stages"]) == {"load", "facts", "checks", "write"}
    assert ratios["total"] > 0 and ratios["process"] > 0
    assert run["ours"]["peak_rss_mb"] > 0 and run["floor"]["peak_rss_mb"] > 0
    # the bare read: every cell of the workload's files, no findings of its own
    assert run["bare"]["cells"] > TINY[0] * 38 and "findings" not in run["bare"]
    summary = run["summary"]
    assert summary["same_findings"] and summary["floor_over_bare"] > 0
    assert summary["ours_over_floor"] > 0 and summary["peak_rss_mb"]["bare"] > 0
    # the same work as the floor's: the audit less the outputs only it makes; GX's import and
    # context (step runner) within it
    outputs = sum(run["ours"]["write_steps"][s] for s in bench.OUTPUT_STEPS)
    assert "runner" in run["ours"]["write_steps"] and "runner" not in bench.OUTPUT_STEPS
    assert outputs > 0 and 0 < run["ours"]["gx_runner"] < summary["ours_findings_only"]
    assert summary["ours_findings_only"] == round(summary["seconds"]["ours"] - outputs, 3)
    assert "findings only" in printed
    # the tiny workload is drawn in turn: no forked child, none counted
    assert run["ours"]["children_private_mb"] == {} and summary["child_private_mb"] == 0


def test_the_naive_case_feeds_gx_the_naive_way_and_measures_each_step():
    """What case_naive runs; that it finds the same is test_ground_truth's."""
    from benchmarks.naive_gx import NaiveSuiteRunner
    from zimes_audit.checks.runner import SuiteRunner

    naive, ours = bench.measured_hooks(naive=True), bench.measured_hooks()
    assert isinstance(naive.runner(), NaiveSuiteRunner)
    assert type(ours.runner()) is SuiteRunner
    with naive.step("load"), naive.step("load.inner"):
        pass
    with naive.step("load"):
        pass
    assert set(naive.timings) == set(naive.memory) == {"load", "load.inner"}
    assert naive.memory["load"] > 0


def test_the_xlsx_case_reads_the_orders_workbook(tmp_path):
    data = write_kind(tmp_path / "kind", *TINY)
    workbook = bench._orders_workbook(next(data.glob("*.csv")), tmp_path / "xlsx")
    figures = bench.case_xlsx(workbook.parent)
    assert figures["rows"] == TINY[0] and figures["ours"] > 0
