"""The whole-file byte scans of the CSV reader (encoding evidence, long lines) and the workbook
reader's cell-to-text conversion by kind give exactly what
the plain Python reading gives, across chunk boundaries; and a Windows-1257 export loads the
same records as its UTF-8 twin (Arrow decodes it once, as it parses)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loading_helpers import ORDER_HEADINGS

from zimes_audit import errors
from zimes_audit.loading import csv_reader, load_file, sniff, xlsx_reader

# the bytes that matter: ASCII, line breaks, UTF-8 leads and continuations, Windows-1257 letters
# and the twelve bytes Windows-1257 leaves undefined
_BYTES = st.binary(max_size=200).map(bytes) | st.lists(
    st.sampled_from(
        [b"a", b";", b"\n", b"\r", b"\xc4", b"\x81", b"\xe2", b"\x80", b"\xbf", b"\xf0",
         b"\x9f", b"\xa1", b"\xe7", b"\xfe", b"\xf4", b"\xc2"]
    ),
    max_size=200,
).map(b"".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(data=_BYTES, chunk=st.integers(1, 9))
def test_utf8_letters_are_found_where_the_regex_finds_them(data, chunk):
    match = sniff._UTF8_SEQUENCE.search(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sniff, "_CHUNK", chunk)
        found = sniff._first_match(data, sniff._utf8_sequence_starts, overlap=3)
    assert found == (match.start() if match else None)


@settings(max_examples=400, deadline=None)
@given(data=_BYTES, chunk=st.integers(1, 9))
def test_the_first_byte_utf8_cannot_hold_is_where_python_stops(data, chunk):
    try:
        data.decode("utf-8")
        expected = None
    except UnicodeDecodeError as error:
        expected = error.start
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sniff, "_CHUNK", chunk)
        assert sniff._first_bad_utf8(data) == expected


@pytest.mark.parametrize(
    ("codec", "valid"), [("cp1257", sniff._cp1257_valid), ("utf-8", sniff._utf8_valid)]
)
@settings(max_examples=300, deadline=None)
@given(data=_BYTES | st.text().map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_validity_is_what_the_codec_says(codec, valid, data):
    """Windows-1257's byte lookup and Arrow's UTF-8 validator agree with Python's decoder
    (UTF-8: surrogates and overlong forms refused)."""
    try:
        data.decode(codec)
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert valid(data) is expected


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.integers(0, 30), max_size=12),
    end=st.booleans(),
    chunk=st.integers(1, 17),
    limit=st.integers(0, 12),
)
def test_long_lines_are_the_lines_longer_than_the_limit(lines, end, chunk, limit):
    data = b"\n".join(b"x" * n for n in lines) + (b"\n" if end and lines else b"")
    expected, position = [], 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > limit:
            expected.append((number, position, position + len(line)))
        position += len(line) + 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_LINE_CHUNK", chunk)
        breaks = csv_reader._newlines(data)
        assert list(csv_reader._long_lines(data, breaks, limit)) == expected


@given(
    data=st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b"x", b" "]), max_size=30).map(b"".join),
    chunk=st.integers(1, 17),
)
def test_a_blank_line_is_two_line_breaks_in_a_row(data, chunk):
    """From the line breaks found once, as the text shows it: two ``\n`` with nothing or a
    carriage return between them, from any line's start to the end."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_LINE_CHUNK", chunk)
        breaks = csv_reader._newlines(data)
    for start in [0, *(int(b) + 1 for b in breaks)]:
        end = len(data)
        text = data[start:end]
        expected = text.startswith((b"\n", b"\r\n")) or b"\n\n" in text or b"\n\r\n" in text
        assert csv_reader._has_blank_line(data, breaks, start, end) == expected


def _export(encoding: str, note: str) -> bytes:
    rows = [
        ";".join(ORDER_HEADINGS),
        'M-1;05.01.2024 13:45;Jānis Bērziņš;janis@inbox.lv;+371 29123456;"Brīvības iela 12-3, '
        'Rīga";"' + note + '";12,50;Jā',
        "M-2;06.01.2024 09:05;Līga Ozoliņa;liga@inbox.lv;+371 26543210;Čiekurkalna 5;;1234;Nē",
    ]
    return ("Pasūtījumi 2024\n\n" + "\n".join(rows) + "\n").encode(encoding)


@pytest.mark.parametrize(
    "note",
    [
        "zvanīt pirms piegādes",
        "zvanīt\npirms piegādes",  # a quoted line break: one row
        "ļoti gara piezīme " * 60_000,  # longer than the start that is sniffed (UTF-8 and cp1257)
    ],
    ids=["plain", "quoted-newline", "longer-than-the-sniffed-head"],
)
def test_a_windows_1257_export_loads_as_its_utf8_twin(tmp_path, note):
    tables = {}
    for encoding in ("utf-8", "cp1257"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(_export(encoding, note))
        tables[encoding] = load_file(path)
    utf8, cp1257 = tables["utf-8"], tables["cp1257"]
    assert cp1257.detected.encoding == "cp1257" and cp1257.detected.header_row == 3
    pd.testing.assert_frame_equal(
        utf8.frame.drop(columns="source_file"), cp1257.frame.drop(columns="source_file")
    )
    assert cp1257.frame.source_row.tolist() == [4, 5]
    assert cp1257.frame.notes.iloc[0] == note.strip()


def test_a_row_appended_in_utf8_to_a_windows_1257_file_is_found_past_the_first_chunk(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(sniff, "_CHUNK", 64)  # the UTF-8 row lies several chunks in
    head = _export("cp1257", "zvanīt")
    data = head + "M-3;07.01.2024;Jēkabs;j@inbox.lv;;Rīga;;3;Nē\n".encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(errors.MixedEncoding) as raised:
        load_file(path)
    assert raised.value.row == 6
    assert re.search(r"Windows-1257 to UTF-8", str(raised.value))


_CELLS = st.one_of(
    st.text(max_size=5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70).map(float),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELLS, max_size=12))
def test_workbook_cells_by_kind_read_as_one_by_one(cells):
    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    assert xlsx_reader._as_text(values).tolist() == [xlsx_reader.cell_text(c) for c in cells]
