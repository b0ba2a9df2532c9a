"""The audit history: an embedded SQLite database that remembers every run and every decision.

The administrator runs the audit every month (docs/contracts.md).  Each complete report is recorded
here — the run (id, audit date, times, report folder, each input's SHA-256 and kind, whether the
inputs are the shipped synthetic sample) and every finding under a **stable finding key**, with the
date it was first flagged, its due date (first flagged + the action's grace days from the policy;
it never moves) and its status in that run — together with the decisions read back from the
workbooks they were written in (:mod:`zimes_audit.report.resolutions`), each with the workbook
it came from.  The history holds ids and keys only: record ids, rule ids, canonical field names or
headings, file names, hashes and dates.  The administrator's free-text note is kept scrubbed of
every personal value the audit knows (:func:`zimes_audit.report.notes.scrub_note`).

**Erasure is done only when all of it is done**: for each finding whose action is DELETE the
history keeps the records its erasure covers — the record itself and, for a register customer,
the orders naming that customer (``erasures``: keys, never values).  When such a finding is gone
but a record it covers is still in the inputs, that record's new findings (an order of a deleted
customer now looks like a guest order, with milder CONTACT-AFTER-END findings) are shown as the
erasure not finished: under the original rule, key and due date (:meth:`History.carry_erasures`).
Every customer id a run saw in the register is kept too (``register_ids``: ids only), so that an
order naming one the register no longer has is worded as its customer deleted
(CUSTOMER-NOT-IN-REGISTER).

The schema is versioned (``meta.schema_version``); a database of an older version is migrated in
place when opened (version 1 → 2: decisions gain their ``source`` workbook, filled from the run's
``resolutions_from``; the ``decision_sources`` and ``erasures`` tables are added; version 2 → 3:
each run's findings and erasures, a row each, become one Parquet table each in ``run_tables``; a
table added later, such as ``register_ids``, is created when a database is opened).

A run's findings (a million at 1M orders) and what its erasures cover are kept **columnar**: one
row per run and table in ``run_tables``, holding the table as Parquet — its texts of few values
dictionary-encoded, its keys plain, not compressed, so that the file's bytes can still be searched
for what must never be in it (~90 MB for a million findings, written in half a second of CPU,
where a row per finding took ~450 MB and 6 s to insert), without column statistics (no reader
filters on them).  A table is built and written a row group at a time through a temporary file,
then copied into its blob: the step never holds it whole (:func:`_store`; issue 29: peak RSS
≤ 2 GB).  A new history's pages are 32 KiB (:data:`PAGE_SIZE`: SQLite writes such a blob with a
third of the CPU it takes in 4 KiB pages).  The dates and statuses of a run's findings come
from the comparison as codes into their few texts (:attr:`Comparison.coded`), so no column of
a million objects is factorised again to write them.  Runs, decisions, their
sources and the note words stay rows; :meth:`History.findings_of`, :meth:`History.jobs_of` and
:meth:`History.erasures_of` read a run's tables back.

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
>>> finding_keys(findings.assign(field=["email;phone", "Krāsa", "email"]))[0]
'orders:M-1|CONTACT-AFTER-END|email;phone'
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zimes_audit.checks.findings import combination_codes, distinct_texts, first_rows
from zimes_audit.procedure.rules import column_rules, load_rules
from zimes_audit.procedure.terms import due_dates, exception_expires
from zimes_audit.report.notes import scrub_note
from zimes_audit.report.reports import TREND_COLUMNS, trend_frame

HISTORY_FILE = "zimes-history.sqlite"
SCHEMA_VERSION = 3
DONE = frozenset({"done", "deleted", "redacted", "corrected", "consent_obtained"})
ACCEPT = frozenset({"not_applicable", "exception"})
#: A run's findings as ``run_tables`` keeps them (one row per finding key).
FINDING_COLUMNS = (
    "finding_key", "job_key", "record_kind", "record_id", "source_file", "source_row", "rule_id",
    "procedure_section", "action", "field", "first_flagged", "due_date", "status",
)  # fmt: skip
#: What a run's erasures cover (``erasure_coverage``): per record, the DELETE finding's key.
ERASURE_COLUMNS = ("finding_key", "record_key")
EXCEPTION_FIELDS = ("note", "decided_by", "decided_on", "expires")
STATUSES = ("new", "still_open", "overdue", "done_still_present", "exception",
            "exception_expired", "exception_needs_note")  # fmt: skip
NOT_UNDERSTOOD = "not_understood"  # a decision cell recorded as read but not understood
ERASED_DETAIL = "erasure not finished: the record is still present"
NOT_IN_REGISTER = "CUSTOMER-NOT-IN-REGISTER"  # an order's customer gone from the register

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- the words of names and contacts of the inputs, as keyed hashes only (report.notes.KnownWords)
CREATE TABLE IF NOT EXISTS note_words (hash TEXT PRIMARY KEY) WITHOUT ROWID;
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
-- a run's findings and its erasures' coverage, each one uncompressed Parquet table
-- (FINDING_COLUMNS, ERASURE_COLUMNS): name 'findings' or 'erasures', rows = its number of rows
CREATE TABLE IF NOT EXISTS run_tables (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    parquet BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
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
    from_job INTEGER NOT NULL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (finding_key);
CREATE TABLE IF NOT EXISTS decision_sources (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    workbook TEXT NOT NULL,
    decisions INTEGER NOT NULL
);
-- every customer id a recorded run saw in the register (ids only), from the earliest audit date
CREATE TABLE IF NOT EXISTS register_ids (
    customer_id TEXT NOT NULL,
    synthetic INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (customer_id, synthetic)
) WITHOUT ROWID;
"""


def _columnar(db: sqlite3.Connection) -> None:
    """Version 2 → 3: each run's rows of ``findings`` and ``erasures`` (version 1 has no
    erasures) become its two tables in ``run_tables``, in the order they were written."""
    db.execute(_SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS run_tables") :].split(";")[0])
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, columns in (("findings", FINDING_COLUMNS), ("erasures", ERASURE_COLUMNS)):
        if name not in tables:
            continue
        for (run_id,) in db.execute("SELECT run_id FROM runs").fetchall():
            rows = pd.read_sql_query(
                f"SELECT {', '.join(columns)} FROM {name} WHERE run_id = ? ORDER BY rowid",
                db, params=(run_id,),
            )  # fmt: skip
            _store(db, run_id, name, _slices(pa.Table.from_pandas(rows, preserve_index=False)))
        db.execute(f"DROP TABLE {name}")


_MIGRATIONS = {  # from version n to n + 1 (run before _SCHEMA adds the new tables)
    1: """
ALTER TABLE decisions ADD COLUMN source TEXT;
UPDATE decisions SET source = (SELECT resolutions_from FROM runs WHERE runs.run_id = decisions.run_id);
""",
    2: _columnar,
}


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
    first = first_rows(combos)  # code i first seen at first[i]
    texts = [texts for _, texts in columns]
    firsts = zip(*(codes[first].tolist() for codes, _ in columns), strict=True)
    joined = [join(*(t[c] for t, c in zip(texts, values, strict=True))) for values in firsts]
    codes, categories = distinct_texts(combos, joined)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


Coded = tuple[np.ndarray, list[str]]  # a column as a code per row into its texts (_few)


def _rules_and_fields(findings: pd.DataFrame) -> tuple[Coded, Coded]:
    """The findings' rules and (sorted) fields as codes: what a finding's key and its job share."""
    return _few(findings["rule_id"]), _few(findings["field"], _sorted)


def finding_keys(findings: pd.DataFrame) -> pd.Series:
    """The stable key of each finding: kind + record id + rule + field(s); for a column-level
    finding, file + rule + column; for a record without an id, its file and row stand in.

    Built with Arrow from per-row codes (kind, rule and fields take a few dozen values): the
    only text per finding is the key itself, joined in one pass."""
    return _finding_keys(findings, *_rules_and_fields(findings))


def _finding_keys(findings: pd.DataFrame, rules: Coded, fields: Coded) -> pd.Series:
    def text(values) -> pa.Array:
        return pa.array(values, type=pa.large_string())

    nothing = pa.scalar("", pa.large_string())
    ids = pa.array(findings["record_id"].array, from_pandas=True).cast(pa.large_string())
    ids = pc.utf8_trim_whitespace(pc.fill_null(ids, nothing))
    kind_codes, kinds = _few(findings["record_kind"])
    empty = np.flatnonzero(pc.equal(ids, "").to_numpy(zero_copy_only=False))
    if len(empty):  # file and row (or the file alone) only where there is no record id
        some = findings.iloc[empty]
        file = _text(some["source_file"])
        column_level = _text(some["rule_id"]).isin(column_rules()).to_numpy()
        stand_in = (file + "@" + some["source_row"].astype(str)).where(~column_level, file)
        kind_codes[empty[column_level]] = len(kinds)  # a column-level key has no kind
        mask = np.zeros(len(findings), dtype=bool)
        mask[empty] = True
        stand_in = pa.array(stand_in.tolist(), type=pa.large_string(), from_pandas=True)
        ids = pc.replace_with_mask(ids, pa.array(mask), stand_in)
    record = text([*(f"{k}:" for k in kinds), ""]).take(pa.array(kind_codes))
    rule_fields = _by_combination([rules, fields], "|{}|{}".format).array
    suffix = text(list(rule_fields.categories)).take(pa.array(rule_fields.codes))
    keys = pc.binary_join_element_wise(record, ids, suffix, nothing)
    keys = pd.Series(keys.to_pandas(), dtype="str")
    keys.index = findings.index  # by position: the findings' own labels, whatever they are
    return keys


def job_keys(findings: pd.DataFrame) -> pd.Series:
    """The bulk job of each finding: rule × field × action × source file (as categories: a
    million findings make a few dozen jobs)."""
    return _job_keys(findings, *_rules_and_fields(findings))


def _job_keys(findings: pd.DataFrame, rules: Coded, fields: Coded) -> pd.Series:
    columns = [rules, fields, _few(findings["action"]), _few(findings["source_file"])]
    jobs = _by_combination(columns, "{}|{}|{}|{}".format)
    jobs.index = findings.index
    return jobs


def keys_and_jobs(findings: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """:func:`finding_keys` and :func:`job_keys` of ``findings``, their rules and fields coded
    once."""
    shared = _rules_and_fields(findings)
    return _finding_keys(findings, *shared), _job_keys(findings, *shared)


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
    if isinstance(known, pd.Index | pd.Series):  # no Python text per key
        values = pa.array(known.array, from_pandas=True).cast(pa.large_string())
    else:
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
            stat = truth.stat()
        except OSError:
            continue
        if _seeded(str(truth), stat.st_mtime_ns, stat.st_size):
            return True
    return False


@functools.lru_cache(maxsize=16)
def _seeded(truth: str, mtime_ns: int, size: int) -> bool:
    """Whether the ground truth file (as of its time and size) names its seed: read once per
    run, not once per question — a million records' ground truth is 15 MB of JSON (~0.3 s)."""
    try:
        return "seed" in json.loads(Path(truth).read_text("utf-8"))
    except (OSError, ValueError, TypeError):
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
    source: str = ""  # the workbook it was written in

    @property
    def accepted(self) -> bool:
        return self.resolution in ACCEPT and bool(self.note.strip())

    @property
    def needs_note(self) -> bool:
        """An exception (or "not applicable") without a note: not accepted, the finding stays
        open with the status ``exception_needs_note``."""
        return self.resolution in ACCEPT and not self.note.strip()

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
    # the decision cells not understood (resolutions.NotUnderstood) and, per workbook read, how
    # many decisions it gave: set by the run, recorded with it
    not_understood: list = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    # per column of few values the comparison worked out (first_flagged, due_date, status): a
    # code per finding into its texts, as the history writes it (no column factorised again)
    coded: dict[str, Coded] = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        """How many findings are new, still open, overdue, … (counted by the statuses' codes,
        :attr:`coded`: a million findings carry a few statuses)."""
        codes, statuses = self.coded.get("status") or pd.factorize(self.status)
        per = dict(
            zip(
                statuses,
                np.bincount(codes[codes >= 0], minlength=len(statuses)).tolist(),
                strict=True,
            )
        )
        new, exceptions = per.get("new", 0), per.get("exception", 0)
        late = self.days_overdue.to_numpy()
        return {
            "resolved": len(self.resolved),
            "new": new,
            "still_open": len(codes) - new - exceptions,
            "overdue": int((late > 0).sum()),
            "most_overdue_days": int(late.max()) if len(late) else 0,
            "done_still_present": per.get("done_still_present", 0),
            "exceptions": exceptions,
        }


class History:
    """The history database at ``path`` (created on first use)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db: sqlite3.Connection | None = None
        self._created = self._secret_new = False
        self._kept: dict[str, pd.DataFrame] = {}  # a previous run's findings, read once (_base)
        if self.path.exists():
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self.db is None:
            self._created = not self.path.exists()
            self._secret_new = self._created and not self._secret().exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            if self._created:  # before its first table: a run's blob is written in fewer pages
                self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._migrate()
            self.db.executescript(f"BEGIN; {_SCHEMA} COMMIT;")  # one transaction: one sync
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        return self.db

    def _secret(self) -> Path:
        """The secret beside the history (created with its first record: report.requests)."""
        from zimes_audit.report.requests import SECRET_SUFFIX

        return self.path.with_suffix(SECRET_SUFFIX)

    def note_word_hashes(self) -> frozenset[str]:
        """The keyed hashes of every earlier run's name and contact words (none: no history)."""
        if self.db is None:
            return frozenset()
        return frozenset(r[0] for r in self.db.execute("SELECT hash FROM note_words"))

    def remember_note_words(self, hashes: list[str]) -> None:
        """Keep this run's words, hashed, for the notes of later runs (inside the run's
        transaction)."""
        self._connect().executemany(
            "INSERT OR IGNORE INTO note_words VALUES (?)", ((h,) for h in hashes)
        )

    def register_ids(self, *, as_of: date, synthetic: bool) -> frozenset[str]:
        """The customer ids recorded runs audited on or before ``as_of`` saw in the register
        (synthetic with synthetic): an order naming one the register no longer has names a
        customer deleted since (CUSTOMER-NOT-IN-REGISTER)."""
        if self.db is None:
            return frozenset()
        rows = self.db.execute(
            "SELECT customer_id FROM register_ids WHERE synthetic = ? AND first_seen <= ?",
            (int(synthetic), as_of.isoformat()),
        )
        return frozenset(r[0] for r in rows)

    def remember_register_ids(self, ids, *, as_of: date, synthetic: bool) -> None:
        """Keep the customer ids of this run's register not kept yet (inside the run's
        transaction); an id seen again by an earlier audit date takes that date."""
        self._connect().execute(  # the ids as one JSON list: no Python row per id
            "INSERT INTO register_ids SELECT value, ?, ? FROM json_each(?) ORDER BY value "
            "ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen)",
            (int(synthetic), as_of.isoformat(), json.dumps(list(ids))),
        )

    def _migrate(self) -> None:
        """Bring a database of an older schema version up to :data:`SCHEMA_VERSION`."""
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if "meta" not in tables:
            return  # a new database: _SCHEMA creates it at the current version
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else SCHEMA_VERSION
        while version < SCHEMA_VERSION:
            step = _MIGRATIONS[version]
            if callable(step):
                self.db.execute("BEGIN IMMEDIATE")
                step(self.db)
                self.db.execute("COMMIT")
            else:
                self.db.executescript(f"BEGIN; {step} COMMIT;")
            version += 1
            self.db.execute(  # each step recorded: a step that fails leaves the version before it
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version),)
            )

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

    def _table(self, run_id: str | None, name: str, columns: tuple[str, ...]) -> pa.Table:
        """The run's table ``name`` of ``run_tables`` (``columns`` of it; empty when there is
        none), its texts as plain strings."""
        row = None
        if self.db is not None and run_id is not None:
            row = self.db.execute(
                "SELECT parquet FROM run_tables WHERE run_id = ? AND name = ?", (run_id, name)
            ).fetchone()
        if row is None:
            return pa.table({c: pa.array([], type=pa.large_string()) for c in columns})
        table = pq.read_table(pa.BufferReader(row[0]), columns=list(columns))
        return table.cast(pa.schema([_plain(f) for f in table.schema]))

    def findings_of(self, run_id: str | None) -> pd.DataFrame:
        """The findings recorded for ``run_id`` (none for ``None``): ``run_id`` and
        :data:`FINDING_COLUMNS`, one row per finding key."""
        findings = self._table(run_id, "findings", FINDING_COLUMNS).to_pandas()
        findings.insert(0, "run_id", run_id)
        return findings

    def _base(self, run_id: str | None, *, keep: bool = False) -> pd.DataFrame:
        """The findings of ``run_id`` by key (:meth:`findings_of`), read once for both
        :meth:`carry_erasures` (``keep``) and :meth:`compare`, which lets them go: a million
        findings' table takes a second to read (and ~0.3 GB, so it is not kept any longer)."""
        kept = self._kept.get(run_id)
        self._kept = {}  # whatever was kept is let go
        base = kept if kept is not None else self.findings_of(run_id).set_index("finding_key")
        if keep and run_id is not None:
            self._kept[run_id] = base
        return base

    def exceptions_of(self, run_id: str) -> dict[str, dict]:
        """The exceptions in force in ``run_id``: per finding key, the decision behind it."""
        if self.db is None:
            return {}
        findings = self._table(run_id, "findings", ("finding_key", "status"))
        held = pc.filter(findings["finding_key"], pc.equal(findings["status"], "exception"))
        if not len(held):
            return {}
        held = set(held.to_pylist())
        rows = self.db.execute(
            "SELECT finding_key, note, decided_by, decided_on, expires FROM decisions "
            "WHERE accepted = 1 ORDER BY decided_on"
        ).fetchall()
        return {r["finding_key"]: dict(r) for r in rows if r["finding_key"] in held}  # latest wins

    def trend(self, *, input_kinds: str, synthetic: bool, before: date) -> pd.DataFrame:
        """The recorded runs of one series (the same kinds of input, synthetic with synthetic)
        audited before ``before``, oldest first: per run its audit date, findings and the
        counts it recorded against its own previous run (:data:`TREND_COLUMNS`)."""
        if self.db is None:
            return pd.DataFrame(columns=TREND_COLUMNS)
        rows = self.db.execute(
            "SELECT r.run_id, r.as_of, r.counts, "
            "(SELECT t.rows FROM run_tables t WHERE t.run_id = r.run_id AND t.name = 'findings') "
            "AS findings "
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

    def series_runs(self, *, as_of: date, input_kinds: str, synthetic: bool) -> list[RunRecord]:
        """The recorded runs of one series audited on or before ``as_of``, oldest first: the
        workbooks decisions are read from (:func:`~zimes_audit.report.resolutions.gather_decisions`)."""
        if self.db is None:
            return []
        rows = self.db.execute(
            "SELECT * FROM runs WHERE input_kinds = ? AND synthetic = ? AND as_of <= ? "
            "ORDER BY as_of, finished",
            (input_kinds, int(synthetic), as_of.isoformat()),
        ).fetchall()
        return [self._run(r) for r in rows]

    def recorded_decisions(self, *, before: str) -> dict[tuple[str, str, str, bool], str]:
        """Per (workbook, finding key, resolution, has a note) of a decision recorded by a run
        audited before ``before`` (ISO date), the latest audit date that recorded it."""
        if self.db is None:
            return {}
        rows = self.db.execute(
            "SELECT d.source, d.finding_key, d.resolution, d.note != '', MAX(r.as_of) "
            "FROM decisions d JOIN runs r ON r.run_id = d.run_id "
            "WHERE r.as_of < ? AND d.source IS NOT NULL GROUP BY 1, 2, 3, 4",
            (before,),
        ).fetchall()
        return {(r[0], r[1], r[2], bool(r[3])): r[4] for r in rows}

    def jobs_of(self, run_id: str | None) -> dict[str, str]:
        """Per finding key of ``run_id``, its job key."""
        jobs = self._table(run_id, "findings", ("finding_key", "job_key"))
        return dict(zip(jobs["finding_key"].to_pylist(), jobs["job_key"].to_pylist(), strict=True))

    def last_decisions(self, keys: pd.Series, *, before: str) -> dict[str, dict]:
        """Per key of ``keys``, the latest decision recorded by a run audited before ``before``:
        resolution, note, decided_by, decided_on."""
        if self.db is None or not len(keys):
            return {}
        rows = self.db.execute(
            "SELECT d.finding_key, d.resolution, d.note, d.decided_by, d.decided_on "
            "FROM decisions d JOIN runs r ON r.run_id = d.run_id WHERE r.as_of < ? "
            "ORDER BY d.decided_on, r.finished",
            (before,),
        ).fetchall()
        latest = {r["finding_key"]: dict(r) for r in rows}
        listed = list(latest)  # the few decided keys hashed, not the run's million
        at = _positions_in(keys, listed)
        return {listed[i]: latest[listed[i]] for i in np.unique(at[at >= 0]).tolist()}

    def erasures_of(self, run_id: str | None) -> dict[str, str]:
        """Per record key an erasure of ``run_id`` covers, the finding key of that erasure."""
        covered = self._table(run_id, "erasures", ERASURE_COLUMNS)
        records, keys = covered["record_key"].to_pylist(), covered["finding_key"].to_pylist()
        return dict(zip(records, keys, strict=True))

    # -- erasure -------------------------------------------------------------------------
    def carry_erasures(
        self, findings: pd.DataFrame, previous: RunRecord | None
    ) -> tuple[pd.DataFrame, dict[str, str]]:
        """``findings`` with each new finding on a record whose erasure (a DELETE finding of
        the previous run) is gone but unfinished shown as that erasure: its rule, §, action,
        severity and field, the detail :data:`ERASED_DETAIL`; and per such finding's key the
        key of the erasure it continues (its dates and decisions carry over).  One finding
        per record continues it (:func:`_one_per_record`), unless the record still has a
        finding under the erasure's rule; the record's other new findings stay as they are."""
        covering = self.erasures_of(previous.run_id if previous else None)
        if not covering or not len(findings):
            return findings, {}
        base = self._base(previous.run_id, keep=True)  # the comparison reads it again
        keys = finding_keys(findings)
        records = record_keys(findings)
        candidate = _erasure_gone(keys, records, covering) & (_positions_in(keys, base.index) < 0)
        candidate = pd.Series(candidate, index=findings.index)
        candidate &= ~_under_rule(findings, records, covering, base["rule_id"], candidate)
        findings, candidate = _one_per_record(findings, records, candidate)
        if not candidate.any():
            return findings, {}
        records = records[findings.index]
        findings = findings.copy()
        rules = load_rules().rules
        erasure = base.loc[records[candidate].map(covering).to_numpy()]
        at = candidate[candidate].index
        own = erasure["record_kind"].to_numpy() == findings.loc[at, "record_kind"].to_numpy()
        carried = {
            **{c: erasure[c].to_numpy() for c in ("rule_id", "procedure_section", "action")},
            "severity": [rules[r].severity for r in erasure["rule_id"]],
            "detail": ERASED_DETAIL,
            "field": np.where(own, erasure["field"].to_numpy(), ""),
        }
        for column, values in carried.items():
            findings[column] = findings[column].astype(object)  # categories take no new text
            findings.loc[at, column] = values
        keys = finding_keys(findings.loc[at])
        inherit = dict(zip(keys.tolist(), erasure.index.tolist(), strict=True))
        return findings.reset_index(drop=True), inherit

    # -- comparing -----------------------------------------------------------------------
    def compare(
        self,
        findings: pd.DataFrame,
        *,
        as_of: date,
        due_days: dict[str, int],
        previous: RunRecord | None,
        decisions: dict[str, Decision],
        job_decisions: dict[str, Decision] | None = None,
        exception_days: int | None = None,
        inherit: dict[str, str] | None = None,
    ) -> Comparison:
        """Dates and status of every current finding, given the previous run and the decisions
        read back (``job_decisions``: a job key of the previous run decides each of its
        records; a record's own decision wins).  ``inherit`` maps a finding's key to the key of
        the erasure it continues (:meth:`carry_erasures`): its dates and decisions."""
        keys, jobs = keys_and_jobs(findings)
        base = self._base(previous.run_id if previous else None)
        decisions = _with_jobs(decisions, job_decisions or {}, base)
        inherit = inherit or {}
        decisions.update({k: decisions[old] for k, old in inherit.items() if old in decisions})
        at, first, due = _dates(keys, base, findings["action"], as_of, due_days, inherit)
        decided = _decided(keys, decisions)
        in_force = self.exceptions_of(previous.run_id) if previous else {}
        exception, excepted, expired = _exceptions(keys, decided, in_force, as_of, exception_days)
        status, late = _status(at >= 0, decided, excepted, expired, due, as_of)
        (first, first_texts), (due, due_texts) = _dated(first), _dated(due)
        index = findings.index
        matched = np.zeros(len(base), dtype=bool)
        matched[at[at >= 0]] = True  # the previous run's findings still here; the rest are gone
        matched |= base.index.isin(list(inherit.values()))  # unfinished erasures are not gone
        return Comparison(
            keys=keys,
            jobs=jobs,
            first_flagged=pd.Series(first, index=index, dtype="object"),
            due_date=pd.Series(due, index=index, dtype="object"),
            status=pd.Series(np.array(STATUSES, dtype=object)[status], index=index, dtype="object"),
            days_overdue=pd.Series(np.maximum(late, 0), index=index, dtype="int64"),
            exception=(
                pd.DataFrame(exception, index=index)
                if excepted.any()
                else pd.DataFrame(index=index)
            ),
            resolved=base[~matched].reset_index(),
            previous=previous,
            decisions=decisions,
            coded={"first_flagged": first_texts, "due_date": due_texts,
                   "status": (status, list(STATUSES))},
        )  # fmt: skip

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
                if self._secret_new:  # nor the secret its record created beside it
                    self._secret().unlink(missing_ok=True)
            raise
        if self.db is not None and self.db.in_transaction:
            self.db.execute("COMMIT")
        self._created = False  # committed: from now on the file holds recorded runs

    def record(
        self,
        run: RunEntry,
        findings: pd.DataFrame,
        comparison: Comparison,
        coverage: pa.Table | None = None,
    ) -> None:
        """Write the run, its findings, what its erasures cover (``coverage``:
        :func:`erasure_coverage`), the decisions read (each with its workbook; a cell not
        understood as :data:`NOT_UNDERSTOOD`) and how many decisions each workbook gave —
        inside :meth:`transaction`."""
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        _record_run(db, run, comparison)
        _store(db, run.run_id, "findings", _findings_pieces(findings, comparison))
        if coverage is None:
            coverage = pa.table({c: pa.array([], pa.string()) for c in ERASURE_COLUMNS})
        _store(db, run.run_id, "erasures", _slices(coverage))
        _record_decisions(db, run, comparison)


def _record_run(db: sqlite3.Connection, run: RunEntry, comparison: Comparison) -> None:
    """The run's row and its inputs'."""
    db.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)", run.row(comparison))
    db.executemany(
        "INSERT INTO run_inputs VALUES (?,?,?,?)",
        [(run.run_id, sha, kind, int(rows)) for sha, kind, rows in run.inputs],
    )


def _record_decisions(db: sqlite3.Connection, run: RunEntry, comparison: Comparison) -> None:
    """The decisions applied and the cells not understood, and per workbook read how many
    decisions it gave."""
    db.executemany(
        "INSERT INTO decisions VALUES (?,?,?,?,?,?,?,?,?,?)", _decision_rows(run, comparison)
    )
    db.executemany(
        "INSERT INTO decision_sources VALUES (?,?,?)",
        [(run.run_id, workbook, count) for workbook, count in comparison.sources],
    )


BLOB_PIECE = 4 << 20  # bytes of a stored table copied into its blob at a time
#: Bytes per page of a new history: a million findings' blob (~90 MB) in 32 KiB pages costs
#: SQLite a third of the CPU it takes in the default 4 KiB ones (an older file keeps its own).
PAGE_SIZE = 32768
ROW_GROUP = 1 << 17  # rows of a stored table built and written at a time
#: Stored columns with a text per row, written plain: Parquet's dictionary of them would only be
#: tried and given up (the other columns take a few dozen values).
DISTINCT_COLUMNS = frozenset({"finding_key", "record_id", "source_row", "record_key"})


def _store(db: sqlite3.Connection, run_id: str, name: str, pieces: Iterator[pa.Table]) -> None:
    """A table as the run's ``name`` in ``run_tables``, given as ``pieces`` (each one Parquet
    row group; the first sets the schema): written as Parquet, uncompressed (its bytes
    searchable, see the module's docstring), into an unnamed temporary file beside the history,
    then copied into a zeroed blob of its size a piece at a time — a million findings are never
    held whole, neither as a table nor as bytes, nor copied by SQLite (issue 29: peak RSS)."""
    with tempfile.TemporaryFile(dir=db_folder(db)) as spool:
        rows = _spool(spool, iter(pieces))
        size = spool.tell()
        inserted = db.execute(
            "INSERT INTO run_tables VALUES (?,?,?,zeroblob(?))", (run_id, name, rows, size)
        )
        spool.seek(0)
        with db.blobopen("run_tables", "parquet", inserted.lastrowid) as blob:
            while piece := spool.read(BLOB_PIECE):
                blob.write(piece)


def _spool(spool, pieces: Iterator[pa.Table]) -> int:
    """Write ``pieces`` into ``spool`` as one Parquet file (each a row group); their rows."""
    first = next(pieces)
    few = [c for c in first.column_names if c not in DISTINCT_COLUMNS]  # dictionary-encoded
    rows = 0
    with pq.ParquetWriter(
        spool, first.schema, compression="none", use_dictionary=few, write_statistics=False
    ) as out:  # no reader filters on a column's min and max: not worth a pass over each
        for piece in itertools.chain([first], pieces):
            out.write_table(piece, row_group_size=max(piece.num_rows, 1))
            rows += piece.num_rows
    return rows


def db_folder(db: sqlite3.Connection) -> str | None:
    """The folder of ``db``'s main file (``None``, the system's: a database in memory)."""
    file = db.execute("PRAGMA database_list").fetchone()[2]
    return str(Path(file).parent) if file else None


def _slices(table: pa.Table) -> Iterator[pa.Table]:
    """``table`` as :data:`ROW_GROUP`-row pieces, without copying (one, empty, for an empty
    table).

    >>> [t.num_rows for t in _slices(pa.table({"a": range(ROW_GROUP + 1)}))], ROW_GROUP
    ([131072, 1], 131072)
    """
    yield table.slice(0, ROW_GROUP)
    for start in range(ROW_GROUP, table.num_rows, ROW_GROUP):
        yield table.slice(start, ROW_GROUP)


def _plain(column: pa.Field) -> pa.Field:
    """A stored column as it is read back: text dictionaries as plain text."""
    if pa.types.is_dictionary(column.type):
        return pa.field(column.name, pa.large_string())
    return column


@dataclass(frozen=True)
class RunEntry:
    """What the history records of a run besides its findings and decisions."""

    run_id: str
    as_of: date
    started: str
    finished: str
    report_folder: Path
    inputs: list[tuple[str, str, int]]  # (sha256, kind, rows) per input
    synthetic: bool
    policy_sha256: str
    resolutions_from: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def row(self, comparison: Comparison) -> tuple:
        kinds = ",".join(sorted({kind for _, kind, _ in self.inputs}))
        return (
            self.run_id, self.as_of.isoformat(), self.started, self.finished,
            str(Path(self.report_folder).resolve()), kinds, int(self.synthetic),
            comparison.previous.run_id if comparison.previous else None,
            self.resolutions_from, self.policy_sha256, json.dumps(self.counts, sort_keys=True),
        )  # fmt: skip


def _decision_rows(run: RunEntry, comparison: Comparison) -> list[tuple]:
    """The decisions table's rows: every decision applied, then every cell not understood."""
    today = run.as_of.isoformat()
    accepted_on: dict[str, str | None] = {}
    if "decided_on" in comparison.exception:
        now = (comparison.exception["decided_on"] == today).to_numpy()
        accepted_on = dict(
            zip(
                comparison.keys.to_numpy()[now],
                comparison.exception["expires"].to_numpy()[now],
                strict=True,
            )
        )
    rows = [
        (
            run.run_id, key, d.resolution, scrub_note(d.note), scrub_note(d.decided_by)[:40],
            today, int(d.accepted), accepted_on.get(key), int(d.from_job), d.source or None,
        )
        for key, d in comparison.decisions.items()
    ]  # fmt: skip
    rows += [
        (run.run_id, n.key, NOT_UNDERSTOOD, "", "", today, 0, None, 0, n.workbook)
        for n in comparison.not_understood
        if n.problem == "unknown"
    ]
    return rows


def _with_jobs(decisions: dict, job_decisions: dict, base: pd.DataFrame) -> dict[str, Decision]:
    """``decisions`` with each job decision spread over the job's records in ``base`` (the
    previous run's findings); a record's own decision wins."""
    decisions = dict(decisions)
    if job_decisions:
        by_job = base.index[base["job_key"].isin(list(job_decisions)).to_numpy()]
        for key in by_job.difference(list(decisions), sort=False):
            decisions[key] = job_decisions[base["job_key"].at[key]]
    return decisions


def _dates(keys, base, actions, as_of: date, due_days, inherit) -> tuple:
    """Per finding: its row in the previous run (or -1), when first flagged and its due date —
    both carried from the previous run (or from the erasure it continues, ``inherit``), else
    today and today + the action's grace days.  A due date never moves."""
    n = len(keys)
    today = np.datetime64(as_of, "D")
    at = _positions_in(keys, base.index)  # the key's row in the previous run, or -1
    if inherit:  # a finding continuing an erasure takes that erasure's row
        via = _positions_in(keys.map(inherit).fillna(""), base.index)
        at = np.where(at >= 0, at, via)
    known = at >= 0
    first = np.full(n, today, dtype="datetime64[D]")
    due = due_dates(actions, due_days, as_of)
    for column, out in (("first_flagged", first), ("due_date", due)):
        codes, days = pd.factorize(base[column])  # a few distinct days, each read once
        out[known] = np.asarray(days, dtype="datetime64[D]")[codes[at[known]]]
    return at, first, due


def _erasure_gone(keys: pd.Series, records: pd.Series, covering: dict[str, str]) -> np.ndarray:
    """Per finding, whether its record (``records``) is covered by an erasure (``covering``:
    record → erasure key) whose key is not among this run's ``keys`` — by Arrow, hashing the
    covered records and the erasures' keys, never a Python text per finding.

    >>> _erasure_gone(pd.Series(["k1", "k9", "k3"]), pd.Series(["o:1", "o:2", None]),
    ...               {"o:1": "e1", "o:2": "k9"}).tolist()
    [True, False, False]
    """
    at = _positions_in(records, list(covering))  # the finding's record among the covered
    codes, erasures = pd.factorize(np.asarray(list(covering.values()), dtype=object))
    present = np.zeros(len(erasures), dtype=bool)
    found = _positions_in(keys, list(erasures))
    present[found[found >= 0]] = True
    gone = np.append(~present, False)  # the last: a record no erasure covers (at -1)
    return gone[np.append(codes, len(erasures))[at]]


def _under_rule(findings, records: pd.Series, covering: dict, rules: pd.Series, candidate):
    """Per finding, whether it is a ``candidate`` whose record still has a finding under the
    rule of the erasure covering it (``covering``: record → erasure key; ``rules``: erasure
    key → rule): that erasure is still shown there.

    >>> f = pd.DataFrame({"rule_id": ["RETENTION-EXPIRED", "CUSTOMER-NOT-IN-REGISTER", "X"]})
    >>> records = pd.Series(["orders:M-1", "orders:M-1", "orders:M-2"])
    >>> covering = {"orders:M-1": "e", "orders:M-2": "e"}
    >>> _under_rule(f, records, covering, pd.Series({"e": "RETENTION-EXPIRED"}),
    ...             pd.Series([False, True, True])).tolist()
    [False, True, False]
    """
    out = np.zeros(len(findings), dtype=bool)
    if not candidate.any():  # the common case: no Series made of ``covering``'s many records
        return out
    mine = records.isin(set(records[candidate])).to_numpy()
    present = set(zip(records[mine], _text(findings["rule_id"][mine]), strict=True))
    wanted = pd.Series([covering[r] for r in records[candidate]], dtype=object).map(rules)
    out[candidate.to_numpy()] = [
        (r, rule) in present for r, rule in zip(records[candidate], wanted, strict=True)
    ]
    return out


def _one_per_record(
    findings: pd.DataFrame, records: pd.Series, candidate: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """One candidate per record continues its erasure — the record's CUSTOMER-NOT-IN-REGISTER
    finding only when it has no other — and that finding is dropped when another continues it
    (the erasure shown says the same).  (``findings`` without those, the candidates.)

    >>> f = pd.DataFrame({"rule_id": ["CUSTOMER-NOT-IN-REGISTER", "CONTACT-AFTER-END",
    ...                               "CUSTOMER-NOT-IN-REGISTER"]})
    >>> kept, chosen = _one_per_record(f, pd.Series(["o:1", "o:1", "o:2"]), pd.Series([True] * 3))
    >>> kept.index.tolist(), chosen.tolist()
    ([1, 2], [True, True])
    """
    dangling = (_text(findings["rule_id"]) == NOT_IN_REGISTER).to_numpy()
    ranked = pd.DataFrame({"record": records, "dangling": dangling})[candidate.to_numpy()]
    ranked = ranked.sort_values("dangling", kind="stable")
    again = ranked["record"].duplicated()
    chosen = candidate & findings.index.isin(ranked.index[~again.to_numpy()])
    dropped = ranked.index[(again & ranked["dangling"]).to_numpy()]
    return findings.drop(dropped), chosen.drop(dropped)


@dataclass
class _Decided:
    """Per finding: which decision applies (``which`` into ``listed``, -1 for none) and its
    kind: accepted, done, or an exception that needs a note."""

    which: np.ndarray
    listed: list[Decision]
    accepted: np.ndarray
    done: np.ndarray
    needs_note: np.ndarray


def _decided(keys: pd.Series, decisions: dict[str, Decision]) -> _Decided:
    listed = list(decisions.values())
    which = _positions_in(keys, list(decisions)) if listed else np.full(len(keys), -1)
    decided = which >= 0

    def flag(attribute: str) -> np.ndarray:
        if not listed:
            return np.zeros(len(keys), dtype=bool)
        values = np.array([getattr(d, attribute) for d in listed], dtype=bool)
        return decided & values[np.where(decided, which, 0)]

    return _Decided(which, listed, flag("accepted"), flag("done"), flag("needs_note"))


def _exceptions(keys, decided: _Decided, in_force: dict, as_of: date, days: int | None) -> tuple:
    """Per finding, the exception that holds it (note, who, when read, until when) — accepted
    now, or in force since an earlier run — and which of those have expired."""
    n, accepted = len(keys), decided.accepted
    exception = {c: np.full(n if accepted.any() or in_force else 0, None, dtype=object)
                 for c in EXCEPTION_FIELDS}  # fmt: skip
    if accepted.any():
        expires = exception_expires(as_of, days)
        chosen = decided.which[accepted]
        exception["note"][accepted] = [decided.listed[i].note for i in chosen]
        exception["decided_by"][accepted] = [decided.listed[i].decided_by for i in chosen]
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
    expired = np.zeros(n, dtype=bool)
    held, today = np.flatnonzero(excepted), as_of.isoformat()  # only the excepted are looked at
    ends = exception["expires"][held] if len(held) else []
    expired[held] = [isinstance(e, str) and e < today for e in ends]
    excepted &= ~expired
    for column in EXCEPTION_FIELDS:
        if len(exception[column]):
            exception[column][~excepted] = None
    return exception, excepted, expired


def _status(known, decided: _Decided, excepted, expired, due, as_of: date) -> tuple:
    """Per finding its status (as a code into :data:`STATUSES`, no text compared per
    finding) and days past its due date."""
    code = np.full(len(known), STATUSES.index("new"), dtype=np.int8)
    code[known] = STATUSES.index("still_open")
    code[decided.done] = STATUSES.index("done_still_present")
    code[decided.needs_note & ~excepted] = STATUSES.index("exception_needs_note")
    code[excepted] = STATUSES.index("exception")
    code[expired] = STATUSES.index("exception_expired")
    late = np.where(excepted, 0, (np.datetime64(as_of, "D") - due).astype("int64"))
    open_ = (code == STATUSES.index("new")) | (code == STATUSES.index("still_open"))
    code[open_ & (late > 0)] = STATUSES.index("overdue")
    return code, late


def _dated(days: np.ndarray) -> tuple[np.ndarray, Coded]:
    """``days`` (``datetime64[D]``) as :class:`datetime.date` objects, one per distinct day
    (:func:`~zimes_audit.procedure.terms.shared_dates`), and as a code per day into its ISO
    texts, as the history writes them — the days hashed as numbers, once.

    >>> dates, (codes, texts) = _dated(np.array(["2026-12-01", "2026-11-15", "2026-12-01"],
    ...                                          dtype="datetime64[D]"))
    >>> dates[0] is dates[2], codes.tolist(), texts
    (True, [0, 1, 0], ['2026-12-01', '2026-11-15'])
    """
    codes, distinct = pd.factorize(days.view("int64"))
    dates = distinct.view("datetime64[D]").astype(object)
    return dates[codes], (codes, [d.isoformat() for d in dates])


def record_keys(findings: pd.DataFrame) -> pd.Series:
    """The record each finding is about, as ``kind:id`` (missing where it has no record id).

    >>> record_keys(pd.DataFrame({"record_kind": ["orders", "register"],
    ...                           "record_id": ["M-1", ""]})).tolist()
    ['orders:M-1', nan]
    """
    ids = _text(findings["record_id"]).str.strip()
    keys = _text(findings["record_kind"]) + ":" + ids
    return keys.where(ids != "").astype(object)


def erasure_coverage(
    findings: pd.DataFrame, keys: pd.Series, frames: dict[str, pd.DataFrame]
) -> pa.Table:
    """(finding key, record key) of every record a DELETE finding's erasure covers: the record
    itself and, for a register customer, every order naming that customer id — as the table
    the history keeps (:data:`ERASURE_COLUMNS`), built column by column (no Python pair per
    record: a first audit erases a million).

    >>> f = pd.DataFrame({"record_kind": ["register", "orders"], "record_id": ["K-1", "M-9"],
    ...                   "action": ["DELETE", "FIX_DATA"]})
    >>> orders = pd.DataFrame({"order_id": ["M-8", "M-9"], "customer_id": ["K-1", "K-2"]})
    >>> erasure_coverage(f, pd.Series(["k1", "m9"]), {"orders": orders}).to_pylist()
    [{'finding_key': 'k1', 'record_key': 'register:K-1'}, {'finding_key': 'k1', 'record_key': 'orders:M-8'}]
    """
    erase = np.flatnonzero(
        pc.fill_null(pc.equal(_large(findings["action"]), "DELETE"), False).to_numpy()
    )  # a DELETE finding on a record with an id (only those are taken: no text per finding)
    raw = _large(findings["record_id"]).take(erase)
    ids = pc.utf8_trim_whitespace(raw)
    some = pc.not_equal(ids, "")
    erase, raw, ids = erase[some.to_numpy()], raw.filter(some), ids.filter(some)
    kinds = _large(findings["record_kind"]).take(erase)
    keys = _large(keys).take(erase)
    covering, covered = [keys], [pc.binary_join_element_wise(kinds, ids, _COLON)]
    orders = frames.get("orders")
    customers = np.flatnonzero(pc.equal(kinds, "register").to_numpy())[::-1]  # the last first
    if orders is not None and "customer_id" in orders and len(customers):
        # per order naming a customer to erase, that customer's last DELETE finding's key
        last = pc.index_in(
            pc.utf8_trim_whitespace(_large(orders["customer_id"])),
            value_set=raw.take(customers).combine_chunks(),
        )
        mine = pc.is_valid(last)
        covering.append(keys.take(customers).take(last.filter(mine)))
        covered.append(
            pc.binary_join_element_wise(
                pa.scalar("orders", pa.large_string()),
                _large(orders["order_id"]).filter(mine),
                _COLON,
            )
        )
    return pa.table({"finding_key": _chained(covering), "record_key": _chained(covered)})


def _chained(parts: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    """``parts`` one after the other, their chunks not copied."""
    return pa.chunked_array([c for part in parts for c in part.chunks], type=pa.large_string())


_COLON = pa.scalar(":", pa.large_string())


def _large(column: pd.Series) -> pa.ChunkedArray:
    """A column as Arrow large text (missing as ``""``), without a copy where it is Arrow text
    already."""
    values = pa.array(column.array, from_pandas=True)  # Arrow text: its own chunks
    if isinstance(values, pa.Array):  # (a list of chunked arrays is converted cell by cell)
        values = pa.chunked_array([values])
    return pc.fill_null(values.cast(pa.large_string()), "")


def _texts(column: pd.Series) -> pa.Array:
    """A findings column as Arrow text (missing as ``""``): a column of few values (categories,
    :func:`_few`) as a dictionary of its texts, kept so in the Parquet file."""
    if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
        codes, texts = _few(column)
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(texts))
    values = pa.array(column.array, from_pandas=True).cast(pa.large_string())
    return pc.fill_null(values, "")


def _findings_pieces(findings: pd.DataFrame, comparison: Comparison) -> Iterator[pa.Table]:
    """The run's findings as the history keeps them (:data:`FINDING_COLUMNS`), a
    :data:`ROW_GROUP` of findings at a time: one row per finding key, the first finding of a
    key where several share it."""
    first = _first_of_each(comparison.keys)
    for start in range(0, max(len(findings), 1), ROW_GROUP):
        rows = slice(start, start + ROW_GROUP)
        table = _findings_table(findings, comparison, rows)
        yield table if first[rows].all() else table.filter(pa.array(first[rows]))


def _first_of_each(keys: pd.Series) -> np.ndarray:
    """Per key, whether no key before it has the same text — found by a stable sort and its
    neighbours a :data:`ROW_GROUP` at a time, with no hash table of a million texts.

    >>> _first_of_each(pd.Series(["b", "a", "b", "c", "a"])).tolist()
    [True, True, False, True, False]
    """
    values = _large(keys)
    order = pc.sort_indices(values).to_numpy()  # stable: of equal keys, the first comes first
    first = np.ones(len(order), dtype=bool)
    for start in range(1, len(order), ROW_GROUP):
        window = values.take(order[start - 1 : start + ROW_GROUP])
        same = pc.equal(window.slice(1), window.slice(0, len(window) - 1)).to_numpy()
        first[order[start : start + ROW_GROUP][same]] = False
    return first


def _findings_table(findings: pd.DataFrame, comparison: Comparison, rows: slice) -> pa.Table:
    """The run's findings at ``rows`` as columns of :data:`FINDING_COLUMNS`."""

    def texts(column: pd.Series) -> pa.Array:
        return _texts(column.iloc[rows])

    def coded(name: str) -> pa.Array:  # worked out by the comparison: its codes, its texts
        codes, values = comparison.coded[name]
        return pa.DictionaryArray.from_arrays(pa.array(codes[rows], pa.int32()), pa.array(values))

    source_rows = findings["source_row"].iloc[rows].astype("Int64").array
    table = pa.table(
        {
            "finding_key": texts(comparison.keys),
            "job_key": texts(comparison.jobs),
            **{c: texts(findings[c]) for c in ("record_kind", "record_id", "source_file")},
            "source_row": pa.array(source_rows, from_pandas=True, type=pa.int64()),
            **{c: texts(findings[c]) for c in ("rule_id", "procedure_section", "action", "field")},
            **{c: coded(c) for c in ("first_flagged", "due_date", "status")},
        }
    )
    assert tuple(table.column_names) == FINDING_COLUMNS
    return table


def new_run_id(as_of: date) -> str:
    """A run id: the audit date and a random suffix (``2026-11-01-3f2a9c``)."""
    return f"{as_of.isoformat()}-{uuid.uuid4().hex[:6]}"
