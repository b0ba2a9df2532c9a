"""Totals cells: the first-bytes sieve before Arrow's RE2 leaves every totals cell to it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from zimes_audit.loading.margins import _IS_TOTALS_RE2, TOTALS_WORDS, is_totals_cell

_SPACES = st.sampled_from(["", " ", "\t", "\u00a0", "\u3000", "\x1f"])
# a totals word in any case, a letter swapped for one RE2's case folding matches (the Kelvin sign
# for k, the long s for s), cut short, or run on into a longer word
_WORD = st.builds(
    lambda word, upper, swap, cut: (
        "".join(
            c.upper() if u else c for c, u in zip(word, upper + [False] * len(word), strict=False)
        )
        .replace("k", "\u212a" if swap else "k")
        .replace("s", "\u017f" if swap else "s")[: cut or None]
    ),
    st.sampled_from(sorted(TOTALS_WORDS)),
    st.lists(st.booleans(), max_size=8),
    st.booleans(),
    st.integers(0, 4),
)
_PLAIN = st.sampled_from(["M-1475405-17", "paid", "2024-01-05", "12,50", "Rīga"])
_CELL = (
    st.none()
    | _PLAIN
    | st.builds(
        lambda lead, word, tail, end: lead + word + tail + end,
        _SPACES,
        _WORD | st.text(max_size=4),
        st.sampled_from(["", ":", ": 12", " 1 234,50 €", "res iela 1", "s"]) | st.text(max_size=3),
        _SPACES,
    )
)


@settings(max_examples=examples(default=50, thorough=3000), deadline=None)
@given(chunks=st.lists(st.lists(_CELL, max_size=8), min_size=1, max_size=3), skip=st.integers(0, 2))
def test_totals_cells_are_what_arrows_regex_finds_in_every_cell(chunks, skip):
    """Whatever the cells (chunked and sliced as the CSV reader gives them), the cells that open
    with three bytes no totals word opens with and are set aside unread are no totals cells."""
    array = pa.chunked_array(chunks, pa.large_string()).slice(skip)
    every = pc.match_substring_regex(array, _IS_TOTALS_RE2, ignore_case=True)
    expected = np.asarray(every.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    dtype = pd.StringDtype(na_value=float("nan"))
    column = pd.Series(pd.arrays.ArrowStringArray(array, dtype=dtype))
    assert is_totals_cell(column).tolist() == expected.tolist()


def test_totals_words_in_any_case_and_spacing_are_found_and_look_alikes_are_not():
    cells = [
        "Kopā",
        "  TOTAL: 12",
        "\u212aopā",
        "Summa\u00a0",
        "paid",
        "Kopāres iela 1",
        "Sub total",
    ]
    assert is_totals_cell(pd.Series(cells, dtype="str")).tolist() == [
        True, True, True, True, False, False, True,
    ]  # fmt: skip


def test_a_sliced_column_is_read_from_its_own_cells():
    # a chunk that starts inside Arrow's buffers (its offset) is read from its own first cell
    array = pa.chunked_array([["paid", "M-1", "Kopā: 12", "paid"]], pa.large_string()).slice(1)
    column = pd.Series(pd.arrays.ArrowStringArray(array, dtype=pd.StringDtype(na_value=np.nan)))
    assert is_totals_cell(column).tolist() == [False, True, False]
