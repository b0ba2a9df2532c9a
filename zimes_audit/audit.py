"""The library API the command line and the notebooks share.

>>> from datetime import date
>>> result = audit(["data_samples"], as_of=date(2026, 11, 1))   # doctest: +SKIP
>>> result.findings.groupby("rule_id").size()                   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from zimes_audit.checks.findings import (
    empty_findings,
    failures_of,
    findings_for,
    loader_findings,
    merge_findings,
)
from zimes_audit.checks.runner import SuiteInfo, SuiteRunner
from zimes_audit.facts.derived import order_facts, register_facts
from zimes_audit.loading.tables import LoadedTable
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.policy import Policy, load_policy

KINDS = ("orders", "register")


@dataclass
class AuditResult:
    """Everything one audit read, ran and found."""

    as_of: date
    policy: Policy
    tables: list[LoadedTable]
    frames: dict[str, pd.DataFrame]  # per kind: all records with their facts, row = position
    suites: dict[str, SuiteInfo]
    validations: dict[str, object]  # per kind: the GX ExpectationSuiteValidationResult
    findings: pd.DataFrame
    started: datetime
    finished: datetime
    runner: SuiteRunner = field(repr=False)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def expectations_run(self) -> int:
        return sum(len(v.results) for v in self.validations.values())

    def counts_by_rule(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.findings.groupby("rule_id").size().items()}

    def counts_by_action(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.findings.groupby("action").size().items()}


def _combine(tables: Sequence[LoadedTable], kind: str) -> pd.DataFrame:
    frames = [t.frame for t in tables if t.kind == kind]
    if not frames:
        return pd.DataFrame(
            {"source_file": pd.Series(dtype="string"), "source_row": pd.Series(dtype="int64")}
        )
    return pd.concat(frames, ignore_index=True)


def with_due_dates(findings: pd.DataFrame, policy: Policy, as_of: date) -> pd.DataFrame:
    """Add ``due_date``: the audit date plus the policy's grace days for the action."""
    days = findings["action"].map(policy.due_days).astype("int64")
    due = pd.Timestamp(as_of) + pd.to_timedelta(days, unit="D")
    return findings.assign(due_date=due.dt.date)


def audit(
    inputs: Sequence[str | Path] | None = None,
    as_of: date | None = None,
    policy: Policy | str | Path | None = None,
    *,
    tables: list[LoadedTable] | None = None,
    suites_dir: Path | None = None,
    naive_gx: bool = False,
) -> AuditResult:
    """Load the inputs, derive the facts, run the suites and collect the findings.

    ``inputs`` are files or folders (default ``data_samples/``); ``as_of`` defaults to today;
    ``policy`` is a :class:`Policy`, a path to a policy file, or ``None`` for the shipped one.
    Already-loaded ``tables`` may be passed instead of ``inputs``.  ``naive_gx`` runs GX the
    default, slow way (benchmark baseline; same findings).
    """
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now

    as_of = as_of or date.today()
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    if tables is None:
        from zimes_audit.loading import load_inputs

        tables = load_inputs(list(inputs or ["data_samples"]))
        lap("load")
    register_rows = _combine(tables, "register")
    orders = order_facts(_combine(tables, "orders"), register_rows, policy)
    register = register_facts(register_rows, orders, policy)
    frames = {"orders": orders, "register": register}
    lap("facts")
    runner = SuiteRunner(suites_dir, naive=naive_gx)
    parameters = policy.suite_parameters(as_of)
    kinds = load_catalogue().kinds
    validations, parts = {}, []
    for kind in KINDS:
        if not any(t.kind == kind for t in tables):
            continue
        validations[kind] = runner.run(kind, frames[kind], parameters)
        lap("validate")
        parts.append(
            findings_for(kind, failures_of(validations[kind]), frames[kind], kinds[kind].record_id)
        )
        parts.append(loader_findings(kind, tables, frames[kind], kinds[kind].record_id))
        lap("findings")
    parts = [p for p in parts if not p.empty]
    raw = pd.concat(parts, ignore_index=True) if parts else empty_findings()
    findings = with_due_dates(merge_findings(raw), policy, as_of)
    lap("findings")
    return AuditResult(
        as_of,
        policy,
        tables,
        frames,
        runner.info,
        validations,
        findings,
        started,
        datetime.now(UTC),
        runner,
        timings,
    )
