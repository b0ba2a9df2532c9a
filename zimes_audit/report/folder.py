"""Report folders that are never overwritten and never left half-written.

A run claims its report folder ``reports/2026-11-01`` first (an empty folder, and beside it a
claim file ``.2026-11-01.claim`` that the running process keeps locked), writes everything into a
staging folder ``.2026-11-01.partial-XXXX`` beside it and, only when the report is complete,
:func:`publish` renames the staging folder into place — the one commit point of a run.  An audit
history may record a run only after :func:`publish` has returned.

A run that is stopped (Ctrl-C, SIGTERM, SIGHUP) or fails removes its staging folder, its claim and
its claim file.  A run killed outright (SIGKILL, power loss) cannot; the operating system does
release its lock, though, and that is how the next run tells an *abandoned* claim from a run still
writing: :func:`sweep_abandoned` removes what such a run left (it is half-written, not a report)
and says so, and :func:`is_report` never takes it for a report.

>>> import tempfile, pathlib
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> choose_folder(None, base, "2026-11-01").name
'2026-11-01'
>>> (base / "2026-11-01").mkdir()
>>> choose_folder(None, base, "2026-11-01").name
'2026-11-01-2'
>>> with staged(base / "2026-12-01") as staging:
...     _ = (staging / "findings.csv").write_text("rule_id\\n")
...     [p.name[:20] for p in sorted(base.iterdir())]
['.2026-12-01.claim', '.2026-12-01.partial-', '2026-11-01', '2026-12-01']
>>> sorted(p.name for p in base.iterdir()), is_report(base / "2026-12-01")
(['2026-11-01', '2026-12-01'], False)
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zimes_audit.errors import (
    OutputError,
    OutputPathError,
    ReportExists,
    ReportInProgress,
    one_line,
)
from zimes_audit.report.layout import FINDINGS_CSV, MANIFEST
from zimes_audit.stop import raise_if_stopped

CLAIM_SUFFIX = ".claim"
PARTIAL_INFIX = ".partial-"
# what the output's file system can refuse, and how it is told to the administrator (§ none:
# these are the machine's limits, not the procedure's)
DISK_CAUSES = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def check_target(folder: Path) -> None:
    """Refuse a report folder that cannot be created, saying why: a part of its path that is a
    file (or ``/dev/null``), or a folder we may not write in.

    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (base / "notes.txt").write_text("x")
    >>> check_target(base / "notes.txt" / "report")
    Traceback (most recent call last):
    ...
    zimes_audit.errors.OutputPathError: ...report: cannot create the report folder here (...notes.txt is a file, not a folder). ...
    >>> check_target(pathlib.Path("/dev/null/report"))
    Traceback (most recent call last):
    ...
    zimes_audit.errors.OutputPathError: /dev/null/report: cannot create the report folder here (/dev/null is a device, not a folder). ...
    """
    if (folder.exists() or folder.is_symlink()) and not claim_file(folder).exists():
        raise ReportExists(folder)  # a claimed folder is the claim's business (sweep, claim)
    ancestor = folder.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        what = "a file" if ancestor.is_file() else "a device"
        raise OutputPathError(folder, problem=f"{one_line(ancestor)} is {what}, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):  # said as a write would say it
        read_only = hasattr(os, "statvfs") and os.statvfs(ancestor).f_flag & os.ST_RDONLY
        raise OutputError(folder, cause=DISK_CAUSES[errno.EROFS if read_only else errno.EACCES])


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


# ------------------------------------------------------------------------------ claim files
def claim_file(target: Path) -> Path:
    """The lock file beside ``target`` that a run holds while it writes ``target``.

    >>> claim_file(Path("reports/2026-11-01")).as_posix()
    'reports/.2026-11-01.claim'
    """
    return target.parent / f".{target.name}{CLAIM_SUFFIX}"


def _lock(handle) -> bool:
    """Take the lock on an open claim file without waiting; False when another process holds it."""
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise
    return True


@dataclass
class Claim:
    """A held claim on a report folder: the open, locked claim file."""

    target: Path
    handle: object
    left_over: str | None = None  # what an abandoned earlier claim on the same folder was

    def release(self) -> None:
        path = claim_file(self.target)
        if sys.platform == "win32":  # pragma: no cover - Windows cannot unlink an open file
            self.handle.close()
        with contextlib.suppress(OSError):
            path.unlink()  # POSIX: unlink while still locked, so no one locks a stale file
        with contextlib.suppress(OSError):
            self.handle.close()


def _describe(owner: dict) -> str:
    pid, host, started = owner.get("pid"), owner.get("host"), owner.get("started")
    return f"process {pid} on {host}, started {started}" if pid else "an earlier run"


def _read_json(text: str) -> dict:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _read_owner(path: Path) -> dict:
    try:
        return _read_json(path.read_text("utf-8"))
    except OSError:
        return {}


def claim(target: Path) -> Claim:
    """Claim ``target``: hold the lock of its claim file, then create it empty.

    An existing claim whose lock is free was left by a run that was killed outright: its empty
    folder and staging folders are removed and the claim is taken over.  A claim still locked is
    a run in progress (:class:`ReportInProgress`); any other existing ``target`` is refused
    (:class:`ReportExists`).
    """
    path = claim_file(target)
    while True:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
        if not _lock(handle):
            owner = _read_owner(path)
            handle.close()
            raise ReportInProgress(target, owner=_describe(owner))
        try:  # the file we locked must still be the one at ``path`` (not unlinked meanwhile)
            same = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    handle.seek(0)
    previous = handle.read()
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    held = Claim(target, handle)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(owner))  # ours from here on, before the folder exists
        handle.flush()
        if previous:  # a claim file nobody holds: its run was killed
            held.left_over = _describe(_read_json(previous))
            _remove_leftovers(target)
        target.mkdir()
    except FileExistsError:
        held.release()
        raise ReportExists(target) from None
    except BaseException:
        held.release()
        raise
    return held


def _partials(target: Path) -> list[Path]:
    prefix = f".{target.name}{PARTIAL_INFIX}"
    if not target.parent.is_dir():
        return []
    return [p for p in target.parent.iterdir() if p.name.startswith(prefix) and p.is_dir()]


def _remove_leftovers(target: Path) -> None:
    """Remove what a killed run left for ``target``: staging folders and its empty claim."""
    for partial in _partials(target):
        shutil.rmtree(partial, ignore_errors=True)
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()


def sweep_abandoned(folder: Path) -> list[str]:
    """Remove what runs killed outright left in ``folder``; one line per run, for the user.

    A claim file whose lock is free, with its empty claimed folder and staging folders, and a
    staging folder with no claim file at all are abandoned (the lock is released by the system
    when a process dies, however it dies).  A complete report is never touched.
    """
    notes = []
    if not folder.is_dir():
        return notes
    names = sorted(p.name for p in folder.iterdir())
    for name in names:
        if name.startswith(".") and name.endswith(CLAIM_SUFFIX):
            target = folder / name[1 : -len(CLAIM_SUFFIX)]
            path = folder / name
            with contextlib.suppress(FileNotFoundError), open(path, "r+", encoding="utf-8") as h:
                if not _lock(h):
                    continue  # a run is writing it right now
                owner = _read_owner(path)
                had_partial = bool(_partials(target))
                _remove_leftovers(target)
                path.unlink(missing_ok=True)
                if had_partial or not target.exists():
                    notes.append(
                        f"{target}: removed an unfinished report left by a run that was "
                        f"killed ({_describe(owner)}); it was not a report."
                    )
    for name in names:
        if name.startswith(".") and PARTIAL_INFIX in name:
            partial = folder / name
            target = folder / name[1:].rsplit(PARTIAL_INFIX, 1)[0]
            if partial.is_dir() and not claim_file(target).exists():
                shutil.rmtree(partial, ignore_errors=True)
                notes.append(
                    f"{partial}: removed an unfinished report left by a run that was killed; "
                    "it was not a report."
                )
    return notes


def is_report(folder: Path) -> bool:
    """True for a complete report folder: not a staging folder, not a claim, manifest written.

    Code that looks for earlier reports (the previous report to compare with, the latest report
    to review) must ask this, not just look for a ``manifest.json``: a staging folder holds one
    just before it is published.
    """
    return (
        not folder.name.startswith(".")
        and (folder / MANIFEST).is_file()
        and (folder / FINDINGS_CSV).is_file()
    )


# ------------------------------------------------------------------------------ writing
def disk_cause(error: BaseException) -> tuple[str, str | None] | None:
    """(cause, file name) when ``error`` — or an error it wraps — is the disk refusing a write.

    >>> disk_cause(OSError(errno.ENOSPC, "No space left on device", "r/x.csv"))
    ('no space left on the device', 'r/x.csv')
    >>> disk_cause(ValueError("no")) is None
    True
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_CAUSES:
            return DISK_CAUSES[error.errno], error.filename
        # an error raised inside the notebook's kernel arrives as its name and text only
        ename, evalue = getattr(error, "ename", None), str(getattr(error, "evalue", ""))
        if ename in ("OSError", "PermissionError", "FileNotFoundError"):
            for number, cause in DISK_CAUSES.items():
                if evalue.startswith(f"[Errno {number}]"):
                    return cause, None
        error = error.__cause__ or error.__context__
    return None


def _output_error(error: BaseException, target: Path) -> OutputError | None:
    found = disk_cause(error)
    return None if found is None else OutputError(target, cause=found[0])


def publish(staging: Path, target: Path) -> None:
    """The commit point: the complete report in ``staging`` becomes ``target``.

    ``target`` is still our empty claim; it is replaced by the staging folder in one rename.
    Before this returns there is no report; after it, the report is complete.  Record the run
    in any history only after this.
    """
    target.rmdir()
    os.rename(staging, target)


def _remove(path: Path) -> None:
    # the notebook's kernel, or a writer's thread the stop interrupted the wait for, may still
    # be closing a file in it: try again after a moment, a few times
    for attempt in range(6):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.05 * 2**attempt)


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield a staging folder beside ``target``; it becomes ``target`` only on success.

    ``target`` is claimed first (see :func:`claim`), so that no other run can take the name, and
    is only ever replaced by the complete report.  On failure or when stopped, the staging
    folder, the claim and the claim file are removed.  The output's file system refusing a write
    (full, read-only, permission denied) becomes :class:`OutputError`.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        held = claim(target)
    except OSError as error:
        problem = _output_error(error, target)
        if problem is None:
            raise
        raise problem from None
    staging = None
    done = False
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{PARTIAL_INFIX}", dir=target.parent))
        yield staging
        raise_if_stopped()  # a stop whose exception a finalizer swallowed: not published
        publish(staging, target)
        done = True
    except Exception as error:
        problem = _output_error(error, target)
        if problem is None:
            raise
        raise problem from None
    finally:
        if staging is not None and staging.exists():
            _remove(staging)
        if not done:
            with contextlib.suppress(OSError):  # only ever removes our own empty claim
                target.rmdir()
        held.release()
