"""Reading a delimited text file's bytes, held as long as what is filled.

A text file is read in chunks and hashed as it is read (the hash is of every byte); what is
kept is the file's text without the blank lines that run on after its last filled line —
a file padded with 200 million blank lines (4.8 GB) is held as its filled part, memory flat
whatever its length.  Blank lines between rows are kept (they count as rows), up to
:data:`BLANK_RUN` bytes of blank space in a row: no export has that many blank lines between two
rows, so a file with more, and then more rows, is refused in one line naming the line after which
they start.

A run of blank space is any run of the bytes of spaces, tabs and line breaks; its bytes up to its
first line break stay (the tabs and spaces after a line's last character are that line's empty
last fields), the rest of a run at the end of the file is let go.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "orders.csv"
>>> _ = path.write_bytes(b"a;b\\r\\n1;2\\r\\n" + b" \\r\\n" * 10)
>>> text = read_text(path, blank_run=8, chunk=8)
>>> bytes(text.data), text.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
(b'a;b\\r\\n1;2\\r\\n', True)
>>> _ = path.write_bytes(b"a;b\\n1;2\\n" + b"\\n" * 20 + b"3;4\\n")
>>> try:
...     read_text(path, blank_run=8, chunk=8)
... except errors.BlankRun as error:
...     print(error.reason())
more than 8 bytes of blank lines follow line 2, and then more rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zimes_audit import errors

#: The longest run of blank space (bytes of spaces, tabs and line breaks) held between two rows:
#: 16 MiB, eight million blank lines — 8 × Excel's row limit.
BLANK_RUN = 1 << 24
_CHUNK = 1 << 22  # read this much at a time (at most BLANK_RUN: a run inside a chunk is shorter)
_SPACE = b" \t\r\n\x0b\x0c"


@dataclass(frozen=True)
class TextBytes:
    """A text file's kept bytes (a ``bytearray``: the file's bytes without the blank run at its
    end) and the SHA-256 of all of its bytes."""

    data: bytearray
    sha256: str


def _blank(piece: bytes) -> bool:
    r"""Whether ``piece`` is all blank space (``bytes.isspace``, ~6× faster: three reductions
    of its bytes — at most a space, none below a tab, none between a carriage return and a
    space, found as the bytes ``- 14`` wrapping round below 18).

    >>> [_blank(b) for b in (b" \t\r\n\x0b\x0c", b"  x", b"\x00 ", b"\x0e", b"\x1f", b"\xff")]
    [True, False, False, False, False, False]
    """
    array = np.frombuffer(piece, dtype=np.uint8)
    if not array.size or array.max() > 32 or array.min() < 9:
        return not array.size
    return bool((array - np.uint8(14)).min() >= 18)


def _first_break_end(data: bytearray, start: int) -> int:
    r"""Where the first line break at or after ``start`` ends (``\r\n`` is one); the end of
    ``data`` when there is none.

    >>> _first_break_end(bytearray(b"x\t\t\r\n\r\n"), 1), _first_break_end(bytearray(b"x  "), 1)
    (5, 3)
    """
    breaks = [i for i in (data.find(b"\n", start), data.find(b"\r", start)) if i >= 0]
    if not breaks:
        return len(data)
    at = min(breaks)
    return at + (2 if data.startswith(b"\r\n", at) else 1)


def _line_of(data: bytearray, end: int) -> int:
    """The number of the line holding ``data[end - 1]`` (old Mac files count ``\\r``)."""
    newline = b"\n" if b"\n" in data else b"\r"
    return data.count(newline, 0, max(end - 1, 0)) + 1


def read_text(path: Path, blank_run: int = BLANK_RUN, chunk: int = _CHUNK) -> TextBytes:
    """Read ``path``, its blank run at the end let go; raises ``BlankRun`` on a longer run of
    blank space than ``blank_run`` bytes followed by more text, and ``OSError`` as ``open``."""
    chunk = min(chunk, blank_run)
    digest = hashlib.sha256()
    kept = bytearray()
    run = 0  # blank bytes since the last filled byte (held in ``kept`` unless let go)
    let_go = False  # the run grew past ``blank_run``: only its first line break is held
    with Path(path).open("rb") as stream:
        while piece := stream.read(chunk):
            digest.update(piece)
            if not _blank(piece):  # filled text: the run before it must be short
                lead = len(piece) - len(piece.lstrip(_SPACE))
                if let_go or run + lead > blank_run:
                    start = len(kept) - (0 if let_go else run)
                    raise errors.BlankRun(path, line=_line_of(kept, start), limit=blank_run)
                kept += piece
                run = len(piece) - len(piece.rstrip(_SPACE))
                continue
            run += len(piece)
            if not let_go:
                kept += piece
                if run > blank_run:
                    start = len(kept) - run
                    del kept[_first_break_end(kept, start) :]
                    let_go = True
    return TextBytes(kept, digest.hexdigest())


def read_head(path: Path, size: int, chunk: int = _CHUNK) -> TextBytes:
    """The first ``size`` bytes of ``path`` (all of it hashed, none of the rest held): what a
    file that is not the workbook its name says needs for its one line."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        head = bytearray(stream.read(size))
        digest.update(head)
        while piece := stream.read(chunk):
            digest.update(piece)
    return TextBytes(head, digest.hexdigest())
