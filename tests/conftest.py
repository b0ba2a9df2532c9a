"""Shared fixtures.  Every audit in the tests pins its audit date (``as_of``)."""

from __future__ import annotations

import contextlib
import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from zimes_audit.loading.header import column_letter
from zimes_audit.loading.tables import (
    UNCLASSIFIED_PREFIX,
    UNREADABLE_DETAIL,
    UNREADABLE_FIELDS,
    ColumnInfo,
    Detected,
    LoadedTable,
)
from zimes_audit.procedure.catalogue import load_catalogue

settings.register_profile("default", deadline=None)
settings.register_profile(
    "thorough", deadline=None, max_examples=1000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data_samples"
AS_OF = date(2026, 11, 1)


def _typed(name: str, values: list) -> pd.Series:
    field = load_catalogue().fields.get(name)
    kind = field.type if field else "text"
    if kind in ("date", "datetime"):
        return pd.Series(pd.to_datetime(values, format="ISO8601"), dtype="datetime64[ns]")
    if kind == "bool":
        return pd.Series(values, dtype="boolean")
    if kind == "number":
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype="str")


@contextlib.contextmanager
def setting(module, name: str, value):
    """``module.name`` set to ``value`` within the block (a generated test's examples run
    within one test call, where pytest's ``monkeypatch`` would hold across all of them)."""
    own = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, own)


def make_table(kind: str, records: list[dict], file_name: str | None = None) -> LoadedTable:
    """A loaded table built in memory: header on row 1, records from row 2, with the dtypes the
    loaders give (``test_fixture_frames_have_the_loaders_dtypes`` holds them to it)."""
    file_name = file_name or f"{kind}.csv"
    columns = list(dict.fromkeys(k for r in records for k in r))
    data = {c: _typed(c, [r.get(c) for r in records]) for c in columns}
    frame = pd.DataFrame(data)
    frame["source_file"] = pd.Series(file_name, index=frame.index, dtype="str")
    frame["source_sheet"] = pd.Series(None, index=frame.index, dtype="str")
    frame["source_row"] = pd.Series(range(2, len(records) + 2), index=frame.index, dtype="int64")
    for column in (UNREADABLE_FIELDS, UNREADABLE_DETAIL):  # no unreadable cell
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    catalogue = load_catalogue()
    infos = tuple(
        ColumnInfo(
            c.removeprefix(UNCLASSIFIED_PREFIX),
            c if c in catalogue.fields else None,
            catalogue.fields[c].category if c in catalogue.fields else "unclassified",
            c,
            scan=catalogue.fields[c].scan if c in catalogue.fields else True,
            letter=column_letter(n),
        )
        for n, c in enumerate(columns)
    )
    return LoadedTable(
        Path(file_name), kind, frame, infos, Detected("csv", "utf-8", ",", None, 1), "0" * 64
    )


# ------------------------------------------------------------- the two workers of `make test`
#: Test files that share a session fixture too costly to build twice (``months``: the monthly
#: loop played end to end; ``sample_report`` and ``sample_review``: the sample run with its
#: notebook, and its review executed): under ``--dist loadfile`` they go to one worker together,
#: which builds each once (test_audit_language reads all three, so they are one group).  Every
#: other file stays on one worker, as ``loadfile`` does.
SHARED_GROUPS = {
    "test_monthly.py": "reports", "test_evidence.py": "reports",
    "test_notebooks.py": "reports", "test_audit_language.py": "reports",
}  # fmt: skip
#: The files (or groups) that take longest, in seconds on a quiet machine (``--durations``): the
#: workers take them first, so that no long file starts last and runs alone.  Only the order of
#: the work depends on these figures, never a result; a file left out counts as short.
LONG_GROUPS = {
    "reports": 120, "test_rules.py": 49, "test_stopping.py": 45, "test_monthly_states.py": 35,
    "test_decisions.py": 30, "test_real_inputs.py": 28, "test_help.py": 27, "test_readme.py": 25,
    "test_run.py": 25, "test_subject.py": 24, "test_floor.py": 23,
    "test_console_language.py": 21, "test_bench.py": 15, "test_layouts_generated.py": 12,
    "test_hostile_inputs.py": 10, "test_workbook.py": 10,
}  # fmt: skip


def _group(path: str) -> str:
    """The work unit of a test file (a node id's path): its shared group, else the file."""
    return SHARED_GROUPS.get(Path(path).name, path)


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (``make test``) with :data:`SHARED_GROUPS` as one work unit each and
    the units in the order the workers collected them (longest first: below)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid.split("::")[0])

    config.option.loadscopereorder = False  # xdist would order the units by their test count
    return FilesAndGroups(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """On an xdist worker: the files of :data:`LONG_GROUPS` first, longest first (a file's
    tests keep their order; a plain ``pytest`` run keeps the collection order)."""
    if not hasattr(config, "workerinput"):
        return

    def length(item) -> int:
        group = _group(item.nodeid.split("::")[0])
        return LONG_GROUPS.get(Path(group).name, 0)

    items.sort(key=lambda item: -length(item))


@pytest.fixture(scope="session")
def ground_truth() -> dict:
    return json.loads((SAMPLES / "ground_truth.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def sample_audit():
    """The shipped sample audited once per session as of its ground truth's date (read only)."""
    from zimes_audit.audit import audit

    return audit([SAMPLES], as_of=AS_OF)


@pytest.fixture(scope="session")
def months(tmp_path_factory):
    """The monthly loop played end to end once per session (test_monthly.play_months):
    ``(base folder, [(report folder, command output)] × 3)``."""
    from test_monthly import play_months

    base = tmp_path_factory.mktemp("monthly")
    return base, play_months(base)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    """The shipped sample run once per session as ``zimes-audit run`` does, its notebook
    executed (Latvian, the default): ``(report folder, result)`` (read only)."""
    from zimes_audit.report.run import RunRequest, run_report

    out = tmp_path_factory.mktemp("nb") / "r"
    return run_report(RunRequest([str(SAMPLES)], AS_OF, out=out))


@pytest.fixture(scope="session")
def sample_review(sample_report, tmp_path_factory):
    """The auditor's review of :func:`sample_report`, executed once (Latvian, the default):
    ``(notebook, .ipynb path, .html path)``."""
    import nbformat

    from zimes_audit.report.notebook import execute_review_notebook

    target = tmp_path_factory.mktemp("rv") / "review.ipynb"
    out, html = execute_review_notebook(sample_report[0], target)
    return nbformat.read(out, as_version=4), out, html
