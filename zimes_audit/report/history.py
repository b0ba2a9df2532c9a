"""The audit history: an embedded SQLite database that remembers every run and every decision.

The administrator runs the audit every month (docs/contracts.md).  Each complete report is recorded
here — the run (id, audit date, times, report folder, each input's SHA-256 and kind, whether the
inputs are the shipped synthetic sample) and every finding under a **stable finding key**, with the
date it was first flagged, its due date (first flagged + the action's grace days from the policy;
it never moves) and its status in that run — together with the decisions read back from the
previous workbook (:mod:`zimes_audit.report.resolutions`).  The history holds ids and keys only:
record ids, rule ids, canonical field names or headings, file names, hashes and dates.  The
administrator's free-text note is kept with e-mail addresses and digit runs (codes, phones,
cards) blanked out (:func:`scrub_note`).

The run a new run is compared with is the latest recorded run with an **earlier** audit date over
the **same kinds** of input, on the same side of the synthetic/real line: running the shipped sample
(``make audit``) never becomes the baseline of a real run, and a later audit is never the baseline
of an earlier one.

>>> import pandas as pd
>>> findings = pd.DataFrame({"record_kind": ["orders", "register", "orders"],
...     "source_file": ["o.csv", "k.xlsx", "o.csv"], "source_row": [2, 1, 7],
...     "record_id": ["M-1", "", ""], "rule_id": ["CONTACT-AFTER-END", "FIELD-UNCLASSIFIED",
...     "DATA-INACCURATE"], "field": ["phone;email", "Krāsa", "email"]})
>>> finding_keys(findings).tolist()
['orders:M-1|CONTACT-AFTER-END|email;phone', 'k.xlsx|FIELD-UNCLASSIFIED|Krāsa', 'orders:o.csv@7|DATA-INACCURATE|email']
>>> scrub_note("Klients K-12 lūdza; zvanīt +371 22345678, jb@inbox.lv")
'Klients K-12 lūdza; zvanīt […], […]'
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit.checks.findings import combination_codes, distinct_texts
from zimes_audit.procedure.rules import column_rules
from zimes_audit.procedure.terms import due_dates, exception_expires, shared_dates
from zimes_audit.report.reports import TREND_COLUMNS, trend_frame

HISTORY_FILE = "zimes-history.sqlite"
SCHEMA_VERSION = 1
DONE = frozenset({"done", "deleted", "redacted", "corrected", "consent_obtained"})
ACCEPT = frozenset({"not_applicable", "exception"})
CHUNK = 200_000  # findings bound per executemany (the run's transaction still holds them all)
EXCEPTION_FIELDS = ("note", "decided_by", "decided_on", "expires")
STATUSES = ("new", "still_open", "overdue", "done_still_present", "exception", "exception_expired")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    report_folder TEXT NOT NULL,
    input_kinds TEXT NOT NULL,
    synthetic INTEGER NOT NULL,
    previous_run TEXT,
    resolutions_from TEXT,
    policy_sha256 TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_inputs (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    finding_key TEXT NOT NULL,
    job_key TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_row INTEGER,
    rule_id TEXT NOT NULL,
    procedure_section TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT NOT NULL,
    first_flagged TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (run_id, finding_key)
);
CREATE TABLE IF NOT EXISTS decisions (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    finding_key TEXT NOT NULL,
    resolution TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    expires TEXT,
    from_job INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (finding_key);
"""

_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\+?\d[\d\s\-./]*\d")
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}")


def _blank(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    return "[…]" if digits >= 7 and not _DATE.fullmatch(text.strip()) else text


def scrub_note(text: object) -> str:
    """A note as the history keeps it: e-mail addresses and runs of 7+ digits (personal codes,
    phones, card and account numbers — dates excepted) blanked out; at most 500 characters.

    >>> scrub_note("Papīra piekrišana 01.03.2025, mape 2025/7; p.k. 161175-19997")
    'Papīra piekrišana 01.03.2025, mape 2025/7; p.k. […]'
    """
    if not isinstance(text, str):
        return ""
    return _DIGITS.sub(_blank, _EMAIL.sub("[…]", " ".join(text.split())))[:500]


def _text(column: pd.Series) -> pd.Series:
    return column.astype("string").fillna("").astype(str)


def _few(column: pd.Series, clean=None) -> tuple[np.ndarray, list[str]]:
    """A column of few distinct values as a code per row into its texts (missing as ``""``),
    each text passed through ``clean`` once; texts that clean alike share a code.

    >>> _few(pd.Series(["b;a", None, "a;b"]), lambda t: ";".join(sorted(t.split(";"))))
    (array([0, 1, 0]), ['a;b', ''])
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [str(u) for u in uniques] + [""]  # code -1, missing: the last
    if clean is not None:
        texts = [clean(t) for t in texts]
    return distinct_texts(codes, texts)


def _sorted(fields: str) -> str:
    """A finding's ``;``-joined fields, sorted (the key does not depend on their order)."""
    return ";".join(sorted(p for p in fields.split(";") if p))


def _by_combination(columns: list[tuple[np.ndarray, list[str]]], join) -> pd.Series:
    """``join(*texts)`` of each row's combination of coded texts (:func:`_few`), computed once
    per distinct combination (a million findings carry a few dozen) — as categories.

    >>> _by_combination([_few(pd.Series(["a", "b", "a"])), _few(pd.Series(["x", "y", "x"]))],
    ...                 "{}-{}".format).tolist()
    ['a-x', 'b-y', 'a-x']
    """
    combos = combination_codes([codes for codes, _ in columns])
    _, first = np.unique(combos, return_index=True)  # code i first seen at first[i]
    texts = [texts for _, texts in columns]
    firsts = zip(*(codes[first].tolist() for codes, _ in columns), strict=True)
    joined = [join(*(t[c] for t, c in zip(texts, values, strict=True))) for values in firsts]
    codes, categories = distinct_texts(combos, joined)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def finding_keys(findings: pd.DataFrame) -> pd.Series:
    """The stable key of each finding: kind + record id + rule + field(s); for a column-level
    finding, file + rule + column; for a record without an id, its file and row stand in.

    Built with Arrow from per-row codes (kind, rule and fields take a few dozen values): the
    only text per finding is the key itself."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def text(values) -> pa.Array:
        return pa.array(values, type=pa.large_string())

    ids = pa.array(findings["record_id"].array, from_pandas=True).cast(pa.large_string())
    ids = pc.utf8_trim_whitespace(pc.fill_null(ids, pa.scalar("", pa.large_string())))
    kind_codes, kinds = _few(findings["record_kind"])
    nothing = pa.scalar("", pa.large_string())
    record = pc.binary_join_element_wise(
        text([f"{k}:" for k in kinds]).take(pa.array(kind_codes)), ids, nothing
    )
    empty = np.flatnonzero(pc.equal(ids, "").to_numpy(zero_copy_only=False))
    if len(empty):  # file and row (or the file alone) only where there is no record id
        some = findings.iloc[empty]
        file = _text(some["source_file"])
        where = _text(some["record_kind"]) + ":" + file + "@" + some["source_row"].astype(str)
        column_level = _text(some["rule_id"]).isin(column_rules())
        stand_in = where.where(~column_level, file).tolist()
        mask = np.zeros(len(findings), dtype=bool)
        mask[empty] = True
        stand_in = pa.array(stand_in, type=pa.large_string(), from_pandas=True)
        record = pc.replace_with_mask(record, pa.array(mask), stand_in)
    rule_fields = _by_combination(
        [_few(findings["rule_id"]), _few(findings["field"], _sorted)], "|{}|{}".format
    ).array
    suffix = text(list(rule_fields.categories)).take(pa.array(rule_fields.codes))
    keys = pd.Series(pc.binary_join_element_wise(record, suffix, nothing).to_pandas(), dtype="str")
    keys.index = findings.index  # by position: the findings' own labels, whatever they are
    return keys


def job_keys(findings: pd.DataFrame) -> pd.Series:
    """The bulk job of each finding: rule × field × action × source file (as categories: a
    million findings make a few dozen jobs)."""
    jobs = _by_combination(
        [
            _few(findings["rule_id"]),
            _few(findings["field"], _sorted),
            _few(findings["action"]),
            _few(findings["source_file"]),
        ],
        "{}|{}|{}|{}".format,
    )
    jobs.index = findings.index
    return jobs


def _positions_in(keys: pd.Series, known) -> np.ndarray:
    """Per key, its position among ``known`` (distinct texts), or -1 — by Arrow, hashing only
    ``known`` (the current run's million keys are never turned into Python objects).

    >>> _positions_in(pd.Series(["b", "x", "a"], dtype="str"), ["a", "b"]).tolist()
    [1, -1, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(known):
        return np.full(len(keys), -1, dtype="int64")
    values = pa.array(list(known), type=pa.large_string())
    found = pc.index_in(pa.array(keys.array, from_pandas=True).cast(pa.large_string()),
                        value_set=values)  # fmt: skip
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype("int64")


def is_synthetic(paths: list[Path]) -> bool:
    """Whether the inputs are the shipped synthetic sample (or one `zimes-audit sample` wrote):
    the sample writer leaves its ``ground_truth.json`` (with the seed) beside the files."""
    for path in paths:
        truth = Path(path).resolve().parent / "ground_truth.json"
        try:
            if "seed" in json.loads(truth.read_text("utf-8")):
                return True
        except (OSError, ValueError, TypeError):
            continue
    return False


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    as_of: date
    report_folder: str
    input_kinds: str
    synthetic: bool


@dataclass(frozen=True)
class Decision:
    """One Resolution read back from a workbook, with its note and who decided."""

    resolution: str
    note: str = ""
    decided_by: str = ""
    from_job: bool = False

    @property
    def accepted(self) -> bool:
        return self.resolution in ACCEPT and bool(self.note.strip())

    @property
    def done(self) -> bool:
        return self.resolution in DONE


@dataclass
class Comparison:
    """This run's findings against the previous run's: per finding, its dates and status."""

    keys: pd.Series
    jobs: pd.Series
    first_flagged: pd.Series
    due_date: pd.Series
    status: pd.Series
    days_overdue: pd.Series
    exception: pd.DataFrame  # per current finding: note, decided_by, decided_on, expires
    resolved: pd.DataFrame  # previous findings that are gone
    previous: RunRecord | None
    decisions: dict[str, Decision] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        present = ~self.status.isin(["exception"])
        return {
            "resolved": len(self.resolved),
            "new": int((self.status == "new").sum()),
            "still_open": int((present & (self.status != "new")).sum()),
            "overdue": int((self.days_overdue > 0).sum()),
            "most_overdue_days": int(self.days_overdue.max()) if len(self.days_overdue) else 0,
            "done_still_present": int((self.status == "done_still_present").sum()),
            "exceptions": int((self.status == "exception").sum()),
        }


class History:
    """The history database at ``path`` (created on first use)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db: sqlite3.Connection | None = None
        self._created = False
        if self.path.exists():
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self.db is None:
            self._created = not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.executescript(_SCHEMA)
            self.db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        return self.db

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- reading -------------------------------------------------------------------------
    def runs(self) -> list[RunRecord]:
        if self.db is None:
            return []
        rows = self.db.execute("SELECT * FROM runs ORDER BY as_of, finished").fetchall()
        return [self._run(r) for r in rows]

    @staticmethod
    def _run(row: sqlite3.Row) -> RunRecord:
        return RunRecord(
            row["run_id"],
            date.fromisoformat(row["as_of"]),
            row["report_folder"],
            row["input_kinds"],
            bool(row["synthetic"]),
        )

    def previous_run(self, *, as_of: date, input_kinds: str, synthetic: bool) -> RunRecord | None:
        """The latest recorded run with an earlier audit date over the same kinds of input,
        synthetic with synthetic and real with real."""
        if self.db is None:
            return None
        row = self.db.execute(
            "SELECT * FROM runs WHERE input_kinds = ? AND synthetic = ? AND as_of < ? "
            "ORDER BY as_of DESC, finished DESC LIMIT 1",
            (input_kinds, int(synthetic), as_of.isoformat()),
        ).fetchone()
        return self._run(row) if row else None

    def findings_of(self, run_id: str | None) -> pd.DataFrame:
        """The findings recorded for ``run_id`` (none for ``None``)."""
        db = self.db or sqlite3.connect(":memory:")
        if self.db is None:
            db.executescript(_SCHEMA)
        return pd.read_sql_query("SELECT * FROM findings WHERE run_id = ?", db, params=(run_id,))

    def exceptions_of(self, run_id: str) -> dict[str, dict]:
        """The exceptions in force in ``run_id``: per finding key, the decision behind it."""
        if self.db is None:
            return {}
        rows = self.db.execute(
            "SELECT f.finding_key, d.note, d.decided_by, d.decided_on, d.expires "
            "FROM findings f JOIN decisions d ON d.finding_key = f.finding_key AND d.accepted = 1 "
            "WHERE f.run_id = ? AND f.status = 'exception' "
            "ORDER BY d.decided_on",
            (run_id,),
        ).fetchall()
        return {r["finding_key"]: dict(r) for r in rows}  # the latest decision wins

    def trend(self, *, input_kinds: str, synthetic: bool, before: date) -> pd.DataFrame:
        """The recorded runs of one series (the same kinds of input, synthetic with synthetic)
        audited before ``before``, oldest first: per run its audit date, findings and the
        counts it recorded against its own previous run (:data:`TREND_COLUMNS`)."""
        if self.db is None:
            return pd.DataFrame(columns=TREND_COLUMNS)
        rows = self.db.execute(
            "SELECT r.run_id, r.as_of, r.counts, "
            "(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.run_id) AS findings "
            "FROM runs r WHERE r.input_kinds = ? AND r.synthetic = ? AND r.as_of < ? "
            "ORDER BY r.as_of, r.finished",
            (input_kinds, int(synthetic), before.isoformat()),
        ).fetchall()
        return trend_frame(
            [
                {
                    "run_id": r["run_id"],
                    "as_of": r["as_of"],
                    "findings": r["findings"],
                    **json.loads(r["counts"]),
                }
                for r in rows
            ]  # fmt: skip
        )

    # -- comparing -----------------------------------------------------------------------
    def compare(
        self,
        findings: pd.DataFrame,
        *,
        as_of: date,
        due_days: dict[str, int],
        previous: RunRecord | None,
        decisions: dict[str, Decision],
        job_decisions: dict[str, Decision],
        exception_days: int | None = None,
    ) -> Comparison:
        """Dates and status of every current finding, given the previous run and the decisions
        read back from its workbook (a job's decision applies to each of its records; a
        record's own decision wins)."""
        keys = finding_keys(findings)
        jobs = job_keys(findings)
        decisions = dict(decisions)
        base = self.findings_of(previous.run_id if previous else None)
        base = base.set_index("finding_key")
        in_force = self.exceptions_of(previous.run_id) if previous else {}
        # decisions name keys of the previous run; its job rows name its job keys
        if job_decisions:
            by_job = base.index[base["job_key"].isin(list(job_decisions)).to_numpy()]
            job_of = base["job_key"]
            for key in by_job.difference(list(decisions), sort=False):
                decisions[key] = job_decisions[job_of.at[key]]
        n = len(findings)
        today = np.datetime64(as_of, "D")
        at = _positions_in(keys, base.index)  # the key's row in the previous run, or -1
        known = at >= 0

        def previous_dates(column: str) -> np.ndarray:
            values = base[column].to_numpy(dtype=object)[at[known]]
            return np.asarray(values, dtype="datetime64[D]")

        first = np.full(n, today, dtype="datetime64[D]")
        first[known] = previous_dates("first_flagged")
        due = due_dates(findings["action"], due_days, as_of)
        due[known] = previous_dates("due_date")
        # per finding: its decision (record decision, else its job's), if any
        listed = list(decisions.values())
        which = _positions_in(keys, list(decisions)) if listed else None
        decided = which >= 0 if listed else np.zeros(n, dtype=bool)

        def flag(attribute: str) -> np.ndarray:
            if not listed:
                return np.zeros(n, dtype=bool)
            values = np.array([getattr(d, attribute) for d in listed], dtype=bool)
            return decided & values[np.where(decided, which, 0)]

        accepted, done = flag("accepted"), flag("done")
        exception = {c: np.full(n if accepted.any() or in_force else 0, None, dtype=object)
                     for c in EXCEPTION_FIELDS}  # fmt: skip
        if accepted.any():
            expires = exception_expires(as_of, exception_days)
            chosen = which[accepted]
            exception["note"][accepted] = [listed[i].note for i in chosen]
            exception["decided_by"][accepted] = [listed[i].decided_by for i in chosen]
            exception["decided_on"][accepted] = as_of.isoformat()
            exception["expires"][accepted] = expires.isoformat() if expires else None
        forced = np.zeros(n, dtype=bool)
        if in_force:
            held = _positions_in(keys, list(in_force))
            forced = (held >= 0) & ~accepted
            records = list(in_force.values())
            for column in EXCEPTION_FIELDS:
                exception[column][forced] = [records[i].get(column) for i in held[forced]]
        excepted = accepted | forced
        ends = exception["expires"]
        expired = excepted & np.array(
            [isinstance(e, str) and e < as_of.isoformat() for e in ends], dtype=bool
        ) if excepted.any() else np.zeros(n, dtype=bool)  # fmt: skip
        excepted &= ~expired
        for column in EXCEPTION_FIELDS:
            if len(exception[column]):
                exception[column][~excepted] = None
        status = np.full(n, "new", dtype=object)  # one shared text per status, not one per finding
        status[known] = "still_open"
        status[done] = "done_still_present"
        status[excepted] = "exception"
        status[expired] = "exception_expired"
        late = np.where(excepted, 0, (today - due).astype("int64"))
        status[((status == "new") | (status == "still_open")) & (late > 0)] = "overdue"
        index = findings.index
        matched = np.zeros(len(base), dtype=bool)
        matched[at[known]] = True  # the previous run's findings still here; the rest are gone
        gone = base[~matched].reset_index()
        return Comparison(
            keys=keys,
            jobs=jobs,
            first_flagged=pd.Series(shared_dates(first), index=index, dtype="object"),
            due_date=pd.Series(shared_dates(due), index=index, dtype="object"),
            status=pd.Series(status, index=index, dtype="object"),
            days_overdue=pd.Series(np.maximum(late, 0), index=index, dtype="int64"),
            exception=(
                pd.DataFrame(exception, index=index)
                if excepted.any()
                else pd.DataFrame(index=index)
            ),
            resolved=gone,
            previous=previous,
            decisions=decisions,
        )

    # -- recording -----------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit what :meth:`record` wrote only when the whole block succeeds (the report
        folder renamed into place inside it); roll back otherwise."""
        try:
            yield
        except BaseException:
            if self.db is not None and self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if self._created:  # a failed first run leaves no history file behind
                self.close()
                self.path.unlink(missing_ok=True)
            raise
        if self.db is not None and self.db.in_transaction:
            self.db.execute("COMMIT")
        self._created = False  # committed: from now on the file holds recorded runs

    def record(
        self,
        *,
        run_id: str,
        as_of: date,
        started: str,
        finished: str,
        report_folder: Path,
        inputs: list[tuple[str, str, int]],
        synthetic: bool,
        policy_sha256: str,
        findings: pd.DataFrame,
        comparison: Comparison,
        resolutions_from: str | None,
        counts: dict[str, int],
    ) -> None:
        """Write the run, its findings and the decisions read (inside :meth:`transaction`)."""
        kinds = ",".join(sorted({kind for _, kind, _ in inputs}))
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                run_id, as_of.isoformat(), started, finished, str(Path(report_folder).resolve()),
                kinds, int(synthetic), comparison.previous.run_id if comparison.previous else None,
                resolutions_from, policy_sha256, json.dumps(counts, sort_keys=True),
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO run_inputs VALUES (?,?,?,?)",
            [(run_id, sha, kind, int(rows)) for sha, kind, rows in inputs],
        )
        for start in range(0, len(findings), CHUNK):  # a chunk's values at a time in memory
            part = slice(start, start + CHUNK)
            db.executemany(
                "INSERT OR IGNORE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                _finding_rows(run_id, findings.iloc[part], comparison, part),
            )
        accepted_on: dict[str, str | None] = {}
        if "decided_on" in comparison.exception:
            today = (comparison.exception["decided_on"] == as_of.isoformat()).to_numpy()
            accepted_on = dict(
                zip(
                    comparison.keys.to_numpy()[today],
                    comparison.exception["expires"].to_numpy()[today],
                    strict=True,
                )
            )
        db.executemany(
            "INSERT INTO decisions VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    run_id, key, d.resolution, scrub_note(d.note), scrub_note(d.decided_by)[:40],
                    as_of.isoformat(), int(d.accepted),
                    accepted_on.get(key), int(d.from_job),
                )
                for key, d in comparison.decisions.items()
            ],
        )  # fmt: skip


def _finding_rows(run_id: str, findings: pd.DataFrame, comparison: Comparison, part: slice):
    """The history rows of ``findings`` (the findings at ``part`` of ``comparison``)."""
    rows = findings["source_row"].astype("Int64").astype(object)
    rows = rows.where(rows.notna(), None).tolist()

    def iso(days: pd.Series) -> list:  # a date each; converted once per distinct date
        codes, distinct = pd.factorize(days.iloc[part], use_na_sentinel=False)
        return np.array([d.isoformat() for d in distinct], dtype=object)[codes].tolist()

    return zip(
        itertools.repeat(run_id, len(findings)),
        comparison.keys.iloc[part].tolist(),
        comparison.jobs.iloc[part].tolist(),
        _text(findings["record_kind"]).tolist(),
        _text(findings["record_id"]).tolist(),
        _text(findings["source_file"]).tolist(),
        rows,
        _text(findings["rule_id"]).tolist(),
        _text(findings["procedure_section"]).tolist(),
        _text(findings["action"]).tolist(),
        _text(findings["field"]).tolist(),
        iso(comparison.first_flagged),
        iso(comparison.due_date),
        comparison.status.iloc[part].tolist(),
        strict=True,
    )


def new_run_id(as_of: date) -> str:
    """A run id: the audit date and a random suffix (``2026-11-01-3f2a9c``)."""
    return f"{as_of.isoformat()}-{uuid.uuid4().hex[:6]}"
