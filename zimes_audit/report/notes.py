"""The administrator's free-text note, as the auditor's outputs may keep it.

A note is written beside a decision in the workbook ("Jānis Bērziņš asked by phone …").  Before it
reaches the history, the notebook, its HTML or ``results/exceptions.parquet`` it is scrubbed as
the rest of the auditor's view is masked (docs/contracts.md, "What is never shown"): e-mail
addresses and runs of 7+ digits (personal codes, phones, card and account numbers — dates
excepted) are blanked by pattern, and every word of a name, address, e-mail or phone the audit
read in the inputs (:data:`KNOWN_FIELDS`, the catalogue's §6.1 names and §6.2 contacts the run
keeps) is blanked wherever it occurs, in any case.  At most 500 characters are kept.

>>> known = known_words({"register": pd.DataFrame({"name": ["Jānis Bērziņš"],
...                      "address": ["Brīvības iela 12-5, Rīga"]})})
>>> scrub_note("jānis BĒRZIŅŠ lūdza; Brīvības iela 12-5; zvanīt +371 22345678", known)
'[…] […] lūdza; […] […] 12-5; zvanīt […]'
>>> scrub_note("Klients K-12 lūdza; zvanīt +371 22345678, jb@inbox.lv")
'Klients K-12 lūdza; zvanīt […], […]'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from concurrent.futures import Future, ThreadPoolExecutor

import pandas as pd

MASK = "[…]"
#: The fields whose words a note must not repeat: names (§6.1) and contacts (§6.2) the run keeps.
KNOWN_FIELDS = (
    "name", "first_name", "last_name", "shipping_name",
    "email", "phone", "address", "shipping_address",
)  # fmt: skip
MIN_WORD = 3  # shorter words ("un", "12") are no one's name; digit runs are blanked by pattern

_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\+?\d[\d\s\-./]*\d")
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}")
_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},}}")


def _blank(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    return MASK if digits >= 7 and not _DATE.fullmatch(text.strip()) else text


def known_words(frames: dict[str, pd.DataFrame]) -> frozenset[str]:
    """Every word (letters only, 3 or more, case-folded) of the :data:`KNOWN_FIELDS` values in
    ``frames`` — found by Arrow, not per value: the distinct values of each slice of
    :data:`SLICE` values split at every ASCII character that is not a letter (:data:`_SPLIT`:
    no word has one, so no word is cut), the slices read :data:`WORKERS` at a time (Arrow
    leaves the GIL), then the distinct pieces, a line each, searched once and each word
    case-folded once (a first audit's inputs hold a million distinct e-mails, split into a few
    hundred distinct pieces).

    >>> sorted(known_words({"orders": pd.DataFrame({"email": ["liga.ozolina@gmail.com", None]})}))
    ['com', 'gmail', 'liga', 'ozolina']
    >>> sorted(known_words({"register": pd.DataFrame({"name": ["Aija", "Bērziņš"]})}))
    ['aija', 'bērziņš']
    """
    return _words_in(_known_columns(frames))


def known_words_later(frames: dict[str, pd.DataFrame]) -> Future:
    """:func:`known_words` found in a thread of its own (Arrow leaves the GIL): what a run
    writes meanwhile is not held up by it.  The columns are taken here, in the caller's
    thread, so that the thread reads Arrow's arrays alone, never a frame being written to.

    >>> sorted(known_words_later({"register": pd.DataFrame({"name": ["Aija"]})}).result())
    ['aija']
    """
    columns = _known_columns(frames)
    worker = ThreadPoolExecutor(1, thread_name_prefix="known-words")
    try:
        return worker.submit(_words_in, columns)
    finally:
        worker.shutdown(wait=False)  # the thread ends with its one task


def _known_columns(frames: dict[str, pd.DataFrame]) -> list:
    """The :data:`KNOWN_FIELDS` columns of ``frames`` as Arrow text (:func:`_text`)."""
    return [
        _text(frame[column])
        for frame in frames.values()
        for column in KNOWN_FIELDS
        if column in frame
    ]


def _words_in(columns: list) -> frozenset[str]:
    """:func:`known_words` of Arrow text columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    slices = [values.slice(at, SLICE) for values in columns for at in range(0, len(values), SLICE)]
    if not slices:
        return frozenset()
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="known-words") as pool:
        pieces = list(pool.map(_pieces, slices))
    distinct = pc.unique(pa.chunked_array(pieces, type=pa.large_string()))
    lines = pa.LargeListArray.from_arrays(pa.array([0, len(distinct)], pa.int64()), distinct)
    text = pc.binary_join(lines, pa.scalar("\n", pa.large_string()))[0].as_py()
    return frozenset({w.casefold() for w in set(_WORD.findall(text))})


#: Values one task of :func:`known_words` splits, and the tasks run at once (two cores).
SLICE, WORKERS = 1 << 18, 2


def _pieces(values):
    """The distinct pieces of some values split at :data:`_SPLIT` (Arrow)."""
    import pyarrow.compute as pc

    return pc.unique(pc.list_flatten(pc.split_pattern_regex(pc.unique(values), _SPLIT)))


#: ASCII's characters that are not letters (RE2's syntax, run by Arrow): none is in a word.
_SPLIT = r"[\x00-\x40\x5b-\x60\x7b-\x7f]+"


def _text(column: pd.Series):
    """A column's values as Arrow large text (missing as null; other types as ``str`` writes
    them)."""
    import pyarrow as pa

    if not isinstance(column.dtype, pd.StringDtype):
        column = column.dropna().astype(str)
    values = pa.array(column.array, from_pandas=True)  # Arrow text: its own chunks
    if isinstance(values, pa.Array):  # (a list of chunked arrays is converted cell by cell)
        values = pa.chunked_array([values])
    return values.cast(pa.large_string())


class KnownWords:
    """The words a note must not repeat: those of this run's inputs (``words``), and those of
    every earlier run's, kept in the audit history only as keyed hashes (``hashes``, HMAC-SHA256
    with the secret beside the history) — so a customer deleted since, whom an older note
    names, is still masked, and the history holds no word itself.

    >>> known = KnownWords(frozenset({"aija"}), b"k", KnownWords(frozenset({"strautina"}), b"k").digests())
    >>> "aija" in known, "strautina" in known, "piekrisana" in known
    (True, True, False)
    """

    def __init__(self, words: frozenset[str] | Future, key: bytes = b"", hashes=frozenset()):
        self._words, self.key, self.hashes = words, key, frozenset(hashes)

    @property
    def words(self) -> frozenset[str]:
        """This run's words — waited for here when they are still being found
        (:func:`known_words_later`)."""
        if isinstance(self._words, Future):
            self._words = self._words.result()
        return self._words

    def digest(self, word: str) -> str:
        return hmac.new(self.key, word.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def digests(self) -> list[str]:
        """This run's words as the history keeps them."""
        return sorted({self.digest(w) for w in self.words})

    def __contains__(self, word: str) -> bool:
        return word in self.words or (bool(self.hashes) and self.digest(word) in self.hashes)

    def __bool__(self) -> bool:
        return bool(self.words) or bool(self.hashes)


def scrub_note(text: object, known: frozenset[str] | KnownWords = frozenset()) -> str:
    """A note as the auditor's outputs keep it (see the module docstring).

    >>> scrub_note("Papīra piekrišana 01.03.2025, mape 2025/7; p.k. 161175-19997")
    'Papīra piekrišana 01.03.2025, mape 2025/7; p.k. […]'
    >>> scrub_note(None), scrub_note("Aija zvanīja", frozenset({"aija"}))
    ('', '[…] zvanīja')
    """
    if not isinstance(text, str):
        return ""
    text = _DIGITS.sub(_blank, _EMAIL.sub(MASK, " ".join(text.split())))
    if known:
        text = _WORD.sub(lambda m: MASK if m.group(0).casefold() in known else m.group(0), text)
    return text[:500]
