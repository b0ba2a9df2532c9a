"""Typed errors with fixed wording.

Every error the audit can stop on is one of these.  Messages name the file (and the row where one
applies) and say what to do; they never repeat a value from the input, because that value may be
someone's personal code.  The command line prints ``str(error)`` as one line on stderr.

>>> str(EmptyFile("orders.csv"))
'orders.csv: the file is empty. Export it again from Mozello or the register.'
>>> str(UnknownHeading("x.csv", row=3))
'x.csv: row 3: no recognisable header row. Put the column headings in the first rows.'

A path or heading with a line break (Alt+Enter in Excel) or another control character is shown
escaped, so the message stays one line:

>>> print(BadValue("a\\nb.csv", row=2, column="Datums\\n(dd.mm)", expected="date"))
a\\nb.csv: row 2: column 'Datums\\n(dd.mm)' holds a value that is not a valid date. Correct that cell and run again.
"""

from __future__ import annotations

import re
from pathlib import Path

# control characters, and the bytes of a file name that is not UTF-8 (Python keeps them as
# surrogates \udc80-\udcff): shown as \xNN
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: object) -> str:
    """``text`` with line breaks and other control characters escaped, so it stays one line.

    >>> print(one_line("Vārds\\nuzvārds\\t(x)\\x07"))
    Vārds\\nuzvārds\\t(x)\\x07
    """
    return _CONTROL.sub(_escaped, str(text))


def _escaped(match: re.Match) -> str:
    """One character as an escape: ``\\n``, or ``\\xNN`` (a surrogate: the byte it stands for).

    >>> one_line(b"klienti-\\xe4.csv".decode("utf-8", "surrogateescape"))
    'klienti-\\\\xe4.csv'
    """
    char = match.group()
    code = ord(char)
    return _NAMED.get(char, f"\\x{code - 0xDC00 if code >= 0xDC80 else code:02x}")


class AuditError(Exception):
    """Base class: something stopped the audit.  ``message`` is fixed wording per subclass."""

    message = "the audit could not run."
    hint = ""

    def __init__(self, path: str | Path | None = None, row: int | None = None, **facts: object):
        self.path = str(path) if path is not None else None
        self.row = row
        self.facts = facts
        super().__init__(str(self))

    def reason(self) -> str:
        """The message alone (no file, row or hint), on one line."""
        return self.message.format(**{k: one_line(v) for k, v in self.facts.items()})

    def __str__(self) -> str:
        parts = []
        facts = {k: one_line(v) for k, v in self.facts.items()}
        if self.path:
            parts.append(f"{one_line(self.path)}:")
        if self.row is not None:
            parts.append(f"row {self.row}:")
        parts.append(self.message.format(**facts))
        if self.hint:
            parts.append(self.hint.format(**facts))
        return " ".join(parts)


class InputError(AuditError):
    """An input file cannot be read as an orders export or a customer register."""


class InputNotFound(InputError):
    message = "no such file or folder."
    hint = "Check the path."


class UnreadableInput(InputError):
    message = "cannot be read ({cause})."
    hint = "Check that you may read it (file permissions) and that no other program locks it."


class NotAFile(InputError):
    message = "not a regular file or folder (it is a {what})."
    hint = "Point the audit at the exported files or their folder."


class NoInputFiles(InputError):
    message = "no orders export or customer register found (.csv, .tsv, .txt or a workbook)."
    hint = "Point the audit at the exported files or their folder."


class UnsupportedFileType(InputError):
    message = "not a .csv, .txt, .tsv, .xlsx, .xlsm, .xls, .xlsb or .ods file."
    hint = "Save it as CSV or Excel workbook (.xlsx) first."


class EmptyFile(InputError):
    message = "the file is empty."
    hint = "Export it again from Mozello or the register."


class BinaryFile(InputError):
    message = "the file holds binary data, not text."
    hint = "Save it as CSV (UTF-8) or as an Excel workbook (.xlsx)."


class UndecodableText(InputError):
    message = "the text is neither UTF-8 nor Windows-1257."
    hint = "Save it as CSV UTF-8 from your spreadsheet program."


class MixedEncoding(InputError):
    message = "the text changes from {first} to {then} here (rows were added by another program)."
    hint = "Open the file, fix the letters of the rows from here on and save it as CSV UTF-8."


class TooManyColumns(InputError):
    message = "a row has {found} fields; no export has more than {limit} columns."
    hint = "Check the delimiter and quotes in that row, or export the file again."


class TooWide(InputError):
    message = "{found} columns hold a heading or a value; no export has more than {limit}."
    hint = "Delete the columns that are not part of the export (or check the delimiter) and save again."


class TooLargeSheet(InputError):
    message = "sheet '{sheet}' spans {rows} rows by {columns} columns, more than this tool reads ({limit} cells)."
    hint = "Delete the stray cells far below or right of the data (Ctrl+End shows them) and save again."


class UnreadableColumn(InputError):
    message = "column '{column}' holds {what} in every row, which cannot be read."
    hint = "Open the file in Excel or LibreOffice, let it calculate, and save it again."


class TruncatedFile(InputError):
    message = "the file ends in the middle of a row (it has {found} fields where the header has {expected})."
    hint = "The file was cut off: export or copy it again."


class CutFile(InputError):
    message = "the file ends inside {what}: it was cut off."
    hint = "Export or copy it again."


class BlankRun(InputError):
    message = "more than {limit} of blank lines follow line {line}, and then more rows."
    hint = "Delete the blank lines between the rows (or export the file again) and save it."

    def __init__(self, path=None, row=None, *, limit: int, **facts: object):
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit} bytes"
        super().__init__(path, row, limit=size, **facts)


class LockFile(InputError):
    message = "this is Excel's lock file (it exists while the workbook is open), not the workbook."
    hint = "Close the workbook in Excel and audit the file without ~$ in its name."


class NotAWorkbook(InputError):
    message = "not a workbook but {what} saved with a workbook's name."
    hint = "Open it in Excel or LibreOffice and save it as .xlsx (or export it as CSV UTF-8)."


class AmbiguousKind(InputError):
    message = "its headings fit an orders export and a customer register equally well ({why})."
    hint = "Export the orders and the register to separate files."


class OutputPathError(AuditError):
    message = "cannot create the report folder here ({problem})."
    hint = "Choose another --out folder."


class CorruptWorkbook(InputError):
    message = "the workbook is damaged or not the format its name says."
    hint = "Open it in Excel or LibreOffice and save it again as .xlsx."


class ProtectedWorkbook(InputError):
    message = "the workbook is password-protected."
    hint = "Save an unprotected copy and audit that."


class EncryptedWorkbook(InputError):
    message = "the workbook's zip archive is encrypted."
    hint = "Save an unencrypted copy (without a zip password) and audit that."


class UnsupportedCompression(InputError):
    message = "the workbook is compressed in a way this tool cannot read (e.g. Deflate64, as Windows zips large files)."
    hint = "Open it in Excel or LibreOffice and re-save the file as .xlsx."


class UnknownHeading(InputError):
    message = "no recognisable header row."
    hint = "Put the column headings in the first rows."


class UnknownFileKind(InputError):
    message = "neither an orders export nor a customer register ({missing})."
    hint = "Check that the right file was exported."


class MalformedRow(InputError):
    message = "the row has {found} fields where the header has {expected}."
    hint = "Check the delimiter and quotes in that row."


class BadValue(InputError):
    message = "column '{column}' holds a value that is not a valid {expected}."
    hint = "Correct that cell and run again."


class PolicyError(AuditError):
    message = "the policy file is not valid ({problem})."
    hint = "Compare it with zimes_audit/procedure/data/policy.toml."


class PolicyNotFound(PolicyError):
    message = "no such file."
    hint = "Check the --policy path (or leave it out for the shipped policy)."


class FieldMapError(AuditError):
    message = "line {line}: {problem}."
    hint = "Fix the field map (zimes-audit inventory prints lines to paste) or leave it out."


class SuiteError(AuditError):
    message = "the expectation suite is not valid ({problem})."
    hint = "Run `python -m zimes_audit.checks.suites --sync` or restore the file from git."


class ReportExists(AuditError):
    message = "the report folder already exists."
    hint = "Choose another --out folder; reports are never overwritten."


class BadArgument(AuditError):
    message = "{problem}."


class NotebookFailed(AuditError):
    message = "a cell of the notebook failed; its outputs were not kept."
    hint = "Run the notebook in JupyterLab to see the error."


class ReportInProgress(AuditError):
    message = "another run is writing this report folder ({owner})."
    hint = "Wait for it to finish, or choose another --out folder."


class OutputError(AuditError):
    message = "cannot write the report here: {cause}; nothing was written."
    hint = "Free some space or choose another --out folder (or --reports) you can write to."
