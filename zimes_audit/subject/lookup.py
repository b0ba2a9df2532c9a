"""Everything held about one person across the inputs (GDPR Art. 15; §6, §12.4).

A record is the person's when it carries one of their identifiers (:mod:`.identifiers`): a
customer id, an e-mail address, a phone number or a personal code.  Like the audit's linking
(:mod:`zimes_audit.facts.linking`), the customer ids, e-mail addresses, phone numbers and codes
found on the person's records identify them too, so the search runs until nothing new is found: the register row found
by the e-mail address brings the customer id, and with it the orders placed under another address.

A record that only shares a name with the person (case and diacritics ignored) is *uncertain*: it
is listed, never merged, until the administrator confirms it by its key (``--confirm KEY``).
Free text of any other record (every scanned field and unknown heading) that names one of the
person's identifiers is a *mention*.

>>> import pandas as pd
>>> from zimes_audit.subject.identifiers import Identifiers
>>> register = pd.DataFrame({"customer_id": ["K-1", "K-2"], "name": ["Līga Ozoliņa", "Jānis Bērziņš"],
...     "email": ["liga@inbox.lv", "janis@inbox.lv"], "source_file": "k.csv", "source_row": [2, 3]})
>>> orders = pd.DataFrame({"order_id": ["M-1", "M-2", "M-3"], "customer_id": ["K-1", None, None],
...     "name": ["Liga Ozolina", "Līga Ozoliņa", "Jānis Bērziņš"],
...     "email": ["liga.o@gmail.com", "liga.o@gmail.com", "janis@inbox.lv"],
...     "notes": [None, None, "atdot Līgai Ozoliņai? zvanīt liga@inbox.lv"],
...     "source_file": "o.csv", "source_row": [2, 3, 4]})
>>> found = find_subject([Source("register", register, {"notes"}), Source("orders", orders, {"notes"})],
...                      Identifiers.of(emails=["LIGA@inbox.lv"], region="LV"))
>>> [r.key for r in found.records], [r.how for r in found.records]
(['register:K-1', 'orders:M-1', 'orders:M-2'], ['email', 'customer_id', 'email'])
>>> [(m.key, m.column, m.what) for m in found.mentions]
[('orders:M-3', 'notes', 'email')]
>>> found.uncertain
[]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from zimes_audit.facts.derived import full_name
from zimes_audit.facts.linking import normalise_email, normalise_ids
from zimes_audit.facts.requests import RECORD_IDS, record_key, record_keys
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.subject.identifiers import (
    Identifiers,
    code_key,
    fold_name,
    name_key,
    phone_keys,
)

_NOT_DIGIT = re.compile(r"\D+")


@dataclass(frozen=True)
class Source:
    """One input table as the lookup reads it: its kind, its typed frame (canonical columns and
    provenance) and the frame columns that hold free text."""

    kind: str
    frame: pd.DataFrame
    text_columns: Collection[str] = ()
    headings: dict[str, str] = field(default_factory=dict)  # frame column → the file's heading
    categories: dict[str, str] = field(default_factory=dict)  # frame column → §6 category
    fields: dict[str, str | None] = field(default_factory=dict)  # frame column → field

    def heading(self, column: str) -> str:
        return self.headings.get(column, column)


@dataclass(frozen=True)
class Record:
    """One row about the person: ``key`` is the record key the history and the workbook use
    (``kind:record id``, or ``kind:file@row`` when the row has no id); ``how`` says by what."""

    key: str
    kind: str
    source: int  # index into the sources
    position: int  # position in the source's frame
    file: str
    row: int
    record_id: str | None
    how: str


@dataclass(frozen=True)
class Mention:
    """A free-text cell of another record that names one of the person's identifiers."""

    key: str
    kind: str
    source: int
    position: int
    file: str
    row: int
    column: str
    what: str  # the kind of identifier named: email, phone, customer_id, code, name


@dataclass
class Found:
    records: list[Record]
    uncertain: list[Record]
    mentions: list[Mention]
    identifiers: Identifiers

    def counts(self) -> dict[str, int]:
        keys = {r.key for r in self.records}
        return {
            "records": len(keys),
            "rows": len(self.records),
            "uncertain": len({r.key for r in self.uncertain}),
            "mentions": len(self.mentions),
        }


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def _phones_match(frame: pd.DataFrame, phones: frozenset[str], region: str) -> np.ndarray:
    """Rows holding one of ``phones``: a digits pre-filter, then phonenumbers on the few left."""
    hit = np.zeros(len(frame), dtype=bool)
    if not phones:
        return hit
    national = [str(phonenumbers.parse(p).national_number) for p in phones]
    for column in load_catalogue().validated_as("phone"):
        if column not in frame:
            continue
        digits = frame[column].astype("string").str.replace(_NOT_DIGIT, "", regex=True)
        maybe = np.zeros(len(frame), dtype=bool)
        for n in national:
            maybe |= digits.str.contains(n, regex=False).fillna(False).to_numpy(dtype=bool)
        for at in np.flatnonzero(maybe & ~hit):
            hit[at] = bool(set(phone_keys(frame[column].iloc[at], region)) & phones)
    return hit


def _matches(frame: pd.DataFrame, ids: Identifiers) -> dict[str, np.ndarray]:
    """Per identifier kind, the rows of ``frame`` that carry one of ``ids``."""
    emails = np.zeros(len(frame), dtype=bool)
    for column in load_catalogue().validated_as("email"):
        if column in frame:
            emails |= normalise_email(frame[column]).isin(ids.emails).to_numpy(dtype=bool)
    codes = _column(frame, "personal_code").map(code_key).isin(ids.codes).to_numpy(dtype=bool)
    customer = normalise_ids(_column(frame, "customer_id")).isin(ids.customer_ids)
    return {
        "customer_id": customer.to_numpy(dtype=bool),
        "email": emails,
        "phone": _phones_match(frame, ids.phones, ids.region),
        "code": codes,
    }


def _names(frame: pd.DataFrame) -> list[pd.Series]:
    return [full_name(frame), _column(frame, "shipping_name")]


def _learn(frame: pd.DataFrame, rows: np.ndarray, region: str) -> Identifiers:
    """The identifiers the person's rows carry (names only ever for uncertain matches)."""
    part = frame.iloc[rows]
    emails = [
        v for c in load_catalogue().validated_as("email") if c in part for v in part[c].dropna()
    ]
    phones = [
        v for c in load_catalogue().validated_as("phone") if c in part for v in part[c].dropna()
    ]
    ids = _column(part, "customer_id").dropna().astype(str)
    codes = _column(part, "personal_code").dropna().astype(str)
    names = [v for s in _names(part) for v in s.dropna()]
    return Identifiers.of(emails=emails, phones=phones, customer_ids=ids, codes=codes,
                          names=names, region=region)  # fmt: skip


def _record(kind: str, index: int, frame: pd.DataFrame, at: int, how: str) -> Record:
    rid = _column(frame, RECORD_IDS.get(kind, "")).iloc[at] if kind in RECORD_IDS else None
    rid = rid.strip() if isinstance(rid, str) and rid.strip() else None
    file, row = str(frame["source_file"].iloc[at]), int(frame["source_row"].iloc[at])
    return Record(record_key(kind, rid, file, row), kind, index, at, file, row, rid, how)


def _certain(sources: Sequence[Source], ids: Identifiers, confirmed: Collection[str]):
    """The person's rows, searched until their ids and e-mails bring nothing new."""
    found: dict[tuple[int, int], str] = {}
    while True:
        learned = ids
        for index, source in enumerate(sources):
            matches = _matches(source.frame, ids)
            keys = record_keys(source.frame, source.kind)
            matches["confirmed"] = keys.isin(list(confirmed)).to_numpy(dtype=bool)
            for how in ("customer_id", "email", "phone", "code", "confirmed"):
                for at in np.flatnonzero(matches[how]):
                    found.setdefault((index, int(at)), how)
            rows = np.array(sorted(at for (i, at) in found if i == index), dtype=int)
            if len(rows):
                learned = learned | _learn(source.frame, rows, ids.region)
        if learned == ids:
            return found, ids
        ids = learned


def _name_rows(frame: pd.DataFrame, names: frozenset[str]) -> np.ndarray:
    """Rows whose name is one of ``names`` (word order, case, diacritics ignored): an Arrow
    pre-filter on a word of the name, then :func:`name_key` on the distinct names left."""
    hit = np.zeros(len(frame), dtype=bool)
    keys = {name_key(n) for n in names}
    words = [w for n in names for w in n.split()[:1]]
    for series in _names(frame):
        codes, distinct = pd.factorize(series.astype("string"), use_na_sentinel=True)
        named = np.asarray(_any_of(_folded(pd.Series(distinct)), words), dtype=bool)
        maybe = np.append(named, False)[codes]
        if maybe.any():
            candidates = series[maybe]
            distinct = {v: name_key(v) in keys for v in candidates.dropna().unique()}
            hit[np.flatnonzero(maybe)] |= candidates.map(distinct).fillna(False).to_numpy(bool)
    return hit


def _mention_patterns(ids: Identifiers) -> list[tuple[str, re.Pattern]]:
    def words(values: Iterable[str]) -> str:
        return "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))

    patterns = []
    if ids.emails:
        patterns.append(("email", re.compile(rf"(?<![\w.+-])(?:{words(ids.emails)})(?![\w-])")))
    if ids.customer_ids:
        patterns.append(
            ("customer_id", re.compile(rf"(?<![\w-])(?:{words(ids.customer_ids)})(?![\w-])"))
        )
    return patterns


def _mentions_in(text: str, ids: Identifiers, patterns) -> str | None:
    """The kind of the first identifier ``text`` names, or ``None``."""
    folded = text.casefold()
    for what, pattern in patterns:
        if pattern.search(folded if what == "email" else text):
            return what
    digits = _NOT_DIGIT.sub("", text)
    if any(c in digits for c in ids.codes):
        return "code"
    if set(phone_keys(text, ids.region)) & ids.phones:
        return "phone"
    spaced = f" {fold_name(text)} "
    if any(f" {n} " in spaced for n in ids.names):
        return "name"
    return None


def _folded(values: pd.Series) -> pa.Array:
    """Each text case-folded without diacritics (as :func:`fold_name` reads it), by Arrow;
    the decomposition only for the texts that are not plain ASCII."""
    text = pa.array(values.astype("string").array, type=pa.large_string(), from_pandas=True)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    other = pc.invert(pc.fill_null(pc.string_is_ascii(text), True))
    if pc.any(other).as_py():
        rest = pc.filter(text, other)
        plain = pc.replace_substring_regex(pc.utf8_normalize(rest, "NFKD"), r"\p{M}", "")
        text = pc.replace_with_mask(text, other, plain)
    return pc.utf8_lower(text)


def _any_of(text: pa.Array, needles: Iterable[str]) -> pa.Array:
    """Mask: the text holds one of ``needles`` (one RE2 pass; nulls are False)."""
    needles = sorted(set(needles), key=len, reverse=True)
    if not needles:
        return pa.array(np.zeros(len(text), dtype=bool))
    pattern = "|".join(re.escape(n) for n in needles)
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


def _candidates(values: pd.Series, ids: Identifiers) -> np.ndarray:
    """Cells that may name the person (a vectorised superset of :func:`_mentions_in`'s hits):
    only these are read one by one.  Each distinct text is looked at once."""
    codes, distinct = pd.factorize(values.astype("string"), use_na_sentinel=True)
    if not len(distinct):
        return np.zeros(len(values), dtype=bool)
    folded = _folded(pd.Series(distinct))
    words = [*ids.emails, *(c.casefold() for c in ids.customer_ids), *_first_words(ids.names)]
    hit = _any_of(folded, words)
    numbers = [*ids.codes, *(str(phonenumbers.parse(p).national_number) for p in ids.phones)]
    if numbers:
        hit = pc.or_(hit, _any_of(pc.replace_substring_regex(folded, r"\D+", ""), numbers))
    found = np.append(np.asarray(hit, dtype=bool), False)  # the last slot: a missing value
    return found[codes]


def _first_words(names: Iterable[str]) -> list[str]:
    return [n.split()[0] for n in names if n.split()]


def _mentions(sources: Sequence[Source], ids: Identifiers, own: set) -> list[Mention]:
    patterns = _mention_patterns(ids)
    found = []
    for index, source in enumerate(sources):
        for column in source.text_columns:
            if column not in source.frame:
                continue
            values = source.frame[column]
            for at in np.flatnonzero(_candidates(values, ids)):
                if (index, int(at)) in own or not isinstance(values.iloc[at], str):
                    continue
                what = _mentions_in(values.iloc[at], ids, patterns)
                if what:
                    r = _record(source.kind, index, source.frame, int(at), "mention")
                    found.append(
                        Mention(r.key, r.kind, index, r.position, r.file, r.row, column, what)
                    )
    return found


def find_subject(
    sources: Sequence[Source], ids: Identifiers, confirmed: Collection[str] = ()
) -> Found:
    """Every record of the person, the uncertain same-name records and the mentions."""
    rows, learned = _certain(sources, ids, confirmed)
    records = [
        _record(sources[i].kind, i, sources[i].frame, at, how) for (i, at), how in rows.items()
    ]
    uncertain = []
    for index, source in enumerate(sources):
        for at in np.flatnonzero(_name_rows(source.frame, learned.names)):
            if (index, int(at)) not in rows:
                uncertain.append(_record(source.kind, index, source.frame, int(at), "name"))
    mentions = _mentions(sources, learned, set(rows) | {(r.source, r.position) for r in uncertain})
    order = {s: n for n, s in enumerate(("register", "orders"))}
    records.sort(key=lambda r: (order.get(r.kind, 9), r.source, r.position))
    return Found(records, uncertain, mentions, learned)


def sources_of(tables) -> list[Source]:
    """The loaded input tables (:func:`zimes_audit.loading.load_inputs`) as lookup sources."""
    return [
        Source(
            t.kind,
            t.frame,
            tuple(info.column for info in t.columns if info.scan),
            {info.column: info.heading for info in t.columns},
            {info.column: info.category for info in t.columns},
            {info.column: info.field for info in t.columns},
        )
        for t in tables
    ]
