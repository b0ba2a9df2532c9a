"""GX's import without the IRI grammar it never uses (issue 29): the stand-in for
``rfc3987_syntax`` keeps jsonschema's ``iri`` format check working, built on first use.

Import state is per process, so this one test runs a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from zimes_audit.checks.deferred import defer_iri_grammar
defer_iri_grammar()
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
