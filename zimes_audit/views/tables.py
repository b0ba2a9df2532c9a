"""Tables the notebooks display: what was read, what was applied and what was found.

Built from an :class:`~zimes_audit.audit.AuditResult` (the periodic audit notebook) or from a
:class:`~zimes_audit.report.reports.Report` (the auditor's review notebook).  None of them holds a
raw personal value: samples go through :mod:`zimes_audit.views.masking`.

>>> suites = {"orders": {"expectations": [{"meta": {"rule_id": "DATA-INACCURATE"}},
...                                       {"meta": {"rule_id": "FIELD-UNPERMITTED"}}]},
...           "register": {"expectations": [{"meta": {"rule_id": "DATA-INACCURATE"}}]}}
>>> expectations_per_rule(suites).to_dict("index")
{'FIELD-UNPERMITTED': {'orders': 1, 'register': 0}, 'DATA-INACCURATE': {'orders': 1, 'register': 1}}
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zimes_audit.procedure.catalogue import CATEGORY_LABELS
from zimes_audit.procedure.rules import load_rules, rule_order, sort_by_rule
from zimes_audit.report.layout import CHART_FILES, DATA_DOCS, REPORT_FILES, report_folder_name
from zimes_audit.report.reports import Report, suite_documents


# --------------------------------------------------------------------- from an audit result
def findings_sample(result, per_rule: int = 5) -> pd.DataFrame:
    """The first ``per_rule`` findings of each rule, masked (the workbook has them all)."""
    from zimes_audit.views.masking import masked_findings

    first = result.findings.groupby("rule_id", sort=False).cumcount() < per_rule
    sample = masked_findings(result, first.to_numpy())
    return sort_by_rule(sample)


def inputs_table(result) -> pd.DataFrame:
    """Each input: file, kind, rows, SHA-256 and how it was read."""
    return pd.DataFrame(
        [
            {
                "file": t.source,
                "kind": t.kind,
                "rows": t.rows,
                "sha256": t.sha256,
                "format": t.detected.format,
                "encoding": t.detected.encoding,
                "delimiter": t.detected.delimiter_label,
                "sheet": t.detected.sheet,
                "header row": t.detected.header_row,
            }
            for t in result.tables
        ]
    )


def columns_table(result) -> pd.DataFrame:
    """Each input column: its heading, the canonical field and the §6 category it maps to."""
    return pd.DataFrame(
        [
            {
                "file": t.source,
                "heading": c.heading,
                "field": c.field or "—",
                "category": CATEGORY_LABELS.get(c.category, c.category),
            }
            for t in result.tables
            for c in t.columns
        ]
    )


def expectations_per_rule(suites: dict[str, dict]) -> pd.DataFrame:
    """Expectations per rule id (rows, in the catalogue's order) and record kind (columns) in
    suite JSON documents."""
    counts: dict[tuple[str, str], int] = {}
    for kind, suite in suites.items():
        for exp in suite.get("expectations", []):
            rule = (exp.get("meta") or {}).get("rule_id", "(no rule id)")
            counts[(rule, kind)] = counts.get((rule, kind), 0) + 1
    table = pd.Series(counts, dtype="int64").unstack(fill_value=0) if counts else pd.DataFrame()
    table = table.reindex(rule_order(table.index)).fillna(0).astype("int64")
    table.index.name = "rule_id"
    table.columns.name = None
    return table


def rules_table(result) -> pd.DataFrame:
    """The rules applied: id, §, severity, action, reason, and expectations per record kind."""
    per_rule = expectations_per_rule(result.runner.suites)
    rows = []
    for rule in load_rules().rules.values():
        row = {
            "rule_id": rule.id,
            "§": rule.section,
            "severity": rule.severity,
            "action": rule.action,
            "reason": rule.en,
        }
        for kind in per_rule.columns:
            row[f"expectations ({kind})"] = (
                int(per_rule.loc[rule.id, kind]) if rule.id in per_rule.index else 0
            )
        rows.append(row)
    return pd.DataFrame(rows)


def report_files(report_dir: str | Path | None) -> pd.DataFrame:
    """Where the outputs of this run are: the report folder and the files in it."""
    if not report_dir:
        return pd.DataFrame(
            [("(no report folder: interactive run)", "", "")],
            columns=["output", "report folder", "present now"],
        )
    folder = Path(report_dir)
    return pd.DataFrame(
        [
            (name, report_folder_name(folder), (folder / name).exists())
            for name in (*REPORT_FILES, *CHART_FILES.values())
        ],
        columns=["output", "report folder", "present now"],
    )


# --------------------------------------------------------------------- from a report folder
def report_expectations_per_rule(report: Report) -> pd.DataFrame:
    """Expectations per rule and kind in the suite files the manifest names."""
    return expectations_per_rule(suite_documents(report))


def findings_per_rule(report: Report) -> pd.DataFrame:
    """Findings per rule in ``findings.csv`` against the manifest's counts."""
    rules = load_rules().rules
    in_csv = report.findings.groupby("rule_id").size()
    recorded = report.manifest.get("counts_by_rule", {})
    rows = []
    for rule in rule_order([*rules, *in_csv.index, *recorded]):
        csv_count = int(in_csv.get(rule, 0))
        manifest_count = int(recorded.get(rule, 0))
        rows.append(
            {
                "rule_id": rule,
                "§": rules[rule].section if rule in rules else "",
                "findings.csv": csv_count,
                "manifest": manifest_count,
                "agree": csv_count == manifest_count,
            }
        )
    return pd.DataFrame(rows)


def findings_per_action(report: Report) -> pd.DataFrame:
    """Findings per action and rule in ``findings.csv``."""
    return report.findings.groupby(["action", "rule_id"]).size().rename("findings").reset_index()


def gx_summary(report: Report) -> pd.DataFrame:
    """What Great Expectations ran and whether its Data Docs are in the folder."""
    m = report.manifest
    docs = report.folder / DATA_DOCS
    pages = list(docs.rglob("*.html")) if docs.is_dir() else []
    rows = [
        ("Great Expectations version", m.get("great_expectations_version")),
        ("expectations run", m.get("expectations_run")),
        ("expectations in the suites", sum(s["expectations"] for s in m.get("suites", []))),
        ("findings (record × rule)", m.get("findings")),
        ("rules with findings", len(m.get("counts_by_rule", {}))),
        ("Data Docs present", (docs / "index.html").is_file()),
        ("Data Docs pages", len(pages)),
        ("run started", m.get("started")),
        ("run finished", m.get("finished")),
        ("tool version", m.get("tool", {}).get("version")),
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": "string"})


def reproduction_table(report: Report, result) -> pd.DataFrame:
    """Counts per rule: manifest against the audit run again now (``result``; ``None`` when it
    could not be re-run)."""
    if result is None:
        return pd.DataFrame(
            [("not re-run: inputs or policy missing or changed", None, None, None)],
            columns=["rule_id", "manifest", "re-run", "agree"],
        )
    recorded = report.manifest.get("counts_by_rule", {})
    now = result.counts_by_rule()
    return pd.DataFrame(
        [
            (r, recorded.get(r, 0), now.get(r, 0), recorded.get(r, 0) == now.get(r, 0))
            for r in rule_order([*recorded, *now])
        ],
        columns=["rule_id", "manifest", "re-run", "agree"],
    )


def finding_samples(report: Report, result=None, per_rule: int = 3) -> pd.DataFrame:
    """The first ``per_rule`` findings of each rule from ``findings.csv``; with a re-run
    ``result``, each with the customer's masked name."""
    from zimes_audit.views.masking import masked_findings

    samples = report.findings.groupby("rule_id", sort=False).head(per_rule)
    if result is not None:
        masked = masked_findings(result)[["source_file", "source_row", "rule_id", "customer"]]
        masked = masked.astype(
            {"source_file": "string", "source_row": "Int64", "rule_id": "string"}
        )
        samples = samples.merge(masked, on=["source_file", "source_row", "rule_id"], how="left")
    else:
        samples = samples.assign(customer="(inputs not verified: not shown)")
    samples = sort_by_rule(samples, "source_file", "source_row")
    columns = ["rule_id", "procedure_section", "action", "source_file", "source_row"]
    columns += ["record_id", "customer", "field", "detail"]
    return samples[columns]
