"""The rule catalogue (``data/rules.toml``): rule ids, sections, severities, reasons, actions.

Rule ids are a contract: findings, the workbook, the notebooks and past reports key on them.

>>> catalogue = load_rules()
>>> catalogue.rules["RETENTION-EXPIRED"].section
'10.1.1'
>>> list(catalogue.rules)[:2]
['FIELD-UNPERMITTED', 'FIELD-UNCLASSIFIED']
>>> catalogue.actions["DELETE"].en
'Delete the record (and its orders) in Mozello and the register.'
>>> rule_order(["DATA-INACCURATE", "X-LOCAL", "FIELD-UNPERMITTED"])
['FIELD-UNPERMITTED', 'DATA-INACCURATE', 'X-LOCAL']
>>> catalogue.sections["consent"], catalogue.term_labels["inactivity_years"]
('11', 'inactivity before review (years, §10)')
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
    needs: str = ""  # "request": found only once a data subject's request is in the history


@dataclass(frozen=True)
class Action:
    name: str
    en: str
    lv: str


@dataclass(frozen=True)
class Gap:
    """What the auditor's notebook counts for one of the procedure's tensions: the findings of
    ``rule`` (on ``field`` only, when given) or a ``fact`` of the records."""

    tension: str
    shows: str
    rule: str | None = None
    field: str | None = None
    fact: str | None = None


@dataclass(frozen=True)
class RuleCatalogue:
    rules: dict[str, Rule]
    actions: dict[str, Action]
    tensions: dict[str, str]
    term_labels: dict[str, str]
    sections: dict[str, str]
    gaps: tuple[Gap, ...]


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
            r.get("needs", ""),
        )
        for rid, r in raw["rules"].items()
    }
    actions = {name: Action(name, a["en"], a["lv"]) for name, a in raw["actions"].items()}
    gaps = tuple(Gap(**g) for g in raw["gaps"])
    return RuleCatalogue(
        rules, actions, dict(raw["tensions"]), dict(raw["terms"]), dict(raw["sections"]), gaps
    )


def request_rules() -> frozenset[str]:
    """Ids of the rules that only a data subject's request recorded in the audit history can
    raise (``needs = "request"``): the inputs alone, the synthetic sample's included, never do.

    >>> sorted(request_rules())
    ['SUBJECT-REQUEST-OVERDUE']
    """
    return frozenset(r.id for r in load_rules().rules.values() if r.needs == "request")


def rule_order(rule_ids) -> list[str]:
    """``rule_ids`` (distinct) in the catalogue's order; ids it does not know last, sorted."""
    known = load_rules().rules
    present = set(rule_ids)
    return [r for r in known if r in present] + sorted(present - set(known))


def sort_by_rule(frame, *then: str):
    """``frame`` (with a ``rule_id`` column) sorted by the catalogue's rule order, then by the
    columns ``then``; stable, with a fresh index."""
    rank = {r: i for i, r in enumerate(rule_order(frame["rule_id"]))}
    ordered = frame.assign(_rank=frame["rule_id"].map(rank))
    ordered = ordered.sort_values(["_rank", *then], kind="stable")
    return ordered.drop(columns="_rank").reset_index(drop=True)


def term_rows(terms: dict) -> list[tuple[str, object]]:
    """The policy's terms (a policy's fields or the manifest's ``policy``) as labelled rows.

    >>> term_rows({"retention_years": 5, "due_days": {"DELETE": 30}})[0]
    ('retention after the relationship ends (years, §10.1.1)', 5)
    >>> term_rows({"due_days": {"DELETE": 30}})[-1]
    ('days to resolve DELETE', 30)
    """
    labels = load_rules().term_labels
    rows: list[tuple[str, object]] = []
    for key in ("retention_years", "inactivity_years", "guest_relationship_years"):
        rows.append((labels[key], terms.get(key)))
    fields = terms.get("contact_fields_not_needed", [])
    rows.append((labels["contact_fields_not_needed"], ", ".join(fields)))
    rows += [(labels["due_days"].format(action=a), d) for a, d in terms.get("due_days", {}).items()]
    return rows


def column_rules() -> frozenset[str]:
    """Ids of the column-level rules (one finding per file × column).

    >>> sorted(column_rules())
    ['FIELD-UNCLASSIFIED']
    """
    return frozenset(r.id for r in load_rules().rules.values() if r.scope == "column")
