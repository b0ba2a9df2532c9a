"""Tables for reading an audit back: what was read, what was applied, and whether a report folder
still matches its inputs.  The notebooks display these; none of them holds a raw personal value.

Two groups:

- from an :class:`~zimes_audit.audit.AuditResult` (the periodic audit notebook):
  :func:`inputs_table`, :func:`columns_table`, :func:`rules_table`, :func:`policy_table`;
- from a report folder (the auditor's review notebook): :func:`load_report`,
  :func:`check_inputs`, :func:`check_suites`, :func:`reaudit`, :func:`finding_samples`,
  :func:`procedure_gaps`, …

>>> sha256_of(__file__) == sha256_of(__file__)
True
>>> report_folder_name("/x/reports/.2026-11-01.partial-ab12cd")
'2026-11-01'
>>> report_folder_name("/x/reports/2026-11-01-2")
'2026-11-01-2'
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.procedure.catalogue import CATEGORY_LABELS
from zimes_audit.procedure.policy import DEFAULT_POLICY, SHIPPED_SOURCE
from zimes_audit.procedure.rules import load_rules

MATCH, MISMATCH, MISSING = "match", "MISMATCH", "file not found"


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def report_folder_name(folder: str | Path) -> str:
    """The report folder's final name (a run writes into a hidden staging folder first)."""
    name = Path(folder).name
    staged = re.fullmatch(r"\.(.+)\.partial-[^.]+", name)
    return staged.group(1) if staged else name


# --------------------------------------------------------------------- from an audit result
def run_facts(result) -> pd.DataFrame:
    """The run in a few lines: audit date, records read, expectations run, findings, times."""
    from zimes_audit import __version__

    rows = [
        ("audit date (as of)", str(result.as_of)),
        ("input files", len(result.tables)),
        ("records read", sum(t.rows for t in result.tables)),
        ("expectations run", result.expectations_run),
        ("findings (record × rule)", len(result.findings)),
        (
            "records with a finding",
            result.findings[["source_file", "source_row"]].drop_duplicates().shape[0],
        ),
        ("started (UTC)", result.started.isoformat(timespec="seconds")),
        ("finished (UTC)", result.finished.isoformat(timespec="seconds")),
        ("zimes-audit version", __version__),
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": "string"})


def findings_sample(result, per_rule: int = 5) -> pd.DataFrame:
    """The first ``per_rule`` findings of each rule, masked (the workbook has them all)."""
    from zimes_audit.views.masking import masked_findings

    masked = masked_findings(result)
    order = {r: i for i, r in enumerate(load_rules().rules)}
    sample = masked.groupby("rule_id", sort=False).head(per_rule)
    sample = sample.assign(_o=sample["rule_id"].map(order)).sort_values("_o", kind="stable")
    return sample.drop(columns="_o").reset_index(drop=True)


def inputs_table(result) -> pd.DataFrame:
    """Each input: file, kind, rows, SHA-256 and how it was read."""
    return pd.DataFrame(
        [
            {
                "file": t.path.name,
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
                "file": t.path.name,
                "heading": c.heading,
                "field": c.field or "—",
                "category": CATEGORY_LABELS.get(c.category, c.category),
            }
            for t in result.tables
            for c in t.columns
        ]
    )


def expectations_per_rule(suites: dict[str, dict]) -> pd.DataFrame:
    """Expectations per rule id (rows) and record kind (columns) in suite JSON documents."""
    counts: dict[tuple[str, str], int] = {}
    for kind, suite in suites.items():
        for exp in suite.get("expectations", []):
            rule = (exp.get("meta") or {}).get("rule_id", "(no rule id)")
            counts[(rule, kind)] = counts.get((rule, kind), 0) + 1
    table = pd.Series(counts, dtype="int64").unstack(fill_value=0) if counts else pd.DataFrame()
    order = [r for r in load_rules().rules if r in table.index]
    order += sorted(set(table.index) - set(order))
    table = table.reindex(order).fillna(0).astype("int64")
    table.index.name = "rule_id"
    table.columns.name = None
    return table


def rules_table(result) -> pd.DataFrame:
    """The rules applied: id, §, severity, action, reason, and expectations per record kind."""
    rules = load_rules().rules
    per_rule = expectations_per_rule(result.runner.suites)
    rows = []
    for rule in rules.values():
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


def suites_table(result) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "kind": s.kind,
                "suite": s.name,
                "file": s.path,
                "sha256": s.sha256,
                "expectations": s.expectations,
            }
            for s in result.suites.values()
        ]
    )


def _term_rows(terms: dict) -> list[tuple[str, object]]:
    """The policy's terms as labelled rows (the one place their labels are written)."""
    rows = [
        ("retention after the relationship ends (years, §10.1.1)", terms.get("retention_years")),
        ("inactivity before review (years, §10)", terms.get("inactivity_years")),
        (
            "contact fields not needed for accounting (§6.2)",
            ", ".join(terms.get("contact_fields_not_needed", [])),
        ),
    ]
    return rows + [(f"days to resolve {a}", d) for a, d in terms.get("due_days", {}).items()]


def policy_table(policy, as_of: date | str | None = None) -> pd.DataFrame:
    """The policy terms applied (and the audit date), as the policy file states them."""
    rows = []
    if as_of is not None:
        rows.append(("audit date (as of)", str(as_of)))
    rows += [
        ("policy file", policy.source),
        ("policy sha256", policy.sha256),
        ("phone region for numbers without country code", policy.phone_region),
    ]
    rows += _term_rows(vars(policy))
    return pd.DataFrame(rows, columns=["term", "value"])


def report_files(report_dir: str | Path | None) -> pd.DataFrame:
    """Where the outputs of this run are: the report folder and the files in it."""
    from zimes_audit.report.run import REPORT_FILES

    if not report_dir:
        return pd.DataFrame(
            [("(no report folder: interactive run)", "", "")],
            columns=["output", "report folder", "present now"],
        )
    from zimes_audit.views.charts import CHART_FILES

    folder = Path(report_dir)
    return pd.DataFrame(
        [
            (name, report_folder_name(folder), (folder / name).exists())
            for name in (*REPORT_FILES, *CHART_FILES.values())
        ],
        columns=["output", "report folder", "present now"],
    )


# --------------------------------------------------------------------- from a report folder
@dataclass
class Report:
    """A report folder as written by ``zimes-audit run``."""

    folder: Path
    manifest: dict
    findings: pd.DataFrame
    problems: list[str] = field(default_factory=list)

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.manifest["as_of"])


def latest_report(reports_root: str | Path = "reports") -> Path | None:
    """The most recently finished report folder under ``reports_root`` (by the manifest's
    ``finished`` time, not the name: ``2026-11-01-10`` sorts before ``2026-11-01-2``)."""
    root = Path(reports_root)
    if not root.is_dir():
        return None
    from zimes_audit.report.folder import is_report  # staging folders are not reports

    found = [p for p in root.iterdir() if is_report(p)]

    def finished(folder: Path) -> str:
        return json.loads((folder / "manifest.json").read_text("utf-8")).get("finished", "")

    return max(found, key=finished, default=None)


def load_report(report_dir: str | Path | None) -> Report:
    """Read ``manifest.json`` and ``findings.csv`` of a report folder (the latest when empty)."""
    folder = Path(report_dir) if report_dir else latest_report()
    if folder is None or not (folder / "manifest.json").is_file():
        raise FileNotFoundError(f"no manifest.json in report folder {folder}")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    problems = []
    path = folder / "findings.csv"
    if path.is_file():
        findings = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8")
        if list(findings.columns) != FINDINGS_COLUMNS:
            problems.append("findings.csv does not have the contracted columns")
        findings["source_row"] = pd.to_numeric(findings["source_row"]).astype("int64")
    else:
        problems.append("findings.csv is missing")
        findings = pd.DataFrame({c: pd.Series(dtype="string") for c in FINDINGS_COLUMNS})
    return Report(folder, manifest, findings, problems)


def _status(path: Path, recorded: str) -> tuple[str | None, str]:
    if not path.is_file():
        return None, MISSING
    now = sha256_of(path)
    return now, MATCH if now == recorded else MISMATCH


def check_inputs(report: Report) -> pd.DataFrame:
    """Each input of the manifest re-hashed now: ``match``, ``MISMATCH`` or ``file not found``."""
    rows = []
    for item in report.manifest.get("inputs", []):
        path = Path(item["path"])
        now, status = _status(path, item["sha256"])
        rows.append(
            {
                "file": path.name,
                "path": str(path),
                "kind": item.get("kind"),
                "rows": item.get("rows"),
                "format": item.get("format"),
                "sha256 (manifest)": item["sha256"],
                "sha256 (now)": now,
                "status": status,
            }
        )
    return pd.DataFrame(rows)


def inputs_verified(report: Report) -> bool:
    """Every input is present and hashes as the manifest recorded."""
    table = check_inputs(report)
    return bool(len(table)) and bool((table["status"] == MATCH).all())


def _policy_path(report: Report) -> Path | None:
    source = report.manifest.get("policy", {}).get("path")
    if not source or source == SHIPPED_SOURCE:
        from importlib import resources

        return Path(str(resources.files("zimes_audit.procedure.data").joinpath(DEFAULT_POLICY)))
    return Path(source)


def check_policy(report: Report) -> pd.DataFrame:
    """The policy terms the run recorded, and whether the policy file still hashes the same."""
    policy = report.manifest.get("policy", {})
    path = _policy_path(report)
    now, status = _status(path, policy.get("sha256", ""))
    rows = [
        ("audit date (as of)", report.manifest.get("as_of")),
        ("policy file", policy.get("path")),
        ("policy sha256 (manifest)", policy.get("sha256")),
        ("policy sha256 (now)", now),
        ("policy file status", status),
    ]
    rows += _term_rows(policy)
    return pd.DataFrame(rows, columns=["term", "value"]).astype({"value": "string"})


def _suite_documents(report: Report) -> dict[str, dict]:
    documents = {}
    for suite in report.manifest.get("suites", []):
        path = Path(suite["path"])
        if path.is_file():
            documents[suite["kind"]] = json.loads(path.read_text("utf-8"))
    return documents


def check_suites(report: Report) -> pd.DataFrame:
    """Each suite of the manifest: name, expectations, recorded and current SHA-256."""
    rows = []
    for suite in report.manifest.get("suites", []):
        now, status = _status(Path(suite["path"]), suite["sha256"])
        rows.append(
            {
                "kind": suite["kind"],
                "suite": suite["name"],
                "path": suite["path"],
                "expectations": suite["expectations"],
                "sha256 (manifest)": suite["sha256"],
                "sha256 (now)": now,
                "status": status,
            }
        )
    return pd.DataFrame(rows)


def report_expectations_per_rule(report: Report) -> pd.DataFrame:
    """Expectations per rule and kind in the suite files the manifest names."""
    return expectations_per_rule(_suite_documents(report))


def findings_per_rule(report: Report) -> pd.DataFrame:
    """Findings per rule in ``findings.csv`` against the manifest's counts."""
    rules = load_rules().rules
    in_csv = report.findings.groupby("rule_id").size()
    recorded = report.manifest.get("counts_by_rule", {})
    order = [*rules, *sorted((set(in_csv.index) | set(recorded)) - set(rules))]
    rows = []
    for rule in order:
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
    return report.findings.groupby(["action", "rule_id"]).size().rename("findings").reset_index()


def gx_summary(report: Report) -> pd.DataFrame:
    """What Great Expectations ran and whether its Data Docs are in the folder."""
    m = report.manifest
    docs = report.folder / "data-docs"
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


def reaudit(report: Report):
    """The audit run again on the recorded inputs, as of the recorded date, under the recorded
    policy — only when every input (and the policy) still matches its hash; else ``None``."""
    if not inputs_verified(report):
        return None
    policy_path = _policy_path(report)
    if policy_path is None or _status(policy_path, report.manifest["policy"]["sha256"])[1] != MATCH:
        return None
    from zimes_audit.audit import audit

    return audit(
        [item["path"] for item in report.manifest["inputs"]],
        as_of=report.as_of,
        policy=policy_path,
    )


def reproduction_table(report: Report, result) -> pd.DataFrame:
    """Counts per rule: manifest against the audit run again now."""
    if result is None:
        return pd.DataFrame(
            [("not re-run: inputs or policy missing or changed", None, None, None)],
            columns=["rule_id", "manifest", "re-run", "agree"],
        )
    recorded = report.manifest.get("counts_by_rule", {})
    now = result.counts_by_rule()
    rules = sorted(set(recorded) | set(now))
    return pd.DataFrame(
        [
            (r, recorded.get(r, 0), now.get(r, 0), recorded.get(r, 0) == now.get(r, 0))
            for r in rules
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
        masked = masked.astype({"source_file": "string", "rule_id": "string"})
        samples = samples.merge(masked, on=["source_file", "source_row", "rule_id"], how="left")
    else:
        samples = samples.assign(customer="(inputs not verified: not shown)")
    order = {r: i for i, r in enumerate(load_rules().rules)}
    samples = samples.assign(_o=samples["rule_id"].map(order)).sort_values(
        ["_o", "source_file", "source_row"], kind="stable"
    )
    columns = ["rule_id", "procedure_section", "action", "source_file", "source_row"]
    columns += ["record_id", "customer", "field", "detail"]
    return samples[columns].reset_index(drop=True)


def _count(findings: pd.DataFrame, rule: str, field: str | None = None) -> int:
    mine = findings[findings["rule_id"] == rule]
    if field is not None:
        mine = mine[mine["field"].str.split(";").apply(lambda names: field in names)]
    return int(len(mine))


def _ended_within_hold(result) -> int:
    from zimes_audit.procedure.terms import on_or_before, term_passed

    total = 0
    for frame in result.frames.values():
        if "relationship_end_at" not in frame or frame.empty:
            continue
        end = frame["relationship_end_at"]
        passed = term_passed(end, result.as_of, result.policy.retention_years)
        total += int((on_or_before(end, result.as_of) & ~passed).sum())
    return total


def procedure_gaps(report: Report, result=None) -> pd.DataFrame:
    """The procedure's own tensions, each with what this run's data show about it."""
    f = report.findings
    years = report.manifest.get("policy", {}).get("retention_years")
    tensions = load_rules().tensions
    code, marketing = tensions["personal_code"], tensions["marketing"]
    retention = tensions["retention"].format(years=years)
    unknown = "(needs the verified inputs)"
    register = result.frames.get("register") if result is not None else None
    opted_in = (
        int(register["marketing_on_list"].sum())
        if register is not None and "marketing_on_list" in register
        else unknown
    )
    rows = [
        (
            code,
            "FIELD-UNPERMITTED findings on the personal-code column",
            _count(f, "FIELD-UNPERMITTED", "personal_code"),
        ),
        (
            code,
            "PERSONAL-CODE-IN-TEXT findings (codes written into other fields)",
            _count(f, "PERSONAL-CODE-IN-TEXT"),
        ),
        (
            marketing,
            "register records on the marketing list (opt-in yes)",
            opted_in,
        ),
        (
            marketing,
            "MARKETING-WITHOUT-BASIS findings",
            _count(f, "MARKETING-WITHOUT-BASIS"),
        ),
        (
            retention,
            "records ended but still within the accounting hold",
            _ended_within_hold(result) if result is not None else unknown,
        ),
        (
            retention,
            "CONTACT-AFTER-END findings (contacts kept during the hold)",
            _count(f, "CONTACT-AFTER-END"),
        ),
        (
            retention,
            "RETENTION-EXPIRED findings (hold over, still kept)",
            _count(f, "RETENTION-EXPIRED"),
        ),
    ]
    return pd.DataFrame(rows, columns=["tension", "what the data show", "count"]).astype(
        {"count": "string"}
    )
