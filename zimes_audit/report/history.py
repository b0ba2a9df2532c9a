"""What changed since the previous audit: resolved, new and still-open findings.

The administrator acts on a report's workbook in Mozello and the register; the next run compares
its findings with the previous report's ``findings.csv`` and shows what was resolved.  A finding
is the same finding when its record id and rule id are (rows move between exports; a record
without an id is matched by file and row).

>>> import pandas as pd
>>> before = pd.DataFrame({"source_file": ["o.csv"] * 2, "source_row": [2, 3],
...                        "record_id": ["M-1", "M-2"], "rule_id": ["CONTACT-AFTER-END"] * 2})
>>> now = pd.DataFrame({"source_file": ["o.csv"], "source_row": [5],
...                     "record_id": ["M-2"], "rule_id": ["CONTACT-AFTER-END"]})
>>> change = compare(now, before)
>>> change.status.tolist(), change.resolved.record_id.tolist()
(['still open'], ['M-1'])
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.report.folder import is_report

NEW, STILL_OPEN = "new", "still open"


@dataclass(frozen=True)
class Change:
    status: pd.Series  # per current finding: "new" or "still open"
    resolved: pd.DataFrame  # previous findings that are gone (findings.csv columns)

    def counts(self) -> dict[str, int]:
        return {
            "resolved": len(self.resolved),
            "new": int((self.status == NEW).sum()),
            "still_open": int((self.status == STILL_OPEN).sum()),
        }


def _keys(findings: pd.DataFrame) -> pd.Series:
    ids = findings["record_id"].astype("string").fillna("")
    where = findings["source_file"].astype(str) + ":" + findings["source_row"].astype(str)
    record = ids.where(ids != "", "@" + where)
    return record + "|" + findings["rule_id"].astype(str)


def compare(findings: pd.DataFrame, previous: pd.DataFrame) -> Change:
    """Status of each current finding, and the previous findings that no longer occur."""
    now, before = _keys(findings), _keys(previous)
    status = pd.Series(
        [STILL_OPEN if k else NEW for k in now.isin(set(before))], index=findings.index
    )
    resolved = previous[~before.isin(set(now)).to_numpy()].reset_index(drop=True)
    return Change(status, resolved)


def previous_report(reports_root: Path, *, before: str) -> Path | None:
    """The report under ``reports_root`` that finished last before ``before`` (ISO time).

    Staging folders and claims of unfinished runs are not reports (``folder.is_report``).
    """
    if not reports_root.is_dir():
        return None
    candidates = []
    for folder in reports_root.iterdir():
        if not is_report(folder):
            continue
        try:
            manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            continue
        finished = str(manifest.get("finished", ""))
        if (folder / "findings.csv").is_file() and finished < before:
            candidates.append((finished, folder))
    return max(candidates)[1] if candidates else None


def read_findings(folder: Path) -> pd.DataFrame:
    """A report's ``findings.csv`` (record ids and rule ids only; no personal values)."""
    frame = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    frame["source_row"] = pd.to_numeric(frame["source_row"], errors="coerce").astype("Int64")
    return frame[FINDINGS_COLUMNS]
