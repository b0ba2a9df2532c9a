"""``findings.csv`` is written with Arrow, byte for byte as ``DataFrame.to_csv`` wrote it."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.report.run import write_findings_csv
from zimes_audit.report.safe_text import neutralise_column


def _as_pandas_wrote_it(path, findings) -> None:
    """The writer the Arrow one replaced: neutralise every text column, then ``to_csv``."""
    frame = findings[FINDINGS_COLUMNS].copy()
    for column in frame.columns:
        if column != "source_row":
            frame[column] = neutralise_column(frame[column])
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _findings() -> pd.DataFrame:
    """Findings whose cells hold what real exports hold: Latvian letters, commas and quotes in
    headings and record ids, a line break and a carriage return, formula-like ids, empties."""
    rows = [
        ("pasūtījumi, 2025.csv", 2, "M-1", "DATA-INACCURATE", "12.4", "low", "FIX_DATA",
         "email", "invalid e-mail address"),
        ("pasūtījumi, 2025.csv", 3, '=HYPERLINK("x")', "CONTACT-AFTER-END", "10.1.1, 6.2",
         "medium", "REDACT_FIELD", "email;phone",
         "relationship ended; email, phone still kept during the accounting hold"),
        ("klienti.xlsx", 4, "", "FIELD-UNCLASSIFIED", "6", "medium", "CLASSIFY_FIELD",
         'Dāvanu kartes "teksts"', "heading neither the field catalogue nor the field map knows"),
        ("klienti.xlsx", 5, None, "FIELD-UNCLASSIFIED", "6", "medium", "CLASSIFY_FIELD",
         "Piezīmes\nkurjeram", "heading in two lines"),
        ("klienti.xlsx", 6, 'K-"7', "DATA-INACCURATE", "12.4", "low", "FIX_DATA",
         "phone", "cr\rinside, Ķīšu ģimene ļoti žēl"),
        ("@orders.csv", 7, "+371 1234", "DATA-INACCURATE", "12.4", "low", "FIX_DATA", None, ""),
        ("orders.csv", 8, "-5", "DATA-INACCURATE", "12.4", "low", "FIX_DATA", "\tfield", " lead"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows * 3, columns=FINDINGS_COLUMNS)
    frame["source_row"] = frame["source_row"].astype("int64")
    return frame


def test_findings_csv_is_byte_identical_to_what_to_csv_wrote(tmp_path):
    findings = _findings()
    _as_pandas_wrote_it(tmp_path / "pandas.csv", findings)
    write_findings_csv(tmp_path / "arrow.csv", findings)
    expected = (tmp_path / "pandas.csv").read_bytes()
    assert (tmp_path / "arrow.csv").read_bytes() == expected
    assert b'"pas\xc5\xab' in expected and b"'=HYPERLINK" in expected  # the cases are there


def test_findings_csv_of_categorical_and_extra_columns_and_of_no_findings(tmp_path):
    findings = _findings().assign(reason_en="why, exactly")
    findings["rule_id"] = findings["rule_id"].astype("category")
    _as_pandas_wrote_it(tmp_path / "pandas.csv", findings)
    write_findings_csv(tmp_path / "arrow.csv", findings)
    assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    empty = findings.iloc[:0]
    _as_pandas_wrote_it(tmp_path / "pandas-empty.csv", empty)
    write_findings_csv(tmp_path / "arrow-empty.csv", empty)
    assert (tmp_path / "arrow-empty.csv").read_bytes() == (
        tmp_path / "pandas-empty.csv"
    ).read_bytes()


def test_findings_csv_written_in_slices_is_the_same_file(tmp_path, monkeypatch):
    """The writer goes a slice of rows at a time (memory at 1M findings); slices that split the
    rows unevenly still give the one file ``to_csv`` wrote."""
    import zimes_audit.report.run as run

    findings = _findings()  # 21 rows
    _as_pandas_wrote_it(tmp_path / "pandas.csv", findings)
    monkeypatch.setattr(run, "_CSV_CHUNK_ROWS", 4)
    write_findings_csv(tmp_path / "arrow.csv", findings)
    assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


_TEXTS = st.text(alphabet=st.sampled_from(list("ab=+-@'\t\r\n,\" Ķ")), max_size=6)


@settings(max_examples=examples(default=25, thorough=2_000), deadline=None)
@given(st.lists(st.none() | _TEXTS, max_size=12))
def test_record_ids_are_written_as_each_cell_alone_would_be(ids):
    """The record ids go through Arrow as a column, only the few that a spreadsheet or the
    quoting needs through ``_csv_cell``: every id is still the cell ``_csv_cell`` makes of it
    (formula-like starts, commas, quotes, line breaks, missing)."""
    import pyarrow as pa

    from zimes_audit.report.run import _csv_cell, _csv_cells

    written = _csv_cells(pa.array(ids, pa.large_string())).to_pylist()
    assert written == [_csv_cell(v) for v in ids]
