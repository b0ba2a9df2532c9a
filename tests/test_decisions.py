"""The monthly loop never loses a decision (issue 25): each test is one way it used to."""

from __future__ import annotations

import pytest

from zimes_audit.cli import main


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("0001-01-01", "before 2000-01-01"),
        ("9999-12-31", "not a date"),
        ("31.11.2026", "not a date"),
        ("30/11/2026", "not a date"),
        ("2026-11-31", "not a date"),
        ("30.11.2062", "more than a year after today"),
        ("9999-12-31 --future-as-of", "not a date"),
    ],
)
def test_a_bad_as_of_is_one_line_and_exit_2(tmp_path, capsys, written, says):
    as_of, *flags = written.split()
    code = main(["run", str(tmp_path / "nav"), "--as-of", as_of, *flags])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"zimes-audit: error: --as-of {as_of}: ")
    assert says in err[0]


@pytest.mark.parametrize("written", ["2026-11-30", "30.11.2026", "30.11.26", " 30.11.26"])
def test_every_accepted_as_of_form_is_the_same_date(written):
    from zimes_audit.cli import _audit_date

    assert _audit_date(written, future=False).isoformat() == "2026-11-30"


def test_a_far_future_as_of_runs_only_when_confirmed():
    from datetime import date

    from zimes_audit.cli import _audit_date

    assert _audit_date("30.11.2062", future=True) == date(2062, 11, 30)
