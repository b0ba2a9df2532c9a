"""The library API the command line and the notebooks share.

>>> from datetime import date
>>> result = audit(["data_samples"], as_of=date(2026, 11, 1))   # doctest: +SKIP
>>> result.findings.groupby("rule_id").size()                   # doctest: +SKIP
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from zimes_audit.checks.findings import (
    concat_findings,
    failures_of,
    findings_for,
    merge_findings,
)
from zimes_audit.checks.runner import SuiteInfo, SuiteRunner
from zimes_audit.checks.text_scan import scanning
from zimes_audit.facts.derived import EXTRA_TEXT, order_facts, register_facts
from zimes_audit.facts.requests import Open, request_facts
from zimes_audit.hooks import Hooks
from zimes_audit.loading.tables import (
    COLUMN_DETAIL,
    LOCAL_PREFIX,
    UNREADABLE_PREFIX,
    LoadedTable,
    keep_columns,
)
from zimes_audit.procedure.catalogue import (
    COLUMNS_KIND,
    NOT_PERMITTED,
    UNCLASSIFIED,
    load_catalogue,
)
from zimes_audit.procedure.field_map import FieldMap, resolve_field_map
from zimes_audit.procedure.policy import Policy, load_policy
from zimes_audit.procedure.terms import due_dates, shared_dates

#: From how many records the audit collects the garbage once its findings are in (below it, what
#: a reference cycle holds is small, and the collection alone, ~0.25 s with GX imported, would
#: be a tenth of a small shop's run).
COLLECT_FROM_RECORDS = 50_000


@dataclass
class AuditResult:
    """Everything one audit read, ran and found (and, for a run, the findings' history)."""

    as_of: date
    policy: Policy
    tables: list[LoadedTable]
    frames: dict[str, pd.DataFrame]  # per kind: all records with their facts, row = position
    suites: dict[str, SuiteInfo]
    validations: dict[str, object]  # per kind: the GX ExpectationSuiteValidationResult
    findings: pd.DataFrame
    columns: pd.DataFrame  # one row per input column: what the column-level suite judged
    started: datetime
    finished: datetime
    runner: SuiteRunner = field(repr=False)
    field_map: FieldMap | None = None  # the administrator's field map applied, if any
    # set by a run (``report.run``): each finding's key, dates and status against the history,
    # and the history's trend with this run; an interactive audit has neither
    comparison: object | None = field(default=None, repr=False)  # report.history.Comparison
    trend: pd.DataFrame | None = field(default=None, repr=False)
    # the data subjects' open requests as the run found them (report.requests_sheet)
    requests: pd.DataFrame | None = field(default=None, repr=False)

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


def columns_frame(tables: Sequence[LoadedTable]) -> pd.DataFrame:
    """One row per column of every input: file, header row, heading, column letter, field,
    §6 category, filled cells, the detail of its FIELD-UNCLASSIFIED finding (``column_detail``:
    what its values suggest) and whether it holds any value (``holds_values``).

    >>> from pathlib import Path
    >>> from zimes_audit.loading import load_file
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "o.csv"
    >>> _ = path.write_text("Nr;Pasūtījuma nr.;Summa;Krāsa;Tukšs\\n;M-1;3;zila;\\n")
    >>> frame = columns_frame([load_file(path)])
    >>> frame[["source_row", "heading", "category", "holds_values"]].values.tolist()[3:]
    [[1, 'Krāsa', 'unclassified', True], [1, 'Tukšs', 'unclassified', False]]
    """
    records = [
        (
            t.source,
            t.detected.header_row,
            info.heading,
            info.letter,
            info.field,
            info.category,
            info.filled,
            t.kind,
            info.detail,
        )
        for t in tables
        for info in t.columns
    ]
    names = ["source_file", "source_row", "heading", "letter", "field", "category", "filled",
             "file_kind", COLUMN_DETAIL]  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=names)
    frame["source_row"] = frame["source_row"].astype("int64")
    frame["holds_values"] = frame["filled"] > 0
    return frame


def _extra_scan(tables: Sequence[LoadedTable], kind: str) -> tuple[list[str], dict[str, str]]:
    """Columns of ``kind`` scanned through the extra-text fact (unknown headings, the field map's
    text fields, unreadable cells), and the not-permitted columns outside the catalogue's (the
    field map's, and those whose values are personal codes or card numbers) → field names."""
    scan: dict[str, None] = {}
    unpermitted: dict[str, str] = {}
    for table in (t for t in tables if t.kind == kind):
        for info in table.columns:
            local = info.column.startswith(LOCAL_PREFIX)
            if info.scan and (info.category == UNCLASSIFIED or local):
                scan.setdefault(info.column)
            if info.category == NOT_PERMITTED and info.column != info.field:
                # the field map's, or a column of personal codes under another heading
                unpermitted[info.column] = info.field or info.column
        for column in table.frame.columns:
            if column.startswith(UNREADABLE_PREFIX):
                scan.setdefault(column)
    return list(scan), unpermitted


def _keeping(tables: Sequence[LoadedTable], columns: Collection[str]) -> list[LoadedTable]:
    """``tables`` each keeping only ``columns`` (:meth:`LoadedTable.keeping`); the list's
    other attributes (the files skipped) are kept too."""
    kept = copy.copy(tables)  # the same kind of list, with its ``skipped``
    kept[:] = [table.keeping(columns) for table in tables]
    return kept


def with_due_dates(findings: pd.DataFrame, policy: Policy, as_of: date) -> pd.DataFrame:
    """Add ``due_date`` (:func:`~zimes_audit.procedure.terms.due_dates`), one date object per
    distinct day (a run's history later fixes a still-open finding's date to its first).

    >>> from zimes_audit.procedure.policy import load_policy
    >>> found = pd.DataFrame({"action": ["DELETE", "REDACT_FIELD"]})
    >>> with_due_dates(found, load_policy(), date(2026, 11, 1))["due_date"].map(str).tolist()
    ['2026-12-01', '2026-11-15']
    """
    days = due_dates(findings["action"], policy.due_days, as_of)
    return findings.assign(due_date=shared_dates(days))


@dataclass(frozen=True)
class Known:
    """What the audit history knows that the facts read: the items of the data subjects' open
    requests (checked by SUBJECT-REQUEST-OVERDUE, :mod:`zimes_audit.facts.requests`) and the
    customer ids earlier audits saw in the register (an order naming one the register no
    longer has is worded as its customer deleted)."""

    requests: Sequence[Open] = ()
    former_customers: Collection[str] = ()


@dataclass
class Facts:
    """The records of each kind with their facts, and what the suites need beside them."""

    frames: dict[str, pd.DataFrame]  # per kind: records with their facts, row = position
    expand: dict[str, dict[str, list[str]]]  # per kind: extra-text fact → the columns it scans
    columns: pd.DataFrame  # one row per input column (:func:`columns_frame`)


def derive_facts(
    tables: Sequence[LoadedTable], policy: Policy, former_customers: Collection[str] = ()
) -> Facts:
    """Concatenate each kind's tables and derive the facts the rules read (§ in
    :mod:`zimes_audit.facts.derived`); ``former_customers``: the customer ids earlier audits
    saw in the register."""
    register_rows = _combine(tables, "register")
    order_scan, order_unpermitted = _extra_scan(tables, "orders")
    register_scan, register_unpermitted = _extra_scan(tables, "register")
    orders = order_facts(
        _combine(tables, "orders"), register_rows, policy,
        extra_scan=order_scan, local_unpermitted=order_unpermitted,
        former_customers=former_customers,
    )  # fmt: skip
    register = register_facts(
        register_rows, orders, policy,
        extra_scan=register_scan, local_unpermitted=register_unpermitted,
    )  # fmt: skip
    return Facts(
        {"orders": orders, "register": register},
        {"orders": {EXTRA_TEXT: order_scan}, "register": {EXTRA_TEXT: register_scan}},
        columns_frame(tables),
    )


def check(
    runner: SuiteRunner, kind: str, frame: pd.DataFrame, parameters: dict, hooks: Hooks,
    expand: dict[str, list[str]] | None = None,
) -> tuple[object, pd.DataFrame]:  # fmt: skip
    """Validate ``frame`` against ``kind``'s suite (step ``validate``) and turn its failures
    into raw findings (step ``findings``): (GX validation result, findings)."""
    record_id = load_catalogue().kinds[kind].record_id if kind != COLUMNS_KIND else ""
    with scanning(frame):  # the text scans and the findings' locators read the cells once
        with hooks.step("validate"):
            validation = runner.run(kind, frame, parameters)
        with hooks.step("findings"):
            found = findings_for(kind, failures_of(validation), frame, record_id, expand)
    return validation, found


def _load(
    inputs: Sequence[str | Path] | None, fields: str | Path | FieldMap | None
) -> tuple[list[LoadedTable], FieldMap | None]:
    from zimes_audit.loading import load_inputs

    inputs = list(inputs) if inputs is not None else ["data_samples"]  # [] is refused
    field_map = fields if isinstance(fields, FieldMap) else resolve_field_map(inputs, fields)
    return load_inputs(inputs, field_map), field_map


def audit(
    inputs: Sequence[str | Path] | None = None,
    as_of: date | None = None,
    policy: Policy | str | Path | None = None,
    *,
    tables: list[LoadedTable] | None = None,
    fields: str | Path | FieldMap | None = None,
    keep_facts: Collection[str] | None = None,
    hooks: Hooks | None = None,
    known: Known | None = None,
) -> AuditResult:
    """Load the inputs, derive the facts, run the suites and collect the findings.

    ``inputs`` are files or folders (default ``data_samples/``); ``as_of`` defaults to today;
    ``policy`` is a :class:`Policy`, a path to a policy file, or ``None`` for the shipped one.
    Already-loaded ``tables`` may be passed instead of ``inputs``.  ``fields`` is the
    administrator's field map file (default: ``zimes-fields.toml`` beside the inputs, if there
    is one), or the parsed :class:`FieldMap` (with ``tables``: the one they were loaded with;
    it is recorded in the manifest).  ``keep_facts``: once the findings are in, keep only these
    columns (with the provenance and record ids) of ``frames`` and of the tables' frames — a run
    keeps what its report reads, so a million records' other facts are not held through the
    writing (default: keep all).  ``hooks`` (:class:`~zimes_audit.hooks.Hooks`) sees the named
    steps — load, facts, runner (GX imported, its context built), validate, findings — and the
    progress lines, and gives the GX runner.
    ``known``: what the audit history knows that the facts read (:class:`Known`; a run reads
    it from the history; default: nothing).
    """
    hooks = hooks or Hooks()
    started = datetime.now(UTC)
    as_of = as_of or date.today()
    policy = policy if isinstance(policy, Policy) else load_policy(policy)
    field_map = fields if isinstance(fields, FieldMap) else None
    if tables is None:
        with hooks.step("load"):
            tables, field_map = _load(inputs, fields)
    hooks.progress("progress_validate", count=sum(t.rows for t in tables))
    with hooks.step("facts"):
        known = known or Known()
        facts = derive_facts(tables, policy, known.former_customers)
        facts.frames = {
            k: f.join(request_facts(f, k, known.requests, as_of)) for k, f in facts.frames.items()
        }
    with hooks.step("runner"):  # GX imported and its context built (a third of a small run)
        runner = hooks.runner()
    parameters = policy.suite_parameters(as_of)
    kinds = load_catalogue().kinds
    validations, parts = {}, []
    for kind in (k for k in kinds if any(t.kind == k for t in tables)):
        validations[kind], found = check(
            runner, kind, facts.frames[kind], parameters, hooks, facts.expand[kind]
        )
        parts.append(found)
    if keep_facts is not None:  # the suites are done with the facts: keep what the report reads
        with hooks.step("findings"):
            keep = {*keep_facts, *(kind.record_id for kind in kinds.values())}
            facts.frames = {k: keep_columns(frame, keep) for k, frame in facts.frames.items()}
            tables = _keeping(tables, keep)
            # what was let go is freed now, even where a reference cycle holds it (a full
            # collection costs ~0.2 s once GX is imported: once here, not between every stage,
            # and only when the records are many enough for what a cycle holds to matter)
            if sum(len(frame) for frame in facts.frames.values()) >= COLLECT_FROM_RECORDS:
                gc.collect()
    if len(facts.columns):
        validations[COLUMNS_KIND], found = check(
            runner, COLUMNS_KIND, facts.columns, parameters, hooks
        )
        parts.append(found)
    with hooks.step("findings"):
        raw = concat_findings(parts)
        parts.clear()  # the kinds' raw findings live on only in ``raw``: never two copies
        findings = with_due_dates(merge_findings(raw), policy, as_of)
        del raw
    return AuditResult(
        as_of, policy, tables, facts.frames, runner.info, validations, findings, facts.columns,
        started, datetime.now(UTC), runner, field_map,
    )  # fmt: skip
