"""Earlier report folders: the one finder and the one reader of them, and checks that a report
still matches its inputs, policy and suites.

The next run compares itself with the newest earlier report (:mod:`zimes_audit.report.history`);
the auditor's review notebook reads one report and re-hashes what it names.  A folder whose
``manifest.json`` is missing or malformed is not a report: it is skipped, never a crash.
``findings.csv`` is read with one dtype convention: text columns as ``string`` (empty text stays
empty), ``source_row`` as nullable ``Int64``.

>>> import hashlib, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> _ = path.write_bytes(b"abc")
>>> sha256_of(path) == hashlib.sha256(b"abc").hexdigest()
True
>>> sha256_of(path)[:12]
'ba7816bf8f01'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.procedure.policy import DEFAULT_POLICY, SHIPPED_SOURCE
from zimes_audit.procedure.rules import term_rows
from zimes_audit.report.folder import is_report
from zimes_audit.report.layout import FINDINGS_CSV, MANIFEST
from zimes_audit.report.safe_text import restore_column

MATCH, MISMATCH, MISSING = "match", "MISMATCH", "file not found"


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------ runs over time
#: One row per recorded run in the trend the audit notebook draws (ids, dates and counts only).
TREND_COLUMNS = (
    "run_id", "as_of", "findings", "new", "still_open", "overdue", "resolved", "exceptions",
    "done_still_present",
)  # fmt: skip


def trend_frame(rows: list[dict]) -> pd.DataFrame:
    """Runs as the trend table: :data:`TREND_COLUMNS`, counts as integers (0 when a run did not
    record one), the audit date as a date.

    >>> trend_frame([{"run_id": "2026-11-01-ab12cd", "as_of": "2026-11-01", "findings": 7,
    ...               "new": 7}]).loc[0, ["findings", "new", "resolved"]].astype(int).tolist()
    [7, 7, 0]
    """
    frame = pd.DataFrame(rows, columns=list(TREND_COLUMNS))
    counts = list(TREND_COLUMNS[2:])
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[s]")
    frame["run_id"] = frame["run_id"].astype("string")
    return frame


# ----------------------------------------------------------------------------- finding reports
def read_manifest(folder: str | Path) -> dict | None:
    """A report folder's manifest, or ``None`` when it is missing or not a JSON object."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def find_reports(reports_root: str | Path) -> list[tuple[str, Path]]:
    """``(finished, folder)`` of every report under ``reports_root``, oldest first.

    Ordered by the manifest's ``finished`` time, not the name (``2026-11-01-10`` sorts before
    ``2026-11-01-2``).  Folders without a readable manifest are skipped, and so are the staging
    folders and claims of unfinished or killed runs (:func:`~zimes_audit.report.folder.is_report`).
    """
    root = Path(reports_root)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        manifest = read_manifest(folder) if is_report(folder) else None
        if manifest is not None:
            found.append((str(manifest.get("finished", "")), folder))
    return sorted(found)


def latest_report(
    reports_root: str | Path = "reports", *, before: str | None = None
) -> Path | None:
    """The complete report under ``reports_root`` that finished last (before ``before``, an ISO
    time, when given).  Which earlier run a new run is compared with is the audit history's
    business (:meth:`zimes_audit.report.history.History.previous_run`), not this."""
    for finished, folder in reversed(find_reports(reports_root)):
        if before is None or finished < before:
            return folder
    return None


# ---------------------------------------------------------------------------- reading a report
def empty_findings_csv() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c == "source_row" else "string") for c in FINDINGS_COLUMNS}
    )


def read_findings(folder: str | Path) -> pd.DataFrame:
    """A report's ``findings.csv`` (record ids and rule ids only; no personal values), with the
    contracted columns in order.  Raises ``ValueError`` when a contracted column is missing."""
    frame = pd.read_csv(
        Path(folder) / FINDINGS_CSV, dtype="string", keep_default_na=False, encoding="utf-8"
    )
    missing = [c for c in FINDINGS_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{FINDINGS_CSV} lacks the columns {', '.join(missing)}")
    for column in FINDINGS_COLUMNS:  # undo findings.csv's formula neutralising
        if column != "source_row":
            frame[column] = restore_column(frame[column])
    frame["source_row"] = pd.to_numeric(frame["source_row"], errors="coerce").astype("Int64")
    return frame[FINDINGS_COLUMNS]


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


def saved_columns(report: Report) -> pd.DataFrame | None:
    """The run's saved ``columns`` table (file, heading, field; no personal value), by which
    the review names every field by its file's heading; ``None`` when the folder has none."""
    from zimes_audit.report.layout import result_path

    path = result_path(report.folder, "columns")
    return pd.read_parquet(path, engine="pyarrow") if path.is_file() else None


def load_report(report_dir: str | Path | None, reports_root: str | Path = "reports") -> Report:
    """Read ``manifest.json`` and ``findings.csv`` of a report folder (the latest under
    ``reports_root`` when ``report_dir`` is empty).  What is wrong with ``findings.csv`` is listed
    in ``problems``; a missing or malformed manifest raises ``FileNotFoundError``."""
    folder = Path(report_dir) if report_dir else latest_report(reports_root)
    manifest = read_manifest(folder) if folder is not None else None
    if manifest is None:
        raise FileNotFoundError(f"no readable {MANIFEST} in report folder {folder}")
    problems = []
    findings = empty_findings_csv()
    if not (folder / FINDINGS_CSV).is_file():
        problems.append(f"{FINDINGS_CSV} is missing")
    else:
        try:
            findings = read_findings(folder)
        except ValueError:
            problems.append(f"{FINDINGS_CSV} does not have the contracted columns")
        else:
            header = (folder / FINDINGS_CSV).open(encoding="utf-8").readline().strip()
            if header not in (",".join(FINDINGS_COLUMNS), ",".join([*FINDINGS_COLUMNS, "status"])):
                problems.append(f"{FINDINGS_CSV} does not have the contracted columns")
    return Report(folder, manifest, findings, problems)


# ------------------------------------------------------------------- does it still match?
def file_status(path: Path | None, recorded: str) -> tuple[str | None, str]:
    """``(sha256 now, status)``: :data:`MATCH`, :data:`MISMATCH` or :data:`MISSING`."""
    if path is None or not path.is_file():
        return None, MISSING
    now = sha256_of(path)
    return now, MATCH if now == recorded else MISMATCH


def check_inputs(report: Report) -> pd.DataFrame:
    """Each input of the manifest re-hashed now: ``match``, ``MISMATCH`` or ``file not found``."""
    rows = []
    for item in report.manifest.get("inputs", []):
        path = Path(item["path"])
        now, status = file_status(path, item["sha256"])
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


def policy_path(report: Report) -> Path:
    """The policy file the run used (the shipped one when the manifest names it)."""
    source = report.manifest.get("policy", {}).get("path")
    if not source or source == SHIPPED_SOURCE:
        from importlib import resources

        return Path(str(resources.files("zimes_audit.procedure.data").joinpath(DEFAULT_POLICY)))
    return Path(source)


def policy_verified(report: Report) -> bool:
    """The policy file is present and hashes as the manifest recorded."""
    recorded = report.manifest.get("policy", {}).get("sha256", "")
    return file_status(policy_path(report), recorded)[1] == MATCH


def check_policy(report: Report) -> pd.DataFrame:
    """The policy terms the run recorded, and whether the policy file still hashes the same."""
    policy = report.manifest.get("policy", {})
    now, status = file_status(policy_path(report), policy.get("sha256", ""))
    rows = [
        ("audit date (as of)", report.manifest.get("as_of")),
        ("policy file", policy.get("path")),
        ("policy sha256 (manifest)", policy.get("sha256")),
        ("policy sha256 (now)", now),
        ("policy file status", status),
    ]
    rows += term_rows(policy)
    return pd.DataFrame(rows, columns=["term", "value"]).astype({"value": "string"})


def check_suites(report: Report) -> pd.DataFrame:
    """Each suite of the manifest: name, expectations, recorded and current SHA-256."""
    rows = []
    for suite in report.manifest.get("suites", []):
        now, status = file_status(Path(suite["path"]), suite["sha256"])
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


def suite_documents(report: Report) -> dict[str, dict]:
    """Per kind, the suite JSON the manifest names (those still present)."""
    documents = {}
    for suite in report.manifest.get("suites", []):
        path = Path(suite["path"])
        if path.is_file():
            documents[suite["kind"]] = json.loads(path.read_text("utf-8"))
    return documents


def reaudit(report: Report):
    """The audit run again on the recorded inputs, as of the recorded date, under the recorded
    policy — only when every input (and the policy) still matches its hash; else ``None``."""
    if not (inputs_verified(report) and policy_verified(report)):
        return None
    from zimes_audit.audit import audit

    return audit(
        [item["path"] for item in report.manifest["inputs"]],
        as_of=report.as_of,
        policy=policy_path(report),
    )
