"""A large run writes its workbook and draws its charts in forked children
(zimes_audit.report.forked, issue 29): the report is the same as written in turn, a child's
failure fails the run and leaves nothing, and no child outlives the run — stopped with it,
killed with it."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import AS_OF, SAMPLES

from zimes_audit import errors
from zimes_audit.report import forked, run
from zimes_audit.report.layout import RESULTS_DIR, WORKBOOK
from zimes_audit.report.run import RunRequest, run_report


def _dead(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie no one has reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _gone(pid: int) -> bool:
    """Whether process ``pid`` no longer exists (reaped; a zombie still does)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """Every run forks its workbook and charts (the sample is far below FORK_FROM_RECORDS);
    the children's pids, as the real ``os.fork`` returned them."""
    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(forked, "FORK_FROM_RECORDS", 1)
    monkeypatch.setattr(forked.os, "fork", fork)
    return pids


def _of_the_run(row: list, folder: Path) -> bool:
    """A Summary fact of the run itself: its id, its folder, when it ran."""
    text = " ".join(str(cell) for cell in row)
    return str(folder) in text or bool(re.search(r"\d{4}-\d\d-\d\d-[0-9a-f]{6}|\d\d:\d\d", text))


def _request(out: Path) -> RunRequest:
    return RunRequest([str(SAMPLES)], AS_OF, out=out, notebook=False)


def test_what_children_write_is_what_the_run_writes_in_turn(tmp_path, forks,
                                                                     monkeypatch):  # fmt: skip
    monkeypatch.setattr(forked, "FORK_FROM_RECORDS", 10**12)  # first in turn, as a small run
    in_turn, _ = run_report(_request(tmp_path / "a" / "report"))
    assert forks == []
    monkeypatch.setattr(forked, "FORK_FROM_RECORDS", 1)
    in_child, _ = run_report(_request(tmp_path / "b" / "report"))
    assert len(forks) == 2 and all(map(_gone, forks))  # the workbook's, the charts': reaped
    sheets = {}
    for folder in (in_turn, in_child):
        book = openpyxl.load_workbook(folder / WORKBOOK)
        sheets[folder] = {
            ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book
        }
    assert sheets[in_turn].keys() == sheets[in_child].keys() and "Atzīmētie" in sheets[in_child]
    for title, rows in sheets[in_turn].items():
        other = sheets[in_child][title]
        # the run's own facts differ (its folder, when it ran): every other cell is the same
        differ = [(a, b) for a, b in zip(rows, other, strict=True) if a != b]
        assert all(a[0] == b[0] and _of_the_run(a, in_turn) for a, b in differ), (title, differ)
        assert len(differ) <= 3, differ
    tables = sorted(p.name for p in (in_turn / RESULTS_DIR).glob("*.parquet"))
    assert tables and tables == sorted(p.name for p in (in_child / RESULTS_DIR).glob("*.parquet"))
    for name in tables:  # each run has an id of its own (the trend's last row)
        pd.testing.assert_frame_equal(
            pd.read_parquet(in_turn / RESULTS_DIR / name).drop(columns="run_id", errors="ignore"),
            pd.read_parquet(in_child / RESULTS_DIR / name).drop(columns="run_id", errors="ignore"),
        )
    charts = sorted(p.name for p in in_turn.glob("*.png"))
    assert charts and charts == sorted(p.name for p in in_child.glob("*.png"))
    for name in charts:
        assert (in_turn / name).read_bytes() == (in_child / name).read_bytes(), name


def _refused_for_a_full_disk(tmp_path: Path, forks: list[int]) -> None:
    """The run refused in one line naming the full disk; both children reaped; nothing left
    but the history file."""
    with pytest.raises(errors.OutputError) as raised:
        run_report(_request(tmp_path / "report"))
    assert "no space left on the device" in str(raised.value)
    assert len(forks) == 2 and all(map(_gone, forks))
    assert _left(tmp_path) == []


def _left(folder: Path) -> list[str]:
    """What a failed run left in its folder, but the history file."""
    return [p.name for p in folder.iterdir() if p.name != "zimes-history.sqlite"]


def test_a_full_disk_in_the_child_is_the_run_s_output_error_and_leaves_nothing(tmp_path, forks,
                                                                              monkeypatch):  # fmt: skip
    def full(folder, result, language=None):  # the charts, drawn in the child
        (Path(folder) / "half.png").write_bytes(b"\x89PNG")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))

    monkeypatch.setattr(run, "write_charts", full)
    _refused_for_a_full_disk(tmp_path, forks)


def test_a_full_disk_inside_xlsxwriter_s_own_error_still_reads_as_a_full_disk(tmp_path, forks,
                                                                              monkeypatch):  # fmt: skip
    """xlsxwriter raises its FileCreateError from the OSError; the chain travels with it."""
    from xlsxwriter.exceptions import FileCreateError

    def full(*args, **kwargs):
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "zimes-audit.xlsx")
        except OSError as error:
            raise FileCreateError(error) from error

    monkeypatch.setattr(run, "write_workbook", full)
    _refused_for_a_full_disk(tmp_path, forks)


def test_an_internal_error_in_a_child_is_one_of_the_same_name():
    class Local(Exception):  # a class the pickle cannot find again
        pass

    def fail():
        raise Local("a value that must not travel")

    with forked.Forked(fail) as job, pytest.raises(Exception) as raised:
        job.result()
    assert type(raised.value).__name__ == "Local" and str(raised.value) == ""


def test_a_child_that_dies_fails_the_run_in_one_line_and_leaves_nothing(tmp_path, forks,
                                                                        monkeypatch):  # fmt: skip
    monkeypatch.setattr(run, "write_charts", lambda *a: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(errors.ReportPartFailed) as raised:
        run_report(_request(tmp_path / "report"))
    assert "(SIGKILL)" in str(raised.value) and "\n" not in str(raised.value)
    assert "(SIGKILL)" in raised.value.render("lv") and "process" in raised.value.render("lv")
    assert _left(tmp_path) == []


def test_a_run_that_fails_while_its_child_draws_takes_the_child_with_it(tmp_path, forks,
                                                                        monkeypatch):  # fmt: skip
    monkeypatch.setattr(run, "write_charts", lambda *a: time.sleep(600))

    def broken_workbook(*args, **kwargs):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(run, "write_workbook", broken_workbook)
    clock = time.perf_counter()
    with pytest.raises(errors.OutputError):
        run_report(_request(tmp_path / "report"))
    assert time.perf_counter() - clock < 300  # not waiting for the child's ten minutes
    assert len(forks) == 2 and all(map(_gone, forks))
    assert _left(tmp_path) == []


def test_an_error_of_ours_comes_back_from_the_child_with_its_facts():
    def refuse():
        raise errors.BlankRun("orders.csv", limit=1 << 20, line=7)

    with forked.Forked(refuse) as job, pytest.raises(errors.BlankRun) as raised:
        job.result()
    assert raised.value.path == "orders.csv" and raised.value.facts["line"] == 7
    assert str(raised.value) == str(errors.BlankRun("orders.csv", limit=1 << 20, line=7))
    assert job.child_private_mb > 0  # what the child held of its own, measured as it answered


def test_the_child_dies_with_the_run(tmp_path):
    """The run killed outright (SIGKILL: no clean-up runs): the kernel kills its child."""
    script = textwrap.dedent(
        """
        import sys, time
        from zimes_audit.report.forked import Forked
        with Forked(time.sleep, 120) as job:
            print(job._pid, flush=True)
            time.sleep(120)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )  # fmt: skip
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    for _ in range(100):  # the kernel kills it when its parent dies
        if _dead(child):
            break
        time.sleep(0.05)
    assert _dead(child)
