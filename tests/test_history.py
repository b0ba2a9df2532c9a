"""The audit history on its own: baselines, fixed due dates, decisions, all-or-nothing recording."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.profiles import examples
from zimes_audit.report.history import (
    STATUSES,
    Decision,
    History,
    RunEntry,
    finding_keys,
    job_keys,
)

DUE = {"DELETE": 30, "REDACT_FIELD": 14, "FIX_DATA": 30, "REVIEW": 30}


def findings(*records: tuple[str, str, str, str]) -> pd.DataFrame:
    """(record id, rule, action, field) per finding, all register rows of k.xlsx."""
    return pd.DataFrame(
        {
            "record_kind": "register",
            "source_file": "k.xlsx",
            "source_row": range(2, len(records) + 2),
            "record_id": [r[0] for r in records],
            "rule_id": [r[1] for r in records],
            "procedure_section": "6",
            "action": [r[2] for r in records],
            "field": [r[3] for r in records],
        }
    )


CODE = ("K-1", "PERSONAL-CODE-IN-TEXT", "REDACT_FIELD", "notes")
MAIL = ("K-2", "DATA-INACCURATE", "FIX_DATA", "email")
STALE = ("K-3", "RELATIONSHIP-STALE", "REVIEW", "last_activity_at")


def record(history, run_id, as_of, frame, *, synthetic=False, kinds="register", **decided):
    previous = history.previous_run(as_of=as_of, input_kinds=kinds, synthetic=synthetic)
    comparison = history.compare(
        frame, as_of=as_of, due_days=DUE, previous=previous,
        decisions=decided.get("decisions", {}), job_decisions=decided.get("jobs", {}),
        exception_days=decided.get("exception_days"),
    )  # fmt: skip
    with history.transaction():
        entry = RunEntry(
            run_id=run_id, as_of=as_of, started="t", finished=as_of.isoformat(),
            report_folder=f"/r/{run_id}", inputs=[("0" * 64, k, 1) for k in kinds.split(",")],
            synthetic=synthetic, policy_sha256="p", counts=comparison.counts(),
        )  # fmt: skip
        history.record(entry, frame, comparison)
    return comparison


def test_the_baseline_is_the_latest_earlier_real_run_of_the_same_kinds(tmp_path):
    history = History(tmp_path / "h.sqlite")
    record(history, "nov", date(2026, 11, 1), findings(CODE))
    record(history, "sample", date(2026, 11, 20), findings(CODE), synthetic=True)
    record(history, "orders-only", date(2026, 11, 21), findings(CODE), kinds="orders")
    record(history, "later", date(2027, 3, 1), findings(CODE))
    found = history.previous_run(as_of=date(2026, 12, 1), input_kinds="register", synthetic=False)
    assert found.run_id == "nov"
    sample = history.previous_run(as_of=date(2026, 12, 1), input_kinds="register", synthetic=True)
    assert sample.run_id == "sample"
    assert history.previous_run(as_of=date(2026, 11, 1), input_kinds="register",
                                synthetic=False) is None  # fmt: skip


def test_due_dates_never_move_and_decisions_are_read(tmp_path):
    history = History(tmp_path / "h.sqlite")
    first = record(history, "nov", date(2026, 11, 1), findings(CODE, MAIL, STALE))
    assert list(first.status) == ["new"] * 3
    decisions = {
        finding_keys(findings(CODE))[0]: Decision("redacted"),
        finding_keys(findings(STALE))[0]: Decision(
            "not_applicable", "Klients aktīvs veikalā", "IK"
        ),
    }
    second = record(history, "dec", date(2026, 12, 5), findings(CODE, MAIL, STALE),
                    decisions=decisions)  # fmt: skip
    assert list(second.due_date) == [date(2026, 11, 15), date(2026, 12, 1), date(2026, 12, 1)]
    assert list(second.status) == ["done_still_present", "overdue", "exception"]
    assert list(second.days_overdue) == [20, 4, 0]
    third = record(history, "jan", date(2027, 1, 5), findings(MAIL, STALE))
    assert list(third.status) == ["overdue", "exception"]  # the exception persists
    assert third.exception.iloc[1]["note"] == "Klients aktīvs veikalā"
    assert third.resolved["record_id"].tolist() == ["K-1"]
    assert [r.run_id for r in history.runs()] == ["nov", "dec", "jan"]


def test_a_job_decision_applies_to_all_its_records_and_a_record_decision_wins(tmp_path):
    history = History(tmp_path / "h.sqlite")
    many = findings(*[(f"K-{i}", "DATA-INACCURATE", "FIX_DATA", "email") for i in range(5)])
    record(history, "nov", date(2026, 11, 1), many)
    job = job_keys(many)[0]
    own = {finding_keys(many)[0]: Decision("deferred")}
    later = record(history, "dec", date(2026, 11, 10), many, decisions=own,
                   jobs={job: Decision("corrected", from_job=True)})  # fmt: skip
    assert list(later.status) == ["still_open"] + ["done_still_present"] * 4


def test_a_failed_run_records_nothing_and_leaves_no_new_file(tmp_path):
    from zimes_audit.report.requests import history_key

    history = History(tmp_path / "h.sqlite")
    comparison = history.compare(
        findings(CODE), as_of=date(2026, 11, 1), due_days=DUE, previous=None,
        decisions={}, job_decisions={},
    )  # fmt: skip
    with pytest.raises(OSError), history.transaction():
        entry = RunEntry(
            run_id="x", as_of=date(2026, 11, 1), started="t", finished="t", report_folder="/r",
            inputs=[("0" * 64, "register", 1)], synthetic=False, policy_sha256="p",
        )  # fmt: skip
        history.record(entry, findings(CODE), comparison)
        history_key(tmp_path / "h.sqlite")  # the secret is created with the first record
        raise OSError("the report folder could not be renamed into place")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither the history nor its secret
    kept = tmp_path / "kept"
    kept.mkdir()
    key = history_key(kept / "h.sqlite")  # a secret already there (its history gone) stays
    with pytest.raises(OSError), (other := History(kept / "h.sqlite")).transaction():
        other.record(entry, findings(CODE), comparison)
        raise OSError("stopped")
    assert [p.name for p in kept.iterdir()] == ["h.secret"] and history_key(
        kept / "h.sqlite"
    ) == key
    record(history := History(tmp_path / "h.sqlite"), "nov", date(2026, 11, 1), findings(CODE))
    with pytest.raises(OSError), history.transaction():
        record_args = dict(decisions={}, job_decisions={})
        c = history.compare(findings(CODE), as_of=date(2026, 12, 1), due_days=DUE,
                            previous=None, **record_args)  # fmt: skip
        entry = RunEntry(
            run_id="dec", as_of=date(2026, 12, 1), started="t", finished="t", report_folder="/r",
            inputs=[("0" * 64, "register", 1)], synthetic=False, policy_sha256="p",
        )  # fmt: skip
        history.record(entry, findings(CODE), c)
        raise OSError("disk full")
    assert [r.run_id for r in History(tmp_path / "h.sqlite").runs()] == ["nov"]


def test_an_exception_ends_when_it_expires_and_the_finding_is_late_again(tmp_path):
    history = History(tmp_path / "h.sqlite")
    record(history, "nov", date(2026, 11, 1), findings(CODE, MAIL))
    accepted = {finding_keys(findings(MAIL))[0]: Decision("not_applicable", "Papīra forma", "IK")}
    dec = record(history, "dec", date(2026, 12, 1), findings(CODE, MAIL), decisions=accepted,
                 exception_days=60)  # fmt: skip
    assert list(dec.status) == ["overdue", "exception"]
    assert pd.isna(dec.exception["expires"].iloc[0])
    assert dec.exception["expires"].iloc[1] == "2027-01-30"
    jan = record(history, "jan", date(2027, 1, 15), findings(CODE, MAIL))
    assert list(jan.status) == ["overdue", "exception"]  # in force until it expires
    assert jan.exception.iloc[1]["note"] == "Papīra forma" and list(jan.days_overdue) == [61, 0]
    last = record(history, "last", date(2027, 1, 30), findings(CODE, MAIL))
    assert list(last.status) == ["overdue", "exception"]  # still in force on its last day
    feb = record(history, "feb", date(2027, 2, 1), findings(CODE, MAIL))
    assert list(feb.status) == ["overdue", "exception_expired"]
    assert list(feb.days_overdue) == [78, 62]  # due 2026-12-01, as first flagged
    assert feb.exception.empty


def test_a_run_s_findings_are_kept_as_one_columnar_table_one_row_per_key(tmp_path):
    """All of a run's findings in one Parquet table of the run (``run_tables``), in their
    order, each key once (the first finding of a key, as the rows' primary key kept it)."""
    many = findings(*[(f"K-{i}", "DATA-INACCURATE", "FIX_DATA", "email") for i in range(5)])
    twice = pd.concat([many, many.iloc[[1]].assign(source_row=99)], ignore_index=True)
    history = History(tmp_path / "h.sqlite")
    record(history, "nov", date(2026, 11, 1), twice)
    kept = history.findings_of("nov")
    assert kept["finding_key"].tolist() == finding_keys(many).tolist()
    assert kept["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert set(kept["due_date"]) == {"2026-12-01"} and set(kept["status"]) == {"new"}
    assert set(kept["first_flagged"]) == {"2026-11-01"}
    assert set(kept["run_id"]) == {"nov"} and set(kept["job_key"]) == set(job_keys(many))
    assert [
        tuple(r)
        for r in history.db.execute(
            "SELECT name, rows FROM run_tables WHERE run_id = 'nov' ORDER BY name"
        )
    ] == [("erasures", 0), ("findings", 5)]
    assert history.trend(input_kinds="register", synthetic=False, before=date(2027, 1, 1))[
        "findings"
    ].tolist() == [5]


def test_an_erasure_covers_the_record_and_its_customer_s_orders_the_last_finding_naming_it():
    """Per covered record, the key of the DELETE finding whose erasure covers it; a customer
    with two DELETE findings covers its orders under the later one (as a dict of them did)."""
    from zimes_audit.report.history import erasure_coverage

    found = pd.DataFrame(
        {
            "record_kind": ["register", "register", "orders", "register"],
            "record_id": ["K-1", "K-1", "M-7", " "],
            "action": ["DELETE", "DELETE", "DELETE", "DELETE"],
        }
    )
    orders = pd.DataFrame(
        {"order_id": ["M-7", "M-8", "M-9"], "customer_id": [" K-1", "K-2", "K-1"]}
    )
    covered = erasure_coverage(found, pd.Series(["a", "b", "c", "d"]), {"orders": orders})
    assert list(zip(*covered.to_pydict().values(), strict=True)) == [
        ("a", "register:K-1"), ("b", "register:K-1"), ("c", "orders:M-7"),
        ("b", "orders:M-7"), ("b", "orders:M-9"),
    ]  # fmt: skip


def test_keys_and_jobs_stay_with_their_findings_whatever_the_frames_index():
    """A filtered or re-indexed findings frame keeps each finding's own key and job (by
    position, not by index label): a key on the wrong row would match the wrong decision."""
    whole = findings(CODE, MAIL, STALE, ("", "FIELD-UNCLASSIFIED", "REVIEW", "Krāsa"))
    picked = whole.iloc[[3, 0, 2]]
    assert finding_keys(picked).tolist() == [
        "k.xlsx|FIELD-UNCLASSIFIED|Krāsa",
        "register:K-1|PERSONAL-CODE-IN-TEXT|notes",
        "register:K-3|RELATIONSHIP-STALE|last_activity_at",
    ]
    assert finding_keys(picked).index.tolist() == [3, 0, 2]
    assert job_keys(picked).tolist() == job_keys(whole).iloc[[3, 0, 2]].tolist()
    doubled = whole.set_axis([0, 0, 1, 1])
    assert finding_keys(doubled).tolist() == finding_keys(whole).tolist()


#: What version 2 of the history's schema was (before each run's findings and erasures went
#: columnar): the tables a schema-2 history on an administrator's disk holds.
SCHEMA_2 = """
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
    from_job INTEGER NOT NULL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (finding_key);
CREATE TABLE IF NOT EXISTS decision_sources (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    workbook TEXT NOT NULL,
    decisions INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS erasures (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    finding_key TEXT NOT NULL,
    record_key TEXT NOT NULL
);
"""


def test_a_history_of_schema_1_is_migrated_with_each_decision_s_workbook(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)  # what version 1 wrote: decisions without their workbook
    old.executescript(
        SCHEMA_2.replace(
            "    from_job INTEGER NOT NULL,\n    source TEXT\n", "    from_job INTEGER NOT NULL\n"
        ).split("CREATE TABLE IF NOT EXISTS decision_sources")[0]  # fmt: skip
    )
    old.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    old.execute(
        "INSERT INTO runs VALUES ('dec', '2026-12-01', 't', 't', '/r/dec', 'register', 0, "
        "'nov', '/r/nov/flagged-records.xlsx', 'p', '{}')"
    )
    old.execute(
        "INSERT INTO decisions VALUES ('dec', 'register:K-1|X|notes', 'done', '', 'IK', "
        "'2026-12-01', 0, NULL, 0)"
    )
    old.commit()
    old.close()
    history = History(path)
    db = history.db
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
    assert [tuple(r) for r in db.execute("SELECT source FROM decisions")] == [
        ("/r/nov/flagged-records.xlsx",)
    ]
    assert history.recorded_decisions(before="2027-01-01") == {
        ("/r/nov/flagged-records.xlsx", "register:K-1|X|notes", "done", False): "2026-12-01"
    }
    assert history.erasures_of("dec") == {} and history.findings_of("dec").empty
    history.close()
    assert History(path).runs()[0].run_id == "dec"  # opened again: nothing to migrate


def test_a_history_of_schema_2_is_read_as_it_was_written(tmp_path):
    """A schema-2 history (a row per finding and per erased record) is migrated when opened:
    each run's findings and erasures become its columnar tables, in their order, and the next
    month compares with it as with the rows — dates carried, the exception held, the erasure's
    coverage, the jobs and the trend's counts the same."""
    import sqlite3

    path = tmp_path / "v2.sqlite"
    v2 = sqlite3.connect(path)
    v2.executescript(SCHEMA_2)
    v2.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    v2.execute(
        "INSERT INTO runs VALUES ('nov', '2026-11-01', 't', '2026-11-01', '/r/nov', 'register', 0, "
        "NULL, NULL, 'p', '{}')"
    )
    keys = finding_keys(findings(MAIL, CODE, STALE)).tolist()
    jobs = job_keys(findings(MAIL, CODE, STALE)).tolist()
    rows = [  # as version 2 wrote them, not in key order
        ("nov", keys[0], jobs[0], "register", "K-2", "k.xlsx", 2, "DATA-INACCURATE", "6",
         "FIX_DATA", "email", "2026-10-01", "2026-10-31", "still_open"),
        ("nov", keys[1], jobs[1], "register", "K-1", "k.xlsx", 3, "PERSONAL-CODE-IN-TEXT", "6",
         "REDACT_FIELD", "notes", "2026-11-01", "2026-11-15", "new"),
        ("nov", keys[2], jobs[2], "register", "K-3", "k.xlsx", None, "RELATIONSHIP-STALE", "6",
         "REVIEW", "last_activity_at", "2026-09-01", "2026-10-01", "exception"),
    ]  # fmt: skip
    v2.executemany(f"INSERT INTO findings VALUES ({','.join('?' * 14)})", rows)
    v2.execute(
        "INSERT INTO decisions VALUES ('nov', ?, 'exception', 'papīrā', 'IK', '2026-11-01', 1, "
        "NULL, 0, '/r/oct/flagged-records.xlsx')",
        (keys[2],),
    )
    v2.execute("INSERT INTO erasures VALUES ('nov', ?, 'register:K-2')", (keys[0],))
    v2.commit()
    v2.close()
    history = History(path)
    assert (
        history.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        == "3"
    )
    tables = {r[0] for r in history.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "findings" not in tables and "erasures" not in tables
    kept = history.findings_of("nov")
    texts = [c for c in kept.columns if c != "source_row"]
    assert kept[texts].values.tolist() == [[v for i, v in enumerate(r) if i != 6] for r in rows]
    assert kept["source_row"].tolist()[:2] == [2, 3] and pd.isna(kept["source_row"].iloc[2])
    assert history.jobs_of("nov") == dict(zip(keys, jobs, strict=True))
    assert history.erasures_of("nov") == {"register:K-2": keys[0]}
    assert set(history.exceptions_of("nov")) == {keys[2]}
    assert history.trend(input_kinds="register", synthetic=False, before=date(2027, 1, 1))[
        "findings"
    ].tolist() == [3]
    dec = record(history, "dec", date(2026, 12, 1), findings(MAIL, CODE, STALE))
    assert dec.status.tolist() == ["overdue", "overdue", "exception"]
    assert [str(d) for d in dec.first_flagged] == ["2026-10-01", "2026-11-01", "2026-09-01"]
    assert [str(d) for d in dec.due_date] == ["2026-10-31", "2026-11-15", "2026-10-01"]
    assert dec.resolved.empty
    history.close()


def test_inputs_are_synthetic_while_their_ground_truth_names_its_seed(tmp_path):
    """A run asks several times whether its inputs are the synthetic sample; the ground truth
    beside them is read once while it stays the same file, and again once it changes."""
    import json

    from zimes_audit.report.history import is_synthetic

    orders, truth = tmp_path / "orders.csv", tmp_path / "ground_truth.json"
    assert not is_synthetic([orders])  # no ground truth at all
    truth.write_text(json.dumps({"as_of": "2026-11-01", "seed": 7, "findings": []}), "utf-8")
    assert is_synthetic([orders]) and is_synthetic([orders])
    truth.write_text(json.dumps({"as_of": "2026-11-01", "findings": [{"rule_id": "X"}]}), "utf-8")
    assert not is_synthetic([orders])  # written again (another size): read again
    truth.write_text("{not json", "utf-8")
    assert not is_synthetic([orders])


def test_the_last_decision_on_each_finding_is_found_whatever_the_keys_order(tmp_path):
    """Per key asked for, the latest decision a run audited before the date recorded — found
    by the decided keys among the run's (a key without a decision gives nothing)."""
    history = History(tmp_path / "h.sqlite")
    frame = findings(CODE, MAIL, STALE)
    keys = finding_keys(frame)
    decided = {keys[0]: Decision("done", "izdzēsts", "Anna"), keys[2]: Decision("not_applicable")}
    record(history, "nov", date(2026, 11, 1), frame, decisions=decided)
    found = history.last_decisions(keys.iloc[[2, 1, 0]], before="2026-12-01")
    assert {k: (d["resolution"], d["note"], d["decided_on"]) for k, d in found.items()} == {
        keys[0]: ("done", "izdzēsts", "2026-11-01"),
        keys[2]: ("not_applicable", "", "2026-11-01"),
    }
    assert list(history.last_decisions(keys.iloc[[1, 2]], before="2026-12-01")) == [keys[2]]
    assert history.last_decisions(keys, before="2026-11-01") == {}  # audited on the day: not before


@settings(max_examples=examples(default=50, thorough=2000), deadline=None)
@given(st.lists(st.sampled_from(STATUSES), max_size=30))
def test_findings_csv_status_is_each_status_mapped_as_categories_from_texts_or_codes(statuses):
    """``findings.csv``'s status, from the statuses' texts or from the comparison's codes of
    them, is what mapping each text gives (the same categories, the frame's own index)."""
    from zimes_audit.report.resolutions import CSV_STATUS, csv_status

    status = pd.Series(statuses, index=range(len(statuses), 0, -1), dtype=object)
    expected = status.map(CSV_STATUS).astype("category")
    codes = np.array([STATUSES.index(s) for s in statuses], dtype=np.int8)
    pd.testing.assert_series_equal(csv_status(status), expected)
    pd.testing.assert_series_equal(csv_status(status, (codes, list(STATUSES))), expected)


def _key_as_the_contract_says(kind, file, row, record_id, rule, field, column_rules) -> str:
    """A finding's key, one row at a time, as docs/contracts.md defines it."""
    some = (record_id or "").strip()
    record = f"{kind}:{some}" if some else file if rule in column_rules else f"{kind}:{file}@{row}"
    return f"{record}|{rule}|{';'.join(sorted(p for p in (field or '').split(';') if p))}"


@settings(max_examples=examples(default=50, thorough=2000), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["orders", "register"]),
            st.sampled_from(["o.csv", "k.xlsx"]),
            st.integers(min_value=1, max_value=3),
            st.sampled_from(["M-1", " M-1 ", "K-2", "", "  ", None]),
            st.sampled_from(["DATA-INACCURATE", "FIELD-UNCLASSIFIED", "CONTACT-AFTER-END"]),
            st.sampled_from(["email", "phone;email", "email;phone", "Krāsa", "", None]),
            st.sampled_from(["FIX_DATA", "REVIEW"]),
        ),
        min_size=1, max_size=25,
    )
)  # fmt: skip
def test_keys_and_jobs_are_the_contract_s_texts_row_by_row(rows):
    """Keys built from codes in one Arrow pass, and jobs, equal the contract's per-row texts:
    a record id trimmed, else the file and row (a column-level rule: the file alone), fields
    sorted; ``keys_and_jobs`` gives what ``finding_keys`` and ``job_keys`` give."""
    from zimes_audit.procedure.rules import column_rules
    from zimes_audit.report.history import keys_and_jobs

    frame = pd.DataFrame(
        rows, columns=["record_kind", "source_file", "source_row", "record_id", "rule_id",
                       "field", "action"],
    ).astype({"record_id": "str", "field": "str", "action": "category"})  # fmt: skip
    rules = column_rules()
    assert finding_keys(frame).tolist() == [
        _key_as_the_contract_says(*row[:6], rules) for row in rows
    ]  # fmt: skip
    jobs = [f"{r[4]}|{';'.join(sorted(p for p in (r[5] or '').split(';') if p))}|{r[6]}|{r[1]}"
            for r in rows]  # fmt: skip
    assert job_keys(frame).tolist() == jobs
    keys, both = keys_and_jobs(frame)
    assert keys.equals(finding_keys(frame)) and both.equals(job_keys(frame))


@settings(max_examples=examples(default=50, thorough=2000), deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["k1", "k2", "e1"]), st.sampled_from(["o:1", "o:2", "o:3", None])),
        min_size=1, max_size=20,
    ),
    st.dictionaries(st.sampled_from(["o:1", "o:2", "o:4"]), st.sampled_from(["e1", "e2", "k1"])),
)  # fmt: skip
def test_a_record_s_erasure_is_gone_when_its_key_is_not_among_the_run_s(rows, covering):
    """Per finding, whether its record's erasure (``covering``: record → erasure key) is gone
    from this run's keys — as the sets of Python texts said it, found by Arrow."""
    from zimes_audit.report.history import _erasure_gone

    keys = pd.Series([k for k, _ in rows], dtype="str")
    records = pd.Series([r for _, r in rows], dtype=object)
    gone = set(covering.values()) - set(keys)
    expected = records.map(covering).isin(gone).tolist()
    assert _erasure_gone(keys, records, covering).tolist() == expected
