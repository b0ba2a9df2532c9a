"""Running the committed suites with Great Expectations.

One ephemeral GX context per audit: the DataFrames are passed at run time, the suites come from
``expectations/`` (loaded loudly, see :func:`zimes_audit.checks.suites.to_gx_suite`), and the policy's
terms and the audit date are passed as suite parameters.  Results never carry the unexpected
values themselves (GX issue #8780): only the row positions, which the findings map back to records.
The results store (what Data Docs read) keeps only the first few positions of each expectation
(:func:`stored_copy`): turning up to a million positions into JSON cost seconds, and no page
shows them — ``findings.csv`` is the complete record.

GX is called through its public 1.x API (:meth:`SuiteRunner.validate`: ``get_batch`` and
``Batch.validate``).  How GX is fed decides its cost (measured at 1M orders; README, Performance).  GX filters the
whole batch frame for every expectation (row conditions, unexpected rows), so each group of
expectations that reads the same columns is validated on a frame of just those columns, and the
group results are merged back into one validation result per committed suite, in the suite's
order.  GX's md5 fingerprint of every batch — metadata only — is skipped
(:data:`HASH_THRESHOLD`): GX reads it from a module constant of its pandas engine and offers no
setting for it, so :func:`gx_fingerprints_above` sets it for the runner's own validations only
and restores GX's value after them (GX is pinned and a test guards the attribute).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from zimes_audit.checks.conditions import LOCATORS
from zimes_audit.checks.deferred import defer_unused_imports
from zimes_audit.checks.suites import SUITE_NAMES, load_suite_json, suite_path, to_gx_suite
from zimes_audit.checks.text_scan import scanning
from zimes_audit.procedure.catalogue import load_catalogue

RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 0,
}
HASH_THRESHOLD = 0  # bytes: GX fingerprints only frames smaller than this, i.e. none
#: Widest frame GX is fed, unless one expectation reads more (:func:`column_groups`): one column,
#: i.e. each expectation on the columns it reads itself (and those others read a part of).
#: Measured at 1M orders (issue 29): a GX run's fixed cost is ~10 ms, a filter of one 1M-row
#: text column ~8 ms, and GX filters its whole frame several times per expectation — the orders
#: suite's validation took 2.7 s of CPU in groups of up to 6 columns, 2.1 s in groups of 1.
GROUP_COLUMNS = 1
STORED_INDEXES = 20  # row positions per expectation kept in the results store (GX's partial count)
_DTYPES = {
    "date": "datetime64[us]",
    "datetime": "datetime64[us]",
    "bool": "boolean",
    "number": "float64",
}


@contextlib.contextmanager
def gx_fingerprints_above(threshold: float) -> Iterator[None]:
    """Within the block, GX fingerprints (md5) only batch frames smaller than ``threshold``
    bytes; GX's own value is back afterwards, for any other GX use in the process."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    own = engine.HASH_THRESHOLD
    engine.HASH_THRESHOLD = threshold
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = own


@contextlib.contextmanager
def gx_configurations_kept() -> Iterator[None]:
    """Within the block, each GX expectation object builds its configuration once.

    GX's ``Expectation.configuration`` is a property that builds a new configuration from the
    expectation's fields (pydantic ``dict()``, the type's snake-case name) on every read, and
    GX reads it once per domain, success and runtime keyword: ~9 times per expectation object,
    each validation making ~14 objects per expectation (``to_domain_obj``) — a third of a small
    run's validation.  GX does not change an expectation object while it validates it (it does
    resolve the suite parameters into a configuration's keywords in place: the kept one holds
    them resolved, as each fresh one would be for the same object's validation), so the
    block keeps each object's first configuration (the object with it, so that its ``id`` is
    not reused) and hands that back; GX's property is back afterwards, for any other GX use in
    the process (GX is pinned and a test guards the attribute)."""
    from great_expectations.expectations.expectation import Expectation

    own = Expectation.__dict__["configuration"]
    kept: dict[int, tuple[object, object]] = {}

    def configuration(self):
        entry = kept.get(id(self))
        if entry is None or entry[0] is not self:
            entry = kept[id(self)] = (self, own.fget(self))
        return entry[1]

    Expectation.configuration = property(configuration, doc=own.__doc__)
    try:
        yield
    finally:
        Expectation.configuration = own
        kept.clear()


@dataclass(frozen=True)
class SuiteInfo:
    kind: str
    name: str
    path: str
    sha256: str
    expectations: int


def referenced_columns(suite: dict) -> list[str]:
    """Every column a suite's expectations read, row conditions included, in first-use order."""
    seen: dict[str, None] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("column", "column_A", "column_B") and isinstance(value, str):
                    seen.setdefault(value)
                elif key == "column_list":
                    for column in value:
                        seen.setdefault(column)
                elif key == "column" and isinstance(value, dict) and "name" in value:
                    seen.setdefault(value["name"])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for exp in suite["expectations"]:
        walk(exp["kwargs"])
    return list(seen)


def narrow_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The given columns in row-position order; absent catalogue fields are empty columns.

    >>> narrow = narrow_frame(pd.DataFrame({"email": ["a@b.lv"]}), ["email", "created_at"])
    >>> narrow.dtypes.astype(str).tolist(), narrow["created_at"].isna().tolist()
    (['str', 'datetime64[us]'], [True])
    """
    present = [c for c in columns if c in frame]
    out = frame[present].reset_index(drop=True)  # copy-on-write: no data copied
    for column in columns:
        if column not in frame:
            out[column] = _absent(column, len(out))
    return out[columns]


def _absent(column: str, length: int) -> pd.Series:
    """The all-missing column of a catalogue field a kind's records lack, of its type."""
    field = load_catalogue().fields.get(column)
    return _missing(length, _DTYPES.get(field.type, "str") if field else "str")


_FILLED = pd.CategoricalDtype(["filled"])


def presence_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """For a group of text scans only (:data:`~zimes_audit.checks.conditions.LOCATORS`): each
    column of ``frame`` as whether its cell is filled — a one-byte category, missing exactly
    where the cell is — in row-position order; absent catalogue fields are empty columns, as in
    :func:`narrow_frame`.

    A scan's condition reads the records' one scan (:mod:`~zimes_audit.checks.text_scan`), by
    row position, never the cells GX passes it; GX itself reads only which cells are missing (a
    record with every scanned field empty is not checked) and copies the rows it filters and
    the unexpected ones, once per metric: 0.83 s of CPU over the 36 text columns of a million
    orders, 0.39 s fed their presence (issue 29).  The unexpected values GX takes from it are
    not kept (:data:`RESULT_FORMAT`).

    >>> texts = pd.DataFrame({"notes": ["p.k. 161175-19997", None, "Rīga"]}, dtype="str")
    >>> presence = presence_frame(texts, ["notes", "address"])
    >>> presence["notes"].tolist(), presence["address"].isna().tolist()
    (['filled', nan, 'filled'], [True, True, True])
    >>> presence["notes"].isna().equals(narrow_frame(texts, ["notes"])["notes"].isna())
    True
    """

    def presence(column: str):
        if column not in frame:
            return _absent(column, len(frame)).array
        codes = np.where(frame[column].isna().to_numpy(), -1, 0).astype(np.int8)
        return pd.Categorical.from_codes(codes, dtype=_FILLED)

    return pd.DataFrame({column: presence(column) for column in columns})


def reads_presence_only(expectations: list[dict]) -> bool:
    """Whether GX needs nothing of a group's columns but which cells are missing
    (:func:`presence_frame`): text scans only, none with a row condition (GX evaluates a row
    condition on the values themselves).

    >>> scan = {"type": "expect_multicolumn_values_to_contain_no_card_number",
    ...         "kwargs": {"column_list": ["notes", "address"]}}
    >>> conditioned = {**scan, "kwargs": {**scan["kwargs"], "row_condition": 'notes != ""'}}
    >>> reads_presence_only([scan]), reads_presence_only([scan, conditioned])
    (True, False)
    >>> reads_presence_only([{"type": "expect_column_values_to_be_null", "kwargs": {}}])
    False
    """
    return all(
        exp["type"] in LOCATORS and not exp.get("kwargs", {}).get("row_condition")
        for exp in expectations
    )


@functools.lru_cache(maxsize=8)
def _missing(length: int, dtype: str) -> pd.Series:
    """An all-missing column (no Python list), made once per length and type: a million-record
    kind lacks a dozen catalogue fields, each read by several groups (~14 ms each time as
    text).  The frames it is put in share its data, so it is read only: Arrow's text is, and
    numpy's buffers are made so — writing into one raises rather than fill a later group's.

    >>> [_missing(3, t).array._ndarray.flags.writeable for t in ("datetime64[us]",)]
    [False]
    >>> _missing(3, "boolean").array._data.flags.writeable, _missing(3, "boolean").array._mask.flags.writeable
    (False, False)
    """
    column = pd.Series(index=pd.RangeIndex(length), dtype=dtype)
    for name in ("_ndarray", "_data", "_mask"):  # datetime64; boolean's values and mask
        buffer = getattr(column.array, name, None)
        if isinstance(buffer, np.ndarray):
            buffer.flags.writeable = False
    return column


def column_groups(
    suite: dict, max_columns: int = GROUP_COLUMNS
) -> dict[tuple[str, ...], list[int]]:
    """Expectation positions packed into groups that read at most ``max_columns`` columns.

    Each GX run costs a fixed ~10 ms, and each expectation costs GX passes over the whole batch
    frame (:data:`GROUP_COLUMNS`): small groups of narrow frames balance the two (README,
    Performance).  A group wider than ``max_columns`` (an expectation that reads many columns)
    takes no expectation that reads fewer: GX drops a column's missing values by copying the
    whole batch frame, and a copy of every text column of a million records is half a gigabyte
    (issue 15).

    >>> suite = {"expectations": [{"kwargs": {"column": c}} for c in "abcab"]}
    >>> sorted(column_groups(suite, max_columns=2).items())
    [(('a', 'b'), [0, 1, 3, 4]), (('c',), [2])]
    >>> wide = {"expectations": [{"kwargs": {"column_list": ["a", "b", "c"]}},
    ...                          {"kwargs": {"column": "a"}}]}
    >>> sorted(column_groups(wide, max_columns=2).items())
    [(('a',), [1]), (('a', 'b', 'c'), [0])]
    >>> pair = {"expectations": [{"kwargs": {"column_list": ["a", "b", "c"]}},
    ...                          {"kwargs": {"column": "a", "row_condition": {"column": "b"}}}]}
    >>> sorted(column_groups(pair, max_columns=1).items())
    [(('a', 'b'), [1]), (('a', 'b', 'c'), [0])]
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for position, exp in enumerate(suite["expectations"]):
        needed = referenced_columns({"expectations": [exp]})
        home = next(
            (
                cols
                for cols in groups
                if set(needed) <= set(cols) and len(cols) <= max(max_columns, len(needed))
            ),
            None,
        )
        if home is None:
            home = next(
                (cols for cols in groups if len(set(cols) | set(needed)) <= max_columns), None
            )
        if home is None:
            groups[tuple(needed)] = [position]
            continue
        members = groups.pop(home)
        groups[tuple(dict.fromkeys((*home, *needed)))] = [*members, position]
    return groups


def scanned_columns(suite: dict) -> list[str]:
    """The columns a suite's text scans read (the expectation types with a locator,
    :data:`~zimes_audit.checks.conditions.LOCATORS`), in first-use order.

    >>> scanned_columns({"expectations": [
    ...     {"type": "expect_column_values_to_be_valid_email", "kwargs": {"column": "email"}},
    ...     {"type": "expect_multicolumn_values_to_contain_no_card_number",
    ...      "kwargs": {"column_list": ["notes", "address"]}}]})
    ['notes', 'address']
    """
    scans = [exp for exp in suite["expectations"] if exp["type"] in LOCATORS]
    return referenced_columns({"expectations": scans})


def scans_last(groups: list[tuple[list[str], list[int], object]], suite: dict) -> list:
    """``suite``'s groups of expectations, those with a text scan after the others (each
    keeps its place among its own): the scans started ahead are read while GX validates the
    rest.  The order GX validates the groups in changes nothing of the result, which is put
    together in the suite's order (:meth:`SuiteRunner._validate`).

    >>> suite = {"expectations": [{"type": "expect_multicolumn_values_to_contain_no_card_number"},
    ...                           {"type": "expect_column_values_to_be_null"}]}
    >>> [positions for _, positions, _ in scans_last([([], [0], None), ([], [1], None)], suite)]
    [[1], [0]]
    """
    types = [exp["type"] for exp in suite["expectations"]]
    return sorted(groups, key=lambda group: any(types[i] in LOCATORS for i in group[1]))


def data_asset_name(kind: str) -> str:
    """What Data Docs name as the data asset a suite validated.

    >>> data_asset_name("orders"), data_asset_name("columns")
    ('orders records (zimes-audit)', 'input columns, one row per file × heading (zimes-audit)')
    """
    if kind == "columns":
        return "input columns, one row per file × heading (zimes-audit)"
    return f"{kind} records (zimes-audit)"


def stored_copy(result):
    """The validation result as the results store keeps it (for Data Docs): each expectation's
    full ``unexpected_index_list`` — up to one entry per record, which the store would turn into
    JSON entry by entry — replaced by its first :data:`STORED_INDEXES` entries as
    ``partial_unexpected_index_list``.  Counts, percentages and success stay as GX gave them;
    the returned result (the findings' source) keeps every position.
    """
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

    def trimmed(item):
        full = (item.result or {}).get("unexpected_index_list")
        if full is None:
            return item
        result = {k: v for k, v in item.result.items() if k != "unexpected_index_list"}
        result["partial_unexpected_index_list"] = list(full[:STORED_INDEXES])
        return ExpectationValidationResult(
            success=item.success,
            expectation_config=item.expectation_config,
            result=result,
            meta=item.meta,
            exception_info=item.exception_info,
        )

    return ExpectationSuiteValidationResult(
        results=[trimmed(item) for item in result.results],
        success=result.success,
        suite_name=result.suite_name,
        statistics=result.statistics,
        meta=result.meta,
    )


class SuiteRunner:
    """Holds the GX context and the loaded suites for one audit."""

    def __init__(self, suites_dir: Path | None = None):
        defer_unused_imports()  # half of GX's import time, for what no suite checks
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = self.context.data_sources.add_pandas("zimes").add_dataframe_asset("records")
        self.suites: dict[str, dict] = {}
        self.info: dict[str, SuiteInfo] = {}
        self._gx_suites = {}
        self._batches = {}
        self._groups: dict[str, list[tuple[list[str], list[int], object]]] = {}
        for kind in SUITE_NAMES:
            raw, sha = load_suite_json(kind, suites_dir)
            source = str(suite_path(kind, suites_dir))
            suite = self.context.suites.add(to_gx_suite(raw, source))
            self._gx_suites[kind] = suite
            self._batches[kind] = asset.add_batch_definition_whole_dataframe(kind)
            self._groups[kind] = [
                (
                    list(columns),
                    positions,
                    gx.ExpectationSuite(
                        name=f"{raw['name']}:{'+'.join(columns)}",
                        expectations=[raw["expectations"][i] for i in positions],
                    ),
                )
                for columns, positions in column_groups(raw).items()
            ]
            self.suites[kind] = raw
            self.info[kind] = SuiteInfo(kind, raw["name"], source, sha, len(suite.expectations))

    def run(self, kind: str, frame: pd.DataFrame, parameters: dict):
        """Validate ``frame`` (a kind's records with their facts) against that kind's suite.

        Returns one ``ExpectationSuiteValidationResult`` for the committed suite, stored in the
        context (for Data Docs) like a ValidationDefinition run would store it.
        """
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        run_id = RunIdentifier(run_name=f"zimes-{kind}")
        merged = self._merged(kind, self._validate(kind, frame, parameters), run_id)
        _missing.cache_clear()  # not held through the report's writing
        identifier = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=merged.suite_name),
            run_id=run_id,
            batch_identifier=kind,
        )
        self.context.validation_results_store.set(identifier, self._stored(merged))
        return merged

    def validate(
        self, kind: str, frame: pd.DataFrame, suite, parameters: dict, result_format: dict
    ):
        """``suite`` validated on ``frame`` as a batch of ``kind``'s data asset, through GX's
        public API (``BatchDefinition.get_batch``, ``Batch.validate``)."""
        batch = self._batches[kind].get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=result_format, expectation_parameters=parameters)

    def _validate(self, kind: str, frame: pd.DataFrame, parameters: dict) -> list:
        """Each expectation's result, in the suite's order: group by group, each group on a
        frame of just the columns it reads (:func:`column_groups`), no fingerprint, each
        expectation object's configuration built once (:func:`gx_configurations_kept`); the
        text scans of all groups share one reading of each column (:func:`scanning`), started
        first and read in threads of their own while GX validates the other groups — the
        groups holding a text scan come last (:func:`scans_last`); a group of text scans only
        is fed its columns' presence (:func:`reads_presence_only`, :func:`presence_frame`)."""
        results = [None] * len(self._gx_suites[kind].expectations)
        expectations = self.suites[kind]["expectations"]
        with (
            gx_fingerprints_above(HASH_THRESHOLD),
            gx_configurations_kept(),
            scanning(frame) as scan,
        ):
            scan.start(scanned_columns(self.suites[kind]))
            by_position = scan.has_rows(pd.RangeIndex(len(frame)))  # the scan reads by row
            for columns, positions, group in scans_last(self._groups[kind], self.suites[kind]):
                presence = reads_presence_only([expectations[i] for i in positions])
                fed = presence_frame if presence and by_position else narrow_frame
                narrow = fed(frame, columns)
                group_result = self.validate(kind, narrow, group, parameters, RESULT_FORMAT)
                for position, result in zip(positions, group_result.results, strict=True):
                    results[position] = result
        return results

    def _stored(self, result):
        return stored_copy(result)

    def _merged(self, kind: str, results: list, run_id):
        """One validation result for the committed suite from its expectations' results."""
        from great_expectations.core import ExpectationSuiteValidationResult
        from great_expectations.validator.validation_statistics import (
            calc_validation_statistics,
        )

        statistics = calc_validation_statistics(results)
        return ExpectationSuiteValidationResult(
            results=results,
            success=statistics.success,
            suite_name=self._gx_suites[kind].name,
            statistics={
                "evaluated_expectations": statistics.evaluated_expectations,
                "successful_expectations": statistics.successful_expectations,
                "unsuccessful_expectations": statistics.unsuccessful_expectations,
                "success_percent": statistics.success_percent,
            },
            meta={
                "great_expectations_version": self._gx.__version__,
                "run_id": run_id,
                "record_kind": kind,
                "column_groups": len(self._groups[kind]),
                # Data Docs show this as the data asset ("Data asset: None" without it)
                "batch_spec": {"data_asset_name": data_asset_name(kind)},
            },
        )
