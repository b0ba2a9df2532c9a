"""The §6 field catalogue: canonical fields, their categories and heading synonyms.

The catalogue itself is data (``data/field_catalogue.toml``); this module reads it and maps a
heading as people write it to a canonical field.  A heading is folded to a key first
(:func:`normalise_heading`): case, diacritics, every punctuation mark and symbol, abbreviation
dots and spacing are ignored, so ``"Reģ. Nr."``, ``"REG NR"`` and ``"reg_nr"`` are one heading.
When the whole heading is unknown, shorter keys are tried in order (:func:`heading_keys`):
without bracketed remarks (``"Piekrišana (Jā/Nē)"``), without a unit or yes/no suffix
(``"Summa, EUR"``, ``"Piekrišana Jā/Nē"``) — unless the remark dropped says another type than
the field's (``"(datums)"`` over a yes/no synonym).  A heading no synonym matches is matched by
its words (:mod:`zimes_audit.procedure.words`: stems, abbreviations), never by a guess.

>>> cat = load_catalogue()
>>> cat.field_for("Vārds, uzvārds").name
'name'
>>> cat.field_for("  PERSONAS KODS. ").category
'not-permitted'
>>> [cat.field_for(h).name for h in ("Reģ. Nr.", "Piekrišana (Jā/Nē)", "Summa, EUR", "Tālr.")]
['company_id', 'consent_given', 'total', 'phone']
>>> [cat.field_for(h).name for h in ("Vārds", "Uzvārds", "Pers. kods", "Nr.p.k.")]
['first_name', 'last_name', 'personal_code', 'row_number']
>>> cat.field_for("favourite colour") is None
True
>>> normalise_heading("Pasūtījuma nr.")
'pasutijuma nr'
>>> heading_keys("Summa (EUR), €")
['summa eur eur', 'summa eur', 'summa']
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from zimes_audit.procedure.words import WordIndex

NOT_PERMITTED = "not-permitted"
UNCLASSIFIED = "unclassified"
#: The column-level checks' kind: one row per input column (file × heading), not a record.
COLUMNS_KIND = "columns"
#: How a column was matched to its field (``ColumnInfo.matched_by``): its heading's spelling is a
#: synonym of the catalogue or of the administrator's field map, or only its words match (stems);
#: or its values (personal codes, card numbers) made it not permitted whatever its heading.
HEADING, FIELD_MAP, WORDS, VALUES = "heading", "field map", "words", "values"
MATCHED_BY = (HEADING, FIELD_MAP, WORDS, VALUES)
# Suffixes people add to a heading that do not change what the column holds: a currency or unit,
# a yes/no hint.  Tried away only when the whole heading is unknown.
_SUFFIX = re.compile(
    r"(?:\s+(?:eur|euro|eiro|ls|usd|gab|pcs|percent|proc|ja ne|ja vai ne|yes no|y n|j n|"
    r"true false))+$"
)
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).replace("\ufeff", ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # every character that is not a letter or a digit separates words ("Reģ.Nr." = "reg nr")
    words = "".join(
        ch if unicodedata.category(ch)[0] in "LN" else " " for ch in plain.replace("€", " eur ")
    )
    return " ".join(words.split())


def normalise_heading(text: str) -> str:
    """Fold a heading to its matching key: lower case, no diacritics, no punctuation or symbols,
    single spaces.

    >>> normalise_heading("  E-PASTA_adrese: ")
    'e pasta adrese'
    >>> normalise_heading("Nr.p.k.") == normalise_heading("Nr. p. k.")
    True
    """
    return _fold(text)


def heading_keys(text: str) -> list[str]:
    """The keys a heading is looked up by, most specific first (no duplicates, none empty)."""
    full = _fold(text)
    unbracketed = _fold(_BRACKETS.sub(" ", str(text)))
    keys = [full, unbracketed, _SUFFIX.sub("", unbracketed).strip()]
    return [k for k in dict.fromkeys(keys) if k]


@dataclass(frozen=True)
class Field:
    """One canonical field of the catalogue."""

    name: str
    category: str
    type: str
    headings: tuple[str, ...]
    personal: bool = False
    scan: bool = False
    validate: str | None = None  # "email" or "phone"
    local: bool = False  # declared by the administrator's field map, not by the package


@dataclass(frozen=True)
class Kind:
    """A kind of input file, recognised from its headings."""

    name: str
    label: str
    record_id: str
    requires: tuple[str, ...]
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    fields: dict[str, Field]
    kinds: dict[str, Kind]
    paid_statuses: tuple[str, ...] = ()
    category_labels: dict[str, str] = field(default_factory=dict)
    _by_heading: dict[str, str] = field(repr=False, default_factory=dict)
    _mapped: frozenset[str] = field(repr=False, default=frozenset())  # keys the field map set

    @cached_property
    def words(self) -> WordIndex:
        """Every heading the catalogue knows, by its stems (:mod:`zimes_audit.procedure.words`)."""
        return WordIndex.build(
            self._by_heading.items(), {f.name: f.type for f in self.fields.values()}
        )

    @property
    def kind_names(self) -> tuple[str, ...]:
        """The record kinds (``orders``, ``register``), in the catalogue's order."""
        return tuple(self.kinds)

    def field_for(self, heading: str) -> Field | None:
        """The canonical field a heading stands for, or ``None`` for an unknown heading."""
        found = self.match(heading)
        return found[0] if found else None

    def match(self, heading: str) -> tuple[Field, str] | None:
        """The field a heading stands for and how it was matched (``MATCHED_BY``): by its spelling
        (``"heading"``: a synonym of the catalogue), by the administrator's field map
        (``"field map"``) or only by its words (``"words"``, :mod:`zimes_audit.procedure.words`).
        An exact synonym always wins over words.

        >>> cat = load_catalogue()
        >>> [(f.name, by) for f, by in map(cat.match, ("E-pasts", "Klientu e-pasta adreses"))]
        [('email', 'heading'), ('email', 'words')]
        """
        keys = heading_keys(heading)
        for key in keys:
            name = self._by_heading.get(key)
            if name and self.words.drops_type(keys[0], key, name):
                return None  # "(datums)" said it is a date: not this field, nor a guess
            if name:
                return self.fields[name], FIELD_MAP if key in self._mapped else HEADING
        name = self.words.field_for(normalise_heading(heading))  # every word counts, remarks too
        return (self.fields[name], WORDS) if name else None

    def heading_index(self) -> dict[str, str]:
        """Every heading key the catalogue knows → its field name."""
        return dict(self._by_heading)

    def with_field_map(self, field_map) -> Catalogue:
        """This catalogue with the administrator's field map applied
        (:mod:`zimes_audit.procedure.field_map`): its fields added, its headings winning."""
        if field_map is None:
            return self
        fields = {**self.fields, **field_map.fields}
        by_heading = dict(self._by_heading)
        mapped: set[str] = set()
        for f in field_map.fields.values():
            for heading in (f.name, *f.headings):
                by_heading[normalise_heading(heading)] = f.name
                mapped.add(normalise_heading(heading))
        for heading, name in field_map.headings.items():
            by_heading[normalise_heading(heading)] = name
            mapped.add(normalise_heading(heading))
        return Catalogue(
            fields, self.kinds, self.paid_statuses, self.category_labels, by_heading,
            frozenset(mapped),
        )  # fmt: skip

    def names(self, *, category: str | None = None, type: str | None = None) -> list[str]:
        return [
            f.name
            for f in self.fields.values()
            if (category is None or f.category == category) and (type is None or f.type == type)
        ]

    @property
    def not_permitted(self) -> list[str]:
        return self.names(category=NOT_PERMITTED)

    @property
    def scanned(self) -> list[str]:
        """Free-text fields scanned for personal codes and card numbers."""
        return [f.name for f in self.fields.values() if f.scan]

    def validated_as(self, kind: str) -> list[str]:
        """Fields checked for validity as ``kind`` (``"email"`` or ``"phone"``, §12.4)."""
        return [f.name for f in self.fields.values() if f.validate == kind]


def _build(raw: dict) -> Catalogue:
    fields = {
        name: Field(
            name=name,
            category=spec["category"],
            type=spec["type"],
            headings=tuple(spec["headings"]),
            personal=spec.get("personal", False),
            scan=spec.get("scan", False),
            validate=spec.get("validate"),
        )
        for name, spec in raw["fields"].items()
    }
    kinds = {
        name: Kind(
            name, spec["label"], spec["record_id"], tuple(spec["requires"]), tuple(spec["any_of"])
        )
        for name, spec in raw["kinds"].items()
    }
    by_heading: dict[str, str] = {}
    for f in fields.values():
        for heading in (f.name, *f.headings):
            key = normalise_heading(heading)
            owner = by_heading.setdefault(key, f.name)
            if owner != f.name:
                raise ValueError(f"heading {heading!r} is claimed by {owner} and {f.name}")
    paid = tuple(v.casefold() for v in raw["values"]["paid_statuses"])
    labels = dict(raw["categories"])
    unknown = {f.category for f in fields.values()} - set(labels)
    if unknown:
        raise ValueError(f"categories without a label: {sorted(unknown)}")
    return Catalogue(fields, kinds, paid, labels, by_heading)


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package."""
    text = (
        resources.files("zimes_audit.procedure.data")
        .joinpath("field_catalogue.toml")
        .read_text("utf-8")
    )
    return _build(tomllib.loads(text))


#: §6 category → its label, in the catalogue's order (data: ``[categories]``).
CATEGORY_LABELS = load_catalogue().category_labels
