"""Typed errors with fixed wording.

Every error the audit can stop on is one of these.  Messages name the file (and the row where one
applies) and say what to do; they never repeat a value from the input, because that value may be
someone's personal code.  The command line prints ``str(error)`` as one line on stderr.

>>> str(EmptyFile("orders.csv"))
'orders.csv: the file is empty. Export it again from Mozello or the register.'
>>> str(UnknownHeading("x.csv", row=3))
'x.csv: row 3: no recognisable header row. Put the column headings in the first rows.'
"""

from __future__ import annotations

from pathlib import Path


class AuditError(Exception):
    """Base class: something stopped the audit.  ``message`` is fixed wording per subclass."""

    message = "the audit could not run."
    hint = ""

    def __init__(self, path: str | Path | None = None, row: int | None = None, **facts: object):
        self.path = str(path) if path is not None else None
        self.row = row
        self.facts = facts
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}:")
        if self.row is not None:
            parts.append(f"row {self.row}:")
        parts.append(self.message.format(**self.facts))
        if self.hint:
            parts.append(self.hint.format(**self.facts))
        return " ".join(parts)


class InputError(AuditError):
    """An input file cannot be read as an orders export or a customer register."""


class InputNotFound(InputError):
    message = "no such file or folder."
    hint = "Check the path."


class NoInputFiles(InputError):
    message = "no .csv or .xlsx files found."
    hint = "Point the audit at the exported files or their folder."


class UnsupportedFileType(InputError):
    message = "not a .csv, .txt, .tsv or .xlsx file."
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


class CorruptWorkbook(InputError):
    message = "the workbook is damaged or not an .xlsx file."
    hint = "Open it in Excel or LibreOffice and save it again as .xlsx."


class ProtectedWorkbook(InputError):
    message = "the workbook is password-protected."
    hint = "Save an unprotected copy and audit that."


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


class SuiteError(AuditError):
    message = "the expectation suite is not valid ({problem})."
    hint = "Run `zimes-audit suites --sync` or restore the file from git."


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
