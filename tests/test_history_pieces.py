"""The history writes a run's tables a row group at a time (issue 29: peak RSS): what is read
back does not depend on where the pieces fall, and a run that fails mid-table leaves nothing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_history import DUE, findings

from zimes_audit.report import history as module
from zimes_audit.report.history import History, RunEntry

AS_OF = date(2026, 11, 1)


def seven_findings() -> pd.DataFrame:
    """Register findings of k.xlsx; the 2nd and the 6th share their key (one record, one rule,
    the same fields in another order), so that with pieces of two rows they fall apart."""
    rows = [
        ("K-1", "PERSONAL-CODE-IN-TEXT", "REDACT_FIELD", "notes"),
        ("K-2", "DATA-INACCURATE", "FIX_DATA", "email;phone"),
        ("K-3", "RELATIONSHIP-STALE", "REVIEW", "last_activity_at"),
        ("Ķ-4", "DATA-INACCURATE", "FIX_DATA", "email"),
        ("K-5", "RETENTION-EXPIRED", "DELETE", "record"),
        ("K-2", "DATA-INACCURATE", "FIX_DATA", "phone;email"),
        ("", "FIELD-UNCLASSIFIED", "REVIEW", "Krāsa"),
    ]
    # the action categorical, as the audit's findings hold it
    return findings(*rows).astype({"action": "category"})


def record(path, frame: pd.DataFrame) -> History:
    history = History(path)
    comparison = history.compare(frame, as_of=AS_OF, due_days=DUE, previous=None, decisions={})
    entry = RunEntry(
        run_id="nov", as_of=AS_OF, started="t", finished="f", report_folder="/r/nov",
        inputs=[("0" * 64, "register", 7)], synthetic=False, policy_sha256="p",
    )  # fmt: skip
    coverage = module.erasure_coverage(frame, comparison.keys, {})
    with history.transaction():
        history.record(entry, frame, comparison, coverage)
    return history


def test_a_run_read_back_is_the_same_whatever_the_pieces(tmp_path, monkeypatch):
    """Pieces of two rows: every finding back in order, the key shared across pieces once (its
    first finding's row), each column's texts whatever each piece's dictionary held."""
    whole = record(tmp_path / "whole.sqlite", seven_findings())
    monkeypatch.setattr(module, "ROW_GROUP", 2)
    pieces = record(tmp_path / "pieces.sqlite", seven_findings())
    kept = pieces.findings_of("nov")
    assert kept.equals(whole.findings_of("nov"))
    assert kept["source_row"].tolist() == [2, 3, 4, 5, 6, 8]  # the 6th finding's key: the 2nd's
    assert kept["record_id"].tolist() == ["K-1", "K-2", "K-3", "Ķ-4", "K-5", ""]
    assert kept["action"].tolist()[3:] == ["FIX_DATA", "DELETE", "REVIEW"]
    assert set(kept["due_date"]) == {"2026-11-15", "2026-12-01"}
    assert pieces.jobs_of("nov") == whole.jobs_of("nov")
    assert pieces.erasures_of("nov") == {"register:K-5": kept["finding_key"].iloc[4]}
    stored = pieces.db.execute("SELECT name, rows FROM run_tables ORDER BY name").fetchall()
    assert [tuple(r) for r in stored] == [("erasures", 1), ("findings", 6)]


def test_a_run_that_fails_mid_table_leaves_no_file(tmp_path, monkeypatch):
    """A first run whose findings fail to be written after their first piece leaves neither the
    history nor the table's temporary file behind."""
    monkeypatch.setattr(module, "ROW_GROUP", 2)
    built = module._findings_table

    def second_fails(findings, comparison, rows):
        if rows.start >= 2:
            raise OSError("disk full")
        return built(findings, comparison, rows)

    monkeypatch.setattr(module, "_findings_table", second_fails)
    with pytest.raises(OSError, match="disk full"):
        record(tmp_path / "h.sqlite", seven_findings())
    assert list(tmp_path.iterdir()) == []


def test_register_ids_are_kept_once_with_their_earliest_audit_date(tmp_path):
    """Ids as the register writes them (a quote, Latvian letters) kept as they are; an id seen
    again by an earlier audit takes that date, by a later one keeps its own."""
    history = History(tmp_path / "h.sqlite")
    with history.transaction():
        history.remember_register_ids(["K-1", 'K-"2', "Ķ-3"], as_of=AS_OF, synthetic=False)
        history.remember_register_ids(["K-1"], as_of=date(2026, 10, 1), synthetic=False)
        history.remember_register_ids(["Ķ-3"], as_of=date(2026, 12, 1), synthetic=False)
        history.remember_register_ids(["K-9"], as_of=AS_OF, synthetic=True)
    assert history.register_ids(as_of=date(2026, 10, 1), synthetic=False) == {"K-1"}
    assert history.register_ids(as_of=AS_OF, synthetic=False) == {"K-1", 'K-"2', "Ķ-3"}
    assert history.register_ids(as_of=AS_OF, synthetic=True) == {"K-9"}


def test_the_counts_since_the_last_run_count_each_status_once(tmp_path):
    """A month with one finding of each kind: an exception is not open, a finding marked done
    but still there is, and an overdue one is open and overdue."""
    history = record(tmp_path / "h.sqlite", seven_findings().iloc[:3])
    keys = module.finding_keys(seven_findings())
    december = seven_findings().iloc[[0, 1, 2, 3]]
    comparison = history.compare(
        december, as_of=date(2026, 12, 5), due_days=DUE, previous=history.runs()[0],
        decisions={keys[0]: module.Decision("redacted"),
                   keys[2]: module.Decision("not_applicable", "Klients aktīvs", "IK")},
    )  # fmt: skip
    assert comparison.status.tolist() == ["done_still_present", "overdue", "exception", "new"]
    assert comparison.counts() == {
        "resolved": 0, "new": 1, "still_open": 2, "overdue": 2, "most_overdue_days": 20,
        "done_still_present": 1, "exceptions": 1,
    }  # fmt: skip


def test_a_new_history_takes_large_pages_and_an_older_file_keeps_its_own(tmp_path):
    """A new history's pages are :data:`PAGE_SIZE` bytes (a run's blob is written in fewer of
    them); a file made before keeps its pages, and what is read back is the same in both."""
    import sqlite3

    older = tmp_path / "older.sqlite"
    sqlite3.connect(older).execute("CREATE TABLE kept (a)").connection.close()  # 4 KiB pages
    new, old = record(tmp_path / "new.sqlite", seven_findings()), record(older, seven_findings())
    assert new.db.execute("PRAGMA page_size").fetchone()[0] == module.PAGE_SIZE == 32768
    assert old.db.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert new.findings_of("nov").equals(old.findings_of("nov"))


def test_a_month_reads_last_month_s_findings_once_for_its_erasures_and_its_comparison(
    tmp_path, monkeypatch
):
    """Last month's table (a second to read at a million findings) is read once when the
    month carries erasures and compares, and the comparison is what a fresh read gives."""
    history = record(tmp_path / "h.sqlite", seven_findings())
    as_of = date(2026, 12, 1)
    previous = history.previous_run(as_of=as_of, input_kinds="register", synthetic=False)
    reads, real = [], module.History.findings_of
    monkeypatch.setattr(
        module.History, "findings_of", lambda self, run: reads.append(run) or real(self, run)
    )
    month, inherit = history.carry_erasures(seven_findings(), previous)
    kept = history.compare(
        month, as_of=as_of, due_days=DUE, previous=previous, decisions={}, inherit=inherit
    )
    assert reads == ["nov"]
    fresh = History(tmp_path / "h.sqlite").compare(
        month, as_of=as_of, due_days=DUE, previous=previous, decisions={}, inherit=inherit
    )
    assert reads == ["nov", "nov"] and kept.status.tolist() == fresh.status.tolist()
    assert kept.first_flagged.equals(fresh.first_flagged) and kept.resolved.equals(fresh.resolved)
    assert set(kept.status) == {"still_open", "overdue"} and history._kept == {}  # let go
