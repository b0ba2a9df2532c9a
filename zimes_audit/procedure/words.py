"""Headings matched by their words: stems, abbreviations and shared words — procedure §6.

The field catalogue lists ~20 synonyms a field; it will never list them all, for Latvian inflects
and people abbreviate.  When no synonym matches a heading exactly
(:meth:`zimes_audit.procedure.catalogue.Catalogue.match`), its **words** are compared with the
words of the catalogue's headings.  Both sides are reduced the same way (the data, documented
where it is written, is ``data/heading_words.toml``): folded (case, diacritics, punctuation),
single letters written apart joined (``"E-pasts"`` → ``epasts``), abbreviations expanded
(``tālr`` → ``tālrunis``, ``nr`` → ``numurs``), words that say nothing dropped (``un``, ``of``,
units, bare numbers) and every word cut to its stem (the longest Latvian ending that leaves four
letters, then a verbal noun's suffix: ``atteikums`` and ``atteikšanās`` → ``atteik``).

A heading then stands for a field when

1. its stems are the stems of a heading of that field, ending in the same word (the head of the
   phrase: "Order total" is a sum, "Total orders" a count), and of no other field;
2. it is another field's heading plus a word the catalogue's own headings use to turn one field
   into another: ``Piegādes`` turns ``Pilsēta`` into the shipping city, so ``Piegādes reģions``
   is the shipping province; ``Billing`` leaves a field as it is (:func:`_qualifiers`);
3. the stems of some catalogue headings are contained in its own, the most specific of them
   (those no other contained one extends) all belong to one field, and they say most of what the
   heading says, or it adds only generic words (``kods``, ``numurs``): ``"Klienta numurs
   reģistrā"`` is the customer id.  A word that reverses what a heading holds (``bez``,
   ``without``) stops this, and a date word (``datums``, ``on``) allows only a date field
   (for which it counts as a generic word: ``Registered on``).

Anything else — no field, or two fields equally plausible — stays unknown: a wrong field is worse
than an unknown heading (it would be audited by another field's rules).  ``python -m
benchmarks.headings`` measures this on headings written by someone who never saw the catalogue.

>>> from zimes_audit.procedure.catalogue import load_catalogue, normalise_heading as key
>>> stems(key("Atteikšanās datums")), stems(key("atteikuma datumi"))
(('atteik', 'datum'), ('atteik', 'datum'))
>>> stems(key("Tālr. nr. 2")), stems(key("E-pasta adreses")), stems(key("Pers. kods"))
(('talrun', 'numur'), ('epast', 'adres'), ('person', 'kods'))
>>> words = load_catalogue().words
>>> [words.field_for(key(h)) for h in ("Klienta numurs reģistrā", "Piegādes reģions", "Krāsa")]
['customer_id', 'shipping_province_code', None]
>>> words.field_for(key("Summa bez PVN")) is None  # a blocker word: not the VAT amount
True
>>> words.field_for(key("Total orders")) is None  # "Order total" is the sum, this a count
True
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

_LETTERS_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")  # "address1"


@cache
def _data() -> dict:
    text = (
        resources.files("zimes_audit.procedure.data")
        .joinpath("heading_words.toml")
        .read_text("utf-8")
    )
    raw = tomllib.loads(text)
    endings = raw["endings"]
    return {
        "min_stem": raw["min_stem"],
        "endings": tuple(sorted(set(endings["words"]), key=len, reverse=True)),
        "derivational": tuple(endings["derivational"]),
        "min_derived_stem": endings["min_derived_stem"],
        "date_words": frozenset(raw["date_words"]["words"]),
        "generic": frozenset(raw["generic"]["words"]),
        "yes_no_words": frozenset(raw["yes_no_words"]["words"]),
        "qualifiers": raw["qualifiers"],
        "stopwords": frozenset(raw["stopwords"]["words"]),
        "blockers": frozenset(raw["blockers"]["words"]),
        "abbreviations": dict(raw["abbreviations"]),
    }


def _joined(tokens: list[str]) -> list[str]:
    """Single letters written apart joined to each other (``p k`` → ``pk``) and a lone ``e``
    to the word after it (``e pasts`` → ``epasts``)."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            letters, run = "".join(run), []
            if letters == "e" and token:
                token = letters + token
            else:
                out.append(letters)
        if token:
            out.append(token)
    return out


def _cut(word: str, endings: tuple[str, ...], keep: int) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= keep:
            return word[: -len(ending)]
    return word


def _stem(word: str) -> str:
    data = _data()
    if not word.endswith("ss"):
        word = _cut(word, data["endings"], data["min_stem"])
    return _cut(word, data["derivational"], data["min_derived_stem"])


def _words(key: str) -> list[str]:
    data = _data()
    out: list[str] = []
    for token in _joined(_LETTERS_DIGITS.sub(" ", key).split()):
        for word in data["abbreviations"].get(token, token).split():
            if word not in data["stopwords"] and not word.isdigit():
                out.append(word)
    return out


def stems(key: str) -> tuple[str, ...]:
    """The stems of the words of a heading's key (folded:
    :func:`zimes_audit.procedure.catalogue.normalise_heading`), in order, without repeats."""
    return tuple(dict.fromkeys(_stem(w) for w in _words(key)))


def has_blocker(key: str) -> bool:
    """Whether the heading holds a word that reverses what it names (``bez``, ``without``)."""
    return any(w in _data()["blockers"] for w in _words(key))


@cache
def _stems_of(group: str) -> frozenset[str]:
    """The stems of a word list of the data (``date_words``, ``generic``)."""
    return frozenset(_stem(w) for w in _data()[group])


def _qualifiers(
    by_stems: dict[frozenset[str], frozenset[str]], names: frozenset[str]
) -> dict[str, str]:
    """The words a field's headings share with another field's: stem → field-name prefix.

    Where the catalogue has a heading ``X`` of field ``a`` and a heading ``q X`` of field ``b``,
    the word ``q`` turns ``a`` into ``b``.  ``piegādes`` turns city, zip, country … into
    shipping_city, shipping_zip …: prefix ``shipping_``; ``billing`` leaves the field as it is:
    prefix ``""``.  A word qualifies when every such pair (whose target field exists) agrees, and
    there are at least ``min_pairs`` different fields so turned (``min_pairs_same_field`` for a word that keeps the
    field, since it then qualifies any heading at all)."""
    unique = {k: next(iter(v)) for k, v in by_stems.items() if len(v) == 1}
    pairs: dict[str, set[tuple[str, str]]] = {}
    for longer, b in unique.items():
        for word in longer:
            a = unique.get(longer - {word})
            if a is not None:
                pairs.setdefault(word, set()).add((a, b))
    limits = _data()["qualifiers"]
    out: dict[str, str] = {}
    for word, seen in pairs.items():
        if all(a == b for a, b in seen):
            if len(seen) >= limits["min_pairs_same_field"]:
                out[word] = ""
            continue
        prefixes = {b[: -len(a)] for a, b in seen if b.endswith(a) and b != a}
        if len(prefixes) != 1:
            continue
        prefix = next(iter(prefixes))
        checked = [(a, b) for a, b in seen if prefix + a in names]
        if len(checked) >= limits["min_pairs"] and all(b == prefix + a for a, b in checked):
            out[word] = prefix
    return out


@dataclass(frozen=True)
class WordIndex:
    """The catalogue's headings by their stems: word set → the fields that have a heading of
    exactly those stems; ``dated``: the fields that hold a date; ``qualifiers``: the words that
    turn one field's heading into another's (:func:`_qualifiers`)."""

    by_stems: dict[frozenset[str], frozenset[str]]
    heads: dict[tuple[frozenset[str], str], frozenset[str]] = field(default_factory=dict)
    dated: frozenset[str] = frozenset()
    yes_no: frozenset[str] = frozenset()
    qualifiers: dict[str, str] = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    # every key asked about, answered once (header finding asks about the same cells often)
    _memo: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, headings: Iterable[tuple[str, str]], types: dict[str, str]) -> WordIndex:
        """From ``(heading key, field name)`` pairs and every field's type by its name."""
        index: dict[frozenset[str], set[str]] = {}
        heads: dict[tuple[frozenset[str], str], set[str]] = {}
        for heading, name in headings:
            words = stems(heading)
            if words:
                index.setdefault(frozenset(words), set()).add(name)
                heads.setdefault((frozenset(words), name), set()).add(words[-1])
        by_stems = {k: frozenset(v) for k, v in index.items()}
        names = frozenset(types)
        return cls(
            by_stems,
            {k: frozenset(v) for k, v in heads.items()},
            frozenset(n for n, t in types.items() if t in ("date", "datetime")),
            frozenset(n for n, t in types.items() if t == "bool"),
            _qualifiers(by_stems, names),
            names,
        )

    def _qualified(self, own: frozenset[str]) -> frozenset[str]:
        """Fields named by a qualifier word and another heading's words (``Delivery city``)."""
        found = set()
        for word in own & self.qualifiers.keys():
            base = self.by_stems.get(own - {word}, frozenset())
            if len(base) == 1 and self.qualifiers[word] + next(iter(base)) in self.names:
                found.add(self.qualifiers[word] + next(iter(base)))
        return frozenset(found)

    def candidates(self, key: str) -> frozenset[str]:
        """The fields the words of a heading's key (folded) may name: none, one (a match) or
        several (ambiguous: the heading stays unknown)."""
        if key not in self._memo:
            if len(self._memo) >= 4096:  # header rows' cells: a few hundred; never unbounded
                self._memo.clear()
            self._memo[key] = self._candidates(key)
        return self._memo[key]

    def _candidates(self, key: str) -> frozenset[str]:
        own = frozenset(stems(key))
        if not own:
            return frozenset()
        exact = self.by_stems.get(own)
        if exact is not None:
            # the same words, and the same last word: the head of the phrase ("Order total" is
            # a sum, "Total orders" a count)
            last = stems(key)[-1]
            return frozenset(n for n in exact if last in self.heads.get((own, n), ()))
        if has_blocker(key):
            return frozenset()
        qualified = self._qualified(own)
        if qualified:
            return qualified
        inside = [k for k in self.by_stems if k < own]
        specific = [k for k in inside if not any(k < other for other in inside)]
        if not specific:
            return frozenset()
        fields = frozenset(name for k in specific for name in self.by_stems[k])
        extra = own - frozenset().union(*specific)
        dates = extra & _stems_of("date_words")
        if dates and not fields <= self.dated:
            return frozenset()
        # the contained headings say most of what the heading says, or it adds generic words
        # (for a date field, a date word is one)
        if 2 * len(extra) >= len(own) and not extra - dates <= _stems_of("generic"):
            return frozenset()
        return fields

    def field_for(self, key: str) -> str | None:
        """The one field the words of a heading's key name, or ``None``."""
        found = self.candidates(key)
        return next(iter(found)) if len(found) == 1 else None

    def drops_type(self, full: str, key: str, name: str) -> bool:
        """Whether the words dropped from heading key ``full`` to ``key`` (a remark in brackets,
        a suffix) say it holds another type than field ``name``: a date (``Atteikšanās no
        jaunumiem (datums)`` is not the yes/no ``Atteikšanās no jaunumiem``) or yes/no
        (``… piedziņai (jā/nē)`` is not the date it was handed over)."""
        dropped = set(full.split()) - set(key.split())
        if {_stem(w) for w in dropped} & _stems_of("date_words") and name not in self.dated:
            return True
        return bool(dropped & _data()["yes_no_words"]) and name not in self.yes_no
