"""``flagged-records.xlsx``: the administrator's worklist (docs/contracts.md; docs/rules.md).

Read top-down — what to do first, by when, how many:

1. *Darbi* / *Jobs*: one row per rule × field × action × source file, with the number of records,
   the earliest due date, how many are overdue and the concrete steps in Mozello or the register.
   A job with more records than the policy's ``bulk_job_threshold`` is decided on its job row
   (its Resolution applies to all its records); the *Flagged* sheet lists only its first records
   as examples.  ``findings.csv`` stays complete.
2. *Kopsavilkums* / *Summary*: run facts, since-last-run counts (resolved, new, still open,
   overdue and how late, done but still present, exceptions), counts by rule and action.
3. *Atzīmētie* / *Flagged*: one row per record × rule, "done but still present" first, then by
   due date and severity; the identifying values needed to find the record (the only output that
   shows them), the file's own heading of the field, the Resolution drop-down, a Note and who
   decided.  Overdue and done-but-still-present rows are coloured.
4. *Izņēmumi* / *Exceptions*: accepted exceptions (note, who, when, until when); they are not
   flagged again.  5. *Novērstie* / *Resolved*: findings of the previous run that are gone.

Every label comes from ``data/labels.toml`` (Latvian by default, ``--lang en``).  Written with
xlsxwriter in ``constant_memory`` mode (streaming).  Only the rows a sheet lists are built: the
findings are sorted on a few light columns, jobs counted from them, and names, e-mails, headings
and wording made for the listed rows alone — a million findings write in seconds.  Where the
listed rows would pass Excel's row limit, the largest jobs become bulk jobs too
(:func:`bulk_threshold`), so *Flagged* stays one sheet; only if even their examples do not fit do
the rows continue on ``Atzīmētie (2)`` ….  Exceptions and resolved findings of a bulk job are
listed by their first records the same way.  Header, record id and customer columns are frozen;
printing is landscape, fit to width, with the header row repeated on every page; Jobs and Flagged
print through *Kas lēma* / *Decided by* and the page header names the columns left out.  Dates
show as ``DD.MM.YYYY`` (Latvian), columns are wide enough for every status or action label
(:func:`column_widths`) and the header row tall enough for its wrapped headings
(:func:`header_height`).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit.facts.derived import NAME_COLUMNS
from zimes_audit.facts.records import record_positions, record_values
from zimes_audit.procedure.policy import Policy
from zimes_audit.procedure.rules import load_rules
from zimes_audit.report.requests_sheet import REQUEST_COLUMNS, requests_shown
from zimes_audit.report.safe_text import is_formula_like
from zimes_audit.words.labels import Labels, derived_sources, labels

EXCEL_MAX_ROWS = 1_048_576
IDENTIFYING = ("name", "email", "phone")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
STATUS_RANK = {"done_still_present": 0}
# the date a job's steps name ("orders dated up to …"), per record kind
JOB_DATE = {"orders": "created_at", "register": "relationship_end_at"}
#: The record facts the workbook reads (a run keeps only what its report reads: audit ``keep_facts``)
READS_FACTS = (*NAME_COLUMNS, *IDENTIFYING[1:], *JOB_DATE.values())
FLAGGED_COLUMNS = [  # (column, heading id, width)
    ("record_id", "record_id", 15),
    ("name", "name", 22),
    ("status", "status", 17),
    ("due_date", "due_date", 11),
    ("days_overdue", "days_overdue", 9),
    ("action", "action", 17),
    ("field", "field", 18),
    ("detail", "detail", 40),
    ("resolution", "resolution", 17),
    ("note", "note", 24),
    ("decided_by", "decided_by", 9),
    ("last_decision", "last_decision", 30),
    ("severity", "severity", 9),
    ("rule_id", "rule_id", 24),
    ("procedure_section", "procedure_section", 8),
    ("reason", "reason", 60),
    ("email", "email", 26),
    ("phone", "phone", 15),
    ("source_file", "source_file", 22),
    ("source_row", "source_row", 7),
    ("record_kind", "record_kind", 10),
    ("key", "key", 30),
]
JOB_COLUMNS = [
    ("job", "job", 6),
    ("due_date", "due_date", 11),
    ("count", "count", 9),
    ("overdue", "overdue", 9),
    ("action", "action", 17),
    ("field", "field", 18),
    ("source_file", "source_file", 20),
    ("steps", "steps", 70),
    ("resolution", "resolution", 17),
    ("note", "note", 24),
    ("decided_by", "decided_by", 9),
    ("severity", "severity", 9),
    ("rule_id", "rule_id", 24),
    ("procedure_section", "procedure_section", 8),
    ("examples", "examples", 14),
    ("key", "key", 30),
]
EXCEPTION_COLUMNS = [
    ("record_id", "record_id", 15),
    ("name", "name", 22),
    ("rule_id", "rule_id", 24),
    ("action", "action", 17),
    ("field", "field", 18),
    ("note", "note", 40),
    ("decided_by", "decided_by", 9),
    ("decided_on", "decided_on", 12),
    ("expires", "expires", 12),
    ("first_flagged", "first_flagged", 12),
    ("detail", "detail", 40),
    ("source_file", "source_file", 22),
    ("source_row", "source_row", 7),
    ("key", "key", 30),
]
RESOLVED_COLUMNS = [
    ("record_id", "record_id", 15),
    ("rule_id", "rule_id", 24),
    ("procedure_section", "procedure_section", 8),
    ("action", "action", 17),
    ("field", "field", 18),
    ("first_flagged", "first_flagged", 12),
    ("due_date", "due_date", 11),
    ("source_file", "source_file", 22),
    ("source_row", "source_row", 7),
    ("key", "key", 30),
]
#: the label groups (``labels.toml``) whose texts a column shows: it is made wide enough for them
LABELLED = {
    "status": ("statuses", "requests"),
    "action": ("actions",),
    "severity": ("severities",),
    "resolution": ("resolutions",),
    "record_kind": ("kinds",),
    "request": ("requests",),
}
#: long texts that wrap within their column rather than run under the next one (printed whole)
WRAPPED = {"steps", "detail", "reason", "last_decision", "note", "left", "field"}
FILLS = {"overdue": "#FFC7CE", "done_still_present": "#F8CBAD"}


@dataclass
class Volume:
    """How many records a job may have before it is decided on its job row, and how many of
    them the Flagged sheet then lists as examples (policy ``[workbook]``)."""

    bulk_job_threshold: int = Policy.bulk_job_threshold
    bulk_job_examples: int = Policy.bulk_job_examples

    @classmethod
    def of(cls, policy: Policy) -> Volume:
        return cls(policy.bulk_job_threshold, policy.bulk_job_examples)


@dataclass
class Tracking:
    """Per finding (aligned with the findings' index): its key, job, status and dates, from
    the history (:class:`zimes_audit.report.history.Comparison`)."""

    keys: pd.Series
    jobs: pd.Series
    status: pd.Series
    first_flagged: pd.Series
    due_date: pd.Series
    days_overdue: pd.Series
    exception: pd.DataFrame = field(default_factory=pd.DataFrame)
    resolved: pd.DataFrame | None = None
    # per finding, the latest decision on it (resolution id, note, who, date read) or None
    last_decision: pd.Series | None = None
    # the decision cells not understood (resolutions.NotUnderstood), listed on the Summary
    not_understood: list = field(default_factory=list)

    @classmethod
    def of(cls, comparison, last_decision: pd.Series | None = None) -> Tracking:
        """The tracking of a run's :class:`~zimes_audit.report.history.Comparison` (no list
        of resolved findings when there was no previous run to resolve them against), with
        each finding's ``last_decision`` (:func:`~zimes_audit.report.resolutions.last_decisions`)."""
        names = [f.name for f in fields(cls) if f.name != "last_decision"]
        tracking = cls(**{name: getattr(comparison, name) for name in names})
        tracking.last_decision = last_decision
        return replace(tracking, resolved=None) if comparison.previous is None else tracking

    @cached_property
    def due_ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """Per finding, the rank of its due date among the distinct ones (-1: none), and those
        dates in order: factorised once, for the sorting and for each job's earliest date.

        >>> from datetime import date
        >>> days = pd.Series([date(2026, 12, 1), date(2026, 11, 2)])
        >>> codes, days = Tracking(*[days] * 6).due_ranks
        >>> codes.tolist(), [str(d) for d in days]
        ([1, 0], ['2026-11-02', '2026-12-01'])
        """
        codes, days = pd.factorize(self.due_date, sort=True)
        return codes, np.asarray(days, dtype=object)


def last_decision_text(decision, lab: Labels) -> str | None:
    """The last decision on a finding as its row shows it.

    >>> last_decision_text(("deleted", "zvanīts", "IK", "2026-12-05"), labels("lv"))
    'Dzēsts — zvanīts (IK, nolasīts 05.12.2026)'
    >>> last_decision_text(("not_understood", "", "", "2026-12-05"), labels("en"))
    'not understood (read 2026-12-05)'
    >>> last_decision_text(None, labels("en")) is None
    True
    """
    if not isinstance(decision, tuple):
        return None
    resolution, note, by, on = decision
    words = lab.table["decision"]
    text = words["not_understood"] if resolution == "not_understood" else lab.resolution(resolution)
    text += f" — {note}" if note else ""
    who = f"{by}, " if by else ""
    return f"{text} ({who}{words['read']} {_format_date(on, lab) if on else ''})"


def identifying_values(findings: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings with the name, e-mail and phone of each flagged record (for the workbook only)."""
    values = {column: record_values(findings, frames, column) for column in IDENTIFYING}
    return findings.assign(**values)


def heading_map(tables) -> dict[tuple[str, str], str]:
    """``(source file name, canonical field or frame column) → the file's own heading``; and
    ``("<kind>", field)`` → the heading a file of that kind gives it, ``("<any>", field)`` the
    heading any input gives it (for a finding whose file is not among this run's inputs, e.g.
    one resolved since the last run).  A field no input has keeps its catalogue name."""
    out: dict[tuple[str, str], str] = {}
    for table in tables:
        for info in table.columns:
            out[(table.source, info.column)] = info.heading
            if info.field:
                out[(table.source, info.field)] = info.heading
                out.setdefault((f"<{table.kind}>", info.field), info.heading)
                out.setdefault(("<any>", info.field), info.heading)
    return out


def _heading_of(headings: dict, file: str, kind: str, name: str) -> str:
    for where in (file, f"<{kind}>", "<any>"):
        if (where, name) in headings:
            return headings[(where, name)]
        sources = [
            headings[(where, s)]
            for s in derived_sources(kind).get(name, ())
            if (where, s) in headings
        ]
        if sources:
            return ", ".join(sources)
    return name


def fields_as_headings(rows: pd.DataFrame, headings: dict) -> pd.Series:
    """The ``field`` column (canonical names, several joined by ``;``) as the files' own
    headings (:func:`_heading_of`), per row's ``source_file`` and ``record_kind``."""
    combos = rows[["source_file", "record_kind", "field"]].astype(str)
    shown = {
        combo: "; ".join(
            _heading_of(headings, combo[0], combo[1], p)
            for p in combo[2].split(";")
            if p and p not in ("<NA>", "None", "nan")
        )
        for combo in set(combos.itertuples(index=False, name=None))
    }
    return pd.Series(
        [shown[c] for c in combos.itertuples(index=False, name=None)],
        index=rows.index,
        dtype="object",
    )


def _localised(rows: pd.DataFrame, headings: dict, lab: Labels) -> pd.DataFrame:
    """Field as the file's heading(s); detail, action, severity and reason in ``lab``'s language."""
    out = rows.copy()
    combos = out[["source_file", "record_kind", "field", "detail"]].astype(str).drop_duplicates()
    field_of, detail_of = {}, {}
    for file, kind, names, detail in combos.itertuples(index=False):

        def rename(name: str, file=file, kind=kind) -> str:
            return _heading_of(headings, file, kind, name)

        parts = [p for p in names.split(";") if p and p != "<NA>"]
        field_of[(file, kind, names)] = "; ".join(rename(p) for p in parts)
        detail_of[(file, kind, detail)] = lab.detail(detail, rename)
    keys = list(zip(out["source_file"].astype(str), out["record_kind"].astype(str), strict=True))
    out["field"] = [
        field_of[(f, k, n)] for (f, k), n in zip(keys, out["field"].astype(str), strict=True)
    ]
    out["detail"] = [
        detail_of[(f, k, d)] for (f, k), d in zip(keys, out["detail"].astype(str), strict=True)
    ]
    out["action_id"] = out["action"]
    out["severity_id"] = out["severity"]
    out["action"] = out["action"].map(lab.action)
    out["severity"] = out["severity"].map(lab.severity)
    out["reason"] = out["reason_lv"] if lab.language == "lv" else out["reason_en"]
    out["record_kind"] = out["record_kind"].map(lab.kind)
    return out


def _job_dates(findings: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.Series:
    """Per finding, the date its job's steps name (:data:`JOB_DATE` of its record's kind),
    through the one join to the records (:func:`~zimes_audit.facts.records.record_positions`)."""
    out = pd.Series(pd.NaT, index=findings.index, dtype="datetime64[us]")
    for kind, column in JOB_DATE.items():
        frame = frames.get(kind)
        if frame is None or column not in frame:
            continue
        mine, positions = record_positions(findings, kind)
        if mine.any():
            values = pd.to_datetime(frame[column].iloc[positions], errors="coerce")
            out.loc[mine] = values.to_numpy()
    return out


def _format_date(value, lab: Labels) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%d.%m.%Y" if lab.language == "lv" else "%Y-%m-%d")


def build_jobs(
    stats: pd.DataFrame, firsts: pd.DataFrame, lab: Labels, threshold: int, examples: int
) -> pd.DataFrame:
    """One row per job (rule × field × action × source file) of the rows still to act on:
    ``stats`` from :func:`_job_stats`, ``firsts`` each job's first row as
    :func:`prepare_rows` shows it."""
    columns = [c for c, _, _ in JOB_COLUMNS]
    if stats.empty:
        return pd.DataFrame(columns=[*columns, "job_key", "big"])
    jobs = stats[["job_key", "due_date", "count", "overdue", "until"]].copy()
    for column, source in (
        ("action", "action"), ("action_id", "action_id"), ("field", "field"),
        ("source_file", "source_file"), ("severity", "severity"), ("severity_id", "severity_id"),
        ("rule_id", "rule_id"), ("procedure_section", "procedure_section"), ("kind", "kind_id"),
    ):  # fmt: skip
        jobs[column] = firsts[source].to_numpy()
    jobs["rank"] = jobs["severity_id"].map(SEVERITY_RANK).fillna(9)
    jobs = jobs.sort_values(["due_date", "rank", "count"], ascending=[True, True, False])
    jobs = jobs.reset_index(drop=True)
    jobs["job"] = range(1, len(jobs) + 1)
    jobs["steps"] = [
        lab.steps(
            j.action_id, j.rule_id, j.kind, count=j.count, field=j.field, file=j.source_file,
            until=_format_date(j.until, lab), action=j.action,
        )
        for j in jobs.itertuples()
    ]  # fmt: skip
    big = jobs["count"] > threshold
    jobs["examples"] = [
        f"{min(examples, n)} / {n}" if b else "" for n, b in zip(jobs["count"], big, strict=True)
    ]
    jobs["key"] = jobs["job_key"]
    jobs["resolution"] = None
    jobs["note"] = None
    jobs["decided_by"] = None
    jobs["big"] = big
    return jobs


class _Writer:
    def __init__(self, path: Path, date_format: str = "dd.mm.yyyy"):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                # its rows spooled beside the workbook (the staging folder), not in the system's
                # temporary folder: a writer stopped half-way leaves no records there
                "tmpdir": str(Path(path).parent),
            },
        )
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.count = self.book.add_format({"valign": "top", "align": "center"})
        self._formats: dict[tuple[str, str | None], object] = {}
        self.date_format = date_format

    def fmt(self, kind: str, fill: str | None, wrap: bool = False):
        """Formats by cell kind (``date``, ``inert`` text, ``plain``), row colour and whether
        a long text wraps within its column (rows align at the top)."""
        key = (kind, fill, wrap)
        if key not in self._formats:
            props: dict[str, object] = {"valign": "top"}
            if wrap:
                props["text_wrap"] = True
            if kind == "date":
                props["num_format"] = self.date_format
            if kind == "inert":
                props["quote_prefix"] = True
            if fill:
                props["bg_color"] = fill
            self._formats[key] = self.book.add_format(props) if props else None
        return self._formats[key]

    def cell(
        self, sheet, row: int, col: int, value, fill: str | None = None, wrap: bool = False
    ) -> None:
        if type(value) is str:  # most cells: no other test
            kind = "inert" if is_formula_like(value) else "plain"
            sheet.write_string(row, col, value, self.fmt(kind, fill, wrap))
            return
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            if fill:
                sheet.write_blank(row, col, None, self.fmt("plain", fill))
            return
        if value is pd.NaT:
            return
        if not isinstance(value, (str, int, float)) and hasattr(value, "year"):
            sheet.write_datetime(
                row, col, pd.Timestamp(value).to_pydatetime(), self.fmt("date", fill)
            )
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            sheet.write_number(row, col, value, self.fmt("plain", fill))
        else:
            text = str(value)
            kind = "inert" if is_formula_like(text) else "plain"
            sheet.write_string(row, col, text, self.fmt(kind, fill, wrap))


def column_widths(columns: list[tuple[str, str, int]], lab: Labels) -> list[int]:
    """Each column's width: its declared width, widened so that every label the column can
    show (a status, an action, a decision …: ``LABELLED``) fits on one line.

    >>> widths = dict(zip(["status", "note"], column_widths(
    ...     [("status", "status", 17), ("note", "note", 24)], labels("lv"))))
    >>> widths["status"] >= len(labels("lv").status("done_still_present")), widths["note"]
    (True, 24)
    """
    out = []
    for column, _, width in columns:
        texts = [t for group in LABELLED.get(column, ()) for t in lab.table[group].values()]
        longest = max((len(t) for t in texts if isinstance(t, str)), default=0)
        out.append(max(width, longest + 2))
    return out


def header_height(headings: list[str], widths: list[int]) -> float:
    """The height (points) the header row needs for its longest wrapped heading, so that no
    heading runs into the first row (an autofilter's button takes two characters of a column).

    >>> header_height(["Nr."], [10]), header_height(["Nokavētas dienas"], [9])
    (18.0, 48.0)
    """
    lines = max(
        (len(_wrapped(h, max(w - 2, 4))) for h, w in zip(headings, widths, strict=True)), default=1
    )
    return 15.0 * lines + 3.0


def _lines(value, width: int) -> int:
    """How many lines a text needs in a column ``width`` characters wide, from its length
    alone (cheap for a million rows): a column's width counts digits, and a line of words
    holds about a tenth more letters than that (LibreOffice's A4 printout, measured).

    >>> _lines("x" * 60, 70), _lines("x" * 140, 70), _lines(None, 70)
    (1, 2, 1)
    """
    if not isinstance(value, str):
        return 1
    return -(-len(value) // max(int(width * 1.1) - 1, 1))


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=True) or [""]


def _left_out_note(lab: Labels, names: list[str], headings: list[str], through: int) -> str:
    """The page header of a sheet whose print area stops before its last columns: which
    columns the printout leaves out, and why — minimisation on paper when they hold contact
    details (``&`` doubled for Excel's header codes)."""
    left = [(n, h) for n, h in zip(names, headings, strict=True)][through + 1 :]
    left = [(n, h) for n, h in left if n != "key"]  # the hidden key column
    personal = any(n in IDENTIFYING for n, _ in left)
    template = lab.table["print"]["left_out_personal" if personal else "left_out"]
    text = template.format(columns=", ".join(h for _, h in left))
    return "&L" + text.replace("&", "&&")[:240]


@dataclass(frozen=True)
class Sheet:
    """How a sheet of rows is laid out: its name's label (``labels.toml`` [sheets]), its
    columns (column, heading id, width), how many columns stay frozen beside the header row,
    whether it has the Resolution drop-down and through which column it prints."""

    label: str
    columns: list[tuple[str, str, int]]
    freeze_columns: int = 0
    resolution: bool = False
    print_through: str | None = None


JOBS = Sheet("jobs", JOB_COLUMNS, 1, resolution=True, print_through="decided_by")
FLAGGED = Sheet("flagged", FLAGGED_COLUMNS, 2, resolution=True, print_through="decided_by")
EXCEPTIONS = Sheet("exceptions", EXCEPTION_COLUMNS, 2)
RESOLVED = Sheet("resolved", RESOLVED_COLUMNS, 1)
REQUESTS = Sheet("requests", REQUEST_COLUMNS)


def _table(
    w: _Writer, lab: Labels, spec: Sheet, rows: pd.DataFrame, *,
    fills: pd.Series | None = None, number: int = 1,
) -> None:  # fmt: skip
    """Write ``rows`` as the sheet ``spec`` lays out (``number``: the how-manieth sheet of its
    kind, ``Atzīmētie (2)`` …; ``fills``: per row, its colour or None)."""
    name = lab.sheet(spec.label) + ("" if number == 1 else f" ({number})")
    columns, freeze_columns = spec.columns, spec.freeze_columns
    resolution, print_through = spec.resolution, spec.print_through
    sheet = w.book.add_worksheet(name)
    names = [c for c, _, _ in columns]
    headings = [lab.heading(h) for _, h, _ in columns]
    widths = column_widths(columns, lab)
    sheet.set_row(0, header_height(headings, widths))
    for col, (column, width) in enumerate(zip(names, widths, strict=True)):
        options = {"hidden": True} if column == "key" else None
        sheet.set_column(col, col, width, None, options)
        sheet.write_string(0, col, headings[col], w.header)
    sheet.freeze_panes(1, freeze_columns)
    last = len(columns) - 1
    sheet.autofilter(0, 0, max(len(rows), 1), last)
    if resolution:
        at = names.index("resolution")
        sheet.data_validation(
            1, at, max(len(rows), 1), at,
            {"validate": "list", "source": lab.resolutions, "error_type": "information"},
        )  # fmt: skip
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    if print_through:  # print the columns a person acts on, readable on A4; say what is left
        through = names.index(print_through)
        sheet.print_area(0, 0, max(len(rows), 1), through)
        sheet.set_header(_left_out_note(lab, names, headings, through))
    sheet.set_footer("&L&A&R&P / &N")
    colours = [
        f if isinstance(f, str) else None
        for f in (fills.tolist() if fills is not None else [None] * len(rows))
    ]
    wrapped = [(col, widths[col]) for col, name in enumerate(names) if name in WRAPPED]
    wrapped_at = {col for col, _ in wrapped}
    cell, flags = w.cell, [col in wrapped_at for col in range(len(names))]
    values = zip(*(_cells(rows[name]) for name in names), strict=True)  # a row at a time
    for r, (record, fill) in enumerate(zip(values, colours, strict=True), start=1):
        lines = max((_lines(record[col], width) for col, width in wrapped), default=1)
        if lines > 1:  # LibreOffice and Excel keep a row's height: give wrapped text its lines
            sheet.set_row(r, 15.0 * lines)
        for col, value in enumerate(record):
            cell(sheet, r, col, value, fill, flags[col])


def _cells(column: pd.Series) -> list:
    """A column's values as :meth:`_Writer.cell` takes them: Arrow-backed text straight to
    Python strings (``None`` where missing; Arrow's own conversion, not one value at a time
    through pandas), any other column as ``tolist`` gives it.

    >>> _cells(pd.Series(["a", None], dtype="str")), _cells(pd.Series([1, 2]))
    (['a', None], [1, 2])
    """
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        import pyarrow as pa

        return pa.array(column.array).to_pylist()
    return column.tolist()


def _not_understood(w: _Writer, sheet, row: int, lab: Labels, items: list) -> int:
    """The Summary's *Decisions not understood* list (workbook, sheet, row, the text, what is
    wrong): every decision cell the run could not apply; the row after it."""
    sheet.write_string(row, 0, lab.summary("not_understood"), w.title)
    row += 1
    for col, head in enumerate(["workbook", "sheet", "source_row", "written", "problem"]):
        sheet.write_string(row, col, lab.heading(head), w.header)
    row += 1
    for item in items:
        problem = lab.table["decision"][item.problem]
        for col, value in enumerate([item.workbook, item.sheet, item.row, item.text, problem]):
            w.cell(sheet, row, col, value)
        row += 1
    return row + 1


#: the Summary's columns: label, value or §, count, reason or what to do (the long texts wrap)
SUMMARY_WIDTHS = (40, 26, 12, 80)


def _summary_fact(w: _Writer, sheet, row: int, label: str, value) -> None:
    """One line of the Summary's facts: a long text spans the value, count and reason columns
    and wraps there (printed whole, not run off the page)."""
    sheet.write_string(row, 0, label, w.header)
    span = sum(SUMMARY_WIDTHS[1:])
    if isinstance(value, str) and len(value) > SUMMARY_WIDTHS[1]:
        kind = "inert" if is_formula_like(value) else "plain"  # as every other text cell
        sheet.merge_range(row, 1, row, 3, value, w.fmt(kind, None, wrap=True))
        sheet.set_row(row, 15.0 * _lines(value, span))
    else:
        w.cell(sheet, row, 1, value)


def _summary_heads(w: _Writer, sheet, row: int, lab: Labels, heads: dict[int, str]) -> None:
    """A header row of the Summary's tables, tall enough for its wrapped headings."""
    shown = {col: lab.heading(head) for col, head in heads.items()}
    sheet.set_row(row, header_height(list(shown.values()), [SUMMARY_WIDTHS[c] for c in shown]))
    for col, text in shown.items():
        sheet.write_string(row, col, text, w.header)


def _summary(
    w: _Writer, lab: Labels, facts: list[tuple[str, object]], findings: pd.DataFrame, unread=()
):
    """The Summary: the run's facts, then per rule and per action the count and the words
    (counts in one narrow column, the long texts wrapping in the last, so that the sheet prints
    on A4 landscape at a readable size)."""
    sheet = w.book.add_worksheet(lab.sheet("summary"))
    for col, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    row = 0
    sheet.write_string(row, 0, lab.summary("title"), w.title)
    row += 2
    for label, value in facts:
        _summary_fact(w, sheet, row, label, value)
        row += 1
    catalogue = load_rules()
    row += 1
    if unread:
        row = _not_understood(w, sheet, row, lab, unread)
    _summary_heads(w, sheet, row, lab, dict(enumerate(
        ["rule_id", "procedure_section", "flagged_count", "rule_reason"])))  # fmt: skip
    row += 1
    by_rule = findings.groupby("rule_id").size()
    for rule in catalogue.rules.values():
        reason = rule.lv if lab.language == "lv" else rule.en
        sheet.set_row(row, 15.0 * _lines(reason, SUMMARY_WIDTHS[3]))
        sheet.write_string(row, 0, rule.id, w.fmt("plain", None))
        sheet.write_string(row, 1, rule.section, w.fmt("plain", None))
        sheet.write_number(row, 2, int(by_rule.get(rule.id, 0)), w.count)
        sheet.write_string(row, 3, reason, w.fmt("plain", None, wrap=True))
        row += 1
    row += 1
    _summary_heads(w, sheet, row, lab, {0: "action", 2: "flagged_count", 3: "what_to_do"})
    row += 1
    by_action = findings.groupby("action").size()
    for action in catalogue.actions.values():
        what = action.lv if lab.language == "lv" else action.en
        sheet.set_row(row, 15.0 * _lines(what, SUMMARY_WIDTHS[3]))
        sheet.write_string(row, 0, lab.action(action.name), w.fmt("plain", None))
        sheet.write_number(row, 2, int(by_action.get(action.name, 0)), w.count)
        sheet.write_string(row, 3, what, w.fmt("plain", None, wrap=True))
        row += 1


def _default_tracking(findings: pd.DataFrame) -> Tracking:
    from zimes_audit.report.history import finding_keys, job_keys

    zero = pd.Series(0, index=findings.index, dtype="int64")
    return Tracking(
        keys=finding_keys(findings),
        jobs=job_keys(findings),
        status=pd.Series("new", index=findings.index, dtype="object"),
        first_flagged=pd.Series([None] * len(findings), index=findings.index, dtype="object"),
        due_date=findings.get("due_date", zero),
        days_overdue=zero,
    )


def _order(findings: pd.DataFrame, tracking: Tracking) -> np.ndarray:
    """Positions of the findings as the workbook lists them: done but still present first,
    then by due date and severity, then file and row (stable).  Only these light columns are
    sorted, each as codes that sort as its values do (missing last; no Python object per
    finding is compared) — the per-row values are built for the rows a sheet will show."""
    keys = [
        _ranks(tracking.status, STATUS_RANK, 1),
        _missing_last(tracking.due_ranks[0]),
        _ranks(findings["severity"], SEVERITY_RANK, 9),
        _sorting_codes(findings["source_file"]),
        _sorting_codes(findings["source_row"]),
    ]
    return np.lexsort(keys[::-1])  # stable; the last key given is the first sorted by


def _ranks(column: pd.Series, ranks: dict, other: int) -> np.ndarray:
    """Per row, the rank of its value (``other`` for a value not ranked), each distinct value
    looked up once.

    >>> _ranks(pd.Series(["low", None, "high", "low"]), SEVERITY_RANK, 9).tolist()
    [2, 9, 0, 2]
    """
    codes, uniques = pd.factorize(column)
    return np.array([*(ranks.get(u, other) for u in uniques), other])[codes]


def _sorting_codes(column: pd.Series) -> np.ndarray:
    """Per row, a code that sorts as its value does, a missing value after every other; a
    column of (never missing) integers, such as the source rows, is its own code.

    >>> _sorting_codes(pd.Series(["b", None, "a", "b"])).tolist()
    [1, 2, 0, 1]
    >>> _sorting_codes(pd.Series([7, 3, 7])).tolist()
    [7, 3, 7]
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
        return column.to_numpy()
    return _missing_last(pd.factorize(column, sort=True)[0])


def _missing_last(codes: np.ndarray) -> np.ndarray:
    """Sorted codes (-1: missing) with a missing value after every other.

    >>> _missing_last(np.array([1, -1, 0])).tolist()
    [1, 2, 0]
    """
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def prepare_rows(
    findings: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    tracking: Tracking,
    headings: dict,
    lab: Labels,
    positions: np.ndarray | None = None,
) -> pd.DataFrame:
    """The findings at ``positions`` (default: all, sorted by :func:`_order`) as the workbook
    shows them, in the language of ``lab``, in that order."""
    if positions is None:
        positions = _order(findings, tracking)
    part = findings.iloc[positions]
    rows = identifying_values(part, frames)
    rows["kind_id"] = rows["record_kind"]
    rows["job_date"] = _job_dates(part, frames)
    rows = _localised(rows, headings, lab)

    def pick(series: pd.Series) -> np.ndarray:  # only the rows shown become Python objects
        return series.iloc[positions].to_numpy()

    rows["key"] = pick(tracking.keys)
    rows["job_key"] = pick(tracking.jobs)
    rows["status_id"] = pick(tracking.status)
    rows["status"] = rows["status_id"].map(lab.status)
    rows["due_date"] = pick(tracking.due_date)
    rows["first_flagged"] = pick(tracking.first_flagged)
    rows["days_overdue"] = pick(tracking.days_overdue)
    rows["resolution"] = None
    rows["note"] = None
    rows["decided_by"] = None
    for column in ("decided_on", "expires"):
        rows[column] = None
    rows["last_decision"] = (
        [last_decision_text(d, lab) for d in pick(tracking.last_decision)]
        if tracking.last_decision is not None
        else None
    )
    if not tracking.exception.empty:
        held = (rows["status_id"] == "exception").to_numpy()
        for column in ("note", "decided_by", "decided_on", "expires"):
            if column in tracking.exception and held.any():
                values = tracking.exception[column].to_numpy()[positions]
                rows[column] = rows[column].astype(object)
                rows.loc[held, column] = values[held]
    for column in ("decided_on", "expires"):  # kept as ISO text: shown as dates, like the rest
        rows[column] = pd.to_datetime(rows[column], errors="coerce")
    return rows


def _job_stats(findings: pd.DataFrame, frames, tracking: Tracking, order: np.ndarray):
    """Per job (in order of first appearance among the sorted ``order``): its first position,
    record count, earliest due date, overdue records and latest record date."""
    codes, names = pd.factorize(tracking.jobs, use_na_sentinel=False)  # a job's text once
    due, days = tracking.due_ranks
    ranked = len(order) > 0 and bool((due >= 0).all())  # every finding has a due date: its
    # rank stands for it
    light = pd.DataFrame(
        {
            "job_key": codes[order],
            "position": order,
            "due_date": due[order] if ranked else tracking.due_date.to_numpy()[order],
            "late": tracking.days_overdue.to_numpy()[order] > 0,
            "job_date": _job_dates(findings, frames).to_numpy()[order],
        }
    )
    grouped = light.groupby("job_key", sort=False)
    stats = grouped.agg(
        position=("position", "first"),
        due_date=("due_date", "min"),
        count=("job_key", "size"),
        overdue=("late", "sum"),
        until=("job_date", "max"),
    )
    if ranked:  # the earliest rank's date
        stats["due_date"] = days[stats["due_date"].to_numpy()]
    stats["overdue"] = stats["overdue"].astype(int)
    stats = stats.reset_index()
    stats["job_key"] = np.asarray(names, dtype=object)[stats["job_key"].to_numpy()]
    return stats, grouped.cumcount().to_numpy()


def bulk_threshold(counts, volume: Volume, limit: int) -> int:
    """The record count above which a job is decided on its job row: the policy's
    ``bulk_job_threshold``, lowered (largest jobs first) until the rows the Flagged sheet lists
    — every record of a smaller job, the examples of a bigger one — fit in ``limit`` rows.
    Only when even the examples do not fit do the rows continue on a further sheet.

    >>> v = Volume(bulk_job_threshold=1000, bulk_job_examples=20)
    >>> [bulk_threshold([900, 500, 30], v, limit) for limit in (10_000, 600, 100, 50)]
    [1000, 899, 499, 29]
    """
    sizes = np.asarray(counts, dtype=np.int64)
    examples = volume.bulk_job_examples

    def shown(threshold: int) -> int:
        return int(np.where(sizes <= threshold, sizes, np.minimum(sizes, examples)).sum())

    threshold = volume.bulk_job_threshold
    for size in np.unique(sizes)[::-1]:  # the largest jobs become bulk jobs first
        if shown(threshold) <= limit or size <= examples:
            break
        if size <= threshold:
            threshold = int(size) - 1
    return threshold


def _shown(stats: pd.DataFrame, within: np.ndarray, jobs: np.ndarray, threshold, examples):
    """Which of the sorted rows a sheet lists: all of a job at or under ``threshold``
    records, the first ``examples`` of a bigger one."""
    big = set(stats.loc[stats["count"] > threshold, "job_key"])
    if not big:
        return np.ones(len(jobs), dtype=bool)
    return ~pd.Series(jobs).isin(big).to_numpy(dtype=bool) | (within < examples)


@dataclass
class View:
    """How the workbook shows the findings: in which language (``labels.toml``), under which
    of the files' own headings (:func:`heading_map`) and how many records a job lists."""

    language: str = "lv"
    headings: dict = field(default_factory=dict)
    volume: Volume = field(default_factory=Volume)


@dataclass
class _Listed:
    """The rows the sheets list: jobs, the open findings, the accepted exceptions, and the
    record count above which a job is decided on its row."""

    jobs: pd.DataFrame
    open_rows: pd.DataFrame
    exceptions: pd.DataFrame
    threshold: int


def _listed(
    findings: pd.DataFrame, frames: dict[str, pd.DataFrame], tracking: Tracking, view: View,
    lab: Labels,
) -> _Listed:  # fmt: skip
    """Count the jobs and build the rows the sheets list: a big job lists only its first
    records (by due date) as examples; so does a job of accepted exceptions (a bulk job's
    exception, accepted on its row)."""
    examples = view.volume.bulk_job_examples
    order = _order(findings, tracking)
    held = tracking.status.to_numpy()[order] == "exception"
    open_order, held_order = order[~held], order[held]
    stats, within = _job_stats(findings, frames, tracking, open_order)
    threshold = bulk_threshold(stats["count"], view.volume, EXCEL_MAX_ROWS - 1)

    def rows(positions: np.ndarray) -> pd.DataFrame:
        return prepare_rows(findings, frames, tracking, view.headings, lab, positions)

    jobs = build_jobs(stats, rows(stats["position"].to_numpy()), lab, threshold, examples)
    keep = _shown(stats, within, tracking.jobs.iloc[open_order], threshold, examples)
    open_rows = rows(open_order[keep])
    if len(held_order):
        held_stats, held_within = _job_stats(findings, frames, tracking, held_order)
        jobs_held = tracking.jobs.iloc[held_order]
        held_order = held_order[_shown(held_stats, held_within, jobs_held, threshold, examples)]
    return _Listed(jobs, open_rows, rows(held_order), threshold)


def _flagged_fills(rows: pd.DataFrame) -> pd.Series:
    """Per Flagged row, its colour: done but still present, else overdue, else none."""
    return pd.Series(
        [
            FILLS["done_still_present"]
            if s == "done_still_present"
            else FILLS["overdue"]
            if d > 0
            else None
            for s, d in zip(rows["status_id"], rows["days_overdue"], strict=True)
        ],
        index=rows.index,
        dtype="object",
    )


def _resolved_rows(resolved: pd.DataFrame, threshold: int, view: View, lab: Labels):
    """The previous run's findings that are gone, as the Resolved sheet lists them (a big
    job gone: its first records)."""
    resolved = resolved.rename(columns={"finding_key": "key"})
    if "job_key" in resolved and len(resolved):
        sizes = resolved.groupby("job_key", sort=False)["job_key"].transform("size")
        position = resolved.groupby("job_key", sort=False).cumcount()
        resolved = resolved[(sizes <= threshold) | (position < view.volume.bulk_job_examples)]
    resolved = resolved.copy()
    if "action" in resolved:
        resolved["action"] = resolved["action"].map(lab.action)
    if {"field", "source_file", "record_kind"} <= set(resolved.columns) and len(resolved):
        resolved["field"] = fields_as_headings(resolved, view.headings)
    for column in ("first_flagged", "due_date"):
        if column in resolved:
            resolved[column] = pd.to_datetime(resolved[column], errors="coerce")
    for column, _, _ in RESOLVED_COLUMNS:
        if column not in resolved:
            resolved[column] = None
    return resolved


def write_workbook(
    path: Path,
    findings: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    facts: list[tuple[str, object]],
    *,
    tracking: Tracking | None = None,
    view: View | None = None,
    requests: pd.DataFrame | None = None,
) -> Path:
    """Write the administrator's workbook to ``path`` (see the module docstring).

    ``tracking`` (keys, status, dates per finding; resolved findings) comes from the history;
    without it every finding is new.  ``view``: the language, the files' own headings and the
    bulk-job volume (default: Latvian, catalogue names, the policy's defaults).
    ``requests``: the data subjects' open requests (:mod:`~zimes_audit.report.requests_sheet`).
    """
    view = view or View()
    lab = labels(view.language)
    tracking = tracking or _default_tracking(findings)
    listed = _listed(findings, frames, tracking, view, lab)
    jobs, open_rows = listed.jobs, listed.open_rows
    w = _Writer(path, lab.table["print"]["date_format"])
    w.book.set_properties({"title": lab.summary("title"), "subject": "flagged-records"})
    overdue = jobs["overdue"].map(lambda n: FILLS["overdue"] if n else None) if len(jobs) else None
    _table(w, lab, JOBS, jobs, fills=overdue)
    facts = [*facts, (lab.summary("jobs"), len(jobs)), (lab.summary("flagged"), len(open_rows))]
    if tracking.resolved is None and not len(listed.exceptions):  # month 1: say where they will be
        facts.append((lab.summary("later_sheets"), lab.summary("later_sheets_when")))
    _summary(w, lab, facts, findings, tracking.not_understood)
    fills = _flagged_fills(open_rows)
    per_sheet = EXCEL_MAX_ROWS - 1
    for number, start in enumerate(range(0, max(len(open_rows), 1), per_sheet), start=1):
        part = slice(start, start + per_sheet)
        _table(w, lab, FLAGGED, open_rows.iloc[part], fills=fills.iloc[part], number=number)
    if len(listed.exceptions) or tracking.resolved is not None:
        _table(w, lab, EXCEPTIONS, listed.exceptions)
    if tracking.resolved is not None:
        _table(w, lab, RESOLVED, _resolved_rows(tracking.resolved, listed.threshold, view, lab))
    if requests is not None and len(requests):  # the data subjects' open requests (sheet 6)
        _table(w, lab, REQUESTS, requests_shown(requests, lab))
    w.book.close()
    return path
