"""Real ``zimes-audit`` processes without paying Python's start-up for each: a warm parent forks them.

The stop tests need a real process (a real signal delivered to it, a SIGKILL, a private mount
namespace), but not a new interpreter importing pandas and Great Expectations each time.  A
parent started once (:class:`Forker`) imports what a run imports and forks one child per run:
the child is a process of its own, with its own pid, signal handlers, stdout and stderr (files),
working folder and, on request, a private mount namespace with a tmpfs; it runs
``zimes_audit.cli.main`` as ``python -m zimes_audit`` does and leaves as it does (atexit
handlers included: nbclient shuts its kernel down there).  The parent reaps it
and reports its exit status, as a ``subprocess.Popen`` does (:class:`ForkedRun`).

Run as a script, this module is that parent: one JSON request a line on stdin, one JSON answer a
line on stdout.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: What ``zimes-audit run`` imports on its way (the parent imports them once, before any fork).
WARM = (
    "zimes_audit.cli", "zimes_audit.audit", "zimes_audit.report.run",
    "zimes_audit.report.datadocs", "zimes_audit.report.notebook", "zimes_audit.views.charts",
    "great_expectations", "papermill", "nbconvert", "matplotlib.pyplot",
)  # fmt: skip


class Forker:
    """The warm parent, started once (``python warm_process.py``); :meth:`start` forks a run."""

    def __init__(self):
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": _pythonpath()}
        self.parent = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            # as from a terminal: SIGHUP not ignored even when the tests run under nohup (an
            # ignored SIGHUP stays ignored by design, see zimes_audit.stop); the children inherit it
            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
        )

    def ask(self, timeout: float | None = None, **request) -> dict:
        self.parent.stdin.write(json.dumps(request) + "\n")
        self.parent.stdin.flush()
        ready, _, _ = select.select([self.parent.stdout], [], [], timeout)
        if not ready:
            raise subprocess.TimeoutExpired("warm_process", timeout)
        line = self.parent.stdout.readline()
        if not line:
            raise RuntimeError("the warm parent ended")
        return json.loads(line)

    def start(self, args: list[str], cwd: Path, tmpfs: tuple[Path, str] | None = None) -> ForkedRun:
        """``zimes-audit ARGS`` in a new process, in ``cwd`` (whose files ``.stdout``/``.stderr``
        get its output); ``tmpfs`` = (mount point, options) mounts a tmpfs there first, in a
        mount namespace of the child's own, and lists what is left on it at the end."""
        out, err = cwd / ".stdout", cwd / ".stderr"
        answer = self.ask(
            do="start", args=args, cwd=str(cwd), stdout=str(out), stderr=str(err),
            tmpfs=[str(tmpfs[0]), tmpfs[1]] if tmpfs else None,
        )  # fmt: skip
        return ForkedRun(self, answer["pid"], out, err)

    def close(self) -> None:
        self.parent.stdin.close()
        try:
            self.parent.wait(timeout=60)
        except subprocess.TimeoutExpired:  # still waiting for a run: a test timed out
            self.parent.kill()
            self.parent.wait()


@dataclass
class ForkedRun:
    """One forked run, used like a ``subprocess.Popen`` with text ``stdout`` and ``stderr``."""

    forker: Forker
    pid: int
    stdout_file: Path
    stderr_file: Path
    returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.forker.ask(do="wait", pid=self.pid, block=False)["status"]
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        if self.returncode is None:
            answer = self.forker.ask(timeout, do="wait", pid=self.pid, block=True)
            self.returncode = answer["status"]
        read = lambda path: path.read_text("utf-8") if path.exists() else ""  # noqa: E731
        return read(self.stdout_file), read(self.stderr_file)

    def send_signal(self, signo: int) -> None:
        os.kill(self.pid, signo)

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, signal.SIGKILL)
            self.communicate(timeout=60)


def _pythonpath() -> str:
    """This checkout first (the package, then tests/ for this module), then what was there."""
    here = Path(__file__).resolve().parent
    return os.pathsep.join([str(here.parent), str(here), os.environ.get("PYTHONPATH", "")])


# ----------------------------------------------------------------------------- the parent
def _private_tmpfs(mount: str, options: str) -> None:
    """A mount namespace of this process's own (as ``unshare -m`` makes) with a tmpfs on
    ``mount`` (``ro`` and ``size=…`` as ``mount -o`` takes them)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    clone_newns, ms_rdonly, ms_rec, ms_private = 0x00020000, 1, 16384, 1 << 18
    if libc.unshare(clone_newns) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    if libc.mount(b"none", b"/", None, ms_rec | ms_private, None) != 0:  # nothing leaks out
        raise OSError(ctypes.get_errno(), "mount --make-rprivate /")
    flags = ms_rdonly if "ro" in options.split(",") else 0
    data = ",".join(o for o in options.split(",") if o != "ro").encode()
    if libc.mount(b"tmpfs", mount.encode(), b"tmpfs", flags, data) != 0:
        raise OSError(ctypes.get_errno(), f"mount tmpfs {mount}")


def _child(request: dict) -> None:
    """In the forked child: its own output files and folder, then the command line; ends the
    process as ``zimes-audit`` does (:func:`zimes_audit.ending.end_process`; an argument error
    through Python's shut-down), never returns."""
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(request["cwd"])
    if request["tmpfs"]:
        _private_tmpfs(*request["tmpfs"])
    from zimes_audit.cli import main

    sys.argv = ["zimes-audit", *request["args"]]
    try:
        status = main(request["args"])
    except SystemExit as exit:
        status = exit.code
    if request["tmpfs"]:  # what the run left on its file system (gone with the namespace)
        print("LEFT:", *sorted(os.listdir(request["tmpfs"][0])))
    if isinstance(status, int):
        from zimes_audit.ending import end_process

        end_process(status)
    raise SystemExit(status)


def _serve() -> None:
    """Import, then fork and reap runs as asked; at the end of the requests, a run still going
    (a failed test's) is killed."""
    import importlib

    for name in WARM:
        importlib.import_module(name)
    running = set()
    for line in sys.stdin:
        request = json.loads(line)
        if request["do"] == "start":
            sys.stdout.flush()  # nothing of the parent's own left to be written twice
            pid = os.fork()
            if pid == 0:
                _child(request)
            running.add(pid)
            answer = {"pid": pid}
        else:  # wait
            done, status = os.waitpid(request["pid"], 0 if request["block"] else os.WNOHANG)
            running.discard(done)
            answer = {"status": os.waitstatus_to_exitcode(status) if done else None}
        print(json.dumps(answer), flush=True)
    for pid in running:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    _serve()
