"""The rule catalogue (``data/rules.toml``): rule ids, sections, severities, reasons, actions.

Rule ids are a contract: findings, the workbook, the notebooks and past reports key on them.

>>> catalogue = load_rules()
>>> catalogue.rules["RETENTION-EXPIRED"].section
'10.1.1'
>>> list(catalogue.rules)[:2]
['FIELD-UNPERMITTED', 'FIELD-UNCLASSIFIED']
>>> catalogue.actions["DELETE"].en
'Delete the record (and its orders) in Mozello and the register.'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Rule:
    id: str
    section: str
    severity: str
    action: str
    en: str
    lv: str
    scope: str = "record"  # "column": one finding per file × column, no record id


@dataclass(frozen=True)
class Action:
    name: str
    en: str
    lv: str


@dataclass(frozen=True)
class RuleCatalogue:
    rules: dict[str, Rule]
    actions: dict[str, Action]
    tensions: dict[str, str]


@cache
def load_rules() -> RuleCatalogue:
    text = resources.files("zimes_audit.procedure.data").joinpath("rules.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    rules = {
        rid: Rule(
            rid,
            r["section"],
            r["severity"],
            r["action"],
            r["en"],
            r["lv"],
            r.get("scope", "record"),
        )
        for rid, r in raw["rules"].items()
    }
    actions = {name: Action(name, a["en"], a["lv"]) for name, a in raw["actions"].items()}
    return RuleCatalogue(rules, actions, dict(raw["tensions"]))


def column_rules() -> frozenset[str]:
    """Ids of the column-level rules (one finding per file × column).

    >>> sorted(column_rules())
    ['FIELD-UNCLASSIFIED']
    """
    return frozenset(r.id for r in load_rules().rules.values() if r.scope == "column")
