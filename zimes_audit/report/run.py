"""``zimes-audit run``: audit the inputs and write a complete report folder, or nothing.

The run is compared with the previous run recorded in the audit history
(:mod:`zimes_audit.report.history`) — the latest with an earlier audit date over the same kinds
of input, never the synthetic sample for real data — and reads the decisions written in that
run's workbook (or in ``resolutions``).  The report folder is staged and renamed into place; the
run is recorded in the history in one transaction that commits only once the folder is in place.
The folder's file names are :mod:`zimes_audit.report.layout`'s.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zimes_audit.checks.findings import FINDINGS_COLUMNS, combination_codes, first_rows
from zimes_audit.errors import InputNotFound
from zimes_audit.hooks import Hooks
from zimes_audit.report.folder import choose_folder, staged, sweep_abandoned
from zimes_audit.report.forked import concurrently, shared_with_children
from zimes_audit.report.history import (
    HISTORY_FILE,
    Comparison,
    History,
    RunEntry,
    RunRecord,
    erasure_coverage,
    is_synthetic,
    new_run_id,
)
from zimes_audit.report.layout import DATA_DOCS, FINDINGS_CSV, MANIFEST, WORKBOOK
from zimes_audit.report.manifest import build_manifest, write_manifest
from zimes_audit.report.notes import KNOWN_FIELDS
from zimes_audit.report.requests import history_key
from zimes_audit.report.requests_sheet import READS_FACTS as requests_reads
from zimes_audit.report.requests_sheet import close_carried_out, request_rows, requests_for_run
from zimes_audit.report.resolutions import (
    Gathered,
    csv_status,
    decisions_for_run,
    last_decisions,
)
from zimes_audit.report.results import facts_read, save_results, with_current_run, write_charts
from zimes_audit.report.safe_text import DANGEROUS_STARTS, QUOTE, neutralise
from zimes_audit.report.workbook import READS_FACTS as workbook_reads
from zimes_audit.report.workbook import Tracking, View, Volume, heading_map, write_workbook
from zimes_audit.words.labels import labels, translated

if TYPE_CHECKING:
    from zimes_audit.audit import AuditResult


def report_facts() -> frozenset[str]:
    """The record facts the report's writing reads (the workbook's, and the evidence's:
    :func:`~zimes_audit.report.results.facts_read`); the run keeps only these once the findings
    are in (audit ``keep_facts``)."""
    return frozenset(
        (*workbook_reads, *facts_read(), *requests_reads, *KNOWN_FIELDS)
    )  # notes: scrub them


def warn(message: str, language: str = "lv") -> None:
    """A warning line: something the administrator wrote was not applied (issue 25)."""
    print(labels(language).say("console", "warning", message=message), file=sys.stderr, flush=True)


def note(message: str, language: str = "lv") -> None:
    """A line the user must see even when no one watches a terminal (a scheduled job's log);
    ``message`` in English, written in ``language`` by the catalogue's ``[console.phrases]``."""
    lab = labels(language)
    phrases = lab.table["errors"]["phrases"]
    message = translated(lab.table["console"]["phrases"], message, phrases) or message
    print(lab.say("console", "note", message=message), file=sys.stderr, flush=True)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def gx_errors_raised() -> Iterator[None]:
    """Errors GX only logs (a Data Docs page it could not write) stop the run instead.

    GX catches an exception while rendering or writing a Data Docs page, logs it with its
    traceback on stderr and carries on, leaving the site incomplete.  Here such a log record is
    kept off stderr and raised: a full or read-only disk as that ``OSError`` (one line, exit 2),
    anything else as an internal error — a report is never published with pages missing.
    """
    logger = logging.getLogger("great_expectations")
    collect, propagate = _Collect(), logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    for message in collect.messages:
        found = re.search(r"\[Errno (\d+)\]", message)
        if found:
            number = int(found.group(1))
            raise OSError(number, os.strerror(number))
    if collect.messages:
        raise RuntimeError("Great Expectations could not render the Data Docs")


#: The characters that make :func:`_csv_cell` quote a cell (as ``DataFrame.to_csv`` does).
_QUOTED_FOR = ',"\n'


def _csv_cell(value) -> str:
    """One ``findings.csv`` cell as ``DataFrame.to_csv`` writes it (after neutralising).

    >>> _csv_cell('say "hi", =1'), _csv_cell("=1+1"), _csv_cell(None), _csv_cell("Jānis")
    ('"say ""hi"", =1"', "'=1+1", '', 'Jānis')
    """
    if not isinstance(value, str):
        return ""
    value = neutralise(value)
    quoted = any(c in value for c in _QUOTED_FOR)
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if quoted else value


_CSV_CHUNK_ROWS = 100_000  # findings.csv is written this many rows at a time
#: A text that :func:`_csv_cell` changes: one a spreadsheet could take for a formula, or one
#: that must be quoted (every other text is its own cell).
_CSV_TOUCHED = "^[{}]|[{}]".format(
    *(
        "".join(f"\\x{ord(c):02x}" for c in chars)
        for chars in ((*DANGEROUS_STARTS, QUOTE), _QUOTED_FOR)
    )
)


def _csv_cells(values):
    """A text column (Arrow) as :func:`_csv_cell` writes each of its cells: the few texts it
    changes are found with one Arrow pass and only those go through it (a record id rarely
    needs either).

    >>> import pyarrow as pa
    >>> _csv_cells(pa.array(["M-1", "=1", None, 'K-"7, 8'], pa.large_string())).to_pylist()
    ['M-1', "'=1", '', '"K-""7, 8"']
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pc.fill_null(values, pa.scalar("", values.type))
    touched = pc.match_substring_regex(values, _CSV_TOUCHED)
    if not pc.any(touched).as_py():
        return values
    where = np.flatnonzero(touched.to_numpy(zero_copy_only=False))
    cells = pa.array([_csv_cell(v) for v in values.take(where).to_pylist()], values.type)
    return pc.replace_with_mask(values, touched, cells)


def write_findings_csv(path: Path, findings) -> Path:
    """``findings.csv``: every text cell through :func:`~zimes_audit.report.safe_text.neutralise`,
    so no spreadsheet evaluates a record id, file name or heading that looks like a formula.

    Byte for byte what ``DataFrame.to_csv(index=False, lineterminator="\\n")`` writes — UTF-8,
    a field quoted (its quotes doubled) only when it holds a comma, a quote or a line feed, an
    empty or missing value as nothing — without Python per finding: the columns that take few
    values (file, rule, §, severity, action, field, detail) are written once per distinct
    combination and laid out with Arrow, the record ids written as they are but the few that
    need neutralising or quoting (:func:`_csv_cells`), and the lines go to the file as Arrow's
    text buffer, a slice of rows at a time (so the whole file is never held in memory).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = [*FINDINGS_COLUMNS, *(["status"] if "status" in findings else [])]
    head, tail = columns[:1], columns[3:]
    combos = combination_codes(  # one code per distinct combination, first seen first
        [pd.factorize(findings[column], use_na_sentinel=False)[0] for column in [*head, *tail]]
    )
    starts, ends = [], []
    for values in (
        findings[[*head, *tail]].iloc[first_rows(combos)].astype(object).to_numpy().tolist()
    ):
        cells = [_csv_cell(v) for v in values]
        starts.append(cells[0])
        ends.append(",".join(cells[1:]) + "\n")
    starts = pa.array(starts, pa.large_string())
    ends = pa.array(ends, pa.large_string())
    rows = pc.cast(pa.array(findings["source_row"].to_numpy(), from_pandas=True), pa.large_string())
    rows = pc.fill_null(rows, pa.scalar("", pa.large_string()))
    ids = _csv_cells(pa.array(findings["record_id"].astype("string").array).cast(pa.large_string()))
    comma = pa.scalar(",", pa.large_string())
    with open(path, "wb") as out:
        out.write((",".join(columns) + "\n").encode("utf-8"))
        for begin in range(0, len(findings), _CSV_CHUNK_ROWS):  # a slice of rows at a time
            index = pa.array(combos[begin : begin + _CSV_CHUNK_ROWS].astype("int32"))
            part = slice(begin, begin + _CSV_CHUNK_ROWS)
            lines = pc.binary_join_element_wise(
                starts.take(index), rows[part], ids[part], ends.take(index), comma
            )
            chunks = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
            for chunk in (c for c in chunks if len(c)):  # each chunk's text buffer, as it is
                _, offsets, data = chunk.buffers()
                bounds = np.frombuffer(offsets, dtype="int64")[
                    chunk.offset : chunk.offset + len(chunk) + 1
                ]
                out.write(memoryview(data)[bounds[0] : bounds[-1]])
            del index, lines, chunks
    return path


def input_facts(lab, tables) -> list:
    """The Summary's lines on the inputs: each file read (kind, rows) and each file skipped."""
    kinds = lab.table["summary"]["kinds"]
    facts = [
        (f"{lab.summary('input')}: {t.source}",
         f"{kinds.get(t.kind, t.kind)}, {lab.counted('summary', 'rows', t.rows)}")
        for t in tables
    ]  # fmt: skip
    return facts + [
        (lab.summary("skipped"), lab.skipped(s)) for s in getattr(tables, "skipped", [])
    ]


def _facts(lab, result: AuditResult, target: Path, tracked: Tracked) -> list:
    """The workbook's summary facts: the run, its inputs and what changed since the last run."""
    comparison = tracked.comparison
    facts = [
        (lab.summary("as_of"), result.as_of),
        (lab.summary("run_id"), tracked.run_id),
        (lab.summary("report_folder"), str(target)),
        (lab.summary("findings"), len(result.findings)),
        (lab.summary("expectations"), result.expectations_run),
    ]
    facts += input_facts(lab, result.tables)
    counts = comparison.counts()
    if comparison.previous is not None:
        facts.append((lab.summary("compared_with"), comparison.previous.run_id))
        facts += [(lab.summary(k), counts[k]) for k in ("resolved", "new", "still_open")]
    else:
        facts.append((lab.summary("compared_with"), lab.summary("no_previous")))
    facts += [
        (lab.summary("overdue"), counts["overdue"]),
        (lab.summary("most_overdue"), counts["most_overdue_days"]),
        (lab.summary("done_still_present"), counts["done_still_present"]),
        (lab.summary("exceptions"), counts["exceptions"]),
    ]
    facts += [(f"{lab.summary('resolutions_read')}: {w}", n) for w, n in comparison.sources]
    return facts


@dataclass(frozen=True)
class RunRequest:
    """What a run is asked to do (``zimes-audit run``'s options).

    ``history`` is the audit history database (default ``zimes-history.sqlite`` in
    ``reports_root``, or beside ``out`` when that is given); ``resolutions`` a filled workbook
    to read decisions from (default: the previous run's); ``fields`` the administrator's field
    map (default: ``zimes-fields.toml`` beside the inputs); ``command`` the command line, for
    the manifest.

    >>> RunRequest(["exports"], date(2026, 11, 1), out=Path("r/nov")).history_path
    PosixPath('r/zimes-history.sqlite')
    """

    inputs: list[str]
    as_of: date
    out: Path | None = None
    reports_root: Path = Path("reports")
    policy: str | Path | None = None
    notebook: bool = True
    command: list[str] | None = None
    history: Path | None = None
    resolutions: Path | None = None
    language: str = "lv"
    fields: str | Path | None = None

    @property
    def home(self) -> Path:
        """The folder that holds the report folders (and, by default, the history)."""
        return Path(self.out).parent if self.out is not None else Path(self.reports_root)

    @property
    def history_path(self) -> Path:
        return Path(self.history) if self.history else self.home / HISTORY_FILE


@dataclass
class Tracked:
    """The run against the audit history: its id, the previous run, where the decisions were
    read from, and each finding's key, dates and status (:class:`Comparison`)."""

    run_id: str
    kinds: str  # the kinds of input, comma-joined (the history compares like with like)
    synthetic: bool
    previous: RunRecord | None
    source: Path | None  # the filled workbook given with --resolutions
    comparison: Comparison
    gathered: Gathered  # the decisions read, from which workbooks; the cells not understood
    last_decision: object = None  # per finding, the latest decision on it (resolutions)

    @property
    def counts(self) -> dict[str, int]:
        return self.comparison.counts()


def track(book: History, request: RunRequest, result: AuditResult, hooks: Hooks) -> Tracked:
    """Compare the findings with the previous run of the same kinds of input and the decisions
    written in its workbook (or in ``request.resolutions``); each finding's due date becomes the
    one it was first given (steps ``resolutions``, ``compare``)."""
    kinds = ",".join(sorted({t.kind for t in result.tables}))
    synthetic = is_synthetic([t.path for t in result.tables])
    previous = book.previous_run(as_of=result.as_of, input_kinds=kinds, synthetic=synthetic)
    source = Path(request.resolutions) if request.resolutions else None
    # decisions from every workbook of the series the history knows, then --resolutions; an
    # unfinished erasure keeps its finding (resolutions.gather_decisions; issue 25)
    with hooks.step("resolutions"):
        gathered = decisions_for_run(book, result, previous, source, kinds, synthetic)
    result.findings, inherit = book.carry_erasures(result.findings, previous)
    with hooks.step("compare"):
        comparison = book.compare(
            result.findings,
            as_of=result.as_of,
            due_days=result.policy.due_days,
            previous=previous,
            decisions=gathered.decisions,
            exception_days=result.policy.exception_days,
            inherit=inherit,
        )
    comparison.not_understood, comparison.sources = gathered.not_understood, gathered.sources
    for item in gathered.not_understood:
        warn(item.line(request.language), request.language)
    result.findings["due_date"] = comparison.due_date  # fixed when first flagged
    result.findings["status"] = csv_status(comparison.status, comparison.coded.get("status"))
    result.comparison = comparison
    run_id = new_run_id(result.as_of)
    result.trend = with_current_run(
        book.trend(input_kinds=kinds, synthetic=synthetic, before=result.as_of),
        run_id, result.as_of, len(result.findings), comparison.counts(),
    )  # fmt: skip
    latest = last_decisions(book, comparison, result.as_of)
    return Tracked(run_id, kinds, synthetic, previous, source, comparison, gathered, latest)


def write_outputs(
    folder: Path, target: Path, request: RunRequest, result: AuditResult, tracked: Tracked,
    hooks: Hooks,
) -> list[Path]:  # fmt: skip
    """Write ``findings.csv``, the workbook, Data Docs, the results and the charts into the
    staging ``folder`` (steps ``write.*``); return the charts' paths.

    A large run writes the workbook and draws the charts in two forked children
    (:mod:`~zimes_audit.report.forked`) while it writes ``findings.csv``, Data Docs and the
    result tables itself: steps ``write.workbook`` and ``write.evidence`` then end with the
    wait for them."""
    hooks.progress("progress_write")
    records = sum(len(frame) for frame in result.frames.values())
    lab = labels(request.language)
    workbook = functools.partial(
        write_workbook,
        folder / WORKBOOK,
        result.findings,
        result.frames,
        _facts(lab, result, target, tracked),
        tracking=Tracking.of(tracked.comparison, tracked.last_decision),
        view=View(request.language, heading_map(result.tables), Volume.of(result.policy)),
        requests=result.requests,
    )
    charts = functools.partial(write_charts, folder, result, request.language)
    known = tracked.gathered.known
    if known is not None:
        known.words  # noqa: B018 - found in a thread of its own: done before any fork
    with (
        shared_with_children(),
        concurrently(workbook, records=records) as workbook_job,
        concurrently(charts, records=records) as charts_job,
    ):
        with hooks.step("write.findings_csv"):
            write_findings_csv(folder / FINDINGS_CSV, result.findings)
        hooks.progress("progress_datadocs")
        from zimes_audit.report.datadocs import build_site

        with hooks.step("write.data_docs"), gx_errors_raised():
            build_site(result.runner.context, folder / DATA_DOCS, request.language)
        with hooks.step("write.workbook"):
            workbook_job.result()
        hooks.progress("progress_evidence")
        with hooks.step("write.evidence"):
            save_results(folder, result)
            drawn = charts_job.result()
    for name, job in (("write.workbook", workbook_job), ("write.evidence", charts_job)):
        if job.child_private_mb is not None:  # done in a forked child
            hooks.child_memory(name, job.child_private_mb)
    return drawn


def run_manifest(
    result: AuditResult, request: RunRequest, target: Path, tracked: Tracked, charts: list[Path]
) -> dict:
    """``manifest.json`` of the run: the audit's (:func:`build_manifest`) and the run's own."""
    previous, counts, source = tracked.previous, tracked.counts, tracked.source
    return {
        **build_manifest(result, request.command),
        "run_id": tracked.run_id,
        "report_folder": target.name,
        "charts": [path.name for path in charts],
        "language": request.language,
        "synthetic_inputs": tracked.synthetic,
        "history": str(request.history_path.resolve()),
        "resolutions_from": str(source.resolve()) if source else None,
        "decisions_read": [{"workbook": w, "decisions": n} for w, n in tracked.comparison.sources],
        "decisions_not_understood": [n.line() for n in tracked.gathered.not_understood],
        "since_last_run": counts,
        "previous_run": {
            "run_id": previous.run_id,
            "as_of": previous.as_of.isoformat(),
            "path": previous.report_folder,
            **counts,
        }
        if previous
        else None,
    }


def former_customers(inputs, history: Path, as_of: date) -> frozenset[str]:
    """The customer ids the audit history's earlier runs saw in the register, for a run over
    ``inputs`` (synthetic with synthetic): CUSTOMER-NOT-IN-REGISTER words an order naming one
    the register no longer has as its customer deleted."""
    from zimes_audit.loading.discover import input_files

    if not Path(history).exists():
        return frozenset()
    synthetic = is_synthetic([f.path for f in input_files(inputs)])
    book = History(history)
    try:
        return book.register_ids(as_of=as_of, synthetic=synthetic)
    finally:
        book.close()


def _remember_register(book: History, result: AuditResult, tracked: Tracked, former) -> None:
    """Keep the customer ids of this run's register the history does not know yet."""
    from zimes_audit.facts.linking import normalise_ids

    register = result.frames.get("register")
    if register is None or "customer_id" not in register:
        return
    ids = normalise_ids(register["customer_id"]).dropna().unique()
    new = [i for i in ids.tolist() if i not in former]
    book.remember_register_ids(new, as_of=result.as_of, synthetic=tracked.synthetic)


def record_run(
    book: History, manifest: dict, target: Path, result: AuditResult, tracked: Tracked,
    former: frozenset[str] = frozenset(),
) -> None:  # fmt: skip
    """The run in the audit history (inside its transaction: committed once published), with
    the customer ids of its register not among ``former`` (:func:`former_customers`)."""
    entry = RunEntry(
        run_id=tracked.run_id,
        as_of=result.as_of,
        started=manifest["started"],
        finished=manifest["finished"],
        report_folder=target,
        inputs=[(t.sha256, t.kind, t.rows) for t in result.tables],
        synthetic=tracked.synthetic,
        policy_sha256=result.policy.sha256,
        resolutions_from=manifest["resolutions_from"],
        counts=tracked.counts,
    )
    coverage = erasure_coverage(result.findings, tracked.comparison.keys, result.frames)
    book.record(entry, result.findings, tracked.comparison, coverage)
    _remember_register(book, result, tracked, former)
    known = tracked.gathered.known
    if known is not None and known.words:
        known.key = known.key or history_key(book.path)
        book.remember_note_words(known.digests())


def run_report(request: RunRequest, hooks: Hooks | None = None) -> tuple[Path, AuditResult]:
    """Audit the request's inputs into a new report folder; return (folder, result).

    The steps, in order: sweep what a killed run left, claim the folder, :func:`audit`,
    :func:`track` against the history, then inside the history's transaction and the staged
    folder :func:`write_outputs`, the manifest (:func:`run_manifest`), the notebook and
    :func:`record_run`.  Leaving ``staged`` publishes the folder; the history's transaction
    commits only after that, so a run is recorded only when its report is complete.
    """
    from zimes_audit.audit import Known, audit
    from zimes_audit.procedure.policy import load_policy

    hooks = hooks or Hooks(talk=True, language=request.language)
    # what a run killed outright (SIGKILL, power loss) left is not a report: remove it, say so
    for message in sweep_abandoned(request.home):
        note(message, request.language)
    target = choose_folder(request.out, request.reports_root, request.as_of.isoformat())
    started = datetime.now(UTC)
    if request.resolutions is not None and not Path(request.resolutions).is_file():
        raise InputNotFound(request.resolutions)
    policy = load_policy(request.policy)
    hooks.progress("progress_load")
    # the audit loads the inputs itself: no one else holds the loaded tables, so the facts its
    # report does not read are let go once the findings are in (``keep_facts``)
    subjects = requests_for_run(request.inputs, request.history_path)  # data subjects' requests
    former = former_customers(request.inputs, request.history_path, request.as_of)
    result = audit(request.inputs, request.as_of, policy, fields=request.fields,
                   keep_facts=report_facts(), hooks=hooks,
                   known=Known([o for r in subjects for o in r.opens()], former))  # fmt: skip
    result.started = started
    result.requests = request_rows(
        subjects, result.frames, result.as_of, {t.kind for t in result.tables}
    )
    book = History(request.history_path)
    try:
        tracked = track(book, request, result, hooks)
        with book.transaction(), staged(target) as folder:
            with hooks.step("write"):
                charts = write_outputs(folder, target, request, result, tracked, hooks)
                result.finished = datetime.now(UTC)
                manifest = run_manifest(result, request, target, tracked, charts)
            with hooks.step("write.manifest"):
                write_manifest(folder / MANIFEST, manifest)
            if request.notebook:
                hooks.progress("progress_notebook")
                from zimes_audit.report.notebook import execute_audit_notebook

                with hooks.step("notebook"):
                    execute_audit_notebook(folder, name=target.name, language=request.language)
            with hooks.step("history"):
                record_run(book, manifest, target, result, tracked, former)
    finally:
        book.close()
    close_carried_out(request.history_path, result.requests, result.as_of)  # the run is recorded
    return target, result
