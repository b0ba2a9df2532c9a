"""The workbook's words, as data (``data/labels.toml``): Latvian by default, English on request.

Code keys on ids (rule ids, action names, statuses, resolution ids); a person reads the labels.
Reading a filled workbook back accepts the labels of either language.

>>> lv, en = labels("lv"), labels("en")
>>> lv.sheet("flagged"), en.sheet("flagged")
('Atzīmētie', 'Flagged')
>>> lv.status("done_still_present")
'atzīmēts kā izdarīts, bet joprojām ir'
>>> resolution_id("Izņēmums"), resolution_id(" not applicable "), resolution_id("maybe")
('exception', 'not_applicable', None)
>>> resolution_id("DZESTS"), resolution_id("nav attiecinams"), resolution_id("Gatavs")
('deleted', 'not_applicable', None)
>>> lv.detail("relationship ended; email, phone still kept during the accounting hold")
'attiecības beigušās; email, phone joprojām glabāts grāmatvedības glabāšanas laikā'
>>> lv.detail("personal code (old format) in Piezīmes")
'personas kods (vecais formāts) laukā Piezīmes'
>>> lv.detail("personal code (new format) in vat_id; personal code (old format) in notes")
'personas kods (jaunais formāts) laukā vat_id; personas kods (vecais formāts) laukā notes'
>>> en.detail("payment-card number in notes")
'payment-card number in notes'
>>> lv.steps("FIX_DATA", "DATA-INACCURATE", "register", count=3, field="E-pasts", file="k.xlsx", until="")
'k.xlsx: 3 ierakstiem labot E-pasts kopā ar klientu (12.4.).'
>>> from zimes_audit.loading.discover import Skipped
>>> lv.skipped(Skipped("README.md", "not a data file")), en.skipped(Skipped("a.csv", "not a data file"))
('README.md — nav datu fails', 'a.csv — not a data file')
>>> lv.skipped(Skipped("b.csv", "the same bytes as a.csv, read once"))
'b.csv — tāds pats saturs kā a.csv; nolasīts vienreiz'
>>> lv.steps("STOP_MARKETING", "X", "register", count=1), lv.steps("STOP_MARKETING", "X", "register", count=2)
('Nekavējoties izslēgt 1 klientu no komerciālajiem paziņojumiem.', 'Nekavējoties izslēgt 2 klientus no komerciālajiem paziņojumiem.')
>>> lv.steps("REDACT_FIELD", "X", "orders", count=21, field="notes", file="o.csv", until="")
'Mozello → Pasūtījumi: 21 pasūtījumam notīrīt notes (atrast pēc pasūtījuma nr. lapā Atzīmētie).'
>>> lv.counted("summary", "rows", 1), lv.counted("summary", "rows", 11), en.counted("summary", "rows", 1)
('1 rinda', '11 rindas', '1 row')
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from zimes_audit.words.plural import choose

LANGUAGES = ("lv", "en")
DEFAULT_LANGUAGE = "lv"


@cache
def _raw() -> dict:
    text = resources.files("zimes_audit.words.data").joinpath("labels.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def pattern(template: str) -> re.Pattern:
    """A template's regular expression: ``{format}`` without brackets or ``;``, ``{option}``
    one word (a command-line option's name), every other placeholder (``{field}``, ``{name}``
    …) without the ``"; "`` that joins two details.

    >>> pattern("argument {option}: {message}").fullmatch("argument --as-of: x: y")["option"]
    '--as-of'
    """
    parts = re.split(r"(\{\w+\})", template)
    body = "".join(
        f"(?P<{p[1:-1]}>[^;()]+)"
        if p == "{format}"
        else r"(?P<option>\S+)"
        if p == "{option}"
        else f"(?P<{p[1:-1]}>(?:(?!; ).)+)"
        if re.fullmatch(r"\{\w+\}", p)
        else re.escape(p)
        for p in parts
    )
    return re.compile(body + r"\Z")


def translated(templates: dict, text: str, words: dict | None = None, **fields: str) -> str | None:
    """``text`` matched against the English keys of ``templates`` and written in their
    wording — a placeholder filled from ``fields`` rather than the match where given, and a
    matched value ``words`` knows in its words — or ``None``.

    >>> translated({"cannot be read: {why}": "nevar nolasīt: {why}"}, "cannot be read: x", why="y")
    'nevar nolasīt: y'
    >>> translated({"a {kind}": "{kind}"}, "a socket", {"socket": "sokets"})
    'sokets'
    >>> translated({"x ({who})": "y ({who})"}, "x (process 7 on h)", {"process {n} on {h}": "{n} @ {h}"})
    'y (7 @ h)'
    """
    words = words or {}
    for template, wording in templates.items():
        match = pattern(template).fullmatch(text)
        if match:
            found = {
                k: words.get(v) or (translated(words, v) if words else None) or v
                for k, v in match.groupdict().items()
            }
            return wording.format(**{**found, **fields})
    return None


@dataclass(frozen=True)
class Labels:
    language: str
    table: dict

    def _get(self, group: str, key: str) -> str:
        return self.table[group].get(key, key)

    def sheet(self, key: str) -> str:
        return self._get("sheets", key)

    def heading(self, key: str) -> str:
        return self._get("headings", key)

    def summary(self, key: str) -> str:
        return self._get("summary", key)

    def status(self, key: str) -> str:
        return self._get("statuses", key)

    def severity(self, key: str) -> str:
        return self._get("severities", key)

    def action(self, key: str) -> str:
        return self._get("actions", key)

    def kind(self, key: str) -> str:
        return self._get("kinds", key)

    @property
    def resolutions(self) -> list[str]:
        return list(self.table["resolutions"].values())

    def resolution(self, key: str) -> str:
        return self._get("resolutions", key)

    def detail(self, text: str, rename=None) -> str:
        """A finding's detail (English, possibly several joined by ``; ``) in this language,
        with the field names in it passed through ``rename`` (e.g. to the file's heading)."""
        if not isinstance(text, str):
            return text
        parts, out, start = text.split("; "), [], 0
        while start < len(parts):
            # a template may itself hold "; ": try the longest run of parts first
            for end in range(len(parts), start, -1):
                translated = self._one_detail("; ".join(parts[start:end]), rename)
                if translated is not None:
                    out.append(translated)
                    start = end
                    break
            else:
                out.append(parts[start])
                start += 1
        return "; ".join(out)

    def _one_detail(self, part: str, rename) -> str | None:
        for template in _raw()["lv"]["details"]:
            match = pattern(template).fullmatch(part)
            if match:
                found = {"field": "", "format": "", **match.groupdict()}
                found["format"] = self.table["formats"].get(found["format"], found["format"])
                if rename is not None and found["field"]:
                    found["field"] = ", ".join(rename(f) for f in found["field"].split(", "))
                return self.table["details"].get(template, template).format(**found)
        return None

    def say(self, group: str, key: str, count: int | None = None, **fields: object) -> str:
        """Any text a person reads, from the catalogue's ``[<language>.<group>]`` table, its
        ``{placeholders}`` filled from ``fields``; with ``count``, the form that number takes
        (:mod:`.plural`) and ``{count}`` filled too. Every reader of the catalogue (console,
        inventory, errors, ``audit.html``, the review) goes through here, one group each.

        >>> labels("lv").say("summary", "rows", count=21), labels("en").say("sheets", "flagged")
        ('21 rinda', 'Flagged')
        """
        text = self.table[group][key]
        if count is not None:
            text = choose(text, count, self.language)
            fields = {"count": count, **fields}
        return text.format(**fields) if fields else text

    def counted(self, group: str, key: str, count: int) -> str:
        """A count phrase of ``group`` in the form ``count`` takes (:mod:`.plural`)."""
        return choose(self.table[group][key], count, self.language).format(count=count)

    def skipped(self, item) -> str:
        """A file left out of the run (:class:`~zimes_audit.loading.discover.Skipped`, or its
        one line) in this language: its name and why (a reason no template knows is named
        by its kind only; the console gives the details)."""
        name, reason = getattr(item, "name", None), getattr(item, "reason", None)
        if name is None:
            return str(item)
        words = self.table["skipped"]
        why = translated(words["reasons"], reason) or words["other"].format(reason=reason)
        return words["line"].format(name=name, reason=why)

    def left_out(self, item, group: str = "console") -> str:
        """A file left out of a run (:class:`~zimes_audit.loading.discover.Skipped`) as the
        console (``group``) or the inventory writes it: its name and why in full, an error's
        reason in this language.

        >>> from zimes_audit.loading.discover import Skipped
        >>> labels("lv").left_out(Skipped("zimes-fields.toml", "the field map, not a data file"))
        'zimes-audit: zimes-fields.toml: izlaists (lauku karte, nav datu fails).'
        >>> labels("en").left_out(Skipped("README.md", "not a data file"), "inventory")
        'README.md: skipped (not a data file).'
        """
        from zimes_audit.errors import one_line

        error = getattr(item, "error", None)
        why = {"why": error.reason(self.language).rstrip(".")} if error is not None else {}
        phrases = self.table["errors"].get("phrases", {})
        reason = translated(self.table["console"]["phrases"], item.reason, phrases, **why)
        reason = reason or item.reason
        return self.say(group, "skipped", name=one_line(item.name), reason=reason)

    def spoken_fields(self, text: str) -> str:
        """A list of catalogue fields as loading speaks them (``order id or customer id``,
        ``created at, total``) in this language: each field by its name (``[fields]``), the
        words joining them by ``[errors.joiners]``.

        >>> labels("lv").spoken_fields("customer id and relationship start or order id")
        'klienta nr. un attiecību sākums vai pasūtījuma nr.'
        """
        joiners = self.table["errors"]["joiners"]
        parts = re.split(r"(, | or | and )", text)
        return "".join(
            joiners.get(p, p) if i % 2 else self.table["fields"].get(p.replace(" ", "_"), p)
            for i, p in enumerate(parts)
        )

    def kind_reason(self, text: str) -> str:
        """Why a file is no kind, or both (loading's English: ``no order id or customer id
        column``, ``orders headings: … (2) vs register headings: … (2)``), in this language by
        the templates of ``[errors.kind_reasons]``: field lists by :meth:`spoken_fields`, a
        kind (``{kind}``, ``{other}``) by ``[inventory.values.kind]``; else as it is.

        >>> labels("lv").kind_reason("order id column present but none of created at, total")
        'ir kolonna pasūtījuma nr., bet nav neviena no šiem: pasūtījuma datums, summa'
        """
        kinds = self.table["inventory"].get("values", {}).get("kind", {})
        for template, wording in self.table["errors"]["kind_reasons"].items():
            match = pattern(template).fullmatch(text)
            if match:
                found = {
                    k: self.spoken_fields(v)
                    if k in ("fields", "keys", "others")
                    else kinds.get(v, v)
                    for k, v in match.groupdict().items()
                }
                return wording.format(**found)
        return text

    def steps(self, action_id: str, rule: str, kind: str, **values: object) -> str:
        """The concrete steps of a bulk job (most specific template first), its count phrase
        in the form ``values["count"]`` takes (:mod:`.plural`)."""
        steps = self.table["steps"]
        for key in (
            f"{rule}.{action_id}.{kind}",
            f"{rule}.{action_id}",
            f"{action_id}.{kind}",
            action_id,
        ):
            if key in steps:
                text = choose(steps[key], int(values.get("count") or 0), self.language)
                return text.format(**{"action": self.action(action_id), **values})
        return self.action(action_id)


def labels(language: str = DEFAULT_LANGUAGE) -> Labels:
    if language not in LANGUAGES:
        raise ValueError(language)
    return Labels(language, _raw()[language])


def derived_sources(kind: str) -> dict[str, list[str]]:
    """Per derived field of ``kind``, the canonical fields it is computed from."""
    return dict(_raw().get("derived", {}).get(kind, {}))


def _folded(text: str) -> str:
    """``text`` with case, diacritics and runs of spaces ignored (``Dzēsts`` = ``DZESTS``)."""
    plain = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def resolution_id(text: object) -> str | None:
    """The resolution id of a drop-down label in either language — case, diacritics and spaces
    ignored, as people type them over the drop-down — or ``None``."""
    if not isinstance(text, str) or not text.strip():
        return None
    wanted = _folded(text)
    for language in LANGUAGES:
        for key, label in _raw()[language]["resolutions"].items():
            if _folded(label) == wanted or key.replace("_", " ") == wanted:
                return key
    return None


def heading_keys(text: object) -> str | None:
    """The heading id of a column heading in either language."""
    if not isinstance(text, str):
        return None
    wanted = text.strip().casefold()
    for language in LANGUAGES:
        for key, label in _raw()[language]["headings"].items():
            if label.casefold() == wanted:
                return key
    return None


def sheet_key(name: str) -> str | None:
    """The sheet id of a sheet name in either language (``Flagged (2)`` → ``flagged``)."""
    base = re.sub(r" \(\d+\)\Z", "", name)
    for language in LANGUAGES:
        for key, label in _raw()[language]["sheets"].items():
            if label == base:
                return key
    return None
