"""``zimes-audit`` run in this process, the way sqlite-utils' tests use click's ``CliRunner``.

:func:`invoke` calls :func:`zimes_audit.cli.main` with the arguments as a shell would pass them,
in a working folder, with stdout and stderr captured and argparse's ``SystemExit`` turned into the
exit status: the same three things a subprocess gives (``returncode``, ``stdout``, ``stderr``)
without starting Python and importing pandas and Great Expectations again.  Tests whose subject
is the process itself (signals, memory limits, what ``--help`` imports, the installed script)
keep a real subprocess.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from zimes_audit.cli import main


@dataclass(frozen=True)
class Invoked:
    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, cwd: Path | None = None, columns: int | None = None) -> Invoked:
    """``zimes-audit ARGS`` in ``cwd``; ``columns`` fixes the help's width as ``COLUMNS`` does."""
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("COLUMNS")
    if columns is not None:
        os.environ["COLUMNS"] = str(columns)
    try:
        with (
            contextlib.chdir(cwd or Path.cwd()),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse: --help, --version, a usage error
                code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    finally:
        if columns is not None:
            if saved is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = saved
    return Invoked(code, out.getvalue(), err.getvalue())
