"""GX's import without the modules the audit never uses (issue 29): the stand-in for
``rfc3987_syntax`` keeps jsonschema's ``iri`` format check working, built on first use, and the
one for ``scipy.stats`` keeps GX's distribution expectations' ``stats`` working.

Import state is per process, so both are probed in one fresh interpreter that imports GX as
the audit does.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from zimes_audit.checks.deferred import defer_unused_imports
defer_unused_imports()
import great_expectations, jsonschema
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
grammar_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
stats_at_import = "scipy.stats._distn_infrastructure" in sys.modules
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
verdicts = [checker.conforms(v, "iri") for v in ("https://zīmes.lv/kontakti", "nav iri")]
print(grammar_at_import, "iri" in checker.checkers, verdicts,
      "rfc3987_syntax.syntax_helpers" in sys.modules)
print(stats_at_import, round(float(kl.stats.entropy([0.5, 0.5], base=2)), 3),
      "scipy.stats._distn_infrastructure" in sys.modules)
"""


@pytest.fixture(scope="module")
def probed() -> list[str]:
    """The probe's lines, from one fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")


def test_jsonschema_checks_iris_with_the_grammar_built_on_first_use(probed):
    assert probed[0] == "False True [True, False] True"


def test_gx_s_stats_is_scipy_s_imported_on_first_use(probed):
    assert probed[1] == "False 1.0 True"
