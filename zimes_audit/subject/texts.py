"""The words of the files ``zimes-audit subject`` writes (``data/labels.toml``), Latvian by
default, English on request; and values written as a person reads them.

>>> words("lv").heading("purposes"), words("en").action("delete")
('Mērķis (4.)', 'delete now')
>>> shown(True, words("lv")), shown(12.5, words("en")), shown(pd.Timestamp("2024-01-05"), words("en"))
('jā', '12.5', '2024-01-05')
>>> shown(pd.Timestamp("2024-01-05 14:30"), words("en")), shown(3.0, words("en")), shown(None, words("en"))
('2024-01-05 14:30', '3', None)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

LANGUAGES = ("lv", "en")


@dataclass(frozen=True)
class Words:
    language: str
    table: dict

    def __getitem__(self, key: str) -> str:
        return self.table[key]

    def heading(self, key: str) -> str:
        return self.table["headings"][key]

    def action(self, key: str) -> str:
        return self.table["actions"][key]

    def request(self, key: str) -> str:
        return self.table["requests"][key]


@cache
def words(language: str = "lv") -> Words:
    if language not in LANGUAGES:
        raise ValueError(language)
    raw = tomllib.loads(
        resources.files("zimes_audit.subject.data").joinpath("labels.toml").read_text("utf-8")
    )
    return Words(language, raw[language])


def shown(value: object, w: Words) -> str | None:
    """A cell's value as text a person reads (``None`` for an empty cell)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return w["yes"] if value else w["no"]
    if isinstance(value, (datetime, date)):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None
