"""From failed expectations to findings: the conditions GX and pandas share, locating the cell
of a flagged record, the one join from a finding to its record, and the fact registry."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from conftest import AS_OF, make_table
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.profiles import examples
from zimes_audit.checks.conditions import CONDITIONS, LOCATORS
from zimes_audit.checks.findings import (
    EXTRA_COLUMNS,
    FINDINGS_COLUMNS,
    Failure,
    combination_codes,
    empty_findings,
    findings_for,
    merge_findings,
)
from zimes_audit.checks.suites import ExpectationMeta
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
    return Failure(kind, {"column_list": columns}, ExpectationMeta.of(meta), rows)


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


# ---------------------------------------------------------------------------- merging findings
def _raw(rows: list[tuple]) -> pd.DataFrame:
    """Raw findings as ``findings_for`` gives them: (kind, file, row, id, rule, field, detail,
    expectation) per row; the rule's §, severity, action and reasons follow from the rule."""
    rules = {
        "DATA-INACCURATE": ("12.4", "low", "FIX_DATA"),
        "CONTACT-AFTER-END": ("10.1.1, 6.2", "medium", "REDACT_FIELD"),
        "PERSONAL-CODE-IN-TEXT": ("6", "high", "REDACT_FIELD"),
    }
    records = []
    for position, (kind, file, row, rid, rule, field, detail, exp) in enumerate(rows):
        section, severity, action = rules[rule]
        records.append(
            {
                "source_file": file, "source_row": row, "record_id": rid, "rule_id": rule,
                "procedure_section": section, "severity": severity, "action": action,
                "field": field, "detail": detail, "record_kind": kind,
                "record_position": position, "reason_en": f"{rule} (en)",
                "reason_lv": f"{rule} (lv)", "expectations": exp,
            }
        )  # fmt: skip
    return pd.DataFrame(records)


def _merged_the_old_way(raw: pd.DataFrame) -> pd.DataFrame:
    """The groupby merge the vectorised one replaced (first-seen keys, Python joins)."""

    def join(values, sep):
        return sep.join(dict.fromkeys(v for v in values if isinstance(v, str) and v))

    key = ["record_kind", "source_file", "source_row", "record_id", "rule_id"]
    merged = (
        raw.groupby(key, sort=False, dropna=False)
        .agg(
            procedure_section=("procedure_section", "first"),
            severity=("severity", "first"),
            action=("action", "first"),
            field=("field", lambda s: join(s, ";")),
            detail=("detail", lambda s: join(s, "; ")),
            record_position=("record_position", "first"),
            reason_en=("reason_en", "first"),
            reason_lv=("reason_lv", "first"),
            expectations=("expectations", lambda s: join(s, "; ")),
        )
        .reset_index()
    )
    merged = merged.sort_values(["source_file", "source_row", "rule_id"], kind="stable")
    return merged[[*FINDINGS_COLUMNS, *EXTRA_COLUMNS]].reset_index(drop=True)


E, P = "expect_column_values_to_be_valid_email(email)", "expect_column_values_to_be_valid_phone"


def test_a_records_findings_of_one_rule_join_in_first_seen_order_each_text_once():
    raw = _raw(
        [
            ("orders", "pasutijumi.csv", 7, "M-7", "DATA-INACCURATE", "phone",
             "invalid phone number in phone", f"{P}(phone)"),
            ("orders", "pasutijumi.csv", 3, "M-3", "DATA-INACCURATE", "email",
             "invalid e-mail address", E),
            ("orders", "pasutijumi.csv", 7, "M-7", "DATA-INACCURATE", "email",
             "invalid e-mail address", E),
            ("orders", "pasutijumi.csv", 7, "M-7", "DATA-INACCURATE", "phone",
             "invalid phone number in phone", f"{P}(phone)"),
            ("orders", "pasutijumi.csv", 7, "M-7", "CONTACT-AFTER-END", "email;phone",
             "relationship ended; email, phone still kept during the accounting hold",
             "expect_column_values_to_be_outside_accounting_hold(relationship_end_at)"),
        ]
    )  # fmt: skip
    merged = merge_findings(raw)
    assert merged["source_row"].tolist() == [3, 7, 7]
    assert merged["rule_id"].tolist() == ["DATA-INACCURATE", "CONTACT-AFTER-END", "DATA-INACCURATE"]
    inaccurate = merged.iloc[2]
    assert inaccurate["field"] == "phone;email"  # first seen first, the repeated phone once
    assert inaccurate["detail"] == "invalid phone number in phone; invalid e-mail address"
    assert inaccurate["expectations"] == f"{P}(phone); {E}"
    assert inaccurate["record_position"] == 0  # the key's first row
    pd.testing.assert_frame_equal(
        merged.astype(str), _merged_the_old_way(raw).astype(str), check_dtype=False
    )


def test_missing_and_empty_texts_are_left_out_of_a_join_and_a_key_of_none_gives_empty():
    raw = _raw(
        [
            ("register", "klienti.xlsx", 4, "K-1", "DATA-INACCURATE", None, "", E),
            ("register", "klienti.xlsx", 4, "K-1", "DATA-INACCURATE", "email", None, E),
            ("register", "klienti.xlsx", 5, "K-2", "DATA-INACCURATE", None, None, E),
            ("register", "klienti.xlsx", 6, "K-3", "PERSONAL-CODE-IN-TEXT", "", float("nan"),
             "expect_multicolumn_values_to_contain_no_personal_code(36 columns)"),
        ]
    )  # fmt: skip
    merged = merge_findings(raw)
    assert merged["field"].tolist() == ["email", "", ""]
    assert merged["detail"].tolist() == ["", "", ""]
    assert merged["expectations"].tolist()[0] == E
    pd.testing.assert_frame_equal(
        merged.astype(str), _merged_the_old_way(raw).astype(str), check_dtype=False
    )


def test_merging_nothing_gives_the_empty_findings_frame():
    merged = merge_findings(empty_findings())
    assert merged.empty
    assert merged.columns.tolist() == [*FINDINGS_COLUMNS, *EXTRA_COLUMNS]


def test_the_merge_matches_the_groupby_it_replaced_on_a_shuffled_mix():
    import random

    rng = random.Random(15)
    kinds = [("orders", "pasutijumi.csv", "M-"), ("register", "klienti.xlsx", "K-")]
    texts = ["email", "phone", "shipping_phone", "", None, "notes;address"]
    rows = []
    for _ in range(400):
        kind, file, prefix = rng.choice(kinds)
        row = rng.randint(2, 40)
        field = rng.choice(texts)
        rule = rng.choice(["DATA-INACCURATE", "CONTACT-AFTER-END", "PERSONAL-CODE-IN-TEXT"])
        rows.append((kind, file, row, f"{prefix}{row}", rule, field,
                     None if field is None else f"problem in {field}", rng.choice([E, P])))  # fmt: skip
    raw = _raw(rows)
    pd.testing.assert_frame_equal(
        merge_findings(raw).astype(str), _merged_the_old_way(raw).astype(str), check_dtype=False
    )


@settings(max_examples=examples(default=100, thorough=5000), deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(
            st.tuples(*[st.sampled_from([0, 1, 7, 2**20, 2**40 - 1, 2**40]) for _ in range(width)]),
            min_size=1, max_size=40,
        )
    )
)  # fmt: skip
def test_combination_codes_number_each_combination_as_groupby_does(rows):
    """One integer code per distinct combination, first seen first — also when the combined
    digits outgrow int64 (codes up to 2**40 in up to four columns) and must be renumbered."""
    columns = [np.array(column, dtype="int64") for column in zip(*rows, strict=True)]
    frame = pd.DataFrame({n: c for n, c in enumerate(columns)})
    expected = frame.groupby(list(frame.columns), sort=False).ngroup().tolist()
    assert combination_codes(columns).tolist() == expected


@settings(max_examples=examples(default=50, thorough=5000), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["orders", "register"]),
            st.sampled_from(["pasutijumi.csv", "klienti.xlsx", None]),
            st.integers(min_value=1, max_value=3),
            st.sampled_from(["M-1", "M-2", "", None]),
            st.sampled_from(["DATA-INACCURATE", "CONTACT-AFTER-END"]),
        ),
        min_size=1, max_size=30,
    )
)  # fmt: skip
def test_a_merge_key_is_numbered_as_the_groupby_of_all_its_parts_numbers_it(rows):
    """The record id is read only where the rest of the key is shared: two rows of one file,
    row and rule with different ids (a missing id and an empty one differ too) stay apart."""
    from zimes_audit.checks.findings import _KEY, _key_codes

    raw = pd.DataFrame(rows, columns=_KEY).astype(
        {"record_kind": "category", "source_file": "str", "record_id": "str", "rule_id": "category"}
    )
    expected = raw.groupby(_KEY, sort=False, dropna=False, observed=True).ngroup().tolist()
    assert _key_codes(raw).tolist() == expected


@settings(max_examples=examples(default=50, thorough=2000), deadline=None)
@given(
    st.lists(st.sampled_from(["b", "a", "ā", "", "x y"]), min_size=1, max_size=5, unique=True)
    .flatmap(lambda texts: st.tuples(
        st.just(texts), st.lists(st.integers(-1, len(texts) - 1), max_size=20),
        st.sampled_from([object, "str"]),
    ))
)  # fmt: skip
def test_a_merged_column_keeps_the_categories_it_uses_sorted_as_pandas_would(case):
    """The categories used, sorted, found by counting codes: the same values and dtype as
    pandas' ``remove_unused_categories`` then ``reorder_categories(sorted(...))``."""
    from zimes_audit.checks.findings import _sorted_categories

    texts, codes, dtype = case
    values = pd.Categorical.from_codes(np.array(codes, dtype="int8"), pd.Index(texts, dtype=dtype))
    used = values.remove_unused_categories()
    expected = used.reorder_categories(sorted(used.categories))
    got = _sorted_categories(values)
    pd.testing.assert_series_equal(pd.Series(got), pd.Series(expected))
    assert got.codes.dtype == expected.codes.dtype
