"""The administrator's field map: their own headings and fields, without editing the package (§6).

A small TOML file, ``zimes-fields.toml`` beside the exports (or ``--fields FILE``), that teaches
the audit what the catalogue does not know:

.. code-block:: toml

    # a heading of our own files that means a field the catalogue has
    [headings]
    "Klienta Nr. (iekšējais)" = "customer_id"

    # a field of our own, with its §6 category
    [fields.gift_card_message]
    category = "6.5"                   # 6.1 … 6.8, operational or not-permitted
    headings = ["Dāvanu kartes ziņa"]
    # type = "text"                    # text (default), code, date, datetime, bool, number
    # scan = true                      # scanned for personal codes and card numbers (default:
    #                                  # text and code fields that are permitted)

A field-map heading wins over the catalogue's reading of the same heading.  A declared field is
audited like a catalogue field of its category: a ``not-permitted`` one raises FIELD-UNPERMITTED
per record holding a value, a scanned one is scanned for personal codes and card numbers.  Every
mistake is a :class:`zimes_audit.errors.FieldMapError` naming the file and line.

>>> fm = parse_field_map('[headings]\\n"Klienta Nr. (iekšējais)" = "customer_id"\\n'
...                      '[fields.gift_card_message]\\ncategory = "6.5"\\n'
...                      'headings = ["Dāvanu kartes ziņa"]\\n', "zimes-fields.toml")
>>> cat = load_catalogue().with_field_map(fm)
>>> cat.field_for("klienta nr iekšējais").name, cat.field_for("DĀVANU KARTES ZIŅA").category
('customer_id', '6.5')
>>> cat.fields["gift_card_message"].scan, cat.fields["gift_card_message"].local
(True, True)
>>> parse_field_map('[fields.x]\\ncategory = "6.9"\\n', "f.toml")
Traceback (most recent call last):
...
zimes_audit.errors.FieldMapError: f.toml: line 2: [fields.x] category must be one of 6.1, \
6.2, 6.3, 6.4, 6.5, 6.6, 6.7, 6.8, operational, not-permitted. ...
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zimes_audit.errors import FieldMapError
from zimes_audit.procedure.catalogue import (
    CATEGORY_LABELS,
    NOT_PERMITTED,
    UNCLASSIFIED,
    Catalogue,
    Field,
    heading_keys,
    load_catalogue,
    normalise_heading,
)
from zimes_audit.words.labels import DEFAULT_LANGUAGE, Labels, labels

FILE_NAME = "zimes-fields.toml"
CATEGORIES = tuple(c for c in CATEGORY_LABELS if c != UNCLASSIFIED)
TYPES = ("text", "code", "date", "datetime", "bool", "number")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_FIELD_KEYS = {"category", "type", "headings", "scan", "personal"}


@dataclass(frozen=True)
class FieldMap:
    """A parsed field map: headings → field names, the declared fields, and where it came from."""

    headings: dict[str, str]
    fields: dict[str, Field]
    source: str
    sha256: str

    def summary(self) -> dict:
        """What the manifest records of it (no personal values: headings and field names)."""
        return {
            "path": self.source,
            "sha256": self.sha256,
            "headings": len(self.headings),
            "fields": {name: f.category for name, f in self.fields.items()},
        }


def _line(text: str, *needles: str) -> int:
    """The 1-based line of the first needle found in ``text`` (1 when none is)."""
    for needle in needles:
        at = text.find(needle)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _fail(source: str, text: str, needles: tuple[str, ...], problem: str, **facts) -> FieldMapError:
    """The error at the line of the first of ``needles`` found; ``problem`` is a key of
    ``[<language>.errors.problems]`` (:class:`~zimes_audit.errors.FieldMapError`)."""
    return FieldMapError(source, line=_line(text, *needles), problem=problem, **facts)


def _field(name: str, spec: object, source: str, text: str, catalogue: Catalogue) -> Field:
    where = (f"[fields.{name}]", f'[fields."{name}"]')
    if not isinstance(spec, dict):
        raise _fail(source, text, (name,), "not_a_table", name=name)
    if not _NAME.match(name):
        raise _fail(source, text, where, "field_name", name=name)
    if name in catalogue.fields:
        raise _fail(source, text, where, "catalogue_field", name=name)
    unknown = sorted(set(spec) - _FIELD_KEYS)
    if unknown:
        raise _fail(source, text, (unknown[0],), "unknown_key", name=name, entry=unknown[0])

    def key_line(key: str) -> tuple[str, ...]:
        """The text of the line that sets ``key`` inside this field's table (for _fail)."""
        lines = text.split("\n")
        for candidate in lines[_line(text, *where) :]:
            if candidate.lstrip().startswith("["):
                break
            if re.match(rf"\s*{re.escape(key)}\s*=", candidate):
                return (candidate,)
        return where

    category = spec.get("category")
    if category not in CATEGORIES:
        needles = key_line("category") if category else where
        raise _fail(source, text, needles, "category", name=name, choices=", ".join(CATEGORIES))
    type_ = spec.get("type", "text")
    if type_ not in TYPES:
        raise _fail(source, text, key_line("type"), "type", name=name, choices=", ".join(TYPES))
    headings = spec.get("headings", [])
    if not isinstance(headings, list) or not all(
        isinstance(h, str) and h.strip() for h in headings
    ):
        raise _fail(source, text, key_line("headings"), "headings", name=name)
    flags = {}
    for flag in ("scan", "personal"):
        if flag in spec and not isinstance(spec[flag], bool):
            raise _fail(source, text, (flag,), "flag", name=name, flag=flag)
        flags[flag] = spec.get(flag)
    scan = flags["scan"]
    if scan is None:
        scan = type_ in ("text", "code") and category != NOT_PERMITTED
    personal = flags["personal"]
    if personal is None:
        personal = category in ("6.1", "6.2", "6.4", "6.8", NOT_PERMITTED)
    return Field(name, category, type_, tuple(headings), personal, scan, None, local=True)


def parse_field_map(
    text: str, source: str, catalogue: Catalogue | None = None, *, sha256: str | None = None
) -> FieldMap:
    """Parse and validate a field map's text; ``source`` names it in errors."""
    catalogue = catalogue or load_catalogue()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else 1
        raise FieldMapError(source, line=line, problem="not_toml") from None
    unknown = sorted(set(raw) - {"headings", "fields"})
    if unknown:
        needles = (f"[{unknown[0]}", unknown[0])
        raise _fail(source, text, needles, "unknown_section", section=unknown[0])
    fields_raw = raw.get("fields", {})
    if not isinstance(fields_raw, dict):
        raise _fail(source, text, ("fields",), "fields_not_tables")
    fields = {
        name: _field(name, spec, source, text, catalogue) for name, spec in fields_raw.items()
    }
    headings_raw = raw.get("headings", {})
    if not isinstance(headings_raw, dict):
        raise _fail(source, text, ("headings",), "headings_not_table")
    headings: dict[str, str] = {}
    for heading, target in headings_raw.items():
        where = (f'"{heading}"', heading)
        if not isinstance(target, str):
            raise _fail(source, text, where, "heading_not_quoted", heading=heading)
        if target not in catalogue.fields and target not in fields:
            near = difflib.get_close_matches(target, [*catalogue.fields, *fields], n=1)
            problem = "heading_unknown_field_near" if near else "heading_unknown_field"
            raise _fail(source, text, where, problem, heading=heading, target=target,
                        near="".join(near))  # fmt: skip
        if not normalise_heading(heading):
            raise _fail(source, text, where, "heading_empty")
        headings[heading] = target
    claimed: dict[str, str] = {}
    for name, f in fields.items():
        pairs = [(h, name) for h in f.headings]
        for heading, target in [*pairs, *headings.items()]:
            key = normalise_heading(heading)
            owner = claimed.setdefault(key, target)
            if owner != target:
                needles = (f'"{heading}"', heading)
                raise _fail(source, text, needles, "heading_twice", heading=heading, first=owner,
                            second=target)  # fmt: skip
    sha = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()  # of the file's bytes
    return FieldMap(headings, fields, source, sha)


def load_field_map(path: str | Path) -> FieldMap:
    """Read and validate the field map at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise FieldMapError(path, line=1, problem="unreadable") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FieldMapError(path, line=1, problem="not_utf8_text") from None
    return parse_field_map(text, str(path), sha256=hashlib.sha256(data).hexdigest())


def find_field_map(inputs: Sequence[str | Path]) -> Path | None:
    """The ``zimes-fields.toml`` beside the inputs (in a folder given, or beside a file given).

    Several different ones are refused: the audit would not know which to apply."""
    found: dict[Path, None] = {}
    for given in map(Path, inputs):
        folder = given if given.is_dir() else given.parent
        candidate = folder / FILE_NAME
        if candidate.is_file():
            found.setdefault(candidate.resolve())
    if len(found) > 1:
        first, second = list(found)[:2]
        raise FieldMapError(second, line=1, problem="second_map", first=first)
    return next(iter(found), None)


def resolve_field_map(inputs: Sequence[str | Path], fields: str | Path | None) -> FieldMap | None:
    """The field map to apply: ``--fields FILE`` when given, else one found beside the inputs."""
    path = Path(fields) if fields else find_field_map(inputs)
    return load_field_map(path) if path is not None else None


def suggestions(heading: str, catalogue: Catalogue, n: int = 3) -> list[str]:
    """The catalogue fields whose headings are nearest to ``heading`` (normalised, difflib).

    >>> suggestions("Mīļākā krāsa", load_catalogue())
    []
    >>> suggestions("Klienta e-pasta adrese", load_catalogue())[0]
    'email'
    """
    keys = catalogue.heading_index()
    best: dict[str, None] = {}
    for key in heading_keys(heading):
        for match in difflib.get_close_matches(key, list(keys), n=8, cutoff=0.6):
            best.setdefault(keys[match])
    return list(best)[:n]


def _slug(heading: str) -> str:
    slug = normalise_heading(heading).replace(" ", "_")
    slug = re.sub(r"[^a-z0-9_]", "", slug).strip("_") or "field"
    return slug if slug[0].isalpha() else f"field_{slug}"


def toml_lines(
    heading: str, catalogue: Catalogue, suggested: tuple[str, str] | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[str]:  # fmt: skip
    """The lines to paste into the field map for an unknown heading: a new field whose category
    is left for the administrator to decide, and the nearest catalogue fields to map it to instead
    — first the field its values suggest, if ``suggested`` (field, evidence in counts, already in
    ``language``).  The TOML is the same in every language; its comments are the catalogue's
    (``paste_*`` of ``[<language>.inventory]``), a field named by its id and, in Latvian, its name.

    >>> print("\\n".join(toml_lines("Dāvanu kartes ziņa", load_catalogue(), language="en")))
    [fields.davanu_kartes_zina]
    category = "?"  # decide: 6.1 … 6.8, operational or not-permitted
    headings = ["Dāvanu kartes ziņa"]
    >>> print("\\n".join(toml_lines("Kontakts", load_catalogue(),
    ...                              ("email", "9 of 9 values are valid e-mail addresses"), "en")[:2]))
    # its values suggest email (9 of 9 values are valid e-mail addresses); if so, under [headings]:
    # "Kontakts" = "email"
    >>> print("\\n".join(toml_lines("Tālr.", load_catalogue())))  # Latvian: the default
    [fields.talr]
    category = "?"  # izlemiet: 6.1 … 6.8, operational vai not-permitted
    headings = ["Tālr."]
    # vai, ja tas ir kāds no laukiem phone (tālrunis), total (summa): sadaļā [headings] "Tālr." = "phone"
    """
    lab = labels(language)
    quoted = json.dumps(heading, ensure_ascii=False)[1:-1]  # a TOML basic string: \n, \", \\
    name = _slug(heading)
    while name in catalogue.fields:
        name += "_own"
    lines = []
    if suggested:
        field, evidence = suggested
        lines += [
            lab.say("inventory", "paste_suggest", field=_named(lab, field), evidence=evidence),
            f'# "{quoted}" = "{field}"',
        ]
    lines += [
        f"[fields.{name}]",
        f'category = "?"  {lab.say("inventory", "paste_category")}',
        f'headings = ["{quoted}"]',
    ]
    near = suggestions(heading, catalogue)
    if near:
        fields = ", ".join(_named(lab, f) for f in near)
        lines.append(
            lab.say("inventory", "paste_near", fields=fields, heading=quoted, field=near[0])
        )
    return lines


def _named(lab: Labels, field: str) -> str:
    """A catalogue field in a comment: its id (what is typed), and its name where the language
    has one (``email (e-pasts)``)."""
    name = lab.table["fields"].get(field)
    return f"{field} ({name})" if name else field
