"""The Great Expectations suites: declared here, committed as JSON under ``expectations/``.

Every rule of the catalogue is one or more expectations; each expectation's ``meta`` carries the
rule id, procedure section, action, severity, the reason in Latvian and English and a ``detail``
template that says what is wrong without the value.  Terms and the audit date are suite
parameters (``{"$PARAMETER": "as_of"}``), resolved at run time from the policy.

The JSON files are generated from this module, the field catalogue and the rule catalogue:
``python -m zimes_audit.checks.suites --sync`` rewrites them; a test fails when they drift.

>>> suites = build_suites()
>>> sorted(suites)
['columns', 'orders', 'register']
>>> first = suites["register"]["expectations"][0]
>>> first["type"], first["meta"]["rule_id"], first["meta"]["procedure_section"]
('expect_column_values_to_be_null', 'FIELD-UNPERMITTED', '6, 8')
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass
from dataclasses import fields as dataclass_fields
from pathlib import Path

from zimes_audit.errors import SuiteError
from zimes_audit.facts.derived import EXTRA_TEXT
from zimes_audit.facts.requests import REQUEST_ACTIONS
from zimes_audit.loading.tables import (
    COLUMN_DETAIL,
    UNCLASSIFIED_DETAIL,
    UNREADABLE_DETAIL,
    UNREADABLE_FIELDS,
)
from zimes_audit.procedure.catalogue import COLUMNS_KIND, load_catalogue
from zimes_audit.procedure.rules import load_rules

#: One suite per record kind of the catalogue: ``expectations/zimes_<kind>.json``.
#: ... and one suite of the input columns themselves (one row per file × heading).
SUITE_NAMES = {kind: f"zimes_{kind}" for kind in (*load_catalogue().kinds, COLUMNS_KIND)}
_GX_SEVERITY = {"high": "critical", "medium": "warning", "low": "info"}
_AS_OF = {"$PARAMETER": "as_of"}
_RETENTION = {"$PARAMETER": "retention_years"}


def _cond_eq(column: str, value: object) -> dict:
    return {"type": "comparison", "column": {"name": column}, "operator": "==", "parameter": value}


def _cond_null(column: str, is_null: bool) -> dict:
    return {"type": "nullity", "column": {"name": column}, "is_null": is_null}


def _cond_and(*conditions: dict) -> dict:
    return {"type": "and", "conditions": list(conditions)}


@dataclass(frozen=True)
class ExpectationMeta:
    """What every expectation's ``meta`` carries: the procedure's citation (rule, §, action,
    severity, reasons) and how a finding names its field and detail — one ``field``, or a fact
    column that names it per row (``field_from``), and the ``detail`` template or a fact column
    with the detail per row (``detail_from``).  Checked when a suite loads (:func:`to_gx_suite`).

    >>> meta = ExpectationMeta.of({"rule_id": "R", "procedure_section": "6", "action": "REVIEW",
    ...     "severity": "low", "reason_en": "e", "reason_lv": "l", "detail": "in {field}"})
    >>> meta.field_from is None, ExpectationMeta.of(meta.as_dict()) == meta
    (True, True)
    >>> ExpectationMeta.of({"rule_id": "R"})
    Traceback (most recent call last):
    zimes_audit.errors.SuiteError: expectations: the expectation suite is not valid (an expectation's meta lacks procedure_section). Run `python -m zimes_audit.checks.suites --sync` or restore the file from git.
    """

    rule_id: str
    procedure_section: str
    action: str
    severity: str
    reason_en: str
    reason_lv: str
    detail: str
    field: str | None = None
    field_from: str | None = None
    detail_from: str | None = None

    @classmethod
    def of(cls, meta: Mapping | None, source: str = "expectations") -> ExpectationMeta:
        meta = meta or {}
        for name in (f.name for f in dataclass_fields(cls) if f.default is MISSING):
            if not isinstance(meta.get(name), str):
                raise SuiteError(source, problem="meta_lacks", name=name)
        return cls(**{f.name: meta.get(f.name) for f in dataclass_fields(cls)})

    def as_dict(self) -> dict[str, str]:
        """The suite JSON's ``meta`` (the optional keys only when set)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def _exp(
    type_: str,
    rule_id: str,
    detail: str,
    *,
    action: str | None = None,
    field: str | None = None,
    field_from: str | None = None,
    detail_from: str | None = None,
    **kwargs,
) -> dict:
    rule = load_rules().rules[rule_id]
    meta = ExpectationMeta(
        rule.id, rule.section, action or rule.action, rule.severity, rule.en, rule.lv, detail,
        field or None, field_from or None, detail_from or None,
    )  # fmt: skip
    return {
        "type": type_,
        "kwargs": kwargs,
        "meta": meta.as_dict(),
        "severity": _GX_SEVERITY[rule.severity],
    }


def _common() -> list[dict]:
    """Expectations that apply to every record, order or register row."""
    return [*_fields_and_terms(), *_data_accuracy()]


def _fields_and_terms() -> list[dict]:
    """Fields §6 does not permit, codes and card numbers in text, the retention term and
    contacts kept in the accounting hold: on every record."""
    cat = load_catalogue()
    out = [
        _exp(
            "expect_column_values_to_be_null",
            "FIELD-UNPERMITTED",
            "value in a column §6 does not permit ({field})",
            column=f,
        )
        for f in cat.not_permitted
    ]
    out.append(
        _exp(
            "expect_column_values_to_be_null",
            "FIELD-UNPERMITTED",
            "value in a column not permitted by the field map or by its values ({field})",
            field_from="local_unpermitted_filled",
            column="local_unpermitted_filled",
        )
    )
    out.append(
        _exp(
            "expect_multicolumn_values_to_contain_no_personal_code",
            "PERSONAL-CODE-IN-TEXT",
            "personal code ({format}) in {field}",
            column_list=[*cat.scanned, EXTRA_TEXT],
            ignore_row_if="all_values_are_missing",
        )
    )
    out.append(
        _exp(
            "expect_multicolumn_values_to_contain_no_card_number",
            "CARD-NUMBER-IN-TEXT",
            "payment-card number in {field}",
            column_list=[*cat.scanned, EXTRA_TEXT],
            ignore_row_if="all_values_are_missing",
        )
    )
    out.append(
        _exp(
            "expect_column_values_to_be_within_term",
            "RETENTION-EXPIRED",
            "relationship ended and the retention term has passed",
            field="relationship_end",
            column="relationship_end_at",
            as_of=_AS_OF,
            years=_RETENTION,
        )
    )
    out.append(
        _exp(
            "expect_column_values_to_be_outside_accounting_hold",
            "CONTACT-AFTER-END",
            "relationship ended; {field} still kept during the accounting hold",
            field_from="unneeded_contact_fields",
            column="relationship_end_at",
            as_of=_AS_OF,
            years=_RETENTION,
            row_condition=_cond_null("unneeded_contact_fields", False),
        )
    )
    return out


def _data_accuracy() -> list[dict]:
    """DATA-INACCURATE on every record: e-mails, phones, dates after the audit date, cells
    that could not be read as their field's type."""
    cat = load_catalogue()
    out: list[dict] = []
    out += [
        _exp(
            "expect_column_values_to_be_valid_email",
            "DATA-INACCURATE",
            "invalid e-mail address",
            column=f,
        )
        for f in cat.validated_as("email")
    ]
    out += [
        _exp(
            "expect_column_values_to_be_valid_phone",
            "DATA-INACCURATE",
            "invalid phone number in {field}",
            column=f,
            region={"$PARAMETER": "phone_region"},
        )
        for f in cat.validated_as("phone")
    ]
    out += [
        _exp(
            "expect_column_values_to_not_be_after_as_of",
            "DATA-INACCURATE",
            "date in the future in {field}",
            column=f,
            as_of=_AS_OF,
        )
        for f in (*cat.names(type="date"), *cat.names(type="datetime"))
    ]
    out += [
        _exp(
            "expect_column_values_to_not_be_past_due",
            "SUBJECT-REQUEST-OVERDUE",
            "data subject's request past its due date; still there: {field}",
            action=action,
            field_from="request_left",
            column="request_due",
            as_of=_AS_OF,
            row_condition=_cond_eq("request_action", action),
        )
        for action in REQUEST_ACTIONS
    ]
    out.append(
        _exp(
            "expect_column_values_to_be_null",
            "DATA-INACCURATE",
            "unreadable value in {field}",
            field_from=UNREADABLE_FIELDS,
            detail_from=UNREADABLE_DETAIL,
            column=UNREADABLE_FIELDS,
        )
    )
    return out


def _register_only() -> list[dict]:
    """Expectations on relationships, consent and marketing: the register's columns."""
    return [*_consent(), *_relationship()]


def _consent() -> list[dict]:
    """Consent (§11) and the first marketing expectation, on the register."""
    return [
        _exp(
            "expect_column_values_to_be_in_set",
            "CONSENT-MISSING",
            "no consent on record; the customer has orders",
            field="consent_given",
            column="consent_on_record",
            value_set=[True],
            row_condition=_cond_eq("has_purchase", True),
        ),
        _exp(
            "expect_column_values_to_be_in_set",
            "CONSENT-MISSING",
            "no consent on record and no purchase: no legal basis",
            action="DELETE",
            field="consent_given",
            column="consent_on_record",
            value_set=[True],
            row_condition=_cond_eq("has_purchase", False),
        ),
        _exp(
            "expect_column_pair_values_a_to_be_greater_than_b",
            "CONSENT-AFTER-COLLECTION",
            "consent dated after the data were first collected",
            field="consent_at",
            column_A="first_collected_at",
            column_B="consent_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _exp(
            "expect_column_values_to_be_in_set",
            "MARKETING-WITHOUT-BASIS",
            "still receiving commercial notices after the opt-out",
            field="marketing_opt_in",
            column="opted_out",
            value_set=[False],
            row_condition=_cond_eq("marketing_on_list", True),
        ),
    ]


def _relationship() -> list[dict]:
    """Marketing after an opt-out, a stale relationship, debt transfer and the register's
    own data checks (a shared e-mail)."""
    return [
        _exp(
            "expect_column_values_to_be_in_set",
            "MARKETING-WITHOUT-BASIS",
            "receiving commercial notices with neither consent nor a purchase",
            field="marketing_opt_in",
            column="consent_on_record",
            value_set=[True],
            row_condition=_cond_and(
                _cond_eq("marketing_on_list", True), _cond_eq("has_purchase", False)
            ),
        ),
        _exp(
            "expect_column_values_to_be_within_term",
            "RELATIONSHIP-STALE",
            "no purchase or contact within the inactivity term",
            field="last_activity_at",
            column="last_activity_at",
            as_of=_AS_OF,
            years={"$PARAMETER": "inactivity_years"},
            row_condition=_cond_null("relationship_end", True),
        ),
        _exp(
            "expect_column_values_to_be_between",
            "DEBT-TRANSFER-UNPAID-ONLY",
            "handed to debt collection although no order is unpaid",
            field="debt_collection_at",
            column="unpaid_orders",
            min_value=1,
            row_condition=_cond_eq("debt_handed_over", True),
        ),
        _exp(
            "expect_column_pair_values_a_to_be_greater_than_b",
            "DATA-INACCURATE",
            "relationship start after its end",
            field="relationship_start",
            column_A="relationship_end",
            column_B="relationship_start",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _exp(
            "expect_column_values_to_be_between",
            "DATA-INACCURATE",
            "the same e-mail address under several customer ids",
            field="email",
            column="ids_sharing_email",
            max_value=1,
        ),
    ]


def _orders_only() -> list[dict]:
    """An order naming a customer id the register does not have (only when a register is
    audited: the fact is missing otherwise), worded apart when an earlier audit saw the id in
    the register (:func:`zimes_audit.facts.derived.customer_in_register`)."""
    return [
        _exp(
            "expect_column_values_to_not_be_in_set",
            "CUSTOMER-NOT-IN-REGISTER",
            detail,
            field="customer_id",
            column="customer_in_register",
            value_set=[value],
        )
        for value, detail in (
            ("no", "customer id not in the register"),
            ("deleted", "customer deleted from the register; the order is still here"),
        )
    ]


def _columns() -> list[dict]:
    """Column-level expectations, over one row per input column (file × heading; see
    :func:`zimes_audit.audit.columns_frame`): a heading neither the catalogue nor the field map
    knows, in a column that holds values, is one FIELD-UNCLASSIFIED finding (§6); its detail
    adds the field the column's values suggest, if any (:mod:`zimes_audit.loading.evidence`)."""
    return [
        _exp(
            "expect_column_values_to_not_be_in_set",
            "FIELD-UNCLASSIFIED",
            UNCLASSIFIED_DETAIL,
            field_from="heading",
            detail_from=COLUMN_DETAIL,
            column="category",
            value_set=["unclassified"],
            row_condition=_cond_eq("holds_values", True),
        )
    ]


def build_suites() -> dict[str, dict]:
    """The suites as JSON-ready dicts, keyed by record kind (``columns``: one row per column):
    the catalogue's kinds, each with the common expectations and its own (:data:`_OWN`)."""
    kinds = {kind: [*_common(), *_OWN.get(kind, list)()] for kind in load_catalogue().kinds}
    kinds[COLUMNS_KIND] = _columns()
    return {
        kind: {
            "name": SUITE_NAMES[kind],
            "expectations": exps,
            "meta": {
                "great_expectations_version": "1.24.1",
                "generated_by": "python -m zimes_audit.checks.suites --sync",
                "record_kind": kind,
            },
        }
        for kind, exps in kinds.items()
    }


#: The expectations a record kind of the catalogue has beyond the common ones.
_OWN = {"orders": _orders_only, "register": _register_only}


def suites_dir() -> Path:
    """The committed ``expectations/`` folder (source tree), or the copy shipped in the wheel."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "expectations", package / "_expectations"):
        if all((candidate / f"{name}.json").is_file() for name in SUITE_NAMES.values()):
            return candidate
    raise SuiteError(package.parent / "expectations", problem="suites_not_found")


def suite_path(kind: str, directory: Path | None = None) -> Path:
    return (directory or suites_dir()) / f"{SUITE_NAMES[kind]}.json"


def render(suite: dict) -> str:
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, suite in build_suites().items():
        path = suite_path(kind, directory)
        path.write_text(render(suite), encoding="utf-8")
        written.append(path)
    return written


def load_suite_json(kind: str, directory: Path | None = None) -> tuple[dict, str]:
    """The committed suite of ``kind`` and the SHA-256 of its file."""
    path = suite_path(kind, directory)
    try:
        raw = path.read_bytes()
        return json.loads(raw), hashlib.sha256(raw).hexdigest()
    except (OSError, ValueError):
        raise SuiteError(path, problem="not_json") from None


def to_gx_suite(suite: dict, source: str):
    """A GX ``ExpectationSuite`` built from suite JSON — loudly.

    GX drops an expectation whose type it cannot resolve with only a log line, and the audit would
    then pass vacuously; here every type is resolved first and the count checked afterwards.
    """
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    import zimes_audit.checks.expectations  # noqa: F401  (registers the custom expectations)

    for exp in suite["expectations"]:
        try:
            get_expectation_impl(exp["type"])
        except Exception:
            raise SuiteError(source, problem="unknown_expectation", type=exp["type"]) from None
        ExpectationMeta.of(exp.get("meta"), source)
    from zimes_audit.checks.citation import note

    # GX shows an expectation's notes in Data Docs: the rule, §, action and reason of its meta
    expectations = [{**exp, "notes": note(exp.get("meta"))} for exp in suite["expectations"]]
    try:
        built = gx.ExpectationSuite(
            name=suite["name"], expectations=expectations, meta=suite.get("meta")
        )
    except Exception as exc:  # GX raises pydantic and its own errors alike
        raise SuiteError(source, problem="gx_refused", kind=type(exc).__name__) from None
    if len(built.expectations) != len(suite["expectations"]):
        raise SuiteError(source, problem="gx_dropped")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zimes_audit.checks.suites",
        description="Write or check the committed expectation suites (expectations/*.json).",
    )
    parser.add_argument("--sync", action="store_true", help="rewrite the suite files")
    parser.add_argument(
        "--dir",
        type=Path,
        default=suites_dir(),
        help="suite folder (default: the repository's)",
    )
    args = parser.parse_args(argv)
    if args.sync:
        for path in write_suites(args.dir):
            print(f"wrote {path}")
        return 0
    stale = [
        kind
        for kind, suite in build_suites().items()
        if not suite_path(kind, args.dir).is_file()
        or suite_path(kind, args.dir).read_text("utf-8") != render(suite)
    ]
    for kind in stale:
        print(
            f"{suite_path(kind, args.dir)} is out of date: run python -m zimes_audit.checks.suites --sync"
        )
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
