"""The audit history on its own: baselines, fixed due dates, decisions, all-or-nothing recording."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from zimes_audit.report.history import Decision, History, RunEntry, finding_keys, job_keys

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
        raise OSError("the report folder could not be renamed into place")
    assert not (tmp_path / "h.sqlite").exists()
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
    feb = record(history, "feb", date(2027, 2, 1), findings(CODE, MAIL))
    assert list(feb.status) == ["overdue", "exception_expired"]
    assert list(feb.days_overdue) == [78, 62]  # due 2026-12-01, as first flagged
    assert feb.exception.empty


def test_findings_are_recorded_chunk_by_chunk_all_of_them(tmp_path, monkeypatch):
    from zimes_audit.report import history as module

    monkeypatch.setattr(module, "CHUNK", 2)
    many = findings(*[(f"K-{i}", "DATA-INACCURATE", "FIX_DATA", "email") for i in range(5)])
    history = History(tmp_path / "h.sqlite")
    record(history, "nov", date(2026, 11, 1), many)
    kept = history.findings_of("nov")
    assert kept["finding_key"].tolist() == finding_keys(many).tolist()
    assert kept["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert set(kept["due_date"]) == {"2026-12-01"}


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


def test_a_history_of_schema_1_is_migrated_with_each_decision_s_workbook(tmp_path):
    import sqlite3

    from zimes_audit.report import history as history_module

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)  # what version 1 wrote: decisions without their workbook
    old.executescript(
        history_module._SCHEMA.replace(
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
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
    assert [tuple(r) for r in db.execute("SELECT source FROM decisions")] == [
        ("/r/nov/flagged-records.xlsx",)
    ]
    assert history.recorded_decisions(before="2027-01-01") == {
        ("/r/nov/flagged-records.xlsx", "register:K-1|X|notes", "done", False): "2026-12-01"
    }
    assert tuple(db.execute("SELECT COUNT(*) FROM erasures").fetchone()) == (0,)
    history.close()
    assert History(path).runs()[0].run_id == "dec"  # opened again: nothing to migrate
