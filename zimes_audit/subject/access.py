"""The access file (GDPR Art. 15): every value held about the person, with why, on what basis,
for how long and who receives it (§3, §4, §6, §10, §4.2, §8).

One row per value: the file, the row and the column as the file heads it, the value, its §6
category, the purposes (§4), legal bases (§3), the term and the day it ends, and the recipients —
all read from ``procedure/data/processing.toml`` and the policy, none written here.  A mention in
another customer's record is quoted with everything that is not the person's masked
(:func:`quote`): other e-mail addresses, other numbers, and the words of the other record's names.

>>> from zimes_audit.subject.identifiers import Identifiers
>>> ids = Identifiers.of(emails=["liga@inbox.lv"], phones=["29111111"], names=["Līga Ozoliņa"], region="LV")
>>> quote("Jānis Bērziņš: atdot Līgai Ozoliņai (29111111), ne janis@inbox.lv, tālr. 29222222", ids, ["Jānis Bērziņš"])
'J*** B***: atdot Līgai Ozoliņai (29111111), ne j***@i***.lv, tālr. […]'
"""

from __future__ import annotations

import re

import pandas as pd

from zimes_audit.facts.linking import normalise_email
from zimes_audit.procedure.policy import Policy
from zimes_audit.procedure.processing import Processing, load_processing
from zimes_audit.subject.holds import Hold
from zimes_audit.subject.identifiers import Identifiers, code_key, fold_name, phone_keys
from zimes_audit.subject.lookup import Found, Source
from zimes_audit.subject.texts import Words, shown, words
from zimes_audit.views.masking import mask_email

ACCESS_COLUMNS = (
    "file", "row", "column", "value", "category", "purposes", "bases", "term", "until",
    "recipients",
)  # fmt: skip
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\+?\d[\d \-./]*\d")
_WORD = re.compile(r"\w+")
MASKED = "[…]"


def _own_number(text: str, ids: Identifiers) -> bool:
    return bool(set(phone_keys(text, ids.region)) & ids.phones) or code_key(text) in ids.codes


def _stem(word: str) -> str:
    return fold_name(word)[:4]


def quote(text: str, ids: Identifiers, other_names: list[str]) -> str:
    """``text`` with what is not the person's masked: e-mail addresses not theirs, numbers of five
    digits or more not theirs, and words sharing a stem with the other record's names (unless the
    word is the person's own name)."""
    own = {fold_name(w) for n in ids.names for w in n.split()}
    stems = {_stem(w) for n in other_names for w in _WORD.findall(n) if len(w) >= 3} - {""}

    def email(match: re.Match) -> str:
        value = match.group(0)
        kept = normalise_email(pd.Series([value])).iloc[0] in ids.emails
        return value if kept else mask_email(value)

    def number(match: re.Match) -> str:
        value = match.group(0)
        if sum(c.isdigit() for c in value) < 5 or _own_number(value, ids):
            return value
        return MASKED

    def word(match: re.Match) -> str:
        value = match.group(0)
        if fold_name(value) in own or _stem(value) not in stems or value.isdigit():
            return value
        return value[0] + "***"

    parts = re.split(f"({_EMAIL.pattern})", text)
    out = []
    for n, part in enumerate(parts):
        if n % 2:
            out.append(email(re.match(_EMAIL, part)))
        else:
            out.append(_WORD.sub(word, _NUMBER.sub(number, part)))
    return "".join(out)


def _recipients(proc: Processing, found: Found, sources, kind: str, category: str, lang: str):
    handed = {
        name
        for r in found.records
        for rec in proc.recipients
        for name in rec.when
        if name in sources[r.source].frame
        and _truthy(sources[r.source].frame[name].iloc[r.position])
    }
    out = []
    for rec in proc.recipients:
        if kind not in rec.kinds or (rec.categories and category not in rec.categories):
            continue
        if rec.when and not handed & set(rec.when):
            continue
        out.append(rec.text[lang])
    return "; ".join(out)


def _truthy(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float) and pd.isna(value):
        return False
    return bool(value)


def person_hold(found: Found, sources: list[Source], policy: Policy) -> Hold:
    ends = [
        sources[r.source].frame["relationship_end"].iloc[r.position]
        if "relationship_end" in sources[r.source].frame
        else pd.NaT
        for r in found.records
        if r.kind == "register"
    ]
    return Hold.of(ends, policy)


def _until(hold: Hold, term: str, kind: str, frame: pd.DataFrame, at: int, w: Words):
    if term == "none":
        return w["now"]
    if term == "marketing":
        return None
    created = frame["created_at"].iloc[at] if "created_at" in frame else None
    day = hold.until(kind, created)
    return day.isoformat() if day else w["open"]


def access_rows(found: Found, sources: list[Source], policy: Policy, language: str) -> pd.DataFrame:
    """One row per value held about the person (:data:`ACCESS_COLUMNS`)."""
    proc, w = load_processing(), words(language)
    hold = person_hold(found, sources, policy)
    rows = []
    for r in found.records:
        source = sources[r.source]
        for column, category in source.categories.items():
            value = shown(source.frame[column].iloc[r.position], w)
            if value is None:
                continue
            field = source.fields.get(column)
            term = proc.term_of(category, field)
            rows.append({
                "file": r.file, "row": r.row, "column": source.heading(column), "value": value,
                "category": proc.category_name(category, language),
                "purposes": proc.purposes_of(category, field, language),
                "bases": proc.bases_of(category, field, language),
                "term": proc.term_text(term, language, years=policy.retention_years),
                "until": _until(hold, term, r.kind, source.frame, r.position, w),
                "recipients": _recipients(proc, found, sources, r.kind, category, language),
            })  # fmt: skip
    return pd.DataFrame(rows, columns=list(ACCESS_COLUMNS))


def mention_rows(found: Found, sources: list[Source], language: str) -> pd.DataFrame:
    """One row per mention: file, row, column and the quoted, masked text."""
    rows = []
    for m in found.mentions:
        source = sources[m.source]
        frame = source.frame
        others = [
            v
            for c in ("name", "first_name", "last_name", "shipping_name")
            if c in frame and isinstance(v := frame[c].iloc[m.position], str)
        ]
        text = quote(str(frame[m.column].iloc[m.position]), found.identifiers, others)
        rows.append(
            {"file": m.file, "row": m.row, "column": source.heading(m.column), "value": text}
        )
    return pd.DataFrame(rows, columns=["file", "row", "column", "value"])
