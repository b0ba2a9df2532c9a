"""The §6 field catalogue: canonical fields, their categories and heading synonyms.

The catalogue itself is data (``data/field_catalogue.toml``); this module reads it and maps a
heading as people write it to a canonical field.  Matching ignores case, spacing, diacritics,
underscores and trailing punctuation, so ``"  E-PASTS: "`` and ``"e-pasts"`` are the same heading.

>>> cat = load_catalogue()
>>> cat.field_for("Vārds, uzvārds").name
'name'
>>> cat.field_for("  PERSONAS KODS. ").category
'not-permitted'
>>> cat.field_for("favourite colour") is None
True
>>> normalise_heading("Pasūtījuma nr.")
'pasutijuma nr'
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

NOT_PERMITTED = "not-permitted"
UNCLASSIFIED = "unclassified"
_TRIM = " \t\r\n.:;,*#-_()[]"


def normalise_heading(text: str) -> str:
    """Fold a heading to its matching key: lower case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("\ufeff", "").casefold().replace("_", " ")
    plain = re.sub(r"\s+", " ", plain).strip(_TRIM)
    return re.sub(r"\s*([,.])\s*", r"\1 ", plain).strip()


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

    @property
    def kind_names(self) -> tuple[str, ...]:
        """The record kinds (``orders``, ``register``), in the catalogue's order."""
        return tuple(self.kinds)

    def field_for(self, heading: str) -> Field | None:
        """The canonical field a heading stands for, or ``None`` for an unknown heading."""
        name = self._by_heading.get(normalise_heading(heading))
        return self.fields[name] if name else None

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
