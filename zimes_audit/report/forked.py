"""Steps of the run's writing done on the second core, in child processes (issue 29).

A run over a million records spends seconds writing the workbook and drawing the charts
(:func:`zimes_audit.report.results.write_charts`) — Python holding the GIL, so threads would
not overlap them with ``findings.csv``, Data Docs and the result tables.
:class:`Forked` runs a function in a child forked from the run: the child sees everything the
run holds, copy-on-write, writes its files into the same staging folder and sends back only
the function's return value.  The run carries on meanwhile and takes the value with
:meth:`Forked.result`; an exception the child raised is raised again there (an ``OSError`` as
itself, so a full disk reads as it always did), and a child that died is
:class:`~zimes_audit.errors.ReportPartFailed`.

The child never outlives the run: it ignores the stop signals (the run stops it), it is killed
when the run dies (``PR_SET_PDEATHSIG``), and leaving the ``with`` block without its result
kills and reaps it — before the staging folder it wrote into is removed.  Small runs do not
fork (:func:`concurrently`): for them the fork's cost and a cold chart cache outweigh the
overlap.

>>> with Forked(sum, [1, 2, 3]) as job:
...     job.result()
6
>>> with Forked(int, "nav skaitlis") as job:
...     job.result()
Traceback (most recent call last):
ValueError: invalid literal for int() with base 10: 'nav skaitlis'
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable

from zimes_audit import errors
from zimes_audit.stop import STOP_SIGNALS

#: From how many records a run writes its evidence in a forked child (below it, in turn).
FORK_FROM_RECORDS = 50_000

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Inline:
    """``function(*args)`` called when its result is asked for: :class:`Forked`'s interface,
    without a child."""

    def __init__(self, function: Callable, *args: object):
        self._call = lambda: function(*args)
        self.child_private_mb: float | None = None

    def __enter__(self) -> Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def result(self) -> object:
        return self._call()


class Forked:
    """``function(*args)`` run in a child process forked now; :meth:`result` waits for it.

    ``child_private_mb``: the memory the child held of its own when it finished (its pages
    shared with the run not counted), once the result is in.
    """

    def __init__(self, function: Callable, *args: object):
        self.child_private_mb: float | None = None
        for stream in (sys.stdout, sys.stderr):  # or the child would write them out again
            with contextlib.suppress(Exception):
                stream.flush()
        parent = os.getpid()
        read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: never returns
            os.close(read)
            _child(parent, write, function, args)
        os.close(write)
        self._read: int | None = read
        self._collected = False

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._collected:  # the run failed or stopped first: the child goes with it
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._collected = True
        self._close()

    def _close(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None

    def result(self) -> object:
        """The function's return value (its exception raised here)."""
        chunks = []
        while chunk := os.read(self._read, 1 << 20):
            chunks.append(chunk)
        self._close()
        _, status = os.waitpid(self._pid, 0)
        self._collected = True
        if not chunks:  # it died before it could answer (killed: out of memory, a signal)
            raise errors.ReportPartFailed(status=_status_text(status))
        ok, value, self.child_private_mb = pickle.loads(b"".join(chunks))
        if not ok:
            raise value
        return value


def concurrently(function: Callable, *args: object, records: int) -> Forked | Inline:
    """``function(*args)`` in a forked child when the run is large (``records`` at least
    :data:`FORK_FROM_RECORDS`) and this system forks; otherwise called in turn, at
    :meth:`~Inline.result`."""
    if records >= FORK_FROM_RECORDS and hasattr(os, "fork"):
        return Forked(function, *args)
    return Inline(function, *args)


def _child(parent: int, pipe: int, function: Callable, args: tuple) -> None:
    """The child's whole life: compute, answer through ``pipe``, leave without running
    anything of the parent's (no ``atexit``, no finalizers, no buffers flushed twice)."""
    try:
        for signo in STOP_SIGNALS:  # the run stops it; a Ctrl-C to the terminal reaches both
            signal.signal(signo, signal.SIG_IGN)
        _die_with(parent)
        try:
            answer = (True, function(*args))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the run
            answer = (False, _portable(error))
        payload = pickle.dumps((*answer, _private_mb()))
        with open(pipe, "wb", closefd=True) as stream:
            stream.write(payload)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    finally:
        os._exit(0)


def _die_with(parent: int) -> None:
    """Have the kernel kill this child when the run dies (Linux); if it is gone already, go."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _portable(error: BaseException) -> BaseException:
    """``error`` as it can travel back to the run: itself when it pickles and unpickles (an
    ``OSError``, an :class:`~zimes_audit.errors.AuditError`), else one that names it."""
    with contextlib.suppress(Exception):
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    return errors.ReportPartFailed(status=type(error).__name__)


def _private_mb() -> float | None:
    """The memory this process holds of its own (Linux ``smaps_rollup``), in MB."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/smaps_rollup") as rollup:
            kib = sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
        return round(kib / 1024, 1)
    return None


def _status_text(status: int) -> str:
    """How a child ended, for the error line (the same in every language): the signal's name,
    or its exit status.

    >>> _status_text(9), _status_text(1 << 8)
    ('SIGKILL', 'exit 1')
    """
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return f"exit {os.WEXITSTATUS(status)}"
