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
kills and reaps it — before the staging folder it wrote into is removed.  The stop signals are
blocked while it forks, so none lands half-way.  An exception travels with the chain it was
raised from (a full disk inside xlsxwriter's own error still reads as a full disk); one that
cannot travel comes back as an exception of the same name (an internal error, as it would
have been in turn).

Only large runs fork (:func:`concurrently`), on Linux, when no other thread of the run is
still at work (a lock another thread held at the fork would be held for ever in the child);
otherwise, and when the system refuses the fork, the work is done in turn.  The garbage
collector leaves the run's objects alone while children share them (``gc.freeze``), so their
pages stay shared rather than copied.

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
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator

from zimes_audit import errors
from zimes_audit.stop import STOP_SIGNALS

#: From how many records a run writes its workbook and charts in forked children (below it,
#: in turn).
FORK_FROM_RECORDS = 50_000

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Forked:
    """``function(*args)`` run in a child process forked on entering the ``with`` block;
    :meth:`result` waits for it.

    ``child_private_mb``: the memory the child held of its own when it finished (its pages
    shared with the run not counted), once the result is in.
    """

    def __init__(self, function: Callable, *args: object):
        self._call = (function, args)
        self.child_private_mb: float | None = None
        self._pid: int | None = None
        self._read: int | None = None
        self._collected = True

    def __enter__(self) -> Forked:
        function, args = self._call
        for stream in (sys.stdout, sys.stderr):  # or the child would write them out again
            with contextlib.suppress(Exception):
                stream.flush()
        parent = os.getpid()
        read, write = os.pipe()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            raise
        else:
            if pid == 0:  # the child: never returns
                _child(parent, read, write, function, args)
            self._pid, self._read, self._collected = pid, read, False
        finally:
            os.close(write)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._collected:  # the run failed or stopped first: the child goes with it
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            try:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self._pid, 0)
                self._collected = True
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
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
        status = None
        with contextlib.suppress(ChildProcessError):  # reaped already (SIGCHLD ignored)
            status = os.waitpid(self._pid, 0)[1]
        self._collected = True
        try:
            ok, value, self.child_private_mb = pickle.loads(b"".join(chunks))
        except Exception:  # nothing, or not all of it: it died before it could answer
            raise errors.ReportPartFailed(status=_status_text(status)) from None
        if not ok:
            raise _rebuilt(value)
        return value


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


def concurrently(function: Callable, *args: object, records: int) -> Forked | Inline:
    """``function(*args)`` in a forked child when the run is large (``records`` at least
    :data:`FORK_FROM_RECORDS`), the system is Linux and no other thread is at work (see the
    module's docstring); otherwise called in turn, at :meth:`~Inline.result`."""
    if records >= FORK_FROM_RECORDS and sys.platform == "linux" and _threads_done():
        return _Fallback(function, *args)
    return Inline(function, *args)


class _Fallback(Forked):
    """:class:`Forked`, or :class:`Inline`'s way when the system refuses the fork."""

    def __enter__(self):
        try:
            return super().__enter__()
        except OSError:  # out of processes or memory for the page tables: in turn, then
            return Inline(self._call[0], *self._call[1])


@contextlib.contextmanager
def shared_with_children() -> Iterator[None]:
    """Within the block, the collector leaves the run's objects where they are (``gc.freeze``):
    a collection would write into every object's header and so copy the pages the forked
    children share with the run."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _threads_done(wait: float = 1.0) -> bool:
    """Whether every thread but this one is a daemon or has ended (waiting up to ``wait``
    seconds for the pools that just finished their work)."""
    others = [
        t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon
    ]
    for thread in others:
        thread.join(wait)
    return not any(thread.is_alive() for thread in others)


def _child(parent: int, read: int, pipe: int, function: Callable, args: tuple) -> None:
    """The child's whole life: compute, answer through ``pipe``, leave without running
    anything of the parent's (no ``atexit``, no finalizers, no buffers flushed twice)."""
    try:
        for signo in STOP_SIGNALS:  # the run stops it; a Ctrl-C to the terminal reaches both
            signal.signal(signo, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        os.close(read)
        _die_with(parent)
        try:
            answer = (True, function(*args))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the run
            answer = (False, _portable(error))
        try:
            payload = pickle.dumps((*answer, _private_mb()))
        except Exception as error:  # noqa: BLE001 - a value that cannot travel
            payload = pickle.dumps((False, _portable(error), None))
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


class _Foreign:
    """An exception that cannot travel, by its class's name (raised again as one so named)."""

    def __init__(self, name: str):
        self.name = name


def _portable(error: BaseException) -> list[tuple[object, bool]]:
    """``error`` and the chain it was raised from (``__cause__``, else ``__context__``), each
    as it can travel: itself when it pickles and unpickles (an ``OSError``, an
    :class:`~zimes_audit.errors.AuditError`), else its class's name; with the child's
    traceback as a note when a developer asked for tracebacks (``ZIMES_AUDIT_DEBUG``)."""
    if os.environ.get("ZIMES_AUDIT_DEBUG"):
        with contextlib.suppress(Exception):
            error.add_note("in a forked child:\n" + "".join(traceback.format_exception(error)))
    chain, seen, current = [], set(), error
    while current is not None and id(current) not in seen and len(chain) < 8:
        seen.add(id(current))
        chain.append((_one(current), current.__cause__ is not None))
        current = current.__cause__ or current.__context__
    return chain


def _one(error: BaseException) -> object:
    with contextlib.suppress(Exception):
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    return _Foreign(type(error).__name__)


def _rebuilt(chain: list[tuple[object, bool]]) -> BaseException:
    """The exception of :func:`_portable`'s chain, linked again to what it was raised from."""
    built = [type(e.name, (Exception,), {})() if isinstance(e, _Foreign) else e for e, _ in chain]
    for at in range(len(built) - 1):
        built[at].__context__ = built[at + 1]
        if chain[at][1]:
            built[at].__cause__ = built[at + 1]
    return built[0]


def _private_mb() -> float | None:
    """The memory this process holds of its own (Linux ``smaps_rollup``), in MB."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/smaps_rollup") as rollup:
            kib = sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
        return round(kib / 1024, 1)
    return None


def _status_text(status: int | None) -> str:
    """How a child ended, for the error line (the same in every language): the signal's name,
    or its exit status.

    >>> _status_text(9), _status_text(1 << 8), _status_text(None)
    ('SIGKILL', 'exit 1', 'unknown')
    """
    if status is None:
        return "unknown"
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return f"exit {os.WEXITSTATUS(status)}"
