"""Typed errors with fixed wording.

Every error the audit can stop on is one of these.  Messages name the file (and the row where one
applies) and say what to do; they never repeat a value from the input, because that value may be
someone's personal code.  Their wording is data, in Latvian and English (``[lv.errors]``,
``[en.errors]`` of ``words/data/labels.toml``); the command line prints
``error.render(language)`` as one line on stderr, in the language of ``--lang``.

>>> str(EmptyFile("orders.csv"))
'orders.csv: the file is empty. Export it again from Mozello or the register.'
>>> EmptyFile("orders.csv").render("lv")
'orders.csv: fails ir tukšs. Eksportējiet to vēlreiz no Mozello vai reģistra.'
>>> UnreadableInput("k.xlsx", cause="permission denied").render("lv")
'k.xlsx: nevar nolasīt (nav atļaujas). Pārbaudiet, vai jums ir tiesības to lasīt (faila atļaujas) un vai to nebloķē cita programma.'
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
    """Base class: something stopped the audit.

    The wording is the catalogue's (``[<language>.errors]`` of ``words/data/labels.toml``),
    keyed by the class name (or by ``key``, for the several wordings of :class:`BadArgument`):
    an error may be raised before anyone knows the language, so it carries only its key and
    facts, and the command line renders it in the language chosen (:meth:`render`);
    ``str(error)`` is the English line (logs, tests).
    """

    def __init__(
        self, path: str | Path | None = None, row: int | None = None, *, key: str | None = None,
        **facts: object,
    ):  # fmt: skip
        self.path = str(path) if path is not None else None
        self.row = row
        self.key = key or type(self).__name__
        self.facts = facts
        super().__init__(str(self))

    def _wording(self, language: str) -> tuple[dict, dict[str, str]]:
        from zimes_audit.words.labels import labels

        lab = labels(language)
        words = lab.table["errors"]
        facts = {
            k: one_line(lab.kind_reason(v) if k in KIND_FACTS else translated_phrase(words, k, v))
            for k, v in self.facts.items()
        }
        facts = {k: Counted(v, words["counted"], language) for k, v in facts.items()}
        problem = words["problems"].get(self.facts.get("problem"))
        if problem is not None:  # a problem key: its wording, filled with the other facts
            facts["problem"] = problem.format(**facts)
        return words, facts

    def reason(self, language: str = "en") -> str:
        """The message alone (no file, row or hint), on one line."""
        words, facts = self._wording(language)
        return words[self.key]["message"].format(**facts)

    def render(self, language: str = "en") -> str:
        """The one line a person reads, in ``language``: file, row, what is wrong, what to do."""
        words, facts = self._wording(language)
        parts = []
        if self.path:
            parts.append(f"{one_line(self.path)}:")
        if self.row is not None:
            parts.append(words["row"].format(row=self.row))
        parts.append(words[self.key]["message"].format(**facts))
        if words[self.key].get("hint"):
            parts.append(words[self.key]["hint"].format(**facts))
        return " ".join(parts)

    def __str__(self) -> str:
        return self.render("en")

    def __reduce__(self):
        """Pickled as it is (key, facts, file and row), whatever its class's ``__init__`` takes:
        an error raised in a forked child travels back to the run
        (:mod:`zimes_audit.report.forked`).

        >>> import pickle
        >>> error = pickle.loads(pickle.dumps(BlankRun("orders.csv", limit=1 << 20, line=7)))
        >>> str(error) == str(BlankRun("orders.csv", limit=1 << 20, line=7)), error.row
        (True, None)
        """
        return (_restored, (type(self), self.args, dict(self.__dict__)))


def _restored(cls: type[AuditError], args: tuple, state: dict) -> AuditError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


#: Facts that are phrases of ours (a cause, what a file is), not the user's own words: written
#: in the error's language from ``[<language>.errors.phrases]``.
PHRASE_FACTS = frozenset({"cause", "what", "problem", "owner", "expected"})
# (A ``problem`` that is a key of ``[<language>.errors.problems]`` is worded there instead, with
# the error's other facts: the policy's, the suites' and the field map's explanations.)


#: Facts saying why a file is neither kind, or both (loading's words, field names spoken):
#: written in the error's language by :meth:`~zimes_audit.words.labels.Labels.kind_reason`.
KIND_FACTS = frozenset({"why", "missing"})


def translated_phrase(words: dict, name: str, value: object) -> object:
    """``value`` of the fact ``name`` in the catalogue's language, when it is one of our
    phrases a template of ``words["phrases"]`` knows; anything else as it is.

    >>> from zimes_audit.words.labels import labels
    >>> translated_phrase(labels("lv").table["errors"], "cause", "permission denied")
    'nav atļaujas'
    >>> translated_phrase(labels("lv").table["errors"], "sheet", "permission denied")
    'permission denied'
    """
    from zimes_audit.words.labels import translated

    if name not in PHRASE_FACTS or not isinstance(value, str):
        return value
    return translated(words.get("phrases", {}), value) or value


class Counted(str):
    """A fact as the wording writes it: ``{found}`` as it is, ``{found:fields}`` a count with
    the word ``fields`` of ``[<language>.errors.counted]`` in the form the number takes
    (:mod:`zimes_audit.words.plural`; a count given as a word, such as ``more``, takes the
    ``more`` form).

    >>> from zimes_audit.words.labels import labels
    >>> words = labels("lv").table["errors"]["counted"]
    >>> [f"{Counted(n, words, 'lv'):fields}" for n in ("1", "3", "21", "more")]
    ['1 lauks', '3 lauki', '21 lauks', 'vairāk lauku']
    """

    def __new__(cls, text: str, counted: dict, language: str):
        made = super().__new__(cls, text)
        made.counted, made.language = counted, language
        return made

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        from zimes_audit.words.plural import choose

        forms = self.counted[spec]
        if not str(self).isdigit():
            return forms["more"]
        return choose(forms, int(self), self.language).format(count=str(self))


class InputError(AuditError):
    """An input file cannot be read as an orders export or a customer register."""


class InputNotFound(InputError):
    """No such file or folder."""


class UnreadableInput(InputError):
    """Cannot be read ({cause})."""


class NotAFile(InputError):
    """Not a regular file or folder (it is a {what})."""


class NoInputFiles(InputError):
    """No orders export or customer register found (.csv, .tsv, .txt or a workbook)."""


class UnsupportedFileType(InputError):
    """Not a .csv, .txt, .tsv, .xlsx, .xlsm, .xls, .xlsb or .ods file."""


class EmptyFile(InputError):
    """The file is empty."""


class BinaryFile(InputError):
    """The file holds binary data, not text."""


class UndecodableText(InputError):
    """The text is neither UTF-8 nor Windows-1257."""


class MixedEncoding(InputError):
    """The text changes from {first} to {then} here (rows were added by another program)."""


class TooManyColumns(InputError):
    """A row has {found} fields; no export has more than {limit} columns."""


class TooWide(InputError):
    """{found} columns hold a heading or a value; no export has more than {limit}."""


class TooLargeSheet(InputError):
    """Sheet '{sheet}' spans {rows} rows by {columns} columns, more than this tool reads ({limit} cells)."""


class UnreadableColumn(InputError):
    """Column '{column}' holds {what} in every row, which cannot be read."""


class TruncatedFile(InputError):
    """The file ends in the middle of a row (it has {found} fields where the header has {expected})."""


class CutFile(InputError):
    """The file ends inside {what}: it was cut off."""


class BlankRun(InputError):
    """More than {limit} of blank lines follow line {line}, and then more rows."""

    def __init__(self, path=None, row=None, *, limit: int, **facts: object):
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit} bytes"
        super().__init__(path, row, limit=size, **facts)


class LockFile(InputError):
    """This is Excel's lock file (it exists while the workbook is open), not the workbook."""


class NotAWorkbook(InputError):
    """Not a workbook but {what} saved with a workbook's name."""


class AmbiguousKind(InputError):
    """Its headings fit an orders export and a customer register equally well ({why})."""


class OutputPathError(AuditError):
    """Cannot create the report folder here ({problem})."""


class CorruptWorkbook(InputError):
    """The workbook is damaged or not the format its name says."""


class ProtectedWorkbook(InputError):
    """The workbook is password-protected."""


class EncryptedWorkbook(InputError):
    """The workbook's zip archive is encrypted."""


class UnsupportedCompression(InputError):
    """The workbook is compressed in a way this tool cannot read (e.g. Deflate64, as Windows zips large files)."""


class UnknownHeading(InputError):
    """No recognisable header row."""


class UnknownFileKind(InputError):
    """Neither an orders export nor a customer register ({missing})."""


class MalformedRow(InputError):
    """The row has {found} fields where the header has {expected}."""


class BadValue(InputError):
    """Column '{column}' holds a value that is not a valid {expected}."""


class PolicyError(AuditError):
    """The policy file is not valid ({problem}); ``problem`` is a key of
    ``[<language>.errors.problems]``, worded with the other facts.

    >>> error = PolicyError("p.toml", problem="wrong_type", setting="terms.retention_years",
    ...                     expected="int")
    >>> str(error)
    "p.toml: the policy file is not valid ('terms.retention_years' must be int). Compare it with zimes_audit/procedure/data/policy.toml."
    >>> error.render("lv")
    "p.toml: politikas fails nav derīgs ('terms.retention_years' vērtība nav vesels skaitlis). Salīdziniet to ar zimes_audit/procedure/data/policy.toml."
    """


class PolicyNotFound(PolicyError):
    """No such file."""


class FieldMapError(AuditError):
    """Line {line}: {problem}."""


class SuiteError(AuditError):
    """The expectation suite is not valid ({problem})."""


class ReportExists(AuditError):
    """The report folder already exists."""


class BadArgument(AuditError):
    """A command-line argument that cannot be used; ``key`` names which wording (e.g.
    ``as_of_no_such_day``)."""


class NotebookFailed(AuditError):
    """A cell of the notebook failed; its outputs were not kept."""


class ReportInProgress(AuditError):
    """Another run is writing this report folder ({owner})."""


class OutputError(AuditError):
    """Cannot write the report here: {cause}; nothing was written."""


class ReportPartFailed(AuditError):
    """A part of the report written by a process of its own ended without it ({status})."""
