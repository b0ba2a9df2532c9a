"""From failed expectations to findings: the conditions GX and pandas share, locating the cell
of a flagged record, the one join from a finding to its record, and the fact registry."""

from __future__ import annotations

import re

import pandas as pd
from conftest import AS_OF, make_table

from zimes_audit.checks.conditions import CONDITIONS, LOCATORS
from zimes_audit.checks.findings import Failure, findings_for
from zimes_audit.facts.records import record_values
from zimes_audit.facts.registry import FACTS
from zimes_audit.loading import load_inputs

PERSONAL_CODE_SCAN = "expect_multicolumn_values_to_contain_no_personal_code"
CARD_SCAN = "expect_multicolumn_values_to_contain_no_card_number"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_every_custom_expectation_has_its_condition_and_nothing_else_does():
    from zimes_audit.checks.expectations import CUSTOM_EXPECTATIONS

    assert {_snake(cls.__name__) for cls in CUSTOM_EXPECTATIONS} == set(CONDITIONS)
    assert set(LOCATORS) == {t for t, c in CONDITIONS.items() if c.multicolumn}


def _scan_failure(kind: str, columns: list[str], rows: list[int], detail: str) -> Failure:
    meta = {
        "rule_id": "PERSONAL-CODE-IN-TEXT",
        "procedure_section": "6",
        "severity": "high",
        "action": "REDACT_FIELD",
        "reason_en": "en",
        "reason_lv": "lv",
        "detail": detail,
    }
    return Failure(kind, {"column_list": columns}, meta, rows)


def test_a_flagged_record_names_the_cells_and_formats_never_the_value():
    frame = pd.DataFrame(
        {
            "order_id": ["M-1", "M-2", "M-3"],
            "notes": ["Rīga", "p.k. 161175-19997", "zvanīt 37122345678"],
            "address": ["Brīvības 1", "Rīga", "pk 328673-00679"],
            "company_id": ["40203002519", "161175-19997", None],
            "source_file": ["orders.csv"] * 3,
            "source_row": [2, 3, 4],
        }
    ).astype({"notes": "str", "address": "str", "company_id": "str"})
    failure = _scan_failure(
        PERSONAL_CODE_SCAN,
        ["notes", "address", "company_id"],
        [1, 2],
        "personal code ({format}) in {field}",
    )
    found = findings_for("orders", [failure], frame, "order_id")
    assert found["record_id"].tolist() == ["M-2", "M-3"]
    assert found["source_row"].tolist() == [3, 4]
    assert found["record_position"].tolist() == [1, 2]
    assert found["field"].tolist() == ["notes;company_id", "address"]
    assert found["detail"].tolist() == [
        "personal code (old format) in notes; personal code (old format) in company_id",
        "personal code (new format) in address",
    ]
    assert not found["detail"].str.contains(r"\d{6}").any()


def test_card_numbers_are_located_in_the_field_that_holds_them():
    frame = pd.DataFrame(
        {
            "notes": ["karte 4111 1111 1111 1111", "LV80HABA0551012345678"],
            "address": ["Rīga", "4111-1111-1111-1111"],
            "source_file": ["o.csv"] * 2,
            "source_row": [2, 3],
        }
    ).astype({"notes": "str", "address": "str"})
    failure = _scan_failure(CARD_SCAN, ["notes", "address"], [0, 1], "{format} in {field}")
    found = findings_for("orders", [failure], frame, "order_id")
    assert found["field"].tolist() == ["notes", "address"]  # the IBAN is not a card
    assert found["detail"].tolist() == ["card number in notes", "card number in address"]
    assert found["record_id"].tolist() == ["", ""]  # no id column: empty, not NA


def test_the_join_from_findings_to_records_takes_kind_and_position():
    frames = {
        "orders": pd.DataFrame({"name": ["Jānis", "Līga", "Anna"], "phone": ["1", "2", "3"]}),
        "register": pd.DataFrame({"name": ["Pēteris"]}),
    }
    findings = pd.DataFrame(
        {"record_kind": ["register", "orders", "orders"], "record_position": [0, 2, 0]},
        index=[10, 11, 12],
    )
    assert record_values(findings, frames, "name").tolist() == ["Pēteris", "Anna", "Jānis"]
    phones = record_values(findings, frames, "phone")
    assert phones.index.tolist() == [10, 11, 12]
    assert phones.isna().tolist() == [True, False, False]


def test_fixture_frames_have_the_loaders_dtypes(tmp_path):
    """make_table (conftest) builds what the loaders build: same columns, same dtypes."""
    (tmp_path / "register.csv").write_text(
        "customer_id,name,email,relationship_start,consent_given,marketing_opt_in\n"
        "K-1,Jānis Bērziņš,janis@inbox.lv,2020-01-05,jā,nē\n",
        "utf-8",
    )
    [loaded] = load_inputs([tmp_path / "register.csv"])
    built = make_table(
        "register",
        [
            {
                "customer_id": "K-1",
                "name": "Jānis Bērziņš",
                "email": "janis@inbox.lv",
                "relationship_start": "2020-01-05",
                "consent_given": True,
                "marketing_opt_in": False,
            }
        ],
    )
    assert built.frame.dtypes.to_dict() == loaded.frame.dtypes.to_dict()
    pd.testing.assert_frame_equal(
        built.frame.drop(columns="source_file"), loaded.frame.drop(columns="source_file")
    )


def test_every_derived_fact_is_in_the_registry_with_its_dtype():
    from zimes_audit.audit import audit

    register = make_table(
        "register",
        [{"customer_id": "K-1", "email": "a@b.lv", "relationship_start": "2020-01-05"}],
    )
    orders = make_table(
        "orders",
        [{"order_id": "M-1", "customer_id": "K-1", "created_at": "2024-01-05 10:00:00"}],
    )
    result = audit(tables=[orders, register], as_of=AS_OF)
    seen = set()
    for kind, frame in result.frames.items():
        loaded = {c for t in result.tables if t.kind == kind for c in t.frame.columns}
        for column in set(frame.columns) - loaded:
            assert column in FACTS, f"{kind}.{column} is derived but not in the fact registry"
            fact = FACTS[column]
            if fact.dtype == "datetime64":
                assert pd.api.types.is_datetime64_dtype(frame[column]), column
            else:
                assert str(frame[column].dtype) == fact.dtype, column
            seen.add(column)
    assert seen == set(FACTS)
