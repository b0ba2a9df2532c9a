"""GX's import without the modules the audit never uses (issue 29): the stand-in for
``rfc3987_syntax`` keeps jsonschema's ``iri`` format check working, built on first use, and the
one for ``scipy.stats`` keeps GX's distribution expectations' ``stats`` working.

Import state is per process, so this one test runs a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from zimes_audit.checks.deferred import defer_unused_imports
defer_unused_imports()
import jsonschema
built_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
verdicts = [checker.conforms(v, "iri") for v in ("https://zīmes.lv/kontakti", "nav iri")]
print(built_at_import, "iri" in checker.checkers, verdicts,
      "rfc3987_syntax.syntax_helpers" in sys.modules)
"""


def test_jsonschema_checks_iris_with_the_grammar_built_on_first_use():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")[0]
    assert out == "False True [True, False] True"


SCIPY_PROBE = """
import sys
from zimes_audit.checks.deferred import defer_unused_imports
defer_unused_imports()
import great_expectations
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
imported_with_gx = "scipy.stats._distn_infrastructure" in sys.modules
print(imported_with_gx, round(float(kl.stats.entropy([0.5, 0.5], base=2)), 3),
      "scipy.stats._distn_infrastructure" in sys.modules)
"""


def test_gx_s_stats_is_scipy_s_imported_on_first_use():
    out = subprocess.run(
        [sys.executable, "-c", SCIPY_PROBE], capture_output=True, text=True, check=True,
        timeout=120,
    ).stdout.split("\n")[0]  # fmt: skip
    assert out == "False 1.0 True"
