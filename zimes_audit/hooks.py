"""The one hook a caller has into an audit or a run: progress lines, the named steps, the suite
runner.

The pipeline (:func:`zimes_audit.audit.audit`, :func:`zimes_audit.report.run.run_report`) runs
each of its steps inside :meth:`Hooks.step` and asks :meth:`Hooks.runner` for the GX runner; it
neither times nor measures anything itself.  The default hooks hand the memory a step freed back
to the system (:func:`release_memory`) and, for a person at a terminal, print progress lines.
The benchmark (``benchmarks/bench.py``) subclasses :class:`Hooks` to time each step, record the
peak memory and feed GX the naive way — instrumentation outside the production path (issue 27).

>>> hooks = Hooks()
>>> with hooks.step("load"):
...     pass
>>> hooks.progress("progress_load")   # silent: not a terminal, or not asked to talk
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zimes_audit.checks.runner import SuiteRunner


def release_memory() -> None:
    """Hand memory the process freed but its allocators keep back to the system, between
    stages: Arrow's pool (mimalloc) keeps what a stage's string columns used, glibc's malloc
    what its Python objects used — neither serves the other, so what one kept would otherwise
    sit beside the next stage's peak (issue 15: peak RSS under 2 GB at 1M orders)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, or ``None`` (not glibc) — found once: ``find_library`` runs
    ``ldconfig`` in a child process each time it is asked (~3 ms in a small process, a fork of
    the whole run's memory map in a large one), and a run ends a step a dozen times."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


@dataclass
class Hooks:
    """What a caller may watch or swap in a run; ``talk`` prints progress lines on stderr when
    a person is at the terminal (the command line's runs), in ``language``."""

    talk: bool = False
    language: str = "lv"

    def progress(self, key: str, count: int | None = None) -> None:
        """The progress line ``key`` of the catalogue's ``[console]`` group (``progress_load``
        …), with ``count`` where it has one."""
        if self.talk and sys.stderr.isatty():
            from zimes_audit.words.labels import labels

            line = labels(self.language).say("console", key, count=count)
            print(f"… {line}", file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """One named step of the pipeline (``load``, ``facts``, ``validate``, ``findings``,
        ``write.workbook``, …); the same name may come several times (once per record kind)."""
        yield
        release_memory()

    def child_memory(self, name: str, private_mb: float | None) -> None:
        """Step ``name`` ran in a forked child (:mod:`zimes_audit.report.forked`) that held
        ``private_mb`` of memory of its own (its pages shared with the run not counted)."""

    def runner(self) -> SuiteRunner:
        """The GX runner of the committed suites (a benchmark may feed GX another way)."""
        from zimes_audit.checks.runner import SuiteRunner

        return SuiteRunner()
