"""Shared helpers for the loader tests: realistic Latvian records and writers for CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl

ORDER_HEADINGS = [
    "Pasūtījuma nr.",
    "Datums",
    "Vārds, uzvārds",
    "E-pasts",
    "Tālrunis",
    "Adrese",
    "Piezīmes",
    "Summa",
    "Nosūtīts",
]

ORDER_ROWS = [
    [
        "M-2475405-25",
        "05.01.2024 13:45",
        "Jānis Bērziņš",
        "janis.berzins@example.lv",
        "+371 29123456",
        "Brīvības iela 12-3, Rīga",
        "Lūdzu zvanīt pirms piegādes",
        "12,50",
        "Jā",
    ],
    [
        "M-2475406-25",
        "06.01.2024 09:05",
        "Līga Ozoliņa",
        "liga.ozolina@example.lv",
        "+371 26543210",
        "Čiekurkalna 1. līnija 5, Rīga",
        "",
        "1 234,00",
        "Nē",
    ],
]

# Every personal value in the fixtures above: none of them may appear in errors or inventories.
PERSONAL_VALUES = [v for row in ORDER_ROWS for v in row[2:7] if v]

LATVIAN_LETTERS = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"


def csv_bytes(
    rows: Sequence[Sequence[object]], delimiter: str = ";", encoding: str = "utf-8"
) -> bytes:
    """Rows written as delimited text (``utf-8-sig`` writes a byte-order mark)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], delimiter: str = ";", encoding: str = "utf-8"
) -> Path:
    path.write_bytes(csv_bytes(rows, delimiter, encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook written by openpyxl, one sheet per entry (``None`` is an empty cell)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "dd.mm.yyyy hh:mm:ss"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "dd.mm.yyyy"
    book.save(path)
    return path


def orders_csv(tmp_path: Path, name: str = "orders.csv", **kwargs: str) -> Path:
    return write_csv(tmp_path / name, [ORDER_HEADINGS, *ORDER_ROWS], **kwargs)


def write_ods_xml(path: Path, rows: Sequence[str]) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (no ODS writer is installed): one
    sheet ``Klienti`` of raw ``<table:table-row>`` XML (``calcext`` declared, for LibreOffice's
    error marks)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Klienti">{"".join(rows)}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def without_formula_results(path: Path, results: bytes = rb"[^<]*") -> None:
    """Rewrite the workbook at ``path`` with its first sheet's formulas saved without their
    results, as a program that never calculates saves them (``results``: a pattern of the saved
    results to drop; default every one)."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb"</f><v>" + results + rb"</v>", b"</f>", body)
            dst.writestr(item, body)
