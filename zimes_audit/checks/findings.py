"""Findings: one row per record × rule, traced to the expectations that raised them.

Shaped as the ``findings.csv`` contract (docs/contracts.md) — plus, in the frame, the columns the
workbook and notebooks need (kind, reasons, the expectations behind the finding; the reasons and
expectations as categories, so a million findings do not hold a million copies of each text).
Python runs per failed expectation or per distinct text, and Arrow/numpy per finding — only a
scan's locating (which cell of a flagged record holds the code) reads each flagged record.
``detail`` says what is wrong and where, never the value: ``personal code (old format) in notes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from zimes_audit.checks.conditions import LOCATORS
from zimes_audit.checks.suites import ExpectationMeta
from zimes_audit.errors import SuiteError
from zimes_audit.loading.tables import LOCAL_PREFIX, UNCLASSIFIED_PREFIX, UNREADABLE_PREFIX

FINDINGS_COLUMNS = [
    "source_file",
    "source_row",
    "record_id",
    "rule_id",
    "procedure_section",
    "severity",
    "action",
    "field",
    "detail",
]
EXTRA_COLUMNS = [
    "record_kind",
    "record_position",
    "reason_en",
    "reason_lv",
    "expectations",
]
#: Of those, the columns the merged findings keep as categories (nothing groups or compares on
#: them; they are only copied out): the rest of the code reads plain text everywhere else.
_CATEGORICAL = ("reason_en", "reason_lv", "expectations")
_KEY = ["record_kind", "source_file", "source_row", "record_id", "rule_id"]


@dataclass(frozen=True)
class Failure:
    """One expectation that failed, and the positions of the rows it failed on."""

    type: str
    kwargs: dict
    meta: ExpectationMeta
    rows: list[int] | np.ndarray

    @property
    def described(self) -> str:
        if "column_list" in self.kwargs:
            return f"{self.type}({len(self.kwargs['column_list'])} columns)"
        column = (
            self.kwargs.get("column")
            or f"{self.kwargs.get('column_A')}/{self.kwargs.get('column_B')}"
        )
        return f"{self.type}({column})"


def _positions(index_list: list) -> np.ndarray:
    """Row positions from GX's ``unexpected_index_list`` (the runner feeds GX frames whose
    index is the record position).

    >>> _positions([3, 5]).tolist()
    [3, 5]
    """
    return np.asarray(index_list, dtype="int64")  # one C pass, no Python per row


def failures_of(result) -> list[Failure]:
    """The failed expectations of a GX validation result; an evaluation error is raised, loudly."""
    out = []
    for item in result.results:
        config = item.expectation_config
        if item.exception_info and item.exception_info.get("raised_exception"):
            what = Failure(config.type, config.kwargs, None, []).described
            raise SuiteError(problem="not_evaluated", expectation=what)
        rows = _positions(item.result.get("unexpected_index_list") or [])
        if not item.success:
            if not len(rows):  # a failure that names no record would let the audit pass vacuously
                what = Failure(config.type, config.kwargs, None, []).described
                raise SuiteError(problem="no_rows", expectation=what)
            meta = ExpectationMeta.of(config.meta)
            out.append(Failure(config.type, dict(config.kwargs), meta, rows))
    return out


def field_label(column: str) -> str:
    """The name a finding gives a frame column: the field, or the file's own heading.

    >>> field_label("notes"), field_label("unclassified:Dāvanu kartes ziņa")
    ('notes', 'Dāvanu kartes ziņa')
    >>> field_label("local:gift_message"), field_label("unreadable:relationship_start")
    ('gift_message', 'relationship_start')
    """
    for prefix in (UNCLASSIFIED_PREFIX, LOCAL_PREFIX, UNREADABLE_PREFIX):
        if column.startswith(prefix):
            return field_label(column[len(prefix) :])
    return column


def _located(
    failure: Failure, frame: pd.DataFrame, expand: dict[str, list[str]]
) -> tuple[list[str], list[str]]:
    """Fields and details of a multicolumn failure: per row, the cells its locator blames.

    A fact column that joins several columns' text (``expand``) is blamed column by column.
    Only cells that hold text are looked at, and the locator's per-value verdicts are the
    detector's own (classified once, cached per value), so no text is classified twice."""
    locate = LOCATORS[failure.type]
    template = failure.meta.detail
    fields = [[] for _ in failure.rows]
    details = [[] for _ in failure.rows]
    listed = [c for c in failure.kwargs["column_list"] if c in frame]
    columns = [part for c in listed for part in expand.get(c, [c]) if part in frame]
    rows = frame[list(dict.fromkeys(columns))].iloc[failure.rows]
    for column in columns:
        values = rows[column]
        present = np.flatnonzero(values.notna().to_numpy())
        if not len(present):
            continue
        name = field_label(column)
        labels = locate(values.iloc[present].astype("string")).tolist()
        for n, label in zip(present.tolist(), labels, strict=True):
            if label and name not in fields[n]:
                fields[n].append(name)
                details[n].append(template.format(field=name, format=label))
    return [";".join(f) for f in fields], ["; ".join(d) for d in details]


def _fields(failure: Failure, frame: pd.DataFrame) -> pd.Series | str:
    """The field of each finding: a fact column naming it per row, or one name for all."""
    meta = failure.meta
    if meta.field_from:
        return frame[meta.field_from].iloc[failure.rows].astype("string").reset_index(drop=True)
    return meta.field or failure.kwargs.get("column")


def _details(failure: Failure, frame: pd.DataFrame, fields: pd.Series | str) -> pd.Series | str:
    """The detail of each finding: the template filled once per distinct field, never per row."""
    if failure.meta.detail_from:
        return (
            frame[failure.meta.detail_from]
            .iloc[failure.rows]
            .astype("string")
            .reset_index(drop=True)
        )
    template = failure.meta.detail
    if isinstance(fields, str):
        return template.format(field=fields.replace(";", ", "), format="")
    codes, uniques = pd.factorize(fields, use_na_sentinel=True)
    filled = [template.format(field=str(f).replace(";", ", "), format="") for f in uniques]
    return pd.Series(np.asarray([*filled, None], dtype=object)[codes], dtype="string")


#: Columns that take one of a few values per failed expectation: held as categories, so a
#: million findings do not hold a million copies of the same reason.
_PER_FAILURE = [
    "record_kind",
    "rule_id",
    "procedure_section",
    "severity",
    "action",
    "reason_en",
    "reason_lv",
    "expectations",
]


def findings_for(
    kind: str,
    failures: list[Failure],
    frame: pd.DataFrame,
    record_id: str,
    expand: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """The findings raised by ``failures`` over ``frame`` (row positions), one per row × expectation.

    ``record_id`` names the frame's record key; a frame without it (the column-level kind) gives
    findings with an empty record id.  ``expand`` maps a joined-text fact to the columns it joins,
    so that a scan finding names the column that holds the code."""
    if not failures:
        return empty_findings()
    positions = np.concatenate([np.asarray(f.rows, dtype="int64") for f in failures])
    which = np.repeat(np.arange(len(failures)), [len(f.rows) for f in failures])
    fields, details = _Texts(), _Texts()
    for failure in failures:
        if "column_list" in failure.kwargs:
            field, detail = (
                pd.Series(p, dtype="string") for p in _located(failure, frame, expand or {})
            )
        else:
            field = _fields(failure, frame)
            detail = _details(failure, frame, field)
        fields.add(field, len(failure.rows))
        details.add(detail, len(failure.rows))
    # only the columns a finding carries: the facts frame is wide, the failures may be most rows
    picked = frame[[c for c in ("source_file", "source_row", record_id) if c in frame]]
    picked = picked.iloc[positions]
    ids = (
        picked[record_id].astype("string").fillna("").astype("str").array
        if record_id in picked
        else pd.array([""] * len(positions), dtype="str")
    )
    per_failure = {
        "record_kind": [kind] * len(failures),
        **{c: [getattr(f.meta, c) for f in failures] for c in _PER_FAILURE[1:-1]},
        "expectations": [f.described for f in failures],
    }
    out = pd.DataFrame(
        {
            "source_file": picked["source_file"].array,
            "source_row": picked["source_row"].array,
            "record_id": ids,
            "record_position": positions,
            "field": fields.categorical(),
            "detail": details.categorical(),
        }
    )
    for column, values in per_failure.items():
        out[column] = _categories(values, which)
    return out[[*FINDINGS_COLUMNS, *EXTRA_COLUMNS]]


class _Texts:
    """A text column built failure by failure as categories: one name for all of a failure's
    rows, or a column of texts (factorised) — no Python list as long as the findings."""

    def __init__(self):
        self.lookup: dict[str, int] = {}
        self.codes: list[np.ndarray] = []

    def _code(self, value: str) -> int:
        return self.lookup.setdefault(value, len(self.lookup))

    def add(self, values: pd.Series | str, n: int) -> None:
        if isinstance(values, str):
            self.codes.append(np.full(n, self._code(values), dtype="int32"))
            return
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        mapped = np.asarray([*(self._code(str(u)) for u in uniques), -1], dtype="int32")
        self.codes.append(mapped[codes])  # a missing value (code -1) stays missing

    def categorical(self) -> pd.Categorical:
        codes = np.concatenate(self.codes) if self.codes else np.empty(0, dtype="int32")
        return pd.Categorical.from_codes(codes, categories=list(self.lookup))


def _categories(values: list[str], which: np.ndarray) -> pd.Categorical:
    """``values[which]`` as a categorical whose categories are the distinct values, sorted."""
    categories = sorted(set(values))
    lookup = {v: i for i, v in enumerate(categories)}
    codes = np.asarray([lookup[v] for v in values], dtype="int32")[which]
    return pd.Categorical.from_codes(codes, categories=categories)


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype="int64" if c in ("source_row", "record_position") else "string")
            for c in [*FINDINGS_COLUMNS, *EXTRA_COLUMNS]
        }
    )


def concat_findings(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Raw findings of several kinds in one frame; categorical columns stay categorical."""
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_findings()
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    columns = {}
    for column in parts[0].columns:
        values = [p[column] for p in parts]
        if all(isinstance(v.dtype, pd.CategoricalDtype) for v in values):
            columns[column] = union_categoricals(values, sort_categories=True)
        else:
            columns[column] = pd.concat(values, ignore_index=True)
    return pd.DataFrame(columns)


def _key_codes(raw: pd.DataFrame) -> np.ndarray:
    """Each row's key (:data:`_KEY`) numbered in first-seen order — what
    ``groupby(_KEY, sort=False, dropna=False).ngroup()`` gives, by factorising one column at a
    time into a running integer code (a category column by its codes), without building a
    Python object per row.  The record id, a text per record, is read only where it can tell
    rows apart: rows alike in every other part of the key (a record's id follows from its
    kind, file and row, so there are few or none).

    >>> raw = pd.DataFrame({"record_kind": ["o", "o", "r", "o", "o"],
    ...     "source_file": ["a", "a", "b", "a", "a"], "source_row": [2, 2, 2, 3, 2],
    ...     "record_id": ["M-1", "M-1", None, "M-2", "M-9"], "rule_id": ["X", "X", "X", "X", "X"]})
    >>> _key_codes(raw).tolist()
    [0, 0, 1, 2, 3]
    """
    parts = [c for c in _KEY if c != "record_id"]
    coarse = combination_codes([_value_codes(raw[c], few=c == "source_file") for c in parts])
    shared = np.flatnonzero(np.bincount(coarse)[coarse] > 1)
    if not len(shared):
        return coarse
    ids = np.zeros(len(raw), dtype="int64")
    ids[shared] = _value_codes(raw["record_id"].iloc[shared])
    return combination_codes([coarse, ids])


def combination_codes(columns: list[np.ndarray]) -> np.ndarray:
    """Per row, its combination of codes (one array of codes ≥ 0 per column) numbered in
    first-seen order — the codes read as the digits of one integer (mixed radix), factorised
    once at the end (and before, only if the integer would outgrow int64), so no row's
    combination is ever built as a tuple or a text.

    >>> combination_codes([np.array([1, 1, 0, 1]), np.array([5, 5, 5, 7])]).tolist()
    [0, 0, 1, 2]
    """
    combined = np.zeros(len(columns[0]) if columns else 0, dtype="int64")
    span = 1  # every combined code so far is below it
    for codes in columns:
        radix = int(codes.max(initial=0)) + 1
        if span * radix > _COMBINED_LIMIT:  # renumber only when the next digit would not fit
            combined = pd.factorize(combined)[0].astype("int64")
            span = int(combined.max(initial=0)) + 1
        combined, span = combined * radix + codes, span * radix
    return pd.factorize(combined)[0].astype("int64")


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Per code of ``codes`` (numbered in first-seen order: 0, 1, 2, …), the row it is first
    seen at — where the running maximum grows, in one pass and no sort.

    >>> first_rows(np.array([0, 1, 0, 2, 1, 3])).tolist()
    [0, 1, 3, 5]
    """
    if not len(codes):
        return np.empty(0, dtype="int64")
    return np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)


#: The largest mixed-radix code :func:`combination_codes` builds before renumbering (int64).
_COMBINED_LIMIT = 2**62


def _value_codes(values: pd.Series, *, few: bool = False) -> np.ndarray:
    """A code per row ≥ 0, equal where the values are equal (every missing value alike) — a
    category column by its codes, whole numbers ≥ 0 as they are, text of ``few`` values (file
    names) by hashing it, other text by sorting it (Arrow), so a column of a million distinct
    record ids needs no hash table of them.

    >>> _value_codes(pd.Series(["M-2", None, "M-1", "", "M-2", None], dtype="str")).tolist()
    [2, 3, 1, 0, 2, 3]
    >>> _value_codes(pd.Series(["b.csv", None, "a.csv", "b.csv"], dtype="str"), few=True).tolist()
    [0, 1, 2, 0]
    >>> _value_codes(pd.Series([7, 2, 7])).tolist(), _value_codes(pd.Series([-1, 2, -1])).tolist()
    ([7, 2, 7], [0, 1, 0])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype("int64") + 1
    if _whole(values) and len(values) and values.min() >= 0:
        return values.to_numpy().astype("int64", copy=False)  # row numbers: their own codes
    if values.dtype.kind in "iub" or few:
        return pd.factorize(values, use_na_sentinel=False)[0].astype("int64")
    text = pa.array(values.array, from_pandas=True)
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = text.cast(pa.large_string())
    order = pc.sort_indices(text)  # missing values last
    ordered = text.take(order)
    present = len(ordered) - ordered.null_count
    filled = pc.fill_null(ordered, "")
    change = pc.not_equal(filled.slice(1), filled.slice(0, len(filled) - 1)).to_numpy(
        zero_copy_only=False
    )
    change[present:] = False  # the missing values are one run ...
    if 0 < present < len(filled):
        change[present - 1] = True  # ... apart from an empty text before them
    runs = np.concatenate([[0], np.cumsum(change, dtype="int64")])
    codes = np.empty(len(values), dtype="int64")
    codes[order.to_numpy()] = runs
    return codes


def _joined(
    values: pd.Series, codes: np.ndarray, first: np.ndarray, sep: str
) -> tuple[np.ndarray, list[str]]:
    """Per group (``codes``, numbered in first-seen order; ``first`` its first row): its
    non-empty texts, each once, in first-seen order, joined by ``sep`` — as a code per group
    into a list of texts.  Only the groups of several rows are joined (with Arrow); a group of
    one row keeps its text's code (the common case: no text is copied at all)."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("string").astype("category")
    texts = [str(t) for t in values.cat.categories]
    row_codes = values.cat.codes.to_numpy().astype("int64")
    usable_text = np.asarray([len(t) > 0 for t in texts] + [False])  # code -1: missing
    usable = usable_text[row_codes]
    empty = len(texts)
    texts.append("")  # the code of a group with no text
    out = np.where(usable[first], row_codes[first], empty)
    groups = len(first)
    multi = np.bincount(codes, minlength=groups) > 1
    if not multi.any():
        return distinct_texts(out, texts)
    rows = np.flatnonzero(multi[codes] & usable)
    keep = ~pd.DataFrame({"g": codes[rows], "t": row_codes[rows]}).duplicated().to_numpy()
    rows = rows[keep]
    rows = rows[np.argsort(codes[rows], kind="stable")]  # by group, first-seen order within
    targets = np.flatnonzero(multi)
    sizes = np.bincount(codes[rows], minlength=groups)[targets]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype("int64")
    dictionary = pa.array(texts, type=pa.large_string())
    lists = pa.LargeListArray.from_arrays(
        pa.array(offsets), dictionary.take(pa.array(row_codes[rows]))
    )
    joined, joined_codes = np.unique(
        np.asarray(pc.binary_join(lists, pa.scalar(sep, pa.large_string())).to_pylist(),
                   dtype=object),
        return_inverse=True,
    )  # fmt: skip
    out[targets] = len(texts) + joined_codes
    return distinct_texts(out, texts + [str(t) for t in joined])


def distinct_texts(codes: np.ndarray, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """``codes`` into ``texts`` re-pointed so that each text is listed once.

    >>> codes, texts = distinct_texts(np.array([0, 1, 2]), ["a", "b", "a"])
    >>> codes.tolist(), texts
    ([0, 1, 0], ['a', 'b'])
    """
    lookup: dict[str, int] = {}
    remap = np.asarray([lookup.setdefault(t, len(lookup)) for t in texts], dtype="int64")
    return remap[codes], list(lookup)


def merge_findings(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per record × rule: fields, details and expectations of a rule joined.

    Keys (kind, file, row, record id, rule) are numbered in first-seen order; every column but
    the joined three is the key's first row; the joined ones keep each non-empty text once, in
    first-seen order.  No Python runs per finding (a key has one row in the common case), and
    each output column is taken from ``raw`` once, already in the findings' order — the merged
    frame is never copied whole (issue 15: at a million findings, each copy is ~0.3 GB).
    """
    if raw.empty:
        return empty_findings()
    raw = raw.reset_index(drop=True)
    codes = _key_codes(raw)
    first = first_rows(codes)
    order = np.lexsort(
        [_sort_key(raw[c], first) for c in reversed(["source_file", "source_row", "rule_id"])]
    )
    rows = first[order]  # per finding, in the findings' order: its key's first raw row
    out = {}
    for column in [*FINDINGS_COLUMNS, *EXTRA_COLUMNS]:
        if column in _JOINED:
            out[column] = _in_order(_joined(raw[column], codes, first, _JOINED[column]), order,
                                    categorical=column in _CATEGORICAL)  # fmt: skip
        else:
            out[column] = _taken(raw[column], rows, categorical=column in _CATEGORICAL)
    return pd.DataFrame(out)


#: The columns a merge joins (each non-empty text once), and the separator it joins them with.
_JOINED = {"field": ";", "detail": "; ", "expectations": "; "}


def _in_order(joined: tuple[np.ndarray, list[str]], order: np.ndarray, *, categorical: bool):
    """A joined column (a text code per key, in key order) in the findings' ``order``: as
    categories, or as plain text written once."""
    codes, texts = joined
    codes = codes[order]
    if categorical:
        return _sorted_categories(pd.Categorical.from_codes(codes, categories=texts))
    text = pa.array(texts, type=pa.large_string()).take(pa.array(codes))
    return pd.Series(text.to_pandas(), dtype="str").array


def _taken(values: pd.Series, rows: np.ndarray, *, categorical: bool):
    """``values`` at ``rows``: a category column as categories (the findings' own, sorted) or
    as plain text; any other column as it is."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        picked = pd.Categorical.from_codes(values.cat.codes.to_numpy()[rows], dtype=values.dtype)
        if categorical:
            return _sorted_categories(picked)
        categories = pa.array(list(values.cat.categories), type=pa.large_string())
        codes = picked.codes
        text = categories.take(pa.array(codes, mask=codes < 0))
        return pd.Series(text.to_pandas(), dtype="str").array
    if categorical:
        return _sorted_categories(pd.Categorical(values.to_numpy()[rows]))
    return values.array.take(rows)


def _sorted_categories(values: pd.Categorical) -> pd.Categorical:
    """The categories a column's values use, sorted: the same findings give the same dtype —
    the used ones found by counting the codes (no sort of a million codes).

    >>> picked = _sorted_categories(pd.Categorical.from_codes([2, -1, 0, 2], ["b", "x", "a"]))
    >>> picked.tolist(), picked.categories.tolist()
    (['a', nan, 'b', 'a'], ['a', 'b'])
    """
    codes, categories = values.codes, values.categories
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(categories)))
    kept = used[np.argsort(np.asarray(categories[used], dtype=object), kind="stable")]
    remap = np.full(len(categories) + 1, -1, dtype=codes.dtype)  # the last: code -1, missing
    remap[kept] = np.arange(len(kept))
    return pd.Categorical.from_codes(remap[codes], categories=categories[kept].tolist())


def _whole(values: pd.Series) -> bool:
    """Whether ``values`` are whole numbers, none missing (a row number column)."""
    return values.dtype.kind in "iu" and not values.hasnans


def _sort_key(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Integer codes that sort as ``values[rows]`` sort (nulls last), for a stable lexsort."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # rank the few categories, not the rows
        categories = np.asarray(values.cat.categories, dtype=object)
        rank = np.empty(len(categories) + 1, dtype="int64")
        rank[np.argsort(categories, kind="stable")] = np.arange(len(categories))
        rank[-1] = len(categories)  # code -1 (missing): last
        return rank[values.cat.codes.to_numpy()[rows]]
    if _whole(values):  # whole numbers sort as they are
        return values.to_numpy()[rows]
    codes, _ = pd.factorize(values.iloc[rows], sort=True, use_na_sentinel=True)
    return np.where(codes < 0, codes.max() + 1, codes)
