"""Reading the administrator's decisions back from the workbooks they were written in.

The administrator writes a Resolution (drop-down), a free-text Note and their initials on the
*Flagged* rows — or on a *Jobs* row, which decides every record of that job — and the next run
reads them with openpyxl (read-only, streaming).  Rows are matched by the finding key (job key on
the *Jobs* sheet) in the workbook's last column, never by position: the administrator may sort
and filter freely.  A Resolution is matched to the drop-down's choices of either language with
case, diacritics and spaces ignored (``Dzests`` is ``Dzēsts``).

**Every decision cell is accounted for** (README, "The monthly loop"): a cell that matches no
choice, and an exception or "not applicable" without a note, is a :class:`NotUnderstood` — a
warning line and a row on the Summary sheet's *Decisions not understood* list — never dropped.

**Decisions are read from where they were written** (:func:`gather_decisions`): the workbook of
every recorded run of the same series (same kinds of input, synthetic with synthetic) audited on
or before this run's date, oldest first, so the newest decision per finding wins; a re-run of a
month therefore never hides the first run's decisions.  A decision a run with an earlier audit
date than the workbook's own run already recorded from it is not applied again (it was checked
against a later month's inputs); a re-run of the same month applies it again.  ``--resolutions FILE`` is
read last and wins over them all.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit.errors import BadArgument, CorruptWorkbook, InputNotFound
from zimes_audit.report.history import NOT_UNDERSTOOD, Decision, History, RunRecord
from zimes_audit.report.layout import WORKBOOK
from zimes_audit.report.notes import KnownWords, known_words_later, scrub_note
from zimes_audit.report.requests import SECRET_SUFFIX, history_key
from zimes_audit.words.labels import heading_keys, labels, resolution_id, sheet_key

SHOWN_TEXT = 40  # characters of a cell not understood that a warning repeats


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


@dataclass(frozen=True)
class NotUnderstood:
    """A decision cell the run could not apply: ``problem`` is ``unknown`` (no drop-down choice
    matches ``text``) or ``needs_note`` (an exception or "not applicable" without a note)."""

    workbook: str
    sheet: str
    row: int
    text: str
    problem: str
    key: str = ""

    def line(self, language: str = "en") -> str:
        """The warning line (the cell's text scrubbed and cut, as a note is), in ``language``.

        >>> cell = NotUnderstood("k.xlsx", "Atzīmētie", 7, "varbūt", "unknown")
        >>> cell.line("lv")
        'k.xlsx, lapa Atzīmētie, 7. rinda: lēmums "varbūt" nav saprasts (izvēlieties kādu no saraksta)'
        """
        key = "unknown_decision" if self.problem == "unknown" else "needs_note"
        return labels(language).say(
            "console", key, workbook=self.workbook, sheet=self.sheet, row=self.row, text=self.text
        )


@dataclass
class WorkbookDecisions:
    """What one workbook holds: decisions per finding key and per job key, and the cells not
    understood."""

    path: Path
    records: dict[str, Decision] = field(default_factory=dict)
    jobs: dict[str, Decision] = field(default_factory=dict)
    not_understood: list[NotUnderstood] = field(default_factory=list)


def _open(path: Path):
    import openpyxl

    if not path.is_file():
        raise InputNotFound(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise CorruptWorkbook(path) from None


def _read_sheet(sheet, which: str, into: WorkbookDecisions, known: frozenset[str]) -> bool:
    """Read one *Flagged* or *Jobs* sheet into ``into``; whether it has our key column."""
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {heading_keys(h): i for i, h in enumerate(header) if heading_keys(h)}
    if "key" not in columns or "resolution" not in columns:
        return False
    target = into.jobs if which == "jobs" else into.records
    for number, row in enumerate(rows, start=2):

        def cell(name: str, row=row) -> str:
            i = columns.get(name)
            return _text(row[i]) if i is not None and i < len(row) else ""

        key, written = cell("key"), cell("resolution")
        if not key or not written:
            continue
        resolution = resolution_id(written)
        shown = scrub_note(written, known)[:SHOWN_TEXT]
        place = (str(into.path), sheet.title, number)
        if resolution is None:
            into.not_understood.append(NotUnderstood(*place, shown, "unknown", key))
            continue
        decision = Decision(
            resolution,
            scrub_note(cell("note"), known),
            scrub_note(cell("decided_by"), known)[:SHOWN_TEXT],
            from_job=which == "jobs",
            source=str(into.path),
        )
        if decision.needs_note:
            into.not_understood.append(NotUnderstood(*place, shown, "needs_note", key))
        target[key] = decision
    return True


def read_workbook(path: Path, known: frozenset[str] = frozenset()) -> WorkbookDecisions:
    """The decisions written in the workbook at ``path``, notes scrubbed of ``known`` words."""
    path = Path(path)
    book = _open(path)
    read = WorkbookDecisions(path.resolve())
    found_key = False
    try:
        for sheet in book.worksheets:
            which = sheet_key(sheet.title)
            if which in ("flagged", "jobs"):
                found_key |= _read_sheet(sheet, which, read, known)
    finally:
        book.close()
    if not found_key:
        raise BadArgument(path, key="not_a_workbook")
    return read


def read_resolutions(path: Path) -> tuple[dict[str, Decision], dict[str, Decision]]:
    """``(per finding key, per job key)`` decisions written in the workbook at ``path``."""
    read = read_workbook(path)
    return read.records, read.jobs


@dataclass
class Gathered:
    """The decisions a run applies (per finding key, jobs spread over their records), the cells
    not understood, and per workbook read how many decisions it gave."""

    decisions: dict[str, Decision] = field(default_factory=dict)
    not_understood: list[NotUnderstood] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    known: KnownWords | None = None  # the words the notes were scrubbed of (kept, hashed)


def _per_record(read: WorkbookDecisions, job_of: dict[str, str]) -> dict[str, Decision]:
    """A workbook's decisions per finding key: a job's decision for each of its records
    (``job_of``: finding key → job key in the run that wrote the workbook), a record's own
    decision winning."""
    spread = {key: read.jobs[job] for key, job in job_of.items() if job in read.jobs}
    return {**spread, **read.records}


def gather_decisions(
    history: History,
    runs: list[RunRecord],
    override: Path | None,
    previous: RunRecord | None,
    known: frozenset[str],
    *,
    before: str,
) -> Gathered:
    """The decisions a run applies, read from the workbooks of ``runs`` (oldest first; the
    history's runs of this series up to this audit date) and then ``override``.  A decision
    already recorded from the same workbook by a run audited after the workbook's own run and
    before ``before`` (ISO date) is skipped: it has been applied to a later month."""
    recorded = history.recorded_decisions(before=before)
    gathered = Gathered()
    sources = [(Path(r.report_folder) / WORKBOOK, r.run_id, r.as_of.isoformat()) for r in runs]
    sources = [source for source in sources if source[0].is_file()]
    if override is not None:
        sources.append((Path(override), previous.run_id if previous else None, ""))
    for path, run_id, written in sources:
        applied = {d for d, last in recorded.items() if last > written}
        read = read_workbook(path, known)
        job_of = history.jobs_of(run_id)  # a job's decision: its records in the run it listed
        decisions = _per_record(read, job_of)
        fresh = {
            key: d
            for key, d in decisions.items()
            if (d.source, key, d.resolution, bool(d.note)) not in applied
        }
        fresh_keys = set(fresh) | {job_of.get(k) for k, d in fresh.items() if d.from_job}
        unread = [
            n for n in read.not_understood
            if (n.key in fresh_keys if n.problem == "needs_note"
                else (n.workbook, n.key, NOT_UNDERSTOOD, False) not in applied)
        ]  # fmt: skip
        gathered.decisions.update(fresh)
        gathered.not_understood += unread
        if fresh or unread:
            gathered.sources.append((str(read.path), len(fresh)))
    return gathered


def decisions_for_run(
    history: History, result, previous: RunRecord | None, override, kinds: str, synthetic: bool
) -> Gathered:
    """The decisions the run of ``result`` applies (:func:`gather_decisions`), notes scrubbed
    of every word of a name, address, e-mail or phone in its inputs or in an earlier run's
    (remembered as keyed hashes: :class:`~zimes_audit.report.notes.KnownWords`)."""
    as_of = result.as_of
    runs = history.series_runs(as_of=as_of, input_kinds=kinds, synthetic=synthetic)
    # the secret is read when the history has one, never created here: a run that fails leaves
    # nothing (record_run creates it with the history's first record)
    kept = history.path.with_suffix(SECRET_SUFFIX).exists()
    key = history_key(history.path) if kept else b""
    # this run's words are found meanwhile: a first run, with no workbook to read, asks for
    # them only when the history records them, after the report is written
    words = known_words_later(result.frames)
    known = KnownWords(words, key, history.note_word_hashes() if kept else ())
    override = Path(override) if override else None
    gathered = gather_decisions(history, runs, override, previous, known, before=as_of.isoformat())
    gathered.known = known
    return gathered


def last_decisions(history: History, comparison, as_of) -> pd.Series:
    """Per current finding, the latest decision on it — read by this run, else recorded by an
    earlier one — as ``(resolution id, note, who, date read)``, or ``None``: the workbook
    shows it on the row while the finding is still there."""
    keys = comparison.keys
    latest = {
        key: (d["resolution"], d["note"], d["decided_by"], d["decided_on"])
        for key, d in history.last_decisions(keys, before=as_of.isoformat()).items()
    }
    latest.update(
        {key: (d.resolution, d.note, d.decided_by, as_of.isoformat())
         for key, d in comparison.decisions.items()}
    )  # fmt: skip
    for item in comparison.not_understood:
        if item.problem == "unknown":
            latest[item.key] = (NOT_UNDERSTOOD, "", "", as_of.isoformat())
    if not latest:
        return pd.Series(None, index=keys.index, dtype=object)
    return keys.map(latest).astype(object)


#: A finding's status in ``findings.csv`` (docs/contracts.md), from the history's status.
CSV_STATUS = {
    "new": "new",
    "still_open": "open",
    "overdue": "overdue",
    "done_still_present": "done-but-still-present",
    "exception": "exception",
    "exception_expired": "open",
    "exception_needs_note": "open",
}


def csv_status(status: pd.Series, coded: tuple[np.ndarray, list[str]] | None = None) -> pd.Series:
    """``findings.csv``'s status of each finding (:data:`CSV_STATUS`), as categories (the
    ones used, sorted) — mapped once per distinct status; ``coded``, the same statuses as a
    code per finding into their texts (the comparison's), spares hashing a million of them.

    >>> csv_status(pd.Series(["still_open", "exception_needs_note", "exception"])).tolist()
    ['open', 'open', 'exception']
    >>> csv_status(pd.Series(["new", "overdue"]), (np.array([1, 0]), ["new", "overdue"])).tolist()
    ['overdue', 'new']
    """
    codes, texts = coded if coded is not None else pd.factorize(status)
    mapped = [CSV_STATUS.get(t) for t in texts]
    used = {mapped[c] for c in np.unique(codes[codes >= 0]).tolist()} - {None}
    categories = sorted(used)
    lookup = {c: i for i, c in enumerate(categories)}
    remap = np.asarray([lookup.get(m, -1) for m in mapped] + [-1])  # code -1: missing
    picked = pd.Categorical.from_codes(remap[codes], categories=pd.Index(categories, dtype="str"))
    return pd.Series(picked, index=status.index, name=status.name)
