"""The committed suites: in sync with their definition, complete, loaded loudly."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from zimes_audit.checks.runner import SuiteRunner
from zimes_audit.checks.suites import (
    SUITE_NAMES,
    build_suites,
    main,
    render,
    suite_path,
    suites_dir,
    to_gx_suite,
)
from zimes_audit.errors import SuiteError
from zimes_audit.procedure.rules import load_rules

FIX = "python -m zimes_audit.checks.suites --sync"


def test_committed_suites_match_their_definition():
    for kind, suite in build_suites().items():
        committed = suite_path(kind).read_text("utf-8")
        assert committed == render(suite), f"{suite_path(kind)} is out of date: run `{FIX}`"


def test_drift_check_names_the_fix(tmp_path, capsys):
    for kind in SUITE_NAMES:
        shutil.copy(suite_path(kind), tmp_path)
    assert main(["--dir", str(tmp_path)]) == 0
    stale = json.loads(suite_path("orders", tmp_path).read_text("utf-8"))
    stale["expectations"].pop()
    suite_path("orders", tmp_path).write_text(json.dumps(stale), "utf-8")
    assert main(["--dir", str(tmp_path)]) == 1
    assert FIX in capsys.readouterr().out


#: Rules whose expectations may name another action than the rule's own, and which.
OTHER_ACTIONS = {
    "CONSENT-MISSING": {"DELETE"},  # no purchase: no basis at all (§2)
    "SUBJECT-REQUEST-OVERDUE": {"REDACT_FIELD", "STOP_MARKETING"},  # what is left decides
}


def _committed_expectations():
    for kind in SUITE_NAMES:
        suite = json.loads(suite_path(kind).read_text("utf-8"))
        for exp in suite["expectations"]:
            yield kind, exp


def test_every_committed_expectation_carries_its_rules_meta():
    """The suites GX runs (the committed JSON) say exactly what the rule catalogue says."""
    rules = load_rules().rules
    for kind, exp in _committed_expectations():
        meta = exp["meta"]
        assert meta["rule_id"] in rules, (kind, exp["type"])
        rule = rules[meta["rule_id"]]
        assert meta["procedure_section"] == rule.section
        assert meta["severity"] == rule.severity
        assert meta["action"] in {rule.action, *OTHER_ACTIONS.get(rule.id, ())}
        assert (meta["reason_en"], meta["reason_lv"]) == (rule.en, rule.lv)
        assert meta["detail"].format(field="notes", format="old format").strip()


def test_every_rule_has_an_expectation():
    seen = {exp["meta"]["rule_id"] for _, exp in _committed_expectations()}
    assert seen == set(load_rules().rules)


def test_an_unknown_expectation_type_fails_loudly():
    suite = build_suites()["orders"]
    suite["expectations"].append(
        {**suite["expectations"][0], "type": "expect_column_values_to_be_lovely"}
    )
    with pytest.raises(
        SuiteError, match="unknown expectation type expect_column_values_to_be_lovely"
    ):
        to_gx_suite(suite, "zimes_orders.json")


def test_runner_loads_every_expectation_and_reports_the_count():
    runner = SuiteRunner()
    for kind, info in runner.info.items():
        assert info.expectations == len(build_suites()[kind]["expectations"])
        assert info.sha256 == hashlib.sha256(suite_path(kind).read_bytes()).hexdigest()
    assert suites_dir().name in ("expectations", "_expectations")


def test_file_context_sees_the_committed_suites():
    """The GX project in gx/ points its expectations store at the top-level expectations/."""
    import great_expectations as gx

    import zimes_audit.checks.expectations  # noqa: F401  (custom expectations first)

    context = gx.get_context(mode="file", project_root_dir=str(suites_dir().parent))
    names = {s.name for s in context.suites.all()}
    assert set(SUITE_NAMES.values()) <= names
    assert len(context.suites.get("zimes_register").expectations) == len(
        build_suites()["register"]["expectations"]
    )
