"""The package is laid out by pipeline stage and imports run one way, stage by stage
(docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "zimes_audit"
#: Stage of each top-level module or subpackage: a module may import its own stage and earlier
#: ones.  ``errors`` and the package root (its version) may be imported from anywhere.
STAGES = {
    "errors": -1,
    "words": -1,  # every word a person reads (the catalogue): errors and progress lines speak it
    "": -1,
    "__init__": -1,
    "procedure": 0,
    "detect": 0.5,  # the detectors: read by loading (columns by their values) and by checks
    "loading": 1,
    "facts": 2,
    "checks": 3,
    "audit": 4,
    "hooks": 4,  # the one hook into a run (audit's and report.run's steps)
    "report": 5,
    "views": 6,
    "sample": 6,
    "subject": 6,  # data-subject requests: reads the inputs, answers, records in the history
    "stop": -1,  # signal handling: the command line installs it, the report folder checks it
    "ending": 7,  # how the command leaves (and the benchmark's cases, as it does)
    "cli": 7,
    "__main__": 7,
}
#: The report folder's file names (data, no code): importable from any stage (loading skips a
#: report's own outputs by them).
NAMES_ANYWHERE = {"zimes_audit.report.layout"}
#: What the views may read of the report folder's owner.
VIEWS_MAY_READ = {"zimes_audit.report.layout", "zimes_audit.report.reports"}
#: The one seam back: the run saves the masked tables and draws the charts once, into the report
#: folder, so that the notebooks only read (``report.results``, issue 14: the audit runs once).
REPORT_MAY_DRAW = {"zimes_audit.report.results": "zimes_audit.views"}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m == "zimes_audit" or m.startswith("zimes_audit.")}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        yield ".".join(relative.parts), path


@pytest.mark.parametrize(("module", "path"), list(_modules()), ids=lambda v: str(v))
def test_imports_run_one_way(module, path):
    own = _stage(module)
    assert own in STAGES, f"{module}: a stage the layout does not know"
    for imported in _imports(path):
        stage = _stage(imported)
        if stage.startswith("__") and stage not in STAGES:  # zimes_audit.__version__
            stage = ""
        if imported.startswith(REPORT_MAY_DRAW.get(module, "-")):
            continue
        if any(imported.startswith(m) for m in NAMES_ANYWHERE):
            continue
        assert STAGES[stage] <= STAGES[own], f"{module} imports {imported} (a later stage)"
        if own == "views" and stage == "report":
            assert any(imported.startswith(m) for m in VIEWS_MAY_READ), (
                f"{module} imports {imported}: views read report folders only through "
                f"{sorted(VIEWS_MAY_READ)}"
            )


def test_the_gx_plugins_are_imported_only_by_the_gx_side():
    """Findings and the pandas reference evaluator do not depend on the GX plug-in package."""
    for name in ("findings", "reference", "conditions"):
        imported = _imports(PACKAGE / "checks" / f"{name}.py")
        assert not any(m.startswith("zimes_audit.checks.expectations") for m in imported), name
