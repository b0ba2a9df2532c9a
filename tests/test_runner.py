"""The suite runner's use of GX internals: each guarded, each leaving GX's results unchanged."""

from __future__ import annotations

import contextlib
import json
import re

from zimes_audit.checks import runner as runner_module
from zimes_audit.checks.runner import SuiteRunner, gx_configurations_kept


def _results(runner: SuiteRunner, audit) -> str:
    """Every suite's validation result as JSON, without its run's time and ids."""
    parameters = audit.policy.suite_parameters(audit.as_of)
    results = [runner.run(kind, frame, parameters) for kind, frame in audit.frames.items()]
    text = json.dumps([r.to_json_dict() for r in results], sort_keys=True, default=str)
    return re.sub(r'"(run_time|validation_time|batch_id)": "[^"]*"|\d{8}T\d{6}\.\d+Z', "", text)


def test_gx_builds_each_configuration_anew_and_the_runner_keeps_one_per_object_in_its_block():
    """GX's ``Expectation.configuration`` builds a new configuration on every read (what makes
    the runner keep them): guard it.  Inside :func:`gx_configurations_kept` an expectation
    object gives the same one each time; after it, GX's property is back."""
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    from zimes_audit.checks.suites import SUITE_NAMES, load_suite_json

    own = Expectation.__dict__["configuration"]
    assert isinstance(own, property), "GX's Expectation.configuration is no longer a property"
    raw, _ = load_suite_json(next(iter(SUITE_NAMES)))
    expectation = ExpectationConfiguration(**raw["expectations"][0]).to_domain_obj()
    assert expectation.configuration is not expectation.configuration
    assert expectation.configuration == expectation.configuration
    with gx_configurations_kept():
        first = expectation.configuration
        assert expectation.configuration is first and first == own.fget(expectation)
    assert Expectation.__dict__["configuration"] is own
    assert expectation.configuration is not first
    with contextlib.suppress(RuntimeError), gx_configurations_kept():  # a failed validation
        raise RuntimeError
    assert Expectation.__dict__["configuration"] is own  # GX's property back all the same


def test_keeping_the_configurations_changes_no_validation_result(sample_audit, monkeypatch):
    """Every suite validated on the sample with and without the configurations kept: the same
    results, expectation by expectation (configurations, counts, positions)."""
    runner = SuiteRunner()
    kept = _results(runner, sample_audit)
    monkeypatch.setattr(runner_module, "gx_configurations_kept", contextlib.nullcontext)
    assert _results(runner, sample_audit) == kept
    assert '"unexpected_index_list": [' in kept  # failures and their positions compared too


def test_the_audit_collects_the_garbage_once_for_many_records_and_not_for_a_few(monkeypatch):
    """The one full collection after the suites (it frees the facts a cycle holds at 1M
    records, issue 15) runs from ``COLLECT_FROM_RECORDS`` records on; a few records skip it."""
    import gc

    from conftest import AS_OF, make_table

    from zimes_audit import audit as audit_module

    orders = make_table(
        "orders",
        [{"order_id": f"M-{i}", "customer_id": f"K-{i}", "created_at": "2026-01-03 10:00:00"}
         for i in range(3)],
    )  # fmt: skip
    collected = []
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(a) or 0)
    audit_module.audit(tables=[orders], as_of=AS_OF, keep_facts=())
    assert collected == []
    monkeypatch.setattr(audit_module, "COLLECT_FROM_RECORDS", 3)
    audit_module.audit(tables=[orders], as_of=AS_OF, keep_facts=())
    assert collected == [()]


def test_the_scans_start_first_and_their_groups_are_validated_last_with_the_same_results(
    sample_audit, monkeypatch
):
    """The text scans are started before GX validates a kind's first group and read while it
    validates the others; the groups holding a scan come last (issue 29).  The results are
    those of the suite's own group order, with nothing started ahead, expectation by
    expectation."""
    from zimes_audit.checks.conditions import LOCATORS
    from zimes_audit.checks.text_scan import RecordScan

    runner, events = SuiteRunner(), []
    own_validate, own_start = runner.validate, RecordScan.start

    def validate(kind, frame, suite, *rest):
        scans = any(e.expectation_type in LOCATORS for e in suite.expectations)
        events.append(("scan group" if scans else "group", kind))
        return own_validate(kind, frame, suite, *rest)

    def start(scan, columns):
        events.append(("start", list(columns)))
        return own_start(scan, columns)

    monkeypatch.setattr(runner, "validate", validate)
    monkeypatch.setattr(RecordScan, "start", start)
    ahead = _results(runner, sample_audit)
    orders = [e for e in events if e[0] != "start"][: len(runner._groups["orders"])]
    assert events[0][0] == "start" and "notes" in events[0][1]  # before any group
    assert orders[-1] == ("scan group", "orders") and orders[0] == ("group", "orders")
    monkeypatch.setattr(runner_module, "scans_last", lambda groups, suite: groups)
    monkeypatch.setattr(RecordScan, "start", lambda scan, columns: None)
    monkeypatch.setattr(runner_module, "scanned_columns", lambda suite: [])
    assert _results(runner, sample_audit) == ahead


def test_a_group_of_text_scans_is_fed_presence_and_gx_gives_the_same_results(
    sample_audit, monkeypatch
):
    """A group of text scans only is fed its columns' presence (issue 29): GX's whole result —
    counts, missing records (every scanned field empty), unexpected positions — is the one fed
    the text itself.  A frame whose rows the scan cannot read by position is fed its text."""
    from zimes_audit.checks.conditions import LOCATORS
    from zimes_audit.checks.runner import narrow_frame

    runner, fed, own = SuiteRunner(), [], runner_module.presence_frame
    orders = sample_audit.frames["orders"].copy()
    scanned = runner_module.scanned_columns(runner.suites["orders"])
    present = [c for c in scanned if c in orders]
    orders.loc[orders.index[:3], present] = None  # three records with no text to scan
    empty_records = int(orders[present].isna().all(axis=1).sum())
    parameters = sample_audit.policy.suite_parameters(sample_audit.as_of)

    def presence(frame, columns):
        fed.append(list(columns))
        return own(frame, columns)

    def validated(frame) -> tuple[str, list[dict]]:
        result = runner.run("orders", frame, parameters)
        text = json.dumps(result.to_json_dict(), sort_keys=True, default=str)
        text = re.sub(r'"(run_time|validation_time|batch_id)": "[^"]*"|\d{8}T\d{6}\.\d+Z', "", text)
        return text, [r.result for r in result.results if r.expectation_config.type in LOCATORS]

    monkeypatch.setattr(runner_module, "presence_frame", presence)
    given, scans = validated(orders)
    assert fed == [scanned] and len(scans) == 2 and empty_records >= 3
    assert all(r["missing_count"] == empty_records for r in scans)
    assert sum(r["unexpected_count"] for r in scans) > 0
    fed.clear()
    validated(orders.set_index(orders.index + 1000))  # rows not by position
    assert fed == []
    monkeypatch.setattr(runner_module, "presence_frame", narrow_frame)
    assert validated(orders)[0] == given


def test_memory_is_handed_back_at_every_step_with_glibc_found_once(monkeypatch):
    """Every step's end hands freed memory back (glibc's ``malloc_trim``); glibc is looked up
    once (``find_library`` runs ``ldconfig`` in a child process each time it is asked)."""
    import ctypes.util

    from zimes_audit import hooks

    looked_up, own = [], ctypes.util.find_library
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: looked_up.append(name) or own(name)
    )
    hooks._malloc_trim.cache_clear()
    steps = hooks.Hooks()
    for name in ("load", "facts", "validate"):
        with steps.step(name):
            pass
    assert looked_up == ["c"] and hooks._malloc_trim() is not None
