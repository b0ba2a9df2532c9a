"""The records' one text scan (zimes_audit.checks.text_scan): its columns scanned two at a time
find exactly what each column scanned alone finds (issue 29)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import setting
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.profiles import examples
from zimes_audit.checks.text_scan import RecordScan
from zimes_audit.detect import text as detect_text
from zimes_audit.detect.scan import DETECTORS, scan_column

# Pieces of free text: codes in both formats, a card, an IBAN whose digits pass Luhn, a phone
# number, a code-shaped order number (the file's own, below) and plain words.
PIECES = [
    "p.k. 161175-19997", "pk 321234-56789", "Karte 4111 1111 1111 1111", "5555555555554444",
    "LV80BANK0000435195001", "tālr. 37122345678", "Sk. 120485-10316", "120485-10316", "Rīga",
    "Paldies", "Brīvības iela 1", "",
]  # fmt: skip
TEXT = st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=3).map(", ".join))


@st.composite
def records(draw) -> pd.DataFrame:
    """Orders of two files (one's ids code-shaped) with three free-text columns."""
    rows = draw(st.integers(min_value=1, max_value=30))
    columns = {name: draw(st.lists(TEXT, min_size=rows, max_size=rows)) for name in "abc"}
    files = draw(st.lists(st.sampled_from(["x.csv", "y.csv"]), min_size=rows, max_size=rows))
    ids = [
        "120485-10316" if (n == 0 and file == "x.csv") else f"M-{n}-26"
        for n, file in enumerate(files)
    ]
    return pd.DataFrame({"source_file": files, "order_id": ids, **columns}, dtype="str")


@settings(max_examples=examples(default=25, thorough=2000), deadline=None)
@given(records())
def test_columns_scanned_two_at_a_time_find_what_each_scanned_alone_finds(frame):
    together = RecordScan(frame)
    together.start(["a", "b", "c", "absent"])
    alone = RecordScan(frame)
    for column in "abc":
        expected = scan_column(frame[column], DETECTORS, alone._orders)
        scanned = together.hits(column)
        for detector in DETECTORS:
            assert scanned[detector].positions.tolist() == expected[detector].positions.tolist()
            assert scanned[detector].labels.tolist() == expected[detector].labels.tolist()


def test_a_started_scan_reads_each_column_once_and_the_checks_read_it():
    frame = pd.DataFrame(
        {
            "notes": ["p.k. 161175-19997", "Paldies", "Karte 4111 1111 1111 1111"],
            "address": ["Rīga", "pk 321234-56789", None],
        },
        dtype="str",
    )
    scan = RecordScan(frame)
    scan.start(["notes", "address"])
    assert set(scan._columns) == {"notes", "address"}
    assert scan.found("personal code", frame[["notes", "address"]]).tolist() == [True, True, False]
    assert scan.found("card number", frame[["notes", "address"]]).tolist() == [False, False, True]
    assert scan.labels("personal code", frame["address"]).tolist() == [None, "new format", None]


@pytest.mark.parametrize("share", [-1.0, 1.0])  # every column prefiltered first / encoded first
@settings(max_examples=examples(default=25, thorough=2000), deadline=None)
@given(records())
def test_a_column_prefiltered_first_finds_what_one_encoded_first_finds(share, frame):
    """Whichever way a column is scanned (scan._distinct_candidates), each cell's verdict is its
    text's: the same hits with and without the file's order numbers."""
    orders = RecordScan(frame)._orders
    for column in "abc":
        for documents in (None, orders):
            with setting(detect_text, "MOSTLY_REPEATED", 0.5):
                expected = scan_column(frame[column], DETECTORS, documents)
            with setting(detect_text, "MOSTLY_REPEATED", share):
                found = scan_column(frame[column], DETECTORS, documents)
            for detector in DETECTORS:
                assert found[detector].positions.tolist() == expected[detector].positions.tolist()
                assert found[detector].labels.tolist() == expected[detector].labels.tolist()


@settings(max_examples=examples(default=25, thorough=2000), deadline=None)
@given(records(), st.data())
def test_what_any_of_some_columns_holds_is_each_columns_own_hits_put_together(frame, data):
    """``found`` over some columns and some rows, asked again and again as GX does (for other
    columns, rows and detectors in between): each time, the rows where one of those columns
    holds something — an absent field's empty column holding nothing."""
    scan = RecordScan(frame)
    alone = {c: scan_column(frame[c], DETECTORS, scan._orders) for c in "abc"}
    for _ in range(3):
        names = data.draw(st.lists(st.sampled_from("abc"), min_size=1, unique=True))
        rows = data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
        columns = frame.loc[rows, names].assign(absent=pd.Series(dtype="str"))
        detector = data.draw(st.sampled_from(DETECTORS))
        expected = pd.Series(False, index=frame.index)
        for name in names:
            expected.iloc[alone[name][detector].positions] = True
        assert scan.found(detector, columns).tolist() == expected[rows].tolist()
