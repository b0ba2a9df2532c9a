"""Which files an audit reads: the files named, and the data files inside the folders named.

A folder contributes its ``.csv``, ``.tsv``, ``.txt`` and ``.xlsx`` files (not its subfolders),
sorted by name, leaving out hidden files and Excel's lock files (``~$name.xlsx``).  A file named
explicitly must have one of those suffixes.  A file reached twice is read once.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> for name in ("b.xlsx", "a.csv", "~$b.xlsx", ".hidden.csv", "notes.pdf"):
...     _ = (folder / name).write_bytes(b"")
>>> [p.name for p in input_files([folder])]
['a.csv', 'b.xlsx']
>>> input_files([folder / "notes.pdf"])
Traceback (most recent call last):
...
zimes_audit.errors.UnsupportedFileType: ...notes.pdf: not a .csv, .txt, .tsv or .xlsx file. ...
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zimes_audit import errors

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx",)
SUFFIXES = TEXT_SUFFIXES + WORKBOOK_SUFFIXES


def _wanted(path: Path) -> bool:
    return (
        path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~$"))
    )


def input_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files to read, in order; raises ``InputNotFound``, ``UnsupportedFileType``,
    ``NoInputFiles``."""
    found: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            found.extend(sorted((p for p in given.iterdir() if _wanted(p)), key=lambda p: p.name))
        elif given.is_file():
            if given.suffix.lower() not in SUFFIXES:
                raise errors.UnsupportedFileType(given)
            found.append(given)
        else:
            raise errors.InputNotFound(given)
    unique = list({p.resolve(): p for p in reversed(found)}.values())[::-1]
    if not unique:
        raise errors.NoInputFiles(paths[0] if len(paths) == 1 else None)
    return unique
