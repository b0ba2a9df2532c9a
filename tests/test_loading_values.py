"""Value parsing: every accepted spelling of dates, numbers and yes/no values, and refusals."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from profiles import examples

from zimes_audit.loading.values import first_bad, parse_column, read_column


def _one(text: str, type_: str):
    return parse_column(pd.Series([text], dtype="str"), type_).iloc[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.01.2024", "2024-01-05"),
        ("5.1.2024", "2024-01-05"),
        ("05.01.2024 13:45", "2024-01-05"),
        ("05.01.2024 13:45:59", "2024-01-05"),
        ("2024-01-05", "2024-01-05"),
        ("2024-01-05 13:45", "2024-01-05"),
        ("2024-01-05 13:45:59", "2024-01-05"),
        ("2024-01-05T13:45:59", "2024-01-05"),
        ("45292", "2024-01-01"),
        ("45292,75", "2024-01-01"),
    ],
)
def test_date_spellings_give_midnight(text, expected):
    assert _one(text, "date") == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.01.2024 13:45", "2024-01-05 13:45"),
        ("05.01.2024 13:45:59", "2024-01-05 13:45:59"),
        ("2024-01-05T13:45:59", "2024-01-05 13:45:59"),
        ("2024-01-05 13:45:59.250000", "2024-01-05 13:45:59.25"),
        ("45292.5", "2024-01-01 12:00"),
        ("05.01.2024", "2024-01-05"),
    ],
)
def test_datetime_spellings_keep_the_time(text, expected):
    assert _one(text, "datetime") == pd.Timestamp(expected)


def test_dates_are_datetime64_ns():
    parsed = parse_column(pd.Series(["05.01.2024", None], dtype="str"), "date")
    assert parsed.dtype == "datetime64[ns]"
    assert pd.isna(parsed.iloc[1])


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2024",
        "2024-13-01",
        "13/13/2024",
        "32.01.2024.",
        "rīt",
        "2024-01-05T13:45:59+02:00",
        "01.01.0202",
    ],
)
def test_impossible_or_foreign_dates_are_refused(text):
    assert pd.isna(_one(text, "date"))


def test_mixed_formats_in_one_column():
    text = pd.Series(["05.01.2024", "2024-02-06", "45330", None, "7.3.2024"], dtype="str")
    parsed = parse_column(text, "date")
    assert parsed.dt.strftime("%Y-%m-%d").tolist()[:3] == ["2024-01-05", "2024-02-06", "2024-02-08"]
    assert parsed.iloc[4] == pd.Timestamp("2024-03-07")
    assert first_bad(text, parsed) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,50", 12.5),
        ("12.50", 12.5),
        ("1 234,50", 1234.5),
        ("1\u00a0234,50", 1234.5),
        ("1.234,50", 1234.5),
        ("1,234.50", 1234.5),
        ("1.234.567", 1234567.0),
        ("€ 12,50", 12.5),
        ("12,50 €", 12.5),
        ("12,50 EUR", 12.5),
        ("-3,5", -3.5),
        ("0", 0.0),
    ],
)
def test_number_spellings(text, expected):
    assert _one(text, "number") == pytest.approx(expected)


@pytest.mark.parametrize("text", ["divi", "12,5,0x", "paid", "€"])
def test_non_numbers_are_refused(text):
    assert pd.isna(_one(text, "number"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jā", True),
        ("jā", True),
        ("JA", True),
        ("Ja", True),
        ("Nē", False),
        ("NĒ", False),
        ("Ne", False),
        ("yes", True),
        ("No", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("x", True),
        ("X", True),
    ],
)
def test_yes_no_spellings(text, expected):
    assert _one(text, "bool") == expected


@pytest.mark.parametrize("text", ["paid", "pending", "varbūt", "2"])
def test_other_words_are_not_yes_no(text):
    assert pd.isna(_one(text, "bool"))


def test_blank_yes_no_is_missing_and_dtype_is_boolean():
    parsed = parse_column(pd.Series(["Jā", None, "Nē"], dtype="str"), "bool")
    assert str(parsed.dtype) == "boolean"
    assert parsed.isna().tolist() == [False, True, False]


def test_blank_in_a_column_of_tick_marks_is_no():
    parsed = parse_column(pd.Series(["x", None, "x"], dtype="str"), "bool")
    assert str(parsed.dtype) == "boolean"
    assert parsed.tolist() == [True, False, True]


def test_first_bad_points_at_the_first_unparsed_cell():
    text = pd.Series(["1", None, "1,5", "daudz", "nav"], dtype="str")
    assert first_bad(text, parse_column(text, "number")) == 3


def test_text_and_code_stay_as_given():
    text = pd.Series(["007", "+371 29123456"], dtype="str")
    assert parse_column(text, "code").tolist() == ["007", "+371 29123456"]


# ---- values as people type them (issue 11): every spelling below reads as 15 March 2025
@pytest.mark.parametrize(
    "text",
    [
        "15.03.2025",  # Latvian
        "15.03.2025.",  # with the ordinal dot after the year
        "15. 03. 2025.",  # spaced, as Word and some people write it
        "2025.03.15",  # year first with dots
        "2025.03.15.",
        "15/03/2025",  # slashes, day first
        "15.03.25",  # two-digit year
        "2025-03-15",  # ISO
        "2025-03-15 00:00:00",  # a date cell of a workbook
        "45731",  # an Excel serial typed or exported as text
        "45731.0",
    ],
)
def test_dates_as_people_type_them(text):
    assert _one(text, "date") == pd.Timestamp("2025-03-15")


def test_slash_dates_are_decided_for_the_whole_column():
    day_first = read_column(pd.Series(["03/04/2025", "15/01/2025"], dtype="str"), "date")
    assert day_first.values.dt.strftime("%Y-%m-%d").tolist() == ["2025-04-03", "2025-01-15"]
    assert "day first" in day_first.how
    month_first = read_column(pd.Series(["03/04/2025", "01/15/2025"], dtype="str"), "date")
    assert month_first.values.dt.strftime("%Y-%m-%d").tolist() == ["2025-03-04", "2025-01-15"]
    assert "month first" in month_first.how
    mixed = read_column(pd.Series(["15/01/2025", "01/15/2025", "03.04.2025"], dtype="str"), "date")
    assert mixed.unreadable.tolist() == [True, True, False]  # never guessed


@pytest.mark.parametrize(
    ("yes", "no"),
    [("Jā", "Nē"), ("Ir", "Nav"), ("+", "-"), ("yes", "no"), ("TRUE", "FALSE"), ("1", "0"),
     ("Y", "N"), ("PATIESS", "APLAMS")],
)  # fmt: skip
def test_yes_no_styles(yes, no):
    reading = read_column(pd.Series([yes, no, None], dtype="str"), "bool")
    assert reading.values.tolist() == [True, False, pd.NA]
    assert not reading.unreadable.any()
    assert reading.how.startswith("yes/no: ")


@pytest.mark.parametrize("tick", ["x", "X", "✓", "✔", "v"])
def test_a_column_of_tick_marks_reads_blank_as_no(tick):
    reading = read_column(pd.Series([tick, None, tick], dtype="str"), "bool")
    assert reading.values.tolist() == [True, False, True]
    assert reading.how == "yes/no: tick marks (a blank cell is no)"


def test_a_date_in_a_yes_no_column_reads_as_yes():
    reading = read_column(pd.Series(["Nē", "03.02.2024", None], dtype="str"), "bool")
    assert reading.values.tolist() == [False, True, pd.NA]
    assert reading.how.endswith("a date reads as yes")


# every spelling next to each exact one: zero-padded or not, impossible days, times out of range,
# years outside what pandas holds, two spaces, trailing text
_NEAR_EXACT = [
    "05.01.2024", "5.1.2024", "05.1.2024", "31.02.2024", "29.02.2023", "29.02.2024", "00.01.2024",
    "05.13.2024", "05.01.1600", "05.01.2300", "05.01.24", "05.01.2024.", "05.01.2024  13:45",
    "05.01.2024 13:45", "05.01.2024 24:00", "05.01.2024 13:60", "05.01.2024 13:45:59",
    "05.01.2024 13:45:60", "05.01.2024 9:05", "2024-01-05", "2024-1-5", "2024-02-30",
    "2024-01-05 13:45:59", "2024-01-05T13:45:59", "2024-01-05 13:45", "2024-01-05 13:45:59.5",
    "2024-01-05 13:45:59Z", "1677-12-31", "2262-01-01", "0999-01-05", "45292", "5.01.2024 7:5",
]  # fmt: skip


@pytest.mark.parametrize("type_", ["date", "datetime"])
@pytest.mark.parametrize("first", ["05.01.2024", "05.01.2024 13:45", "2024-01-05 13:45:59"])
def test_dates_read_by_arrow_are_read_as_pandas_reads_them(monkeypatch, type_, first):
    # the exact spellings go through Arrow's strptime first: with it switched off (pandas' parser
    # alone) every cell must read the same, and the column be described the same
    from zimes_audit.loading import values

    text = pd.Series([first, *_NEAR_EXACT] * 3, dtype="str")
    fast = read_column(text, type_)
    monkeypatch.setattr(values, "_canonical_dates", lambda *args: None)
    slow = read_column(text, type_)
    pd.testing.assert_series_equal(fast.values, slow.values)
    assert fast.how == slow.how
    assert fast.unreadable.tolist() == slow.unreadable.tolist()


def test_every_character_arrow_trims_is_a_suspect_by_its_first_and_last_byte():
    """clean_text hands a column back untrimmed when no value's first or last byte can start or
    end what Arrow's ``utf8_trim_whitespace`` trims: every such character of Unicode counts
    (U+001C–U+001F were missed, and a chunked column kept ``"abc\\x1f"``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from zimes_audit.loading.values import (
        _SPACE_BEFORE_LAST,
        _SPACE_FIRST,
        _SPACE_LAST,
        clean_text,
    )

    points = [p for p in range(0x110000) if not 0xD800 <= p <= 0xDFFF]
    trimmed = pc.binary_length(pc.utf8_trim_whitespace(pa.array([chr(p) for p in points])))
    spaces = [chr(p) for p, n in zip(points, trimmed.to_pylist(), strict=True) if n == 0]
    assert "\x1f" in spaces and "\u3000" in spaces
    for space in spaces:
        encoded = space.encode("utf-8")
        assert _SPACE_FIRST[encoded[0]] and _SPACE_LAST[encoded[-1]], hex(ord(space))
        assert len(encoded) == 1 or _SPACE_BEFORE_LAST[encoded[-2]], hex(ord(space))
    chunks = pa.chunked_array([["abc\x1f", "Jānis"], ["\x1c", "x"]])  # as the CSV reader gives
    column = pd.Series(
        pd.arrays.ArrowStringArray(chunks, dtype=pd.StringDtype(na_value=float("nan")))
    )
    cleaned = clean_text(column)
    assert cleaned.tolist()[:2] == ["abc", "Jānis"] and pd.isna(cleaned[2])


# white space Arrow trims (ASCII, the separators, the Unicode spaces of 1, 2 and 3 bytes), letters
# whose last byte is one a space's last byte also is (ā ends in 0x81, 、 in 0x80 0x81), and others
_EDGE_CHARACTERS = (
    " \t\n\x0b\x1c\x1f\x85\xa0\u1680\u2000\u200a\u2028\u202f\u205f\u3000"
    "aZ1;āĀņŠ€„、\u200b\u2010\u0180"
)
_EDGE = st.text(st.sampled_from(_EDGE_CHARACTERS), max_size=1)
_EDGE_VALUES = st.none() | st.builds(
    "".join,
    st.tuples(
        _EDGE,
        st.text(
            st.sampled_from(_EDGE_CHARACTERS) | st.characters(exclude_categories=["Cs"]), max_size=3
        ),
        _EDGE,
    ),
)


@settings(max_examples=examples(default=100, thorough=5000), deadline=None)
@given(
    chunks=st.lists(st.lists(_EDGE_VALUES, max_size=6), min_size=1, max_size=4),
    large=st.booleans(),
    skip=st.integers(0, 3),
)
def test_a_column_is_handed_back_untrimmed_only_when_trimming_changes_nothing(chunks, large, skip):
    """Whatever the values, the chunks (sliced: a chunk's offset), the offset width: every value
    trimming changes is a suspect by its first and last bytes (no missing one is), the column is
    handed back as it is (:func:`_already_clean`) exactly when trimming changes nothing, and
    clean_text gives what Arrow's trim of every value gives, an empty value missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from zimes_audit.loading.values import _already_clean, _edge_suspects, clean_text

    array = pa.chunked_array(chunks, pa.large_string() if large else pa.string()).slice(skip)
    values = array.to_pylist()
    trimmed = [v or None for v in pc.utf8_trim_whitespace(array).to_pylist()]
    changed = {i for i, (v, t) in enumerate(zip(values, trimmed, strict=True)) if v != t}
    suspects = set(_edge_suspects(array).tolist())
    assert changed <= suspects <= {i for i, v in enumerate(values) if v is not None}
    assert _already_clean(array) == (trimmed == values)
    dtype = pd.StringDtype(na_value=float("nan"))
    column = pd.Series(pd.arrays.ArrowStringArray(array.cast(pa.large_string()), dtype=dtype))
    cleaned = clean_text(column)
    assert [None if pd.isna(v) else v for v in cleaned] == trimmed


_DATE_TEXTS = st.sampled_from(
    ["05.01.2024", "5.1.2024 13:45", "2024-01-05 13:45:59", "2024-01-05", "05.01.24",
     "2024.01.05", "05/01/2024", "12/31/2024", "31/12/2024", "45292", "45292,75", "31.02.2024",
     "01.01.1600", "paid", "05.01.2024.", "2024-01-05T13:45:59", "999999"]
)  # fmt: skip


@settings(max_examples=examples(default=40, thorough=2000), deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.none(), _DATE_TEXTS, _DATE_TEXTS, _DATE_TEXTS, st.text(max_size=12)),
        min_size=1,
        max_size=30,
    ),
    type_=st.sampled_from(["date", "datetime"]),
    order=st.randoms(use_true_random=False),
)
@example(["2024-01-05 13:45:59", "05.01.2024", "2024-01-05 13:45:59"], "date", random.Random(1))
def test_a_date_column_read_cell_by_cell_is_read_as_its_distinct_texts(cells, type_, order):
    """A column of mostly distinct date-times is read as it is, not factorised: every cell, the
    column's reading and its unreadable cells are what reading its distinct texts gives."""
    from unittest import mock

    from zimes_audit.loading import values

    labels = list(range(100, 100 + len(cells)))
    order.shuffle(labels)  # the column's own row labels, not 0..n
    text = pd.Series(cells, index=labels, dtype="str", name="created")
    with mock.patch.object(values, "_mostly_distinct", lambda cells: True):
        whole = read_column(text, type_)
    with mock.patch.object(values, "_mostly_distinct", lambda cells: False):
        distinct = read_column(text, type_)
    pd.testing.assert_series_equal(whole.values, distinct.values)
    assert (whole.how, whole.unreadable.tolist()) == (distinct.how, distinct.unreadable.tolist())
