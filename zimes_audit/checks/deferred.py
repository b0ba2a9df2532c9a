"""A grammar Great Expectations' import builds and the audit never uses, built when first used.

Importing GX imports altair (for a renderer), altair imports jsonschema, and jsonschema imports
``rfc3987_syntax`` for its ``iri``/``iri-reference`` format checks — whose import compiles an
Earley parser from a Lark grammar: about a third of GX's import time on this machine (issue 29,
``python -X importtime``), for a format no suite of the audit checks.  :func:`defer_iri_grammar`
puts a stand-in module in its place before GX is imported: it imports the real module the first
time anything is asked of it (a format check, any attribute), so every caller still gets the
real answer — only the cost moves to the first use, which the audit never makes.

Nothing changes where ``rfc3987_syntax`` is already imported or not installed.

>>> import sys
>>> defer_iri_grammar()
>>> module = sys.modules.get("rfc3987_syntax")
>>> module is None or module.is_valid_syntax("iri", "https://zimes.lv/ā") is True
True
>>> module is None or module.is_valid_syntax("iri", "nav iri") is False
True
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

GRAMMAR_MODULE = "rfc3987_syntax"


def defer_iri_grammar() -> None:
    """Put a stand-in for ``rfc3987_syntax`` in ``sys.modules`` that imports the real module on
    first use (unless it is imported already, or absent)."""
    if GRAMMAR_MODULE in sys.modules or importlib.util.find_spec(GRAMMAR_MODULE) is None:
        return
    stand_in = types.ModuleType(GRAMMAR_MODULE, "Imported on first use (zimes_audit).")

    def real() -> types.ModuleType:
        if sys.modules.get(GRAMMAR_MODULE) is stand_in:
            del sys.modules[GRAMMAR_MODULE]
        return importlib.import_module(GRAMMAR_MODULE)

    def is_valid_syntax(term: str, value: str) -> bool:
        return real().is_valid_syntax(term, value)

    def forward(name: str) -> object:
        if name.startswith("__"):  # the import system asks (``__path__``): a plain module
            raise AttributeError(name)
        return getattr(real(), name)  # anything else: the real module's

    stand_in.is_valid_syntax = is_valid_syntax  # what jsonschema imports by name
    stand_in.__getattr__ = forward
    sys.modules[GRAMMAR_MODULE] = stand_in
