"""Write a generated sample to disk: the Mozello orders CSV, the customer register XLSX and the
ground truth JSON (docs/rules.md; procedure §6–§12 for what the files hold).

The CSV is UTF-8 with a BOM, comma-delimited, one header row, streamed with the ``csv`` module.
The register is written with xlsxwriter in ``constant_memory`` mode (fast and flat in memory at
200k rows): sheet ``Klienti``, a title row, a blank row, the Latvian header on row 3, data from
row 4; dates are ``DD.MM.YYYY`` text in some rows and real Excel dates in others.  Workbook
metadata is pinned so the same sample gives the same bytes.  Existing files are never
overwritten.

>>> import tempfile
>>> from pathlib import Path
>>> from zimes_audit.sample.generator import generate
>>> out = Path(tempfile.mkdtemp())
>>> files = write_sample(generate(40, 50, seed=3), out)
>>> sorted(p.name for p in out.iterdir())
['customer-register.xlsx', 'ground_truth.json', 'mozello-orders.csv']
>>> write_sample(generate(40, 50, seed=3), out)
Traceback (most recent call last):
...
FileExistsError: ...
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from zimes_audit.sample.generator import ORDERS_FILE, REGISTER_FILE, Sample

TRUTH_FILE = "ground_truth.json"
TITLE = 'SIA "ZĪMES" klientu reģistrs'


@dataclass(frozen=True)
class SampleFiles:
    """Paths of the three files :func:`write_sample` wrote."""

    orders: Path
    register: Path
    ground_truth: Path


def write_sample(sample: Sample, out_dir: Path) -> SampleFiles:
    """Write ``sample`` into ``out_dir`` (created if missing); refuse to overwrite any file."""
    out_dir = Path(out_dir)
    files = SampleFiles(out_dir / ORDERS_FILE, out_dir / REGISTER_FILE, out_dir / TRUTH_FILE)
    existing = [p.name for p in (files.orders, files.register, files.ground_truth) if p.exists()]
    if existing:
        raise FileExistsError(f"{out_dir}: refusing to overwrite {', '.join(existing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_orders(sample, files.orders)
    write_register(sample, files.register)
    write_truth(sample, files.ground_truth)
    return files


def write_orders(sample: Sample, path: Path) -> None:
    with open(path, "x", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(sample.order_headings)
        writer.writerows(sample.orders)


def write_register(sample: Sample, path: Path) -> None:
    if path.exists():
        raise FileExistsError(path)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    stamp = datetime.combine(sample.as_of, datetime.min.time())
    wb.set_properties({"title": TITLE, "author": 'SIA "ZĪMES"', "created": stamp})
    ws = wb.add_worksheet("Klienti")
    bold = wb.add_format({"bold": True})
    day_fmt = wb.add_format({"num_format": "dd.mm.yyyy"})
    ws.write_string(0, 0, TITLE, bold)
    for c, heading in enumerate(sample.register_headings):
        ws.write_string(2, c, heading, bold)
    for r, row in enumerate(sample.register, start=3):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day_fmt)
            elif value:
                ws.write_string(r, c, value)
    wb.close()


def write_truth(sample: Sample, path: Path) -> None:
    doc = {
        "as_of": sample.as_of.isoformat(),
        "seed": sample.seed,
        "violation_rate": sample.violation_rate,
        "orders": len(sample.orders),
        "customers": len(sample.register),
        "findings": [f.as_json() for f in sample.findings],
        "lookalikes": [
            {"source_file": f, "source_row": r, "record_id": rid, "kind": kind}
            for f, r, rid, kind in sorted(sample.lookalikes)
        ],
    }
    with open(path, "x", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
