"""What a run keeps for its notebooks: the audit runs once, the notebooks read its results.

``zimes-audit run`` writes, inside the report folder, ``results/<table>.parquet`` — the findings
(the columns of ``findings.csv`` plus the due date) and the facts and counts the notebooks show
and the charts draw, every one already masked or free of personal values — and the chart PNGs.
The audit notebook reads these and ``manifest.json``; it never runs the audit again, so its
figures are provably those of the report (design.md, Outputs).

>>> RESULT_TABLES[:3]
('findings', 'findings_by_rule', 'actions')
>>> result_path(".", "inputs").as_posix()
'results/inputs.parquet'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

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
)


def result_path(folder: str | Path, name: str) -> Path:
    return Path(folder) / RESULTS_DIR / f"{name}.parquet"


def expectations_table(result) -> pd.DataFrame:
    """Every expectation run, with the rule it enforces and how many records failed it."""
    rows = []
    for kind, validation in result.validations.items():
        for evr in validation.results:
            config = evr.expectation_config
            meta = config.meta or {}
            kwargs = config.kwargs or {}
            column = kwargs.get("column") or ", ".join(kwargs.get("column_list", [])[:3])
            if len(kwargs.get("column_list", [])) > 3:
                column += f", … ({len(kwargs['column_list'])} fields)"
            rows.append(
                {
                    "rule_id": meta.get("rule_id", ""),
                    "§": meta.get("procedure_section", ""),
                    "action": meta.get("action", ""),
                    "kind": kind,
                    "expectation": config.type,
                    "column": column,
                    "success": bool(evr.success),
                    "unexpected": int((evr.result or {}).get("unexpected_count") or 0),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "rule_id",
            "§",
            "action",
            "kind",
            "expectation",
            "column",
            "success",
            "unexpected",
        ],
    )


def _gaps(result) -> pd.DataFrame:
    from zimes_audit.views.review import Report, procedure_gaps

    manifest = {"policy": {"retention_years": result.policy.retention_years}}
    return procedure_gaps(Report(Path(), manifest, result.findings), result)


def result_tables(result) -> dict[str, pd.DataFrame]:
    """The tables of :data:`RESULT_TABLES` for one audit (masked; no personal value)."""
    from zimes_audit.checks.findings import FINDINGS_COLUMNS
    from zimes_audit.views import charts, review

    findings = result.findings[[*FINDINGS_COLUMNS, "due_date"]].assign(
        due_date=lambda f: pd.to_datetime(f["due_date"]).astype("datetime64[s]")
    )
    consent = charts.consent_table(result)
    consent = consent.reset_index().assign(month=lambda t: t["month"].astype("string"))
    tables = {
        "findings": findings,
        "findings_by_rule": charts.findings_table(result.findings).reset_index(),
        "actions": charts.actions_table(result.findings),
        "findings_sample": review.findings_sample(result),
        "inputs": review.inputs_table(result),
        "columns": review.columns_table(result),
        "rules": review.rules_table(result),
        "expectations": expectations_table(result),
        "inventory": charts.inventory_table(result.tables),
        "deletions_due": charts.deletions_due_table(result).reset_index(),
        "consent": consent,
        "procedure_gaps": _gaps(result),
    }
    assert tuple(tables) == RESULT_TABLES
    return tables


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed Python values become text (Parquet wants one type a column)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: None if v is None else str(v)).astype("string")
    return out


def save_results(folder: str | Path, result) -> list[Path]:
    """Write the result tables as Parquet into ``folder/results/``; return the paths."""
    out = Path(folder) / RESULTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in result_tables(result).items():
        path = result_path(folder, name)
        _parquet_safe(frame).to_parquet(path, index=False, engine="pyarrow")
        written.append(path)
    return written


@dataclass
class SavedRun:
    """A report folder as its notebooks read it: the manifest and the saved result tables."""

    folder: Path
    manifest: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def load_results(folder: str | Path) -> SavedRun:
    """Read ``manifest.json`` and every ``results/*.parquet`` of a report folder."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    tables = {
        name: pd.read_parquet(result_path(folder, name), engine="pyarrow")
        for name in RESULT_TABLES
        if result_path(folder, name).is_file()
    }
    return SavedRun(folder, manifest, tables)
