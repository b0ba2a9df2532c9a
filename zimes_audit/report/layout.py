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
REPORT_FILES = (WORKBOOK, FINDINGS_CSV, MANIFEST, DATA_DOCS, NOTEBOOK, NOTEBOOK_HTML)

#: Chart name (a function of :mod:`zimes_audit.views.charts`) → its PNG in the report folder.
CHART_FILES = {
    "findings_by_rule": "chart-findings-by-rule.png",
    "retention_timeline": "chart-retention-timeline.png",
    "consent_coverage": "chart-consent-coverage.png",
    "field_inventory": "chart-field-inventory.png",
}


def report_folder_name(folder: str | Path) -> str:
    """The report folder's final name (a run writes into a hidden staging folder first)."""
    name = Path(folder).name
    staged = re.fullmatch(r"\.(.+)\.partial-[^.]+", name)
    return staged.group(1) if staged else name
