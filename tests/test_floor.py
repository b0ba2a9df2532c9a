"""The benchmark's floor (benchmarks/floor.py) finds exactly what the audit finds (issue 15).

The floor is the yardstick ``make bench`` divides our times by; it is only a yardstick while it
applies the same rules — with its own readers and its own verdicts (``benchmarks/floor_detect.py``),
so that it checks the audit's detectors rather than repeats them.  Both run on the three benchmark
workloads at a small size — the kind one (the sample, ~5% violating, UTF-8 CSV + register
workbook), the unkind one (a first audit: guest orders with contacts kept, Windows-1257 ``;`` CSV,
an unknown column) and the guest one (the same orders with ``DD.MM.YYYY HH:MM`` dates and decimal
commas, a small register) — and their ``findings.csv`` must be the same table (compared sorted;
the byte order is ``make bench``'s check).
"""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks import floor
from benchmarks.floor import FINDINGS_COLUMNS, run_floor
from benchmarks.workloads import AS_OF, write_guest, write_kind, write_unkind
from zimes_audit.checks import findings
from zimes_audit.loading import values
from zimes_audit.report import safe_text
from zimes_audit.report.run import RunRequest, run_report

ORDERS, CUSTOMERS = 3000, 800


@pytest.fixture(scope="module")
def workloads(tmp_path_factory):
    root = tmp_path_factory.mktemp("workloads")
    kind = write_kind(root / "kind", ORDERS, CUSTOMERS)
    small = write_kind(root / "small", ORDERS // 50, CUSTOMERS // 10)
    return {
        "kind": kind,
        "unkind": write_unkind(kind, root / "unkind"),
        "guest": write_guest(kind, small, root / "guest"),
    }


def test_the_floor_writes_the_contracts_the_pipeline_writes():
    """The floor imports nothing of the pipeline; the contracts it copies must be the same."""
    assert floor.FINDINGS_COLUMNS == findings.FINDINGS_COLUMNS
    assert (floor.TRUE_WORDS, floor.FALSE_WORDS) == (values.TRUE_WORDS, values.FALSE_WORDS)
    assert (*safe_text.DANGEROUS_STARTS, safe_text.QUOTE) == floor.FORMULA_STARTS


def test_the_floor_imports_nothing_of_the_pipeline():
    import ast
    from pathlib import Path

    for name in ("floor.py", "floor_detect.py"):
        tree = ast.parse((Path(floor.__file__).parent / name).read_text("utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert imported and not [m for m in imported if m and m.startswith("zimes_audit")], name


def _read(path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.sort_values(FINDINGS_COLUMNS, kind="stable").reset_index(drop=True)


def _first_differences(ours: pd.DataFrame, floor: pd.DataFrame, n: int = 5) -> str:
    both = ours.merge(floor, how="outer", indicator=True)
    both["_merge"] = (
        both["_merge"]
        .astype(str)
        .map({"left_only": "ours only", "right_only": "floor only", "both": ""})
    )
    return both[both["_merge"] != ""].head(n).to_string()


@pytest.mark.parametrize("workload", ["kind", "unkind", "guest"])
def test_the_floor_finds_what_the_audit_finds(workloads, workload, tmp_path):
    data = workloads[workload]
    folder, _ = run_report(RunRequest([str(data)], AS_OF, out=tmp_path / "report", notebook=False))
    floor = run_floor(data, tmp_path / "floor.csv", AS_OF)
    ours, theirs = _read(folder / "findings.csv"), _read(tmp_path / "floor.csv")
    # findings.csv's columns, and the status of a first run (the floor keeps no history)
    assert list(theirs.columns) == [*FINDINGS_COLUMNS, "status"] == list(ours.columns)
    assert len(ours) > 100 and floor["findings"] == len(theirs)
    assert ours.equals(theirs), (
        f"{workload}: {len(ours)} findings ours, {len(theirs)} the floor's; first differences:\n"
        + _first_differences(ours, theirs)
    )
    # the unkind workload is what makes it a floor for the first audit: nearly all flagged
    if workload == "unkind":
        assert set(ours["rule_id"]) >= {"CONTACT-AFTER-END", "RETENTION-EXPIRED"}
        assert "FIELD-UNCLASSIFIED" in set(ours["rule_id"])
