"""The tables of the notebooks (views/tables.py) and the procedure's gaps (views/gaps.py), built
from hand-made report folders so that every count is known."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from zimes_audit.procedure.rules import load_rules
from zimes_audit.report import reports
from zimes_audit.report.layout import FINDINGS_CSV, MANIFEST
from zimes_audit.views import gaps, tables

FINDINGS = """\
source_file,source_row,record_id,rule_id,procedure_section,severity,action,field,detail
register.xlsx,4,K-2,DATA-INACCURATE,12.4,medium,FIX_DATA,email,invalid e-mail
orders.csv,9,M-9,FIELD-UNPERMITTED,"6, 8",high,REDACT_FIELD,personal_code;birth_date,x
orders.csv,3,M-3,FIELD-UNPERMITTED,"6, 8",high,REDACT_FIELD,birth_date,x
orders.csv,5,M-5,PERSONAL-CODE-IN-TEXT,6,high,REDACT_FIELD,notes,personal code (old format) in notes
register.xlsx,2,K-1,CONTACT-AFTER-END,"10.1.1, 6.2",medium,REDACT_FIELD,email;phone,x
"""


@pytest.fixture
def report(tmp_path: Path) -> reports.Report:
    manifest = {
        "as_of": "2026-11-01",
        "finished": "2026-11-01T10:00:00+00:00",
        "policy": {"retention_years": 5},
        "counts_by_rule": {"FIELD-UNPERMITTED": 2, "DATA-INACCURATE": 2, "X-OLD-RULE": 1},
        "suites": [],
        "inputs": [],
    }
    (tmp_path / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    (tmp_path / FINDINGS_CSV).write_text(FINDINGS, "utf-8")
    return reports.load_report(tmp_path)


def test_findings_per_rule_against_the_manifest_in_catalogue_order(report):
    table = tables.findings_per_rule(report).set_index("rule_id")
    catalogue = list(load_rules().rules)
    assert table.index.tolist() == [*catalogue, "X-OLD-RULE"]
    assert table.loc["FIELD-UNPERMITTED", ["findings.csv", "manifest", "agree"]].tolist() == [
        2,
        2,
        True,
    ]
    assert table.loc["DATA-INACCURATE", ["findings.csv", "manifest", "agree"]].tolist() == [
        1,
        2,
        False,
    ]
    assert table.loc["X-OLD-RULE", ["§", "findings.csv", "manifest"]].tolist() == ["", 0, 1]
    assert table.loc["PERSONAL-CODE-IN-TEXT", "agree"] == False  # noqa: E712 (1 in csv, 0 recorded)


def test_finding_samples_keep_the_catalogue_order_then_file_and_row(report):
    samples = tables.finding_samples(report, per_rule=1)
    assert samples["rule_id"].tolist() == [
        "FIELD-UNPERMITTED", "PERSONAL-CODE-IN-TEXT", "CONTACT-AFTER-END", "DATA-INACCURATE",
    ]  # fmt: skip
    assert samples.loc[0, "source_row"] == 9  # the first of its rule in findings.csv
    assert set(samples["customer"]) == {"(inputs not verified: not shown)"}
    two = tables.finding_samples(report, per_rule=2)
    assert two[two.rule_id == "FIELD-UNPERMITTED"]["source_row"].tolist() == [3, 9]


def test_reproduction_table_compares_counts_and_says_when_it_could_not_rerun(report):
    class Rerun:
        def counts_by_rule(self):
            return {"FIELD-UNPERMITTED": 2, "DATA-INACCURATE": 1}

    table = tables.reproduction_table(report, Rerun()).set_index("rule_id")
    assert table.index.tolist() == ["FIELD-UNPERMITTED", "DATA-INACCURATE", "X-OLD-RULE"]
    assert table["agree"].tolist() == [True, False, False]
    assert tables.reproduction_table(report, None)["rule_id"].str.startswith("not re-run").all()


def test_expectations_per_rule_counts_per_kind_in_catalogue_order():
    suites = {
        "orders": {"expectations": [{"meta": {"rule_id": "DATA-INACCURATE"}}] * 3
                   + [{"meta": {"rule_id": "FIELD-UNPERMITTED"}}]},
        "register": {"expectations": [{"meta": {}}]},
    }  # fmt: skip
    table = tables.expectations_per_rule(suites)
    assert table.index.tolist() == ["FIELD-UNPERMITTED", "DATA-INACCURATE", "(no rule id)"]
    assert table["orders"].tolist() == [1, 3, 0]
    assert table["register"].tolist() == [0, 0, 1]


def test_report_files_lists_what_is_in_the_folder(tmp_path):
    (tmp_path / FINDINGS_CSV).write_text("x", "utf-8")
    table = tables.report_files(tmp_path).set_index("output")["present now"]
    assert table[FINDINGS_CSV] == True  # noqa: E712
    assert table["flagged-records.xlsx"] == False  # noqa: E712


def test_procedure_gaps_count_each_tension_from_the_findings(report):
    table = gaps.procedure_gaps(report)
    counts = dict(zip(table["what the data show"], table["count"], strict=True))
    assert counts["FIELD-UNPERMITTED findings on the personal-code column"] == "1"
    assert counts["PERSONAL-CODE-IN-TEXT findings (codes written into other fields)"] == "1"
    assert counts["CONTACT-AFTER-END findings (contacts kept during the hold)"] == "1"
    assert counts["RETENTION-EXPIRED findings (hold over, still kept)"] == "0"
    assert counts["records ended but still within the accounting hold"] == gaps.UNKNOWN
    assert "5-year accounting hold" in " ".join(table["tension"])


def test_every_gap_names_a_tension_and_a_rule_or_a_fact_it_can_count():
    catalogue = load_rules()
    for gap in catalogue.gaps:
        assert gap.tension in catalogue.tensions
        assert (gap.rule is None) != (gap.fact is None)
        assert gap.rule is None or gap.rule in catalogue.rules
        assert gap.fact is None or gap.fact in gaps.FACT_COUNTS


def test_ended_within_hold_counts_with_the_term_arithmetic():
    from datetime import date

    class Result:
        as_of = date(2026, 11, 1)

        class policy:  # noqa: N801
            retention_years = 5

        frames = {
            "register": pd.DataFrame(
                {
                    "relationship_end_at": pd.to_datetime(
                        ["2026-11-01", "2021-11-01", "2021-10-31", "2026-11-02", None]
                    )
                }
            )  # fmt: skip
        }

    # ended on the audit date: in the hold; 2021-11-01 + 5 years = 2026-11-01, not passed yet;
    # 2021-10-31: passed (RETENTION-EXPIRED's); a future end and no end: not ended
    assert gaps.ended_within_hold(Result()) == 2
