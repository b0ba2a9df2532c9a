"""The administrator's environment holds what the audit needs and no development tools.

``make audit`` installs the package without extras; ``make test`` adds the ``dev`` extra.  The
package's own requirements, followed through every installed distribution's metadata, must reach
the notebook machinery (the audit executes its notebook) and must not reach JupyterLab, pytest,
ruff or hypothesis.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, distribution

import pytest
from conftest import ROOT

DEV_TOOLS = {"jupyterlab", "pytest", "ruff", "hypothesis"}
NOTEBOOK_RUNTIME = {"ipykernel", "nbclient", "papermill", "nbconvert", "nbformat"}


def _name(text: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")


def runtime_closure(root: str = "zimes-audit") -> set[str]:
    """Distributions a plain ``pip install .`` pulls in (no extras), as installed here."""
    seen, todo = set(), [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # a platform-only dependency not installed here
        for requirement in requires:
            if "extra ==" in requirement.replace("extra==", "extra =="):
                continue
            todo.append(_name(requirement))
    return seen


def test_the_runtime_needs_no_development_tool():
    closure = runtime_closure()
    assert closure >= NOTEBOOK_RUNTIME
    assert "great-expectations" in closure and "pandas" in closure
    assert not (DEV_TOOLS & closure), DEV_TOOLS & closure


def test_dev_tools_are_only_in_the_dev_extra():
    requires = distribution("zimes-audit").requires or []
    dev = {_name(r) for r in requires if "extra" in r and "dev" in r}
    assert dev >= DEV_TOOLS


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_audit_installs_without_extras_and_names_the_demo(tmp_path):
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    plan = subprocess.run(
        ["make", "-n", "audit", "AS_OF=2026-11-30"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plan.returncode == 0, plan.stderr
    text = plan.stdout
    assert "pip install" in text and "[dev]" not in text
    assert "takes 2-5 minutes" in text  # it says what it does and how long
    assert ".venv/bin/zimes-audit run data_samples --as-of 2026-11-30" in text
    test_plan = subprocess.run(
        ["make", "-n", "test"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    ).stdout
    assert '-e ".[dev]"' in test_plan and ".venv/bin/pytest" in test_plan
