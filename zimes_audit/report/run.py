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
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from zimes_audit.checks.findings import FINDINGS_COLUMNS, combination_codes
from zimes_audit.errors import InputNotFound
from zimes_audit.report.folder import choose_folder, staged, sweep_abandoned
from zimes_audit.report.history import (
    HISTORY_FILE,
    History,
    RunEntry,
    erasure_coverage,
    is_synthetic,
    new_run_id,
)
from zimes_audit.report.labels import labels
from zimes_audit.report.layout import DATA_DOCS, FINDINGS_CSV, MANIFEST, WORKBOOK
from zimes_audit.report.manifest import build_manifest, write_manifest
from zimes_audit.report.notes import KNOWN_FIELDS
from zimes_audit.report.resolutions import csv_status, decisions_for_run, last_decisions
from zimes_audit.report.results import facts_read, with_current_run, write_evidence
from zimes_audit.report.safe_text import neutralise, neutralise_column
from zimes_audit.report.workbook import READS_FACTS as workbook_reads
from zimes_audit.report.workbook import Tracking, Volume, heading_map, write_workbook


def report_facts() -> frozenset[str]:
    """The record facts the report's writing reads (the workbook's, and the evidence's:
    :func:`~zimes_audit.report.results.facts_read`); the run keeps only these once the findings
    are in (audit ``keep_facts``)."""
    return frozenset((*workbook_reads, *facts_read(), *KNOWN_FIELDS))  # notes: scrub them


def progress(message: str) -> None:
    """A progress line on stderr — only for a person at a terminal."""
    if sys.stderr.isatty():
        print(f"… {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """A warning line: something the administrator wrote was not applied (issue 25)."""
    print(f"zimes-audit: warning: {message}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    """A line the user must see even when no one watches a terminal (a scheduled job's log)."""
    print(f"zimes-audit: note: {message}", file=sys.stderr, flush=True)


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


@contextlib.contextmanager
def stage(result, name: str) -> Iterator[None]:
    """Time one step of the run's writing into ``result.stages[name]`` and the process's peak
    memory so far into ``result.memory[name]`` (MB), for a benchmark to print per step
    (``result.timings`` keeps the audit's stages: load, facts, validate, findings, write)."""
    from zimes_audit.audit import peak_rss_mb, release_memory

    release_memory()
    clock = time.perf_counter()
    yield
    result.stages[name] = result.stages.get(name, 0.0) + time.perf_counter() - clock
    result.memory[name] = peak_rss_mb()


def _csv_cell(value) -> str:
    """One ``findings.csv`` cell as ``DataFrame.to_csv`` writes it (after neutralising).

    >>> _csv_cell('say "hi", =1'), _csv_cell("=1+1"), _csv_cell(None), _csv_cell("Jānis")
    ('"say ""hi"", =1"', "'=1+1", '', 'Jānis')
    """
    if not isinstance(value, str):
        return ""
    value = neutralise(value)
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n') else value


_CSV_CHUNK_ROWS = 100_000  # findings.csv is written this many rows at a time


def write_findings_csv(path: Path, findings) -> Path:
    """``findings.csv``: every text cell through :func:`~zimes_audit.report.safe_text.neutralise_column`,
    so no spreadsheet evaluates a record id, file name or heading that looks like a formula.

    Byte for byte what ``DataFrame.to_csv(index=False, lineterminator="\\n")`` writes — UTF-8,
    a field quoted (its quotes doubled) only when it holds a comma, a quote or a line feed, an
    empty or missing value as nothing — without Python per finding: the columns that take few
    values (file, rule, §, severity, action, field, detail) are written once per distinct
    combination and laid out with Arrow, the record's row and id are escaped with Arrow compute,
    and the lines go to the file as Arrow's text buffer, a slice of rows at a time (so the
    whole file is never held in memory).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    def text(value: str):
        return pa.scalar(value, pa.large_string())

    columns = [*FINDINGS_COLUMNS, *(["status"] if "status" in findings else [])]
    head, tail = columns[:1], columns[3:]
    frame = findings.reset_index(drop=True)
    combos = combination_codes(  # one code per distinct combination, first seen first
        [pd.factorize(frame[column], use_na_sentinel=False)[0] for column in [*head, *tail]]
    )
    _, first = np.unique(combos, return_index=True)
    starts, ends = [], []
    for values in frame[[*head, *tail]].iloc[first].astype(object).to_numpy().tolist():
        cells = [_csv_cell(v) for v in values]
        starts.append(cells[0])
        ends.append(",".join(cells[1:]) + "\n")
    starts = pa.array(starts, pa.large_string())
    ends = pa.array(ends, pa.large_string())
    with open(path, "wb") as out:
        out.write((",".join(columns) + "\n").encode("utf-8"))
        for begin in range(0, len(frame), _CSV_CHUNK_ROWS):  # a slice of rows at a time
            part = frame.iloc[begin : begin + _CSV_CHUNK_ROWS]
            index = pa.array(combos[begin : begin + _CSV_CHUNK_ROWS].astype("int32"))
            row = pa.array(part["source_row"].to_numpy(), from_pandas=True)
            row = pc.cast(row, pa.large_string())
            ids = pa.array(neutralise_column(part["record_id"]).array).cast(pa.large_string())
            ids = pc.fill_null(ids, text(""))
            quoted = pc.binary_join_element_wise(
                text('"'), pc.replace_substring(ids, '"', '""'), text('"'), text("")
            )
            ids = pc.if_else(pc.match_substring_regex(ids, '[,"\n]'), quoted, ids)
            lines = pc.binary_join_element_wise(
                starts.take(index), pc.fill_null(row, text("")), ids, ends.take(index), text(",")
            )
            chunks = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
            for chunk in (c for c in chunks if len(c)):  # each chunk's text buffer, as it is
                _, offsets, data = chunk.buffers()
                bounds = np.frombuffer(offsets, dtype="int64")[
                    chunk.offset : chunk.offset + len(chunk) + 1
                ]
                out.write(memoryview(data)[bounds[0] : bounds[-1]])
            del part, index, row, ids, quoted, lines, chunks
    return path


def _facts(lab, result, target: Path, run_id: str, comparison, source) -> list:
    facts = [
        (lab.summary("as_of"), result.as_of),
        (lab.summary("run_id"), run_id),
        (lab.summary("report_folder"), str(target)),
        (lab.summary("findings"), len(result.findings)),
        (lab.summary("expectations"), result.expectations_run),
    ]
    kinds = lab.table["summary"]["kinds"]
    facts += [
        (f"{lab.summary('input')}: {t.source}", f"{kinds.get(t.kind, t.kind)}, {t.rows} "
         f"{lab.summary('rows')}")
        for t in result.tables
    ]  # fmt: skip
    facts += [(lab.summary("skipped"), str(s)) for s in getattr(result.tables, "skipped", [])]
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
    history: Path | None = None,
    resolutions: Path | None = None,
    language: str = "lv",
    fields: str | Path | None = None,
) -> tuple[Path, object]:
    """Audit ``inputs`` as of ``as_of`` into a new report folder; return (folder, result).

    ``history`` is the audit history database (default ``zimes-history.sqlite`` in
    ``reports_root``, or beside ``out`` when that is given);
    ``resolutions`` a filled workbook to read decisions from (default: the previous run's);
    ``fields`` the administrator's field map (default: ``zimes-fields.toml`` beside the inputs).
    """
    from zimes_audit.audit import audit, peak_rss_mb
    from zimes_audit.procedure.field_map import resolve_field_map
    from zimes_audit.procedure.policy import load_policy

    # what a run killed outright (SIGKILL, power loss) left is not a report: remove it, say so
    for message in sweep_abandoned(out.parent if out is not None else reports_root):
        note(message)
    target = choose_folder(out, reports_root, as_of.isoformat())
    started = datetime.now(UTC)
    if resolutions is not None and not Path(resolutions).is_file():
        raise InputNotFound(resolutions)
    loaded_policy = load_policy(policy)
    progress("loading inputs")
    # the audit loads the inputs itself: no one else holds the loaded tables, so the facts its
    # report does not read are let go once the findings are in (``keep_facts``)
    result = audit(
        inputs, as_of=as_of, policy=loaded_policy, naive_gx=naive_gx,
        field_map=resolve_field_map(inputs, fields), keep_facts=report_facts(), progress=progress,
    )  # fmt: skip
    tables = result.tables  # the tables as the audit kept them (the report's facts only)
    result.started = started
    lab = labels(language)
    kinds = ",".join(sorted({t.kind for t in tables}))
    synthetic = is_synthetic([t.path for t in tables])
    run_id = new_run_id(as_of)
    home = Path(out).parent if out is not None else Path(reports_root)
    book = History(Path(history) if history else home / HISTORY_FILE)
    try:
        previous = book.previous_run(as_of=as_of, input_kinds=kinds, synthetic=synthetic)
        # decisions: from every workbook of the series the history knows, then --resolutions
        # (resolutions.gather_decisions); an unfinished erasure keeps its finding (issue 25)
        with stage(result, "resolutions"):
            gathered = decisions_for_run(book, result, previous, resolutions, kinds, synthetic)
        result.findings, inherit = book.carry_erasures(result.findings, previous)
        with stage(result, "compare"):
            comparison = book.compare(
                result.findings,
                as_of=as_of,
                due_days=loaded_policy.due_days,
                previous=previous,
                decisions=gathered.decisions,
                exception_days=loaded_policy.exception_days,
                inherit=inherit,
            )
        comparison.not_understood, comparison.sources = gathered.not_understood, gathered.sources
        for item in gathered.not_understood:
            warn(item.line())
        source = Path(resolutions) if resolutions else None
        result.findings["due_date"] = comparison.due_date  # fixed when first flagged
        result.findings["status"] = csv_status(comparison.status)  # findings.csv's status
        result.comparison = comparison
        clock = time.perf_counter()
        with book.transaction(), staged(target) as folder:
            progress("writing findings, workbook and manifest")
            with stage(result, "write.findings_csv"):
                write_findings_csv(folder / FINDINGS_CSV, result.findings)
            tracking = Tracking(
                keys=comparison.keys,
                jobs=comparison.jobs,
                status=comparison.status,
                first_flagged=comparison.first_flagged,
                due_date=comparison.due_date,
                days_overdue=comparison.days_overdue,
                exception=comparison.exception,
                resolved=comparison.resolved if previous is not None else None,
                last_decision=last_decisions(book, comparison, as_of),
                not_understood=gathered.not_understood,
            )
            with stage(result, "write.workbook"):
                write_workbook(
                    folder / WORKBOOK,
                    result.findings,
                    result.frames,
                    _facts(lab, result, target, run_id, comparison, source),
                    tracking=tracking,
                    headings=heading_map(tables),
                    language=language,
                    volume=Volume(
                        loaded_policy.bulk_job_threshold, loaded_policy.bulk_job_examples
                    ),
                )
            progress("building Data Docs")
            from zimes_audit.report.datadocs import build_site

            with stage(result, "write.data_docs"), gx_errors_raised():
                build_site(result.runner.context, folder / DATA_DOCS)
            progress("saving results and charts")
            counts = comparison.counts()
            result.trend = with_current_run(
                book.trend(input_kinds=kinds, synthetic=synthetic, before=as_of),
                run_id,
                as_of,
                len(result.findings),
                counts,
            )
            with stage(result, "write.evidence"):
                charts = write_evidence(folder, result)
            result.timings["write"] = time.perf_counter() - clock
            result.memory["write"] = peak_rss_mb()
            result.finished = datetime.now(UTC)
            manifest = build_manifest(result, command)
            manifest["run_id"] = run_id
            manifest["report_folder"] = target.name
            manifest["charts"] = [path.name for path in charts]
            manifest["language"] = language
            manifest["synthetic_inputs"] = synthetic
            manifest["history"] = str(book.path.resolve())
            manifest["resolutions_from"] = str(source.resolve()) if source else None
            manifest["decisions_read"] = [
                {"workbook": w, "decisions": n} for w, n in comparison.sources
            ]
            manifest["decisions_not_understood"] = [n.line() for n in gathered.not_understood]
            manifest["since_last_run"] = counts
            manifest["previous_run"] = (
                {
                    "run_id": previous.run_id,
                    "as_of": previous.as_of.isoformat(),
                    "path": previous.report_folder,
                    **counts,
                }
                if previous
                else None
            )
            with stage(result, "write.manifest"):
                write_manifest(folder / MANIFEST, manifest)
            if notebook:
                progress("executing the audit notebook")
                from zimes_audit.report.notebook import execute_audit_notebook

                clock = time.perf_counter()
                with stage(result, "notebook"):
                    execute_audit_notebook(folder, name=target.name)
                result.timings["notebook"] = time.perf_counter() - clock
                result.memory["notebook"] = peak_rss_mb()
            with stage(result, "history"):
                entry = RunEntry(
                    run_id=run_id,
                    as_of=as_of,
                    started=manifest["started"],
                    finished=manifest["finished"],
                    report_folder=target,
                    inputs=[(t.sha256, t.kind, t.rows) for t in tables],
                    synthetic=synthetic,
                    policy_sha256=loaded_policy.sha256,
                    resolutions_from=str(source.resolve()) if source else None,
                    counts=counts,
                )
                coverage = erasure_coverage(result.findings, comparison.keys, result.frames)
                book.record(entry, result.findings, comparison, coverage)
        # leaving ``staged`` published the report (folder.publish); the history's transaction
        # commits only after that, so a run is recorded only when its report is complete
    finally:
        book.close()
    return target, result
