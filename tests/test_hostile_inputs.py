"""Hostile inputs through ``zimes-audit``: one clean line, exit 2, nothing left behind, bounded
time and memory (a real process under a memory limit: ``zimes``); and a ``findings.csv`` no
spreadsheet evaluates.  Where the bound is not the subject the command runs in this process
(``cli_runner.invoke``)."""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from cli_runner import invoke
from conftest import AS_OF
from loading_helpers import ORDER_HEADINGS, ORDER_ROWS, write_csv

from zimes_audit.report.safe_text import DANGEROUS_STARTS

MEMORY_LIMIT = 3 << 30  # bytes of address space; the 512 GB allocation would abort the process
TIMEOUT = 120


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def zimes(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "zimes_audit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        preexec_fn=_limit_memory,
    )


def _one_clean_line(done, *names: str) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for name in names:
        assert name in lines[0]
    return lines[0]


def _nothing_left(folder: Path, before: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == before


@pytest.mark.parametrize("dimension", ["true", "lying"])
def test_a_stray_cell_at_xfd1048576_is_one_line_not_an_abort(tmp_path, dimension):
    path = tmp_path / "klienti.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    sheet.append(["Klienta ID", "Vārds, uzvārds", "Piekrišana"])
    sheet.append(["K-001", "Jānis Bērziņš", "Jā"])
    sheet["XFD1048576"] = "k"
    book.save(path)
    if dimension == "lying":  # the sheet claims A1:C2; only its cells tell the truth
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                body = src.read(item)
                if item.filename.startswith("xl/worksheets/"):
                    assert b'<dimension ref="A1:XFD1048576"' in body
                    body = body.replace(b'ref="A1:XFD1048576"', b'ref="A1:C2"')
                dst.writestr(item, body)
    before = {p.name for p in tmp_path.iterdir()}
    for command in (["inventory"], ["run", "--as-of", AS_OF.isoformat(), "--no-notebook"]):
        done = zimes(*command, path.name, cwd=tmp_path)
        line = _one_clean_line(done, "klienti.xlsx", "liekās šūnas")  # Latvian, the default
        assert "Jānis" not in line
        _nothing_left(tmp_path, before)


def test_a_50_mb_line_of_25_million_fields_is_refused_early(tmp_path):
    path = tmp_path / "orders.csv"
    with path.open("wb") as out:
        out.write(";".join(ORDER_HEADINGS).encode() + b"\n")
        out.write(b"1;" * 25_000_000 + b"\n")
    done = zimes("inventory", path.name, cwd=tmp_path)
    line = _one_clean_line(done, "orders.csv", "2. rinda:")  # Latvian, the default
    assert "nevienā eksportā nav vairāk par" in line


@pytest.mark.parametrize("where", ["file", "devnull"])
def test_out_under_a_file_or_dev_null_says_what_is_wrong(tmp_path, where):
    write_csv(tmp_path / "orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    (tmp_path / "notes.txt").write_text("x")
    out = str(tmp_path / "notes.txt" / "report") if where == "file" else "/dev/null/report"
    before = {p.name for p in tmp_path.iterdir()}
    done = invoke("run", "orders.csv", "--out", out, "--no-notebook", "--lang", "en", cwd=tmp_path)
    line = _one_clean_line(done, out)
    assert (
        "notes.txt is a file, not a folder" if where == "file" else "/dev/null is a device"
    ) in line
    _nothing_left(tmp_path, before)


def test_a_fifo_is_named_as_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "orders.csv")
    done = invoke("inventory", "orders.csv", cwd=tmp_path)
    assert "(tas ir nosaukts kanāls (FIFO))" in _one_clean_line(done, "orders.csv")  # Latvian


def test_a_file_name_with_a_line_break_stays_on_one_line(tmp_path):
    (tmp_path / "orders\nmarts.csv").write_text("kaut kas\n", "utf-8")
    done = invoke("inventory", "orders\nmarts.csv", cwd=tmp_path)
    assert "orders\\nmarts.csv" in _one_clean_line(done)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_folder_names_it_and_the_cause(tmp_path):
    folder = tmp_path / "eksporti"
    folder.mkdir()
    folder.chmod(0)
    try:
        done = invoke("inventory", "eksporti", cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert "nevar nolasīt (nav atļaujas)" in _one_clean_line(done, "eksporti")  # Latvian


def test_run_rejects_a_missing_path_before_importing_pandas_or_gx(tmp_path):
    code = (
        "import sys\n"
        "from zimes_audit.cli import main\n"
        "rc = main(['run', 'nav-tāda-mape'])\n"
        "print(rc, 'great_expectations' in sys.modules, 'pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["2", "False", "False"]
    assert "nav-tāda-mape: tāda faila vai mapes nav." in done.stderr  # Latvian, the default
    assert not (tmp_path / "reports").exists()


FORMULA_LIKE = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://example.com","klikšķini")',
    "\t=1+1",
    "\r=1+1",
]


def test_findings_csv_of_an_export_full_of_formulas_holds_none_a_spreadsheet_evaluates(tmp_path):
    inputs = tmp_path / "=eksporti"
    inputs.mkdir()
    headings = ["Pasūtījuma nr.", "Datums", "E-pasts", "Summa", "Personas kods", "=Krāsa"]
    rows = [
        [order_id, "05.01.2024", "nav-epasts", "1", "010180-10006", "+zila"]
        for order_id in FORMULA_LIKE
    ]
    write_csv(inputs / "=orders.csv", [headings, *rows])
    done = invoke(
        "run", str(inputs), "--as-of", AS_OF.isoformat(), "--out", "out", "--no-notebook",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out" / "findings.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:]
    assert header[0] == "source_file" and len(body) >= len(FORMULA_LIKE)
    ids = {row[2] for row in body}
    assert {"'" + v.strip() for v in FORMULA_LIKE} <= ids  # kept, but inert
    for row in table:
        for cell in row:
            assert not cell.startswith(DANGEROUS_STARTS), cell
    # and the next run reads it back as the values they were (history keys on them)
    again = invoke(
        "run", str(inputs), "--as-of", (AS_OF + timedelta(days=1)).isoformat(), "--out",
        "out2", "--no-notebook", cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert ", jauni 0," in again.stdout  # Latvian, the default
