"""Which files an audit reads: the files named, and the data files inside the folders named.

A folder contributes its files (not its subfolders), sorted by name — a browser's second download
``orders (1).csv`` right after its original ``orders.csv``, so that of two identical files the
original is the one read and the copy the one named as a duplicate — leaving out hidden files,
Excel's lock files (``~$name.xlsx``) and a report's own outputs (``flagged-records.xlsx``,
``findings.csv``, and everything in a folder holding a report's ``manifest.json``).  Other files
found in a folder that are not data files are *skipped* and named (the run goes on); a file named
explicitly must have a data file's suffix.  A file reached twice is read once.

Each file gets its *source name*: its path relative to the folder all inputs share, so two
``orders.csv`` from different folders stay two sources (``a/orders.csv``, ``b/orders.csv``) and
one folder's files keep their bare names whatever the folder is called.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> for name in ("b.xlsx", "a.csv", "~$b.xlsx", ".hidden.csv", "notes.pdf", "findings.csv",
...              "zimes-fields.toml"):
...     _ = (folder / name).write_bytes(b"")
>>> found = input_files([folder])
>>> [(f.path.name, f.name) for f in found]
[('a.csv', 'a.csv'), ('b.xlsx', 'b.xlsx')]
>>> [str(s) for s in found.skipped]
["findings.csv: skipped (a report's own output).", 'notes.pdf: skipped (not a data file).', \
'zimes-fields.toml: skipped (the field map, not a data file).']
>>> input_files([folder / "notes.pdf"])
Traceback (most recent call last):
...
zimes_audit.errors.UnsupportedFileType: ...notes.pdf: not a .csv, .txt, .tsv, .xlsx, .xlsm, ...
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zimes_audit import errors
from zimes_audit.procedure.field_map import FILE_NAME as FIELD_MAP
from zimes_audit.report.layout import FINDINGS_CSV, MANIFEST, WORKBOOK  # names only: no report code

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SUFFIXES = TEXT_SUFFIXES + WORKBOOK_SUFFIXES
REPORT_OUTPUTS = (WORKBOOK, FINDINGS_CSV)
REPORT_MARKER = MANIFEST


@dataclass(frozen=True)
class InputFile:
    """A file to read: its path and its source name (the provenance findings key on)."""

    path: Path
    name: str
    explicit: bool  # named on the command line (a problem refuses) or found in a folder (skips)


@dataclass(frozen=True)
class Skipped:
    """A file (or sheet) left out, and why (in English; the console and the workbook write it
    in their language from the catalogue's templates, and ``error``'s own wording when the
    reason is an error); shown as one line."""

    name: str
    reason: str
    error: errors.AuditError | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{errors.one_line(self.name)}: skipped ({self.reason})."


class InputFiles(list):
    """The files to read, with ``skipped``: what was left out of the folders, and why."""

    def __init__(self, files=(), skipped=()):
        super().__init__(files)
        self.skipped: list[Skipped] = list(skipped)


def _kind_of(path: Path) -> str:
    """What a path that is neither file nor folder is (``FIFO`` …), without opening it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:  # a link to nothing, or a loop of links
        loop = error.errno == errno.ELOOP
        return "link in a loop of links" if loop else "link to something that does not exist"
    for test, what in (
        (stat.S_ISFIFO, "named pipe (FIFO)"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return what
    return "special file"


def _cause(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _check_readable(path: Path) -> None:
    if not os.access(path, os.R_OK):
        raise errors.UnreadableInput(path, cause="permission denied")


def _is_report_folder(folder: Path) -> bool:
    return (folder / REPORT_MARKER).is_file()


_COPY_SUFFIX = re.compile(r"^(?P<stem>.*?) ?\((?P<n>\d+)\)$")


def _download_order(path: Path) -> tuple[str, str, int]:
    """Sort key: by name, a copy ``name (n).ext`` right after its ``name.ext``.

    >>> sorted(["b.csv", "a (1).csv", "a.csv", "a-2.csv"], key=lambda n: _download_order(Path(n)))
    ['a.csv', 'a (1).csv', 'a-2.csv', 'b.csv']
    """
    copy = _COPY_SUFFIX.match(path.stem)
    if copy is None:
        return (path.stem, path.suffix, 0)
    return (copy["stem"], path.suffix, int(copy["n"]))


def _folder_entries(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The data files of ``folder`` and the entries skipped with their reason."""
    _check_readable(folder)
    try:
        entries = sorted(folder.iterdir(), key=_download_order)
    except OSError as error:
        raise errors.UnreadableInput(folder, cause=_cause(error)) from None
    if _is_report_folder(folder):
        return [], [(folder, "a report folder: its files are outputs, not inputs")]
    files, skipped = [], []
    for entry in entries:
        if entry.name.startswith((".", "~$")) or entry.is_dir():
            continue
        if entry.name in REPORT_OUTPUTS:
            skipped.append((entry, "a report's own output"))
        elif not entry.is_file():
            skipped.append((entry, f"not a regular file: a {_kind_of(entry)}"))
        elif entry.name == FIELD_MAP:
            skipped.append((entry, "the field map, not a data file"))
        elif entry.suffix.lower() not in SUFFIXES:
            skipped.append((entry, "not a data file"))
        else:
            files.append(entry)
    return files, skipped


def readable_name(name: str) -> str:
    """A file name as text every output can hold: the bytes of a name that is not UTF-8 (kept
    by Python as surrogates) shown as ``\\xNN``.

    >>> readable_name(os.fsdecode(b"klienti-\\xe4.csv")), readable_name("klienti.csv")
    ('klienti-\\\\xe4.csv', 'klienti.csv')
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _source_names(paths: list[Path]) -> list[str]:
    """Each path relative to the deepest folder all of them share (readable: see
    :func:`readable_name`)."""
    if not paths:
        return []
    # each by its own name in its real folder (a link is named as the link, even one to nothing)
    real = [Path(os.path.realpath(p.parent)) / p.name for p in paths]
    base = Path(os.path.commonpath([str(p.parent) for p in real]))
    return [readable_name(p.relative_to(base).as_posix()) for p in real]


def input_files(paths: Sequence[str | Path]) -> InputFiles:
    """The files to read, in order; raises ``InputNotFound``, ``NotAFile``, ``UnreadableInput``,
    ``UnsupportedFileType``, ``NoInputFiles``.  Opens no file (a FIFO would block)."""
    found: list[tuple[Path, bool]] = []
    skipped: list[tuple[Path, str]] = []
    for given in map(Path, paths):
        try:
            given.stat()
        except FileNotFoundError:
            if given.is_symlink():
                raise errors.NotAFile(given, what=_kind_of(given)) from None
            raise errors.InputNotFound(given) from None
        except OSError as error:
            raise errors.UnreadableInput(given, cause=_cause(error)) from None
        if given.is_dir():
            files, left_out = _folder_entries(given)
            found.extend((f, False) for f in files)
            skipped.extend(left_out)
        elif given.is_file():
            if given.name.startswith("~$"):
                raise errors.LockFile(given)
            if given.suffix.lower() not in SUFFIXES:
                raise errors.UnsupportedFileType(given)
            if given.name in REPORT_OUTPUTS or _is_report_folder(given.parent):
                raise errors.BadArgument(given, key="report_output")
            _check_readable(given)
            found.append((given, True))
        else:
            raise errors.NotAFile(given, what=_kind_of(given))
    unique: dict[Path, tuple[Path, bool]] = {}
    for path, explicit in found:
        unique.setdefault(Path(os.path.realpath(path)), (path, explicit))
    files = list(unique.values())
    if not files:
        raise errors.NoInputFiles(paths[0] if len(paths) == 1 else None)
    everything = [p for p, _ in files] + [p for p, _ in skipped]
    names = dict(zip(everything, _source_names(everything), strict=True))
    return InputFiles(
        [InputFile(p, names[p], explicit) for p, explicit in files],
        [Skipped(names[p], why) for p, why in skipped],
    )
