"""Stopping a run from outside: SIGTERM and SIGHUP end it the way Ctrl-C (SIGINT) does.

A scheduler's ``timeout``, ``kill`` or a closed terminal sends SIGTERM or SIGHUP; Python's
default for those is to die on the spot, leaving a half-written staging folder behind.  Inside
:func:`stop_on_signals` they raise :class:`Stopped` instead, so every ``finally`` runs (the report
folder's clean-up among them) and the command line ends with one line and the conventional exit
status 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.  A second
signal while cleaning up is ignored, so the clean-up finishes.  A signal the caller ignores
(SIGHUP under ``nohup``) stays ignored.

>>> Stopped(15).exit_status, Stopped(15).name
(143, 'SIGTERM')
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class Stopped(BaseException):  # noqa: N818 - like KeyboardInterrupt, it is not an Exception
    """The run was asked to stop by a signal (a BaseException: ``except Exception`` misses it)."""

    def __init__(self, signo: int):
        super().__init__(signo)
        self.signo = signo

    @property
    def name(self) -> str:
        return signal.Signals(self.signo).name

    @property
    def exit_status(self) -> int:
        return 128 + self.signo


STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


#: The signals received inside :func:`stop_on_signals` (the first stops the run).
_requested: list[int] = []


def raise_if_stopped() -> None:
    """A checkpoint before a step that cannot be undone (publishing a report folder): a stop
    asked for whose :class:`Stopped` never reached the run — raised while Python ran a
    finalizer, which swallows it ("Exception ignored in …") — stops the run here.

    >>> raise_if_stopped()  # no signal: nothing happens
    """
    if _requested:
        raise Stopped(_requested[0])


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise :class:`Stopped` (once)."""
    stopping = False

    def handler(signo, frame):
        nonlocal stopping
        if stopping:
            return  # already cleaning up: let it finish
        stopping = True
        _requested.append(signo)
        raise Stopped(signo)

    previous = {}
    for signo in STOP_SIGNALS:
        if signal.getsignal(signo) is signal.SIG_IGN:
            continue  # e.g. SIGHUP under nohup: whoever started us wants it ignored
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or not allowed
            previous[signo] = signal.signal(signo, handler)
    try:
        yield
    finally:
        _requested.clear()
        for signo, old in previous.items():
            signal.signal(signo, old)
