"""The auditor's pages (``audit.html`` and the review) in the reader's language.

The notebooks show the run's saved tables and the catalogue's texts
(``words/data/labels.toml``, groups ``html`` and ``review``); this module puts the one into the
other's words.  A table shown through :meth:`Page.table` gets

- its column headings from ``[<lang>.html.columns]`` (an empty label leaves the column out: the
  actions table carries "what to do" in both languages);
- its word cells (row labels, verdicts, kinds, categories, yes/no) from ``[<lang>.html.words]``,
  templates with ``{placeholders}`` included; rule reasons, actions, severities, kinds and
  finding details from the catalogues that already hold them;
- every field by the heading the file itself gives it (issue 28: never the catalogue's
  ``snake_case`` name), a field no input has by its name in the page's language
  (``[<lang>.fields]``: the policy's ``shipping_phone`` is *saņēmēja tālrunis*);
- dates as ``DD.MM.YYYY`` in Latvian (``YYYY-MM-DD`` in English), a UTC time after the date
  (``… 16:57:05 UTC``, not ISO's ``T…+00:00``).

Values from the inputs (file names, headings, record keys, masked customers, notes) are never
translated.

>>> page = Page("lv", headings=pd.DataFrame({"file": ["k.xlsx"], "heading": ["Attiecību beigas"],
...                                          "field": ["relationship_end"]}))
>>> t = pd.DataFrame({"source_file": ["k.xlsx"], "rule_id": ["RETENTION-EXPIRED"],
...     "field": ["relationship_end"], "due_date": ["2026-12-30"], "success": [False]})
>>> page.table(t).to_dict("records")
[{'fails': 'k.xlsx', 'noteikums': 'RETENTION-EXPIRED', 'lauks': 'Attiecību beigas', 'termiņš': '30.12.2026', 'izpildīta': 'nē'}]
>>> page.cell("days to resolve DELETE"), page.cell("orders"), page.date("2026-11-30T16:57:05+00:00")
('dienas atrisināšanai: Dzēst', 'pasūtījumi', '30.11.2026 16:57:05 UTC')
>>> page.table(pd.DataFrame({"item": ["report folder", "audit date (as of)"],
...                          "value": ["2026-11-30", "2026-11-30"]})).values.tolist()
[['pārskata mape', '2026-11-30'], ['audita datums', '30.11.2026']]
>>> page.date("2026-11"), page.fields("email;phone"), page.fields("relationship_end, notes")
('11.2026', 'e-pasts;tālrunis', 'Attiecību beigas, piezīmes')
>>> Page("en").fields("email, shipping_phone")
'email, shipping phone'
>>> Page("en").cell("days to resolve DELETE"), Page("en").date("2026-11-30")
('days to resolve: Delete', '2026-11-30')
>>> Page("en").date("2026-11-30T16:57:05+00:00")
'2026-11-30 16:57:05 UTC'
>>> page.say("findings", count=21), page.say("findings", count=11)
('21 konstatējums', '11 konstatējumi')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from zimes_audit.words.labels import DEFAULT_LANGUAGE, Labels, labels, pattern
from zimes_audit.words.plural import choose

#: Columns whose cells come from the inputs or identify something: shown as they are.
AS_THEY_ARE = frozenset(
    {"file", "source_file", "heading", "record_id", "customer", "note", "decided_by", "sha256",
     "run_id", "request_id", "sha256 (manifest)", "sha256 (now)", "output", "path", "suite",
     "expectation", "covered", "left", "sheet"}
)  # fmt: skip
#: Rows of a two-column table (label, value) whose value is a name, shown as it is (a report
#: folder is named by its audit date: "2026-11-30" stays the folder's name, not a date).
NAMED_ROWS = frozenset({"report folder", "policy file"})
#: Columns holding canonical field names (one, or several joined by ", ").
FIELD_COLUMNS = ("field", "column")
FILE_COLUMNS = ("file", "source_file")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(\+00:00|Z)?)?")
ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class Page:
    """The words of one page: ``group`` (``html`` or ``review``) in ``language``, the fields
    named by ``headings`` (the run's ``columns`` table: file, heading, field)."""

    language: str = DEFAULT_LANGUAGE
    group: str = "html"
    headings: pd.DataFrame | None = None
    lab: Labels = field(init=False, repr=False)

    def __post_init__(self):
        self.lab = labels(self.language or DEFAULT_LANGUAGE)
        self.language = self.lab.language

    # ------------------------------------------------------------------------- texts
    def say(self, key: str, count: int | None = None, **fields: object) -> str:
        """A text of this page's group (or, failing that, of ``html``)."""
        group = self.group if key in self.lab.table.get(self.group, {}) else "html"
        return self.lab.say(group, key, count, **fields)

    def text(self, key: str, **fields: object):
        """A text of the catalogue as Markdown the notebook displays."""
        from IPython.display import Markdown

        return Markdown(self.say(key, **fields))

    def date(self, value: object) -> object:
        """An ISO date or UTC time in this language's form (other values unchanged)."""
        if isinstance(value, pd.Timestamp):
            value = value.isoformat()
        if not isinstance(value, str):
            return value
        if self.language != "lv":
            match = ISO_DATE.fullmatch(value.strip())
            if not (match and match[4]):
                return value
            return f"{match[1]}-{match[2]}-{match[3]} {match[4]}" + (" UTC" if match[5] else "")
        month = ISO_MONTH.fullmatch(value.strip())
        if month:
            return f"{month[2]}.{month[1]}"
        match = ISO_DATE.fullmatch(value.strip())
        if not match:
            return value
        year, month, day, time, utc = match.groups()
        shown = f"{day}.{month}.{year}"
        return shown + (f" {time}" if time else "") + (" UTC" if utc else "")

    # ------------------------------------------------------------------------- words
    @cached_property
    def _words(self) -> dict[str, str]:
        return self.lab.table["html"]["words"]

    @cached_property
    def _columns(self) -> dict[str, str]:
        return self.lab.table["html"]["columns"]

    def _templated(self, table: dict, text: str) -> str | None:
        """``text`` by ``table``: its own entry, or the first template (``{name}``) it fits,
        each placeholder's value in this language by its name (:meth:`_placeholder`); a
        wording of two forms takes the one its ``{count}`` needs (:mod:`zimes_audit.words.plural`)."""
        if text in table and "{" not in text:
            return choose(table[text], 0, self.language)
        for template, wording in table.items():
            if "{" in template:
                match = pattern(template).fullmatch(text)
                if match:
                    found = match.groupdict()
                    count = int(found["count"]) if found.get("count", "").isdigit() else 0
                    values = {k: self._placeholder(k, v) for k, v in found.items()}
                    return choose(wording, count, self.language).format(**values)
        return None

    def _placeholder(self, name: str, value: str) -> object:
        if name == "action":
            return self.lab.table["actions"].get(value, value)
        if name in ("as_of", "date"):
            return self.date(value)
        if name in ("kind", "category"):
            return self._words.get(value, value)
        if name == "columns":
            return self.fields(value)
        return value

    def cell(self, text: object) -> object:
        """A word cell in this language: a catalogue word, an action, a kind, a severity, a
        list of field names, a date; anything else unchanged."""
        if isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str):
            return text
        for group in ("actions", "severities"):
            if text in self.lab.table[group]:
                return self.lab.table[group][text]
        shown = self._templated(self._words, text)
        if shown is not None:
            return shown
        if self._all_fields(text):
            return self.fields(text)
        return self.date(text)

    def chart(self, figure):
        """A chart (a matplotlib ``Figure`` of :mod:`.charts`) in this page's words: every
        title, axis label, legend entry and fixed tick label through ``[<lang>.html.charts]``
        (else as a word cell: actions, kinds, dates)."""
        from matplotlib.text import Text
        from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter

        def shown(text: str) -> str:
            found = self._templated(self._charts, text)
            return found if found is not None else str(self.cell(text))

        for artist in figure.findobj(Text):
            if artist.get_text():
                artist.set_text(shown(artist.get_text()))
        for ax in figure.axes:
            for axis in (ax.xaxis, ax.yaxis):
                # labels given with the ticks (not a number or date formatter of their own)
                fixed = isinstance(axis.get_major_locator(), FixedLocator)
                if fixed and isinstance(axis.get_major_formatter(), FixedFormatter | FuncFormatter):
                    axis.set_ticklabels([shown(t.get_text()) for t in axis.get_ticklabels()])
        return figure

    @cached_property
    def _charts(self) -> dict:
        return self.lab.table["html"]["charts"]

    def column(self, name: object) -> str:
        if not isinstance(name, str):
            return name
        if name in self.lab.table["actions"]:
            return self.lab.action(name)
        shown = self._templated(self._columns, name)
        return name if shown is None else shown

    # ------------------------------------------------------------------------- fields
    @cached_property
    def _names(self) -> frozenset[str]:
        from zimes_audit.procedure.catalogue import load_catalogue

        return frozenset(load_catalogue().fields)

    @cached_property
    def _by_file(self) -> dict[tuple[str, str], str]:
        if self.headings is None or not len(self.headings):
            return {}
        rows = self.headings[["file", "heading", "field"]].astype(str).itertuples(index=False)
        return {(file, name): heading for file, heading, name in rows}

    def _all_fields(self, text: str) -> bool:
        parts = re.split(r", |;", text)
        return bool(text) and all(p in self._names for p in parts)

    def field(self, name: str, file: str | None = None) -> str:
        """A canonical field by the heading ``file`` gives it (or, with no file, the headings
        the inputs give it); a field no input has, by its name in this language (``[<lang>.fields]``)."""
        if file is not None and (file, name) in self._by_file:
            return self._by_file[(file, name)]
        found = list(dict.fromkeys(h for (_, n), h in self._by_file.items() if n == name))
        if found:
            return " / ".join(found)
        return self.lab.table["fields"].get(name, name.replace("_", " "))

    def fields(self, text: object, file: str | None = None) -> object:
        """``field, field …`` by the files' headings."""
        if not isinstance(text, str) or not text or text == "—":
            return text
        return "".join(
            self.field(p, file) if p in self._names else self._words.get(p, p)
            for p in re.split(r"(, |;)", text)
        )

    # ------------------------------------------------------------------------- tables
    def _row_wise(self, frame: pd.DataFrame, column: str, shown) -> pd.Series:
        file_column = next((c for c in FILE_COLUMNS if c in frame.columns), None)
        files = frame[file_column] if file_column else pd.Series([None] * len(frame), frame.index)
        return pd.Series(
            [
                shown(v, None if pd.isna(f) else str(f))
                for v, f in zip(frame[column], files, strict=True)
            ],
            index=frame.index,
            dtype=object,
        )

    def _reasons(self, frame: pd.DataFrame) -> pd.Series:
        from zimes_audit.procedure.rules import load_rules

        rules = load_rules().rules
        return frame["rule_id"].map(lambda r: getattr(rules[r], self.language) if r in rules else r)

    def table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` in this page's words (see the module's docstring); no index column."""
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
            frame = frame.reset_index(drop=frame.index.name is None and frame.index.names == [None])
        if "heading" in frame.columns and "field" in frame.columns:
            frame = frame.drop(columns="field")  # by the file's heading, the field is the heading
        out = frame.copy()
        for column in out.columns:
            if column in AS_THEY_ARE:
                continue
            if column in FIELD_COLUMNS:
                out[column] = self._row_wise(frame, column, self.fields)
            elif column == "detail":
                out[column] = self._row_wise(
                    frame, column, lambda v, f: self.lab.detail(v, lambda n: self.field(n, f))
                )
            elif column == "reason" and "rule_id" in frame.columns:
                out[column] = self._reasons(frame)
            elif column in ("kind", "record_kind"):
                out[column] = out[column].map(self._kind)
            elif pd.api.types.is_datetime64_any_dtype(out[column]):
                out[column] = out[column].map(lambda v: self.date(v) if pd.notna(v) else v)
            elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
                named = frame.iloc[:, 0].isin(NAMED_ROWS) if column == "value" else False
                shown = out[column].map(lambda v: self.cell(v) if pd.notna(v) else v)
                out[column] = shown.where(~named, out[column]) if column == "value" else shown
            elif pd.api.types.is_bool_dtype(out[column]):
                out[column] = out[column].map(self.cell)
        renamed = {c: self.column(c) for c in out.columns}
        out = out.rename(columns=renamed)
        return out.loc[:, [c != "" for c in out.columns]]  # by position: a repeated heading once

    def _kind(self, kind: object) -> object:
        return self._words.get(kind, kind) if isinstance(kind, str) else kind
