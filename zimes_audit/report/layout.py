"""The report folder's layout: the names of the files a run writes (docs/contracts.md).

The one place these names are written; the run writes them, the views and the auditor's review
read them.  No pandas, no GX: importing this is cheap.

>>> REPORT_FILES[:3]
('flagged-records.xlsx', 'findings.csv', 'manifest.json')
>>> report_folder_name("/x/reports/.2026-11-01.partial-ab12cd")
'2026-11-01'
>>> report_folder_name("/x/reports/2026-11-01-2")
'2026-11-01-2'
"""

from __future__ import annotations

import re
from pathlib import Path

WORKBOOK = "flagged-records.xlsx"
FINDINGS_CSV = "findings.csv"
MANIFEST = "manifest.json"
DATA_DOCS = "data-docs"
NOTEBOOK = "audit.ipynb"
NOTEBOOK_HTML = "audit.html"
#: The folder of the tables a run saves for its notebooks (:mod:`zimes_audit.report.results`).
RESULTS_DIR = "results"
#: The tables a run saves (``results/<name>.parquet``), in the order the audit notebook shows them.
RESULT_TABLES = (
    "findings",  # findings.csv's columns + due_date (no personal value: as findings.csv)
    "findings_by_rule",  # findings per rule (with §) and action
    "actions",  # findings per action, what to do, earliest due date
    "findings_sample",  # the first findings of each rule, customer masked
    "inputs",  # each input: file, kind, rows, SHA-256, how it was read
    "columns",  # each input column: heading, field, §6 category
    "rules",  # each rule: id, §, severity, action, reason, expectations per kind
    "expectations",  # each expectation run: rule, §, action, kind, type, column, unexpected
    "inventory",  # each input column: filled cells, fill rate
    "deletions_due",  # records whose retention term passes per coming month
    "consent",  # per month: records, with consent on record, share
    "procedure_gaps",  # the procedure's tensions with this run's counts
    "trend",  # the recorded runs of this series and this run: findings, new, resolved, …
    "exceptions",  # the exceptions accepted (in force in this run), customer masked
    "requests",  # the data subjects' open requests: id, type, dates, status, what is left by key
)


def result_path(folder: str | Path, name: str) -> Path:
    """``results/<name>.parquet`` of a report folder."""
    return Path(folder) / RESULTS_DIR / f"{name}.parquet"


REPORT_FILES = (WORKBOOK, FINDINGS_CSV, MANIFEST, DATA_DOCS, NOTEBOOK, NOTEBOOK_HTML, RESULTS_DIR)

#: Chart name (a function of :mod:`zimes_audit.views.charts`) → its PNG in the report folder.
CHART_FILES = {
    "findings_by_rule": "chart-findings-by-rule.png",
    "retention_timeline": "chart-retention-timeline.png",
    "consent_coverage": "chart-consent-coverage.png",
    "field_inventory": "chart-field-inventory.png",
    "findings_trend": "chart-findings-trend.png",
}


def report_folder_name(folder: str | Path) -> str:
    """The report folder's final name (a run writes into a hidden staging folder first)."""
    name = Path(folder).name
    staged = re.fullmatch(r"\.(.+)\.partial-[^.]+", name)
    return staged.group(1) if staged else name
