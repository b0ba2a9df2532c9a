"""The library API the command line and the notebooks share.

>>> from datetime import date
>>> result = audit(["data_samples"], as_of=date(2026, 11, 1))   # doctest: +SKIP
>>> result.findings.groupby("rule_id").size()                   # doctest: +SKIP
"""

from __future__ import annotations

import copy
import gc
import resource
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit.checks.findings import (
    concat_findings,
    failures_of,
    findings_for,
    merge_findings,
)
from zimes_audit.checks.runner import SuiteInfo, SuiteRunner
from zimes_audit.facts.derived import EXTRA_TEXT, order_facts, register_facts
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


def release_memory() -> None:
    """Hand memory the process freed but its allocators keep back to the system, between
    stages: Arrow's pool (mimalloc) keeps what a stage's string columns used, glibc's malloc
    what its Python objects used — neither serves the other, so what one kept would otherwise
    sit beside the next stage's peak (issue 15: peak RSS under 2 GB at 1M orders)."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


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
    columns: pd.DataFrame  # one row per input column: what the column-level suite judged
    started: datetime
    finished: datetime
    runner: SuiteRunner = field(repr=False)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    field_map: FieldMap | None = None  # the administrator's field map applied, if any
    memory: dict[str, float] = field(default_factory=dict)  # peak RSS (MB) so far, per stage
    stages: dict[str, float] = field(default_factory=dict)  # seconds per step of a run's writing

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
    """Add ``due_date``: the audit date plus the policy's grace days for the action.

    One date per action, computed once and shared by its findings (a run's history later fixes
    a still-open finding's date to the one it was first given).

    >>> from zimes_audit.procedure.policy import load_policy
    >>> found = pd.DataFrame({"action": ["DELETE", "REDACT_FIELD"]})
    >>> with_due_dates(found, load_policy(), date(2026, 11, 1))["due_date"].map(str).tolist()
    ['2026-12-01', '2026-11-15']
    """
    days = {action: as_of + timedelta(days=n) for action, n in policy.due_days.items()}
    codes, actions = pd.factorize(findings["action"], use_na_sentinel=True)
    dates = np.asarray([*(days.get(a) for a in actions), None], dtype=object)
    return findings.assign(due_date=dates[codes])  # one date object per action, not per row


def audit(
    inputs: Sequence[str | Path] | None = None,
    as_of: date | None = None,
    policy: Policy | str | Path | None = None,
    *,
    tables: list[LoadedTable] | None = None,
    suites_dir: Path | None = None,
    naive_gx: bool = False,
    fields: str | Path | None = None,
    field_map: FieldMap | None = None,
    keep_facts: Collection[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Load the inputs, derive the facts, run the suites and collect the findings.

    ``inputs`` are files or folders (default ``data_samples/``); ``as_of`` defaults to today;
    ``policy`` is a :class:`Policy`, a path to a policy file, or ``None`` for the shipped one.
    Already-loaded ``tables`` may be passed instead of ``inputs``.  ``naive_gx`` runs GX the
    default, slow way (benchmark baseline; same findings).  ``fields`` is the administrator's
    field map file (default: ``zimes-fields.toml`` beside the inputs, if there is one); or pass
    the parsed ``field_map`` the ``tables`` were loaded with (it is recorded in the manifest).
    ``keep_facts``: once the findings are in, keep only these columns (with the provenance
    and record ids) of ``frames`` and of the tables' frames — a run keeps what its report reads,
    so a million records' other facts are not held through the writing (default: keep all).
    ``progress`` is told, in a line, when the inputs are loaded and validation starts.
    """
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    memory: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        memory[stage] = peak_rss_mb()
        release_memory()
        clock = time.perf_counter()

    as_of = as_of or date.today()
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    if tables is None:
        from zimes_audit.loading import load_inputs

        inputs = list(inputs) if inputs is not None else ["data_samples"]  # [] is refused
        field_map = field_map or resolve_field_map(inputs, fields)
        tables = load_inputs(inputs, field_map)
        lap("load")
    if progress is not None:
        progress(f"validating {sum(t.rows for t in tables)} records")
    register_rows = _combine(tables, "register")
    order_scan, order_unpermitted = _extra_scan(tables, "orders")
    register_scan, register_unpermitted = _extra_scan(tables, "register")
    orders = order_facts(
        _combine(tables, "orders"), register_rows, policy,
        extra_scan=order_scan, local_unpermitted=order_unpermitted,
    )  # fmt: skip
    register = register_facts(
        register_rows, orders, policy,
        extra_scan=register_scan, local_unpermitted=register_unpermitted,
    )  # fmt: skip
    frames = {"orders": orders, "register": register}
    del orders, register, register_rows  # held in ``frames`` only, so ``keep_facts`` can free them
    expand = {"orders": {EXTRA_TEXT: order_scan}, "register": {EXTRA_TEXT: register_scan}}
    columns = columns_frame(tables)
    lap("facts")
    runner = SuiteRunner(suites_dir, naive=naive_gx)
    parameters = policy.suite_parameters(as_of)
    kinds = load_catalogue().kinds
    validations, parts = {}, []
    for kind in kinds:
        if not any(t.kind == kind for t in tables):
            continue
        validations[kind] = runner.run(kind, frames[kind], parameters)
        lap("validate")
        parts.append(
            findings_for(
                kind,
                failures_of(validations[kind]),
                frames[kind],
                kinds[kind].record_id,
                expand[kind],
            )
        )
        lap("findings")
    if keep_facts is not None:  # the suites are done with the facts: keep what the report reads
        keep = {*keep_facts, *(kind.record_id for kind in kinds.values())}
        frames = {kind: keep_columns(frame, keep) for kind, frame in frames.items()}
        tables = _keeping(tables, keep)
        # what was let go is freed now, even where a reference cycle holds it (a full collection
        # costs ~0.2 s once GX is imported: once here, not between every stage)
        gc.collect()
        lap("findings")
    if len(columns):
        validations[COLUMNS_KIND] = runner.run(COLUMNS_KIND, columns, parameters)
        lap("validate")
        parts.append(
            findings_for(COLUMNS_KIND, failures_of(validations[COLUMNS_KIND]), columns, "")
        )
        lap("findings")
    raw = concat_findings(parts)
    parts.clear()  # the kinds' raw findings live on only in ``raw``: never two copies of them
    findings = with_due_dates(merge_findings(raw), policy, as_of)
    del raw
    lap("findings")
    return AuditResult(
        as_of,
        policy,
        tables,
        frames,
        runner.info,
        validations,
        findings,
        columns,
        started,
        datetime.now(UTC),
        runner,
        timings,
        field_map,
        memory,
    )
