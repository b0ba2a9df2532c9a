"""``zimes-audit run``: audit the inputs and write a complete report folder, or nothing.

>>> REPORT_FILES[:3]
('flagged-records.xlsx', 'findings.csv', 'manifest.json')
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.errors import BadArgument
from zimes_audit.report.folder import choose_folder, staged
from zimes_audit.report.history import compare, previous_report, read_findings
from zimes_audit.report.manifest import build_manifest, write_manifest
from zimes_audit.report.results import RESULTS_DIR, save_results
from zimes_audit.report.workbook import write_workbook

REPORT_FILES = (
    "flagged-records.xlsx",
    "findings.csv",
    "manifest.json",
    "data-docs",
    "audit.ipynb",
    "audit.html",
    RESULTS_DIR,
)


def progress(message: str) -> None:
    """A progress line on stderr — only for a person at a terminal."""
    if sys.stderr.isatty():
        print(f"… {message}", file=sys.stderr, flush=True)


def write_findings_csv(path: Path, findings) -> Path:
    findings[FINDINGS_COLUMNS].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def run_report(
    inputs: list[str],
    as_of: date,
    *,
    out: Path | None = None,
    reports_root: Path = Path("reports"),
    policy: str | None = None,
    notebook: bool = True,
    command: list[str] | None = None,
    naive_gx: bool = False,
    compare_with: Path | None = None,
) -> tuple[Path, object]:
    """Audit ``inputs`` as of ``as_of`` into a new report folder; return (folder, result).

    The findings are compared with ``compare_with`` (a report folder) or, by default, with the
    report under ``reports_root`` that finished last: the workbook shows what is new, what is
    still open and what was resolved since.
    """
    from zimes_audit.audit import audit
    from zimes_audit.loading import load_inputs

    target = choose_folder(out, reports_root, as_of.isoformat())
    started = datetime.now(UTC)
    if compare_with is not None and not (compare_with / "findings.csv").is_file():
        raise BadArgument(
            problem=f"--compare {compare_with}: not a report folder (no findings.csv)"
        )
    previous = compare_with or previous_report(reports_root, before=started.isoformat())
    progress("loading inputs")
    clock = time.perf_counter()
    tables = load_inputs(inputs)
    load_seconds = time.perf_counter() - clock
    progress(f"validating {sum(t.rows for t in tables)} records")
    result = audit(tables=tables, as_of=as_of, policy=policy, naive_gx=naive_gx)
    result.timings["load"] = load_seconds
    result.started = started
    clock = time.perf_counter()
    with staged(target) as folder:
        progress("writing findings, workbook and manifest")
        write_findings_csv(folder / "findings.csv", result.findings)
        change = compare(result.findings, read_findings(previous)) if previous else None
        facts = [
            ("Audit date (as of)", result.as_of),
            ("Report folder", str(target)),
            ("Findings", len(result.findings)),
            ("Expectations run", result.expectations_run),
        ]
        facts += [(f"Input: {t.path.name}", f"{t.kind}, {t.rows} rows") for t in tables]
        if change is not None:
            facts.append(("Compared with", str(previous)))
            facts += [(f"Since then: {k.replace('_', ' ')}", n) for k, n in change.counts().items()]
        write_workbook(
            folder / "flagged-records.xlsx", result.findings, result.frames, facts,
            status=change.status if change else None,
            resolved=change.resolved if change else None,
        )  # fmt: skip
        progress("building Data Docs")
        from zimes_audit.report.datadocs import build_site

        build_site(result.runner.context, folder / "data-docs")
        progress("saving results and charts")
        from zimes_audit.views.charts import save_all

        save_results(folder, result)
        charts = save_all(result, folder)
        result.timings["write"] = time.perf_counter() - clock
        result.finished = datetime.now(UTC)
        manifest = build_manifest(result, command)
        manifest["report_folder"] = target.name
        manifest["charts"] = [path.name for path in charts]
        manifest["previous_report"] = (
            {"path": str(previous.resolve()), **change.counts()} if change else None
        )
        write_manifest(folder / "manifest.json", manifest)
        if notebook:
            progress("executing the audit notebook")
            from zimes_audit.report.notebook import execute_audit_notebook

            clock = time.perf_counter()
            execute_audit_notebook(folder, name=target.name)
            result.timings["notebook"] = time.perf_counter() - clock
    return target, result
