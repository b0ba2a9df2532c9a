"""The benchmark's floor (benchmarks/floor.py) finds exactly what the audit finds (issue 15).

The floor is the yardstick ``make bench`` divides our times by; it is only a yardstick while it
applies the same rules.  Both run on the two benchmark workloads at a small size — the kind one
(the sample, ~5% violating, UTF-8 CSV + register workbook) and the unkind one (a first audit:
guest orders with contacts kept, Windows-1257 ``;`` CSV, an unknown column) — and their
``findings.csv`` must be the same table (compared sorted; the byte order is ``make bench``'s check).
"""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.floor import FINDINGS_COLUMNS, run_floor
from benchmarks.workloads import AS_OF, write_kind, write_unkind
from zimes_audit.report.run import RunRequest, run_report

ORDERS, CUSTOMERS = 3000, 800


@pytest.fixture(scope="module")
def workloads(tmp_path_factory):
    root = tmp_path_factory.mktemp("workloads")
    kind = write_kind(root / "kind", ORDERS, CUSTOMERS)
    return {"kind": kind, "unkind": write_unkind(kind, root / "unkind")}


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


@pytest.mark.parametrize("workload", ["kind", "unkind"])
def test_the_floor_finds_what_the_audit_finds(workloads, workload, tmp_path):
    data = workloads[workload]
    folder, _ = run_report(RunRequest([str(data)], AS_OF, out=tmp_path / "report", notebook=False))
    floor = run_floor(data, tmp_path / "floor.csv", AS_OF)
    ours, theirs = _read(folder / "findings.csv"), _read(tmp_path / "floor.csv")
    assert list(theirs.columns) == FINDINGS_COLUMNS == list(ours.columns)
    assert len(ours) > 100 and floor["findings"] == len(theirs)
    assert ours.equals(theirs), (
        f"{workload}: {len(ours)} findings ours, {len(theirs)} the floor's; first differences:\n"
        + _first_differences(ours, theirs)
    )
    # the unkind workload is what makes it a floor for the first audit: nearly all flagged
    if workload == "unkind":
        assert set(ours["rule_id"]) >= {"CONTACT-AFTER-END", "RETENTION-EXPIRED"}
        assert "FIELD-UNCLASSIFIED" in set(ours["rule_id"])
