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

from zimes_audit.errors import ReportExists


def choose_folder(out: Path | None, reports_root: Path, as_of: str) -> Path:
    """``out`` when given (refused if it exists); else the first free ``reports/<as-of>[-N]``."""
    if out is not None:
        if out.exists():
            raise ReportExists(out)
        return out
    candidate = reports_root / as_of
    number = 2
    while candidate.exists():
        candidate = reports_root / f"{as_of}-{number}"
        number += 1
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
