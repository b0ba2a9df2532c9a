"""A run that is stopped, killed or runs out of room leaves nothing behind and says why.

Real ``zimes-audit run`` processes are stopped with SIGTERM and SIGHUP while they write; a run
killed with SIGKILL leaves a claim and a staging folder that the next run must recognise.  Full
and read-only output is a real tmpfs mounted in a private mount namespace (as ``unshare -m`` does,
as root) where the machine allows it; permission denied, which root never meets, is simulated.
The processes are forked from one warm parent (``warm_process``: no interpreter starting and
importing Great Expectations per run) and audit a two-file export (``test_run.write_inputs``):
what is stopped is the writing, the notebook's kernel, the claim, which any audit reaches.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_runner import Invoked, invoke
from conftest import AS_OF
from test_run import write_inputs
from warm_process import ForkedRun, Forker

from zimes_audit import cli
from zimes_audit.errors import ReportExists, ReportInProgress
from zimes_audit.report import folder as folder_module
from zimes_audit.report.folder import claim, claim_file, is_report, staged, sweep_abandoned
from zimes_audit.report.reports import latest_report


@pytest.fixture(scope="module")
def forker():
    """The warm parent of this module's runs."""
    parent = Forker()
    yield parent
    parent.close()


def inputs_in(base: Path) -> Path:
    """``base/inputs``: the small export of ``test_run`` (written the first time)."""
    inputs = base / "inputs"
    return inputs if inputs.is_dir() else write_inputs(inputs)


def start_run(forker: Forker, out: Path, *extra: str) -> ForkedRun:
    """``zimes-audit run`` of the small export beside ``out``'s parent, as a process."""
    base = out.parent.parent
    args = ["run", str(inputs_in(base)), "--as-of", AS_OF.isoformat(), "--out", str(out), *extra]
    return forker.start(args, cwd=base)


def run_again(out: Path) -> Invoked:
    """The same run on the same ``--out`` again, in this process (what is tested is what the
    stopped run left)."""
    base = out.parent.parent
    return invoke("run", str(inputs_in(base)), "--as-of", AS_OF.isoformat(), "--out", str(out),
                  "--no-notebook", cwd=base)  # fmt: skip


def wait_for(condition, what: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def staging_folders(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if ".partial-" in p.name] if parent.is_dir() else []


def cells_done(parent: Path) -> int:
    """How many cells of the staged audit notebook have run, with one running now (papermill
    saves the notebook as each cell starts)."""
    for notebook in parent.glob(".*.partial-*/audit.ipynb"):
        text = notebook.read_text("utf-8", errors="replace")
        if '"status": "running"' in text:
            return text.count('"status": "completed"')
    return 0


def kernel_children(pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return found.stdout.split()


# ----------------------------------------------------------------------- stopped by a signal
@pytest.mark.parametrize(
    ("signo", "phase"),
    [(signal.SIGTERM, "writing"), (signal.SIGHUP, "writing"), (signal.SIGINT, "notebook")],
    ids=["SIGTERM-writing", "SIGHUP-writing", "Ctrl-C-notebook"],
)
def test_a_signal_mid_write_leaves_nothing_and_the_same_out_runs_again(
    forker, tmp_path, signo, phase
):
    out = tmp_path / "reports" / "november"
    extra = () if phase == "notebook" else ("--no-notebook",)
    run = start_run(forker, out, *extra)
    try:
        wait_for(lambda: staging_folders(out.parent), "the staging folder")
        if phase == "notebook":  # the notebook's kernel is running: it must go too
            wait_for(lambda: kernel_children(run.pid), "the notebook's kernel")
            kernels = kernel_children(run.pid)
            # Ctrl-C in the middle of a cell: the kernel, shut down mid-cell, shares our
            # stderr and once logged ~20 lines there before the one line
            wait_for(lambda: cells_done(out.parent) >= 2, "the notebook's import cell")
        # frozen where it is (mid-write: staged, not yet published), so a fast write cannot
        # finish between the check and the signal; the signal is handled when it resumes —
        # but not mid-cell: frozen, the run would let the kernel finish its cell first
        frozen = phase != "notebook"
        if frozen:
            os.kill(run.pid, signal.SIGSTOP)
        try:
            assert run.poll() is None, "the run finished before it could be stopped"
            assert staging_folders(out.parent) and not is_report(out), "the run was not mid-write"
            run.send_signal(signo)
        finally:
            if frozen:
                os.kill(run.pid, signal.SIGCONT)
        _, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 128 + signo
    name = signal.Signals(signo).name
    assert stderr.splitlines() == [f"zimes-audit: apturēts ({name}); pārskats netika ierakstīts."]
    assert sorted(p.name for p in out.parent.iterdir()) == [], "something was left behind"
    if phase == "notebook":
        wait_for(lambda: not any(Path(f"/proc/{k}").exists() for k in kernels), "the kernel")
    again = run_again(out)  # the same --out runs again
    assert again.returncode == 0, again.stderr
    assert is_report(out) and f"Pārskats: {out}/" in again.stdout
    assert again.stderr == ""  # nothing to sweep: the stopped run cleaned up itself


def test_a_run_killed_outright_is_recognised_and_not_in_the_way(forker, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    run = start_run(forker, reports / "2026-11-01", "--no-notebook")
    try:
        wait_for(lambda: staging_folders(reports), "the staging folder")
        run.kill()  # SIGKILL: no clean-up at all
        run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    left = sorted(p.name for p in reports.iterdir())
    assert left[0] == ".2026-11-01.claim" and ".2026-11-01.partial-" in left[1]
    assert left[2] == "2026-11-01" and not any((reports / "2026-11-01").iterdir())
    # not a report for anything that looks for earlier reports
    assert latest_report(reports, before="9999") is None
    assert latest_report(reports) is None
    again = run_again(reports / "2026-11-01")
    assert again.returncode == 0, again.stderr
    (note,) = again.stderr.splitlines()
    assert note.startswith(
        f"zimes-audit: piezīme: {reports / '2026-11-01'}: izdzēsts nepabeigts pārskats"
    )
    assert f"process {run.pid} " in note and "tas nebija pārskats" in note
    assert sorted(p.name for p in reports.iterdir()) == [
        "2026-11-01",
        "zimes-history.secret",
        "zimes-history.sqlite",
    ]
    assert is_report(reports / "2026-11-01")


# ----------------------------------------------------------------------- claims and sweeping
def test_a_staging_folder_with_a_manifest_is_never_taken_for_a_report(tmp_path):
    done = tmp_path / "2026-10-01"
    done.mkdir()
    for folder, finished in (
        (done, "2026-10-01T10:00:00"),
        (tmp_path / ".x.partial-1", "2026-11-01T10:00:00"),
    ):
        folder.mkdir(exist_ok=True)
        (folder / "findings.csv").write_text("record_id,rule_id\n", "utf-8")
        (folder / "manifest.json").write_text(json.dumps({"finished": finished}), "utf-8")
    assert latest_report(tmp_path, before="9999") == done
    assert latest_report(tmp_path) == done


def test_a_claim_in_progress_is_refused_and_never_swept(tmp_path):
    target = tmp_path / "2026-11-01"
    with staged(target) as staging:
        (staging / "findings.csv").write_text("x\n", "utf-8")
        with pytest.raises(ReportInProgress, match=f"process {os.getpid()} on "):
            claim(target)
        assert sweep_abandoned(tmp_path) == []
        assert staging.is_dir() and target.is_dir() and claim_file(target).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-01"]
    assert (target / "findings.csv").is_file()


def test_an_empty_folder_the_tool_did_not_claim_is_still_refused(tmp_path):
    mine = tmp_path / "november"
    mine.mkdir()  # the administrator's own folder, not a claim: not ours to take
    assert sweep_abandoned(tmp_path) == []
    with pytest.raises(ReportExists):
        claim(mine)
    assert mine.is_dir() and not claim_file(mine).exists()


def test_a_failing_write_leaves_nothing(tmp_path):
    target = tmp_path / "r"
    with pytest.raises(ZeroDivisionError), staged(target) as staging:
        (staging / "findings.csv").write_text("x\n", "utf-8")
        1 / 0  # noqa: B018
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------- the disk says no
def _mount_works() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


MOUNT = pytest.mark.skipif(
    not _mount_works(), reason="needs root and `unshare -m` to mount a small tmpfs"
)


def run_on_tmpfs(forker: Forker, tmp_path: Path, options: str, *extra: str) -> ForkedRun:
    """The audit of a small export as a process, its report on a tmpfs mounted (``options``) in
    a private namespace; the process's stdout ends with what is left on that file system."""
    mount = tmp_path / "disk"
    mount.mkdir()
    args = [
        "run",
        str(inputs_in(tmp_path)),
        "--as-of",
        AS_OF.isoformat(),
        *extra,
        "--out",
        f"{mount}/report",
    ]
    return forker.start(args, cwd=tmp_path, tmpfs=(mount, options))


@MOUNT
@pytest.mark.parametrize(
    ("options", "cause"),
    [("size=200k", "no space left on the device"), ("ro,size=1m", "the file system is read-only")],
    ids=["full", "read-only"],
)
def test_a_full_or_read_only_disk_is_one_line_exit_2_and_nothing_left(
    forker, tmp_path, options, cause
):
    run = run_on_tmpfs(forker, tmp_path, options, "--no-notebook", "--lang", "en")
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 2, stderr
    assert stderr.splitlines() == [
        f"zimes-audit: error: {tmp_path}/disk/report: cannot write the report here: {cause}; "
        "nothing was written. Free some space or choose another --out folder (or --reports) "
        "you can write to."
    ]
    assert stdout.splitlines()[-1] == "LEFT:"


def _room_taken(folder: Path) -> int:
    """The bytes ``folder``'s files take on a tmpfs (whole 4 KiB pages)."""
    return sum(-(-p.stat().st_size // 4096) * 4096 for p in folder.rglob("*") if p.is_file())


@MOUNT
def test_the_disk_filling_up_while_the_notebook_runs_leaves_nothing(forker, tmp_path):
    # room for the report without the notebook (the same run without it, measured here: its
    # history, Data Docs, workbook …) and 64 KiB more: room for the notebook to start (7 KB),
    # not for its outputs (~1.4 MB with the charts)
    measured = tmp_path / "measured"
    without = invoke("run", str(inputs_in(tmp_path)), "--as-of", AS_OF.isoformat(), "--lang", "en",
                     "--no-notebook", "--out", str(measured / "report"), cwd=tmp_path)  # fmt: skip
    assert without.returncode == 0, without.stderr
    size = _room_taken(measured) // 1024 + 64
    run = run_on_tmpfs(forker, tmp_path, f"size={size}k", "--lang", "en")
    wait_for(lambda: kernel_children(run.pid) or run.poll() is not None, "the notebook's kernel")
    assert run.returncode is None, "the run ended before its notebook started"
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 2, stderr
    assert "no space left on the device" in stderr and len(stderr.splitlines()) == 1
    assert stdout.splitlines()[-1] == "LEFT:"


REFUSALS = [
    (errno.ENOSPC, "no space left on the device"),
    (errno.EACCES, "permission denied"),
    (errno.EROFS, "the file system is read-only"),
]


def _refused(number: int):
    def refuse(path, *args, **kwargs):
        raise OSError(number, os.strerror(number), str(path))

    return refuse


def _refusal_line(out: Path, cause: str) -> str:
    return (
        f"zimes-audit: error: {out}: cannot write the report here: {cause}; nothing was "
        "written. Free some space or choose another --out folder (or --reports) you can write to."
    )


def test_a_refused_write_simulated_in_process(tmp_path, monkeypatch, capsys):
    """Simulated (root is never denied): the workbook write of a whole run fails (no space)."""
    number, cause = REFUSALS[0]
    inputs = write_inputs(tmp_path / "inputs")
    monkeypatch.setattr("zimes_audit.report.run.write_workbook", _refused(number))
    out = tmp_path / "out" / "r"
    status = cli.main(
        ["run", str(inputs), "--as-of", AS_OF.isoformat(), "--out", str(out), "--no-notebook",
         "--lang", "en"]
    )  # fmt: skip
    assert status == 2
    assert capsys.readouterr().err.splitlines() == [_refusal_line(out, cause)]
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(("number", "cause"), REFUSALS)
def test_every_refused_write_is_named_by_its_cause(tmp_path, number, cause):
    """A write into the staging folder refused with ``number``: the one line a run prints (the
    whole run, as above, for one cause) names that cause, and nothing is left."""
    out = tmp_path / "out" / "r"
    with pytest.raises(folder_module.OutputError) as caught, staged(out) as staging:
        _refused(number)(staging / "flagged-records.xlsx")
    assert f"zimes-audit: error: {caught.value}" == _refusal_line(out, cause)
    assert list((tmp_path / "out").iterdir()) == []


def test_permission_denied_at_the_claim_simulated(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(folder_module.tempfile, "mkdtemp", refuse)
    with (
        pytest.raises(folder_module.OutputError, match="permission denied"),
        staged(tmp_path / "r"),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_stop_whose_exception_was_swallowed_still_keeps_the_report_unpublished(tmp_path):
    """A signal handled while Python runs a finalizer: its Stopped is swallowed ("Exception
    ignored in …"), yet the stop was asked for — the folder is not published."""
    from zimes_audit import stop

    target = tmp_path / "reports" / "november"
    stop._requested.append(signal.SIGTERM)  # what the handler records before raising
    try:
        with pytest.raises(stop.Stopped), staged(target) as staging:
            (staging / "findings.csv").write_text("written\n", "utf-8")
    finally:
        stop._requested.clear()
    assert not is_report(target)
    assert sorted(p.name for p in target.parent.iterdir()) == [], "something was left behind"


def test_a_first_run_stopped_while_it_records_leaves_no_history_and_no_key(
    tmp_path, monkeypatch, capsys
):
    """Stopped after the history's first record (and its key, ``zimes-history.secret``) was
    written, before the folder was published: nothing is left — neither the history nor the
    key.  (Seen under load with a real SIGTERM: the key was left behind.)"""
    from zimes_audit import stop
    from zimes_audit.report import run as run_module

    recorded = run_module.record_run

    def record_then_stop(*args, **kwargs):
        recorded(*args, **kwargs)
        assert (out.parent / "zimes-history.secret").is_file()  # the key came with the record
        raise stop.Stopped(signal.SIGTERM)

    monkeypatch.setattr(run_module, "record_run", record_then_stop)
    inputs = write_inputs(tmp_path / "inputs")
    out = tmp_path / "reports" / "november"
    status = cli.main(["run", str(inputs), "--as-of", AS_OF.isoformat(), "--out", str(out),
                       "--no-notebook", "--lang", "en"])  # fmt: skip
    assert status == 128 + signal.SIGTERM
    assert capsys.readouterr().err.splitlines() == [
        "zimes-audit: stopped (SIGTERM); no report was written."
    ]
    assert sorted(p.name for p in out.parent.iterdir()) == [], "something was left behind"
