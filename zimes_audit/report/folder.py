"""Report folders that are never overwritten and never left half-written.

>>> import tempfile, pathlib
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> choose_folder(None, base, "2026-11-01").name
'2026-11-01'
>>> (base / "2026-11-01").mkdir()
>>> choose_folder(None, base, "2026-11-01").name
'2026-11-01-2'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from zimes_audit.errors import OutputError, ReportExists, one_line


def check_target(folder: Path) -> None:
    """Refuse a report folder that cannot be created, saying why: a part of its path that is a
    file (or ``/dev/null``), or a folder we may not write in.

    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (base / "notes.txt").write_text("x")
    >>> check_target(base / "notes.txt" / "report")
    Traceback (most recent call last):
    ...
    zimes_audit.errors.OutputError: ...report: cannot create the report folder here (...notes.txt is a file, not a folder). ...
    >>> check_target(pathlib.Path("/dev/null/report"))
    Traceback (most recent call last):
    ...
    zimes_audit.errors.OutputError: /dev/null/report: cannot create the report folder here (/dev/null is a device, not a folder). ...
    """
    if folder.exists() or folder.is_symlink():
        raise ReportExists(folder)
    ancestor = folder.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        what = "a file" if ancestor.is_file() else "a device"
        raise OutputError(folder, problem=f"{one_line(ancestor)} is {what}, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(folder, problem=f"no permission to write in {one_line(ancestor)}")


def choose_folder(out: Path | None, reports_root: Path, as_of: str) -> Path:
    """``out`` when given (refused if it exists or cannot be created); else the first free
    ``reports/<as-of>[-N]``."""
    if out is not None:
        check_target(out)
        return out
    candidate = reports_root / as_of
    number = 2
    while candidate.exists():
        candidate = reports_root / f"{as_of}-{number}"
        number += 1
    check_target(candidate)
    return candidate


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield a staging folder beside ``target``; it becomes ``target`` only on success.

    ``target`` is claimed first (created empty; refused if it exists, even when another run
    created it a moment ago) so that no other run can take the name, and is only ever replaced
    by the complete report.  On failure both the claim and the staging folder are removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.mkdir()
    except FileExistsError:
        raise ReportExists(target) from None
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    done = False
    try:
        yield staging
        target.rmdir()  # still our empty claim
        os.rename(staging, target)
        done = True
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if not done:
            with contextlib.suppress(OSError):  # only ever removes our own empty claim
                target.rmdir()
