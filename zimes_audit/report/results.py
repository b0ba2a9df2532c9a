"""What a run keeps for its notebooks: the audit runs once, the notebooks read its results.

``zimes-audit run`` writes, inside the report folder, ``results/<table>.parquet`` — the findings
(the columns of ``findings.csv``, its ``status`` included, plus the due date) and the facts and counts the notebooks show
and the charts draw, every one already masked or free of personal values — and the chart PNGs.
The audit notebook reads these and ``manifest.json``; it never runs the audit again, so its
figures are provably those of the report (docs/contracts.md, Report folder).  From the audit history it keeps
the trend of the recorded runs of the same inputs with this run appended (:func:`with_current_run`)
and the exceptions accepted (:func:`exceptions_table`), so "Since the last audit" is read, not
queried.

>>> RESULT_TABLES[:3]
('findings', 'findings_by_rule', 'actions')
>>> result_path(".", "inputs").as_posix()
'results/inputs.parquet'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zimes_audit.report.layout import MANIFEST, RESULT_TABLES, RESULTS_DIR, result_path
from zimes_audit.report.requests_sheet import requests_table


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
    from zimes_audit.report.reports import Report
    from zimes_audit.views.gaps import procedure_gaps

    manifest = {"policy": {"retention_years": result.policy.retention_years}}
    return procedure_gaps(Report(Path(), manifest, result.findings), result)


def with_current_run(trend: pd.DataFrame, run_id: str, as_of, findings: int, counts: dict):
    """The history's trend (:meth:`~zimes_audit.report.history.History.trend`) with this run
    appended (it is recorded only once its folder is in place)."""
    from zimes_audit.report.reports import trend_frame

    rows = trend.astype({"as_of": "string"}).to_dict("records")
    rows.append({"run_id": run_id, "as_of": str(as_of), "findings": findings, **counts})
    return trend_frame(rows)


EXCEPTION_COLUMNS = [
    "rule_id", "§", "action", "source_file", "record_kind", "record_id", "customer", "field",
    "decided_by", "decided_on", "expires", "note",
]  # fmt: skip


def exceptions_table(result) -> pd.DataFrame:
    """The exceptions accepted and in force in this run, rule by rule: the file (so that a page
    names the field by that file's heading), the customer masked, the administrator's note and
    name with e-mail addresses and digit runs blanked
    (:func:`~zimes_audit.report.history.scrub_note`), as the history keeps them."""
    from zimes_audit.procedure.rules import sort_by_rule
    from zimes_audit.report.history import scrub_note
    from zimes_audit.views.masking import masked_findings

    comparison = getattr(result, "comparison", None)
    held = (comparison.status == "exception").to_numpy() if comparison is not None else None
    if held is None or not len(result.findings) or not held.any():  # none, or none compared
        return pd.DataFrame(columns=EXCEPTION_COLUMNS).astype("string")
    masked = masked_findings(result, held)
    decided = comparison.exception[held].reset_index(drop=True)
    table = pd.DataFrame(
        {
            "rule_id": masked["rule_id"],
            "§": masked["procedure_section"],
            "action": masked["action"],
            "source_file": masked["source_file"],
            "record_kind": masked["record_kind"],
            "record_id": masked["record_id"],
            "customer": masked["customer"],
            "field": masked["field"],
            "decided_by": decided.get("decided_by", pd.Series(dtype=object)).map(scrub_note),
            "decided_on": decided.get("decided_on"),
            "expires": decided.get("expires"),
            "note": decided.get("note", pd.Series(dtype=object)).map(scrub_note),
        },
        columns=EXCEPTION_COLUMNS,
    )
    return sort_by_rule(table, "record_kind", "record_id").reset_index(drop=True)


def facts_read() -> frozenset[str]:
    """The record facts the evidence reads from ``result.frames``: the charts', the gaps' and
    masking's (each module's ``READS_FACTS``)."""
    from zimes_audit.views import chart_tables, gaps, masking

    return frozenset((*chart_tables.READS_FACTS, *gaps.READS_FACTS, *masking.READS_FACTS))


def result_tables(result) -> dict[str, pd.DataFrame]:
    """The tables of :data:`RESULT_TABLES` for one audit (masked; no personal value)."""
    from zimes_audit.checks.findings import FINDINGS_COLUMNS
    from zimes_audit.views import chart_tables as charts
    from zimes_audit.views import tables as review

    status = ["status"] if "status" in result.findings else []  # findings.csv's, when compared
    findings = result.findings[[*FINDINGS_COLUMNS, *status, "due_date"]].assign(
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
        "trend": charts.trend_table(result),
        "exceptions": exceptions_table(result),
        "requests": requests_table(result.requests),
    }
    assert tuple(tables) == RESULT_TABLES
    return tables


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed Python values become text (Parquet wants one type a column)."""
    out = frame.copy(deep=False)  # columns are replaced, never changed in place
    for column in out.columns:
        if out[column].dtype == object:
            if pd.api.types.infer_dtype(out[column], skipna=True) in ("string", "empty"):
                out[column] = out[column].astype("string")
            else:
                out[column] = out[column].map(lambda v: None if v is None else str(v))
                out[column] = out[column].astype("string")
    return out


def save_results(folder: str | Path, result) -> list[Path]:
    """Write the result tables as Parquet into ``folder/results/``; return the paths.

    Without column statistics (the smallest and largest value of each column, in the file's
    metadata): the notebooks read the tables whole, and a million findings' record ids cost
    a tenth of a second to compare for them."""
    out = Path(folder) / RESULTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in result_tables(result).items():
        path = result_path(folder, name)
        _parquet_safe(frame).to_parquet(path, index=False, engine="pyarrow", write_statistics=False)
        written.append(path)
    return written


def write_charts(folder: str | Path, result, language: str | None = None) -> list[Path]:
    """The chart PNGs the notebooks show (in ``language``), drawn once by the run; return their
    paths.  With :func:`save_results`, the one place the report stage uses the views (masking,
    tables, charts): the run draws so that the notebooks only read."""
    from zimes_audit.views.charts import save_all

    return save_all(result, folder, language)


@dataclass
class SavedRun:
    """A report folder as its notebooks read it: the manifest and the saved result tables."""

    folder: Path
    manifest: dict
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def load_results(folder: str | Path) -> SavedRun:
    """Read ``manifest.json`` and every ``results/*.parquet`` of a report folder."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    names = [name for name in RESULT_TABLES if result_path(folder, name).is_file()]
    return SavedRun(folder, manifest, _Tables(folder, names))


class _Tables(Mapping):
    """The saved result tables, each read from its Parquet file when first asked for (the
    notebook shows samples and counts: it never needs the million-row findings in memory)."""

    def __init__(self, folder: Path, names: list[str]):
        self._folder, self._names, self._read = folder, names, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._read:
            path = result_path(self._folder, name)
            self._read[name] = pd.read_parquet(path, engine="pyarrow")
        return self._read[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
