"""How the command line leaves once its command is done, without Python's shut-down (issue 29).

Python's own shut-down frees every module and object one by one: ~0.8–1 s after a run over a
million records (the modules of Great Expectations, SciPy and pandas, the run's frames), for
nothing — the system takes the memory back at once.  :func:`end_process` does what the shut-down
does that matters, in its order — waits for the threads that are not daemons, runs the exit
handlers (logging flushed, nbclient's kernels shut down, GX's temporary folders removed),
flushes the standard streams — and then leaves with ``os._exit``.  Every file the run wrote is
closed by then (the report published, the history committed and closed).

Only the ``zimes-audit`` command leaves this way (:func:`zimes_audit.cli.console`); ``main``,
which tests and notebooks call, returns as any function does.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn


def end_process(status: int) -> NoReturn:
    """Leave the process with ``status`` after its threads, exit handlers and streams, without
    freeing what it holds."""
    if not hasattr(threading, "_shutdown") or not hasattr(atexit, "_run_exitfuncs"):
        sys.exit(status)  # a Python without these: its own shut-down, as any program
    try:
        threading._shutdown()  # what the shut-down does first: wait for the non-daemon threads
    except KeyboardInterrupt:  # Ctrl-C while waiting for them: stopped, as the shut-down would
        status = 130
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed stream or a reader gone: nothing to do
            stream.flush()
    os._exit(status)
