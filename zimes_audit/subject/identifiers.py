"""A data subject's identifiers, normalised as the audit compares them (GDPR Art. 15–21, §12.4).

E-mail addresses are trimmed and case-folded and customer ids trimmed exactly as the audit's
linking does (:mod:`zimes_audit.facts.linking`); phone numbers are read with phonenumbers (the
policy's default region for a number without a country code) and compared in E.164 form; personal
codes by their digits; names case- and diacritics-insensitively, word by word.

>>> ids = Identifiers.of(emails=[" Liga.Ozolina@Inbox.LV"], phones=["29 123 456"],
...                      codes=["161175-19997"], names=["Līga  Ozoliņa"], region="LV")
>>> ids.emails, ids.phones, ids.codes, ids.names
(frozenset({'liga.ozolina@inbox.lv'}), frozenset({'+37129123456'}), frozenset({'16117519997'}), frozenset({'liga ozolina'}))
>>> phone_keys("tālr. 29123456 / 67000000 (darba)", "LV")
['+37129123456', '+37167000000']
>>> name_key("OZOLIŅA, Līga") == name_key("līga ozoliņa"), name_key("Līga Ozola") == name_key("Līga Ozoliņa")
(True, False)
>>> fold_name("  LĪGA   Ozoliņa ")
'liga ozolina'
>>> bool(Identifiers.of(region="LV"))
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pandas as pd
import phonenumbers

from zimes_audit.detect.contacts import phone_parts
from zimes_audit.facts.linking import normalise_email, normalise_ids
from zimes_audit.procedure.catalogue import normalise_heading

#: The kinds of identifier a request names (the CLI's options, the store's hashed keys).
KINDS = ("email", "phone", "customer_id", "code", "name")
_NOT_DIGIT = re.compile(r"\D")


def fold_name(text: object) -> str:
    """A name as compared: no case, no diacritics, no punctuation, single spaces."""
    return normalise_heading(str(text)) if isinstance(text, str) else ""


def name_key(text: object) -> str:
    """A name as two records are compared: folded, its words in order (surname first or not)."""
    return " ".join(sorted(fold_name(text).split()))


def phone_key(text: str, region: str) -> str | None:
    """One phone number in E.164 form (``None`` when it is not a number)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_keys(cell: object, region: str) -> list[str]:
    """Every phone number written in a cell, in E.164 form."""
    if not isinstance(cell, str):
        return []
    return [k for part in phone_parts(cell) if (k := phone_key(part, region))]


def code_key(text: object) -> str | None:
    """A personal code by its digits (``None`` when it has fewer than six)."""
    digits = _NOT_DIGIT.sub("", str(text)) if isinstance(text, str) else ""
    return digits if len(digits) >= 6 else None


def _emails(values: Iterable[str]) -> frozenset[str]:
    return frozenset(normalise_email(pd.Series(list(values), dtype="object")).dropna())


@dataclass(frozen=True)
class Identifiers:
    """What is known to identify the person (each normalised); ``names`` only ever make an
    *uncertain* match, for the administrator to confirm."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    customer_ids: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    region: str = field(default="LV", compare=False)

    @classmethod
    def of(
        cls,
        *,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        customer_ids: Iterable[str] = (),
        codes: Iterable[str] = (),
        names: Iterable[str] = (),
        region: str,
    ) -> Identifiers:
        return cls(
            emails=_emails(emails),
            phones=frozenset(k for p in phones for k in phone_keys(p, region)),
            customer_ids=frozenset(
                normalise_ids(pd.Series(list(customer_ids), dtype="object")).dropna()
            ),
            codes=frozenset(k for c in codes if (k := code_key(c))),
            names=frozenset(n for n in map(fold_name, names) if n),
            region=region,
        )

    def __bool__(self) -> bool:
        return any(self.pairs())

    def strong(self) -> bool:
        """Whether anything but a name is known (a name alone matches nobody for certain)."""
        return bool(self.emails or self.phones or self.customer_ids or self.codes)

    def pairs(self) -> list[tuple[str, str]]:
        """Every identifier as ``(kind, normalised value)``, sorted (what the store hashes)."""
        groups = zip(
            KINDS,
            (self.emails, self.phones, self.customer_ids, self.codes, self.names),
            strict=True,
        )
        return sorted((kind, value) for kind, values in groups for value in values)

    def __or__(self, other: Identifiers) -> Identifiers:
        return replace(
            self,
            emails=self.emails | other.emails,
            phones=self.phones | other.phones,
            customer_ids=self.customer_ids | other.customer_ids,
            codes=self.codes | other.codes,
            names=self.names | other.names,
        )

    def counts(self) -> dict[str, int]:
        """How many identifiers of each kind (what the command prints: never the values)."""
        kinds = (self.emails, self.phones, self.customer_ids, self.codes, self.names)
        return {k: len(v) for k, v in zip(KINDS, kinds, strict=True)}
