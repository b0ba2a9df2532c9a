"""The procedure's own gaps: each tension of the procedure, with what this run's data show.

The tensions and what is counted for each are data (``procedure/data/rules.toml``: ``[tensions]``
and ``[[gaps]]``); this module only counts.  A count is a rule's findings in ``findings.csv``
(optionally on one field) or a fact of the records, which needs the verified re-run.

>>> import pandas as pd
>>> f = pd.DataFrame({"rule_id": ["FIELD-UNPERMITTED", "FIELD-UNPERMITTED"],
...                   "field": ["personal_code;birth_date", "birth_date"]})
>>> rule_count(f, "FIELD-UNPERMITTED", "personal_code"), rule_count(f, "FIELD-UNPERMITTED")
(1, 2)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zimes_audit.procedure.rules import load_rules
from zimes_audit.procedure.terms import in_accounting_hold
from zimes_audit.report.reports import Report

UNKNOWN = "(needs the verified inputs)"
#: The record facts the gaps count from ``result.frames`` (audit ``keep_facts``).
READS_FACTS = ("relationship_end_at", "marketing_on_list")


def rule_count(findings: pd.DataFrame, rule: str, field: str | None = None) -> int:
    """Findings of ``rule`` (naming ``field`` among their ``;``-joined fields, when given):
    the rule's mask alone, each distinct text of fields split once (a million findings)."""
    mine = (findings["rule_id"] == rule).to_numpy(dtype=bool, na_value=False)
    if field is None:
        return int(mine.sum())
    codes, texts = pd.factorize(findings["field"][mine])
    naming = [field in str(text).split(";") for text in texts]
    return int(np.array([*naming, False])[codes].sum())


def ended_within_hold(result) -> int:
    """Records whose relationship has ended but whose retention term has not passed (§10.1.1)."""
    total = 0
    for frame in result.frames.values():
        if "relationship_end_at" in frame and len(frame):
            end = frame["relationship_end_at"]
            total += int(in_accounting_hold(end, result.as_of, result.policy.retention_years).sum())
    return total


def marketing_on_list(result) -> int:
    """Records on the marketing list (opt-in yes)."""
    return sum(
        int(frame["marketing_on_list"].sum())
        for frame in result.frames.values()
        if "marketing_on_list" in frame
    )


FACT_COUNTS = {"ended_within_hold": ended_within_hold, "marketing_on_list": marketing_on_list}


def procedure_gaps(report: Report, result=None) -> pd.DataFrame:
    """The procedure's own tensions, each with what this run's data show about it."""
    catalogue = load_rules()
    years = report.manifest.get("policy", {}).get("retention_years")
    rows = []
    for gap in catalogue.gaps:
        tension = catalogue.tensions[gap.tension].format(years=years)
        if gap.rule is not None:
            count: object = rule_count(report.findings, gap.rule, gap.field)
        else:
            count = FACT_COUNTS[gap.fact](result) if result is not None else UNKNOWN
        rows.append((tension, gap.shows, count))
    return pd.DataFrame(rows, columns=["tension", "what the data show", "count"]).astype(
        {"count": "string"}
    )
