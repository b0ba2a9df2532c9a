"""Modules Great Expectations' import loads and the audit never uses, imported when first used.

Two of them cost about half of GX's import on this machine (issue 29, ``python -X importtime``):

- ``rfc3987_syntax``: importing GX imports altair (for a renderer), altair imports jsonschema,
  and jsonschema imports it for its ``iri``/``iri-reference`` format checks — its import
  compiles an Earley parser from a Lark grammar, for a format no suite of the audit checks;
- ``scipy.stats`` (~470 modules, 0.8–1.3 s): imported by three GX modules (``from scipy import
  stats``) for the KL-divergence and Kolmogorov–Smirnov expectations, which no suite of the
  audit has; they read ``stats`` only when such an expectation runs.

:func:`defer_unused_imports` puts a stand-in module in each one's place before GX is imported:
it imports the real module the first time anything is asked of it (any attribute, or a function
imported by name), so every caller still gets the real answer — only the cost moves to the
first use, which the audit never makes.  Nothing changes for a module already imported or not
installed.

>>> import sys
>>> defer_unused_imports()
>>> module = sys.modules.get("rfc3987_syntax")
>>> module is None or module.is_valid_syntax("iri", "https://zimes.lv/ā") is True
True
>>> module is None or module.is_valid_syntax("iri", "nav iri") is False
True
>>> round(float(sys.modules["scipy.stats"].entropy([0.5, 0.5], base=2)), 3)
1.0
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

#: Each deferred module, with the functions its importers take from it by name at their own
#: import (``from rfc3987_syntax import is_valid_syntax``): forwarded one by one, so that the
#: import by name does not import the real module.
DEFERRED: dict[str, tuple[str, ...]] = {
    "rfc3987_syntax": ("is_valid_syntax",),
    "scipy.stats": (),
}


def defer_unused_imports() -> None:
    """Put a stand-in for each module of :data:`DEFERRED` in ``sys.modules`` that imports the
    real module on first use (unless it is imported already, or absent)."""
    for name, functions in DEFERRED.items():
        _defer(name, functions)


def _defer(name: str, functions: tuple[str, ...]) -> None:
    parent = name.rpartition(".")[0]
    if name in sys.modules or (parent and importlib.util.find_spec(parent) is None):
        return
    spec = importlib.util.find_spec(name)  # imports the parent package (cheap), not it
    if spec is None:
        return
    stand_in = types.ModuleType(name, "Imported on first use (zimes_audit).")
    stand_in.__spec__ = spec  # what ``find_spec`` of it answers (no ``__path__``: a submodule
    # imported by its full name before the module is used is not found — nothing the audit or
    # its libraries do; ``importlib.util.LazyLoader`` would load it at the ``import`` itself)

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def forward(attribute: str) -> object:
        if attribute.startswith("__"):  # the import system asks (``__path__``): a plain module
            raise AttributeError(attribute)
        return getattr(real(), attribute)  # anything else: the real module's

    def by_name(function: str):
        return lambda *args, **kwargs: getattr(real(), function)(*args, **kwargs)

    for function in functions:
        setattr(stand_in, function, by_name(function))
    stand_in.__getattr__ = forward
    sys.modules[name] = stand_in
