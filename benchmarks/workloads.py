"""The benchmark's two workloads, written once into ``bench-out/`` and reused.

- **kind** — what ``zimes-audit sample`` writes: a UTF-8 Mozello orders CSV and a register XLSX,
  about 5% of the records violating something (``make bench``'s first case);
- **unkind** — a shop's *first* audit: the same register, but the orders are years of guest
  orders whose contact data were never cleared (nearly every order past the guest term keeps its
  e-mail and phone: CONTACT-AFTER-END, or RETENTION-EXPIRED past the hold), exported the way
  Excel in Latvia saves a CSV (Windows-1257, ``;``-separated) with one column the catalogue does
  not know (``Dāvanu kartes teksts``, a gift-card message).

The unkind orders are derived from the kind ones, row by row and deterministically: 19 of every
20 orders lose their customer id and get a guest's own e-mail (so that nothing links them to the
register), and their date moves back into 2012–2024 (before the guest term of 2 years ends on
the audit date 2026-11-01).

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> kind = write_kind(out / "kind", 200, 50)
>>> unkind = write_unkind(kind, out / "unkind")
>>> text = (unkind / ORDERS_FILE).read_bytes().decode("cp1257")
>>> text.splitlines()[0].split(";")[-1].strip('"'), text.count("\\n")
('Dāvanu kartes teksts', 201)
>>> guest = write_guest(kind, write_kind(out / "small", 20, 5), out / "guest")
>>> row = (guest / ORDERS_FILE).read_bytes().decode("cp1257").splitlines()[2].split(";")
>>> row[1], row[30]
('"13.12.2020 11:31"', '"15,80"')
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 1)
SEED = 2026
VIOLATION_RATE = 0.05
ORDERS_FILE = "mozello-orders.csv"
UNKNOWN_HEADING = "Dāvanu kartes teksts"
GIFT_TEXTS = (
    "",
    "",
    "Daudz laimes dzimšanas dienā!",
    "Ar mīlestību — mamma",
    "Paldies par sadarbību!",
    "Priecīgus Ziemassvētkus",
    "",
)
GUEST_SHARE = 19  # of every 20 orders
MONEY = ("subtotal", "shipping_price", "taxes", "total", "discount_amount", "product_price")


def write_kind(folder: Path, orders: int, customers: int) -> Path:
    """The generator's sample (~5% violating) in ``folder``, unless it is already there."""
    from zimes_audit.sample import generate, write_sample

    if not (folder / ORDERS_FILE).exists():
        sample = generate(orders, customers, seed=SEED, as_of=AS_OF, violation_rate=VIOLATION_RATE)
        _atomic_folder(folder, lambda tmp: write_sample(sample, tmp))
    return folder


def write_unkind(kind: Path, folder: Path) -> Path:
    """The unkind workload derived from the ``kind`` folder (see the module docstring)."""
    if (folder / ORDERS_FILE).exists():
        return folder

    def build(tmp: Path) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pa_csv

        table = pa_csv.read_csv(
            kind / ORDERS_FILE,
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in _headings(kind)},
                strings_can_be_null=False,
            ),
        )
        rows = table.num_rows
        index = pa.array(range(rows), pa.int64())
        guest = pc.not_equal(pc.remainder(index, 20), 0)
        # a date 2012-01-01 + (k * 7919 mod 4650) days: spread over 2012..2024-09, past the term
        days = pc.remainder(pc.multiply(index, 7919), 4650)
        stamp = pc.cast(
            pc.add(
                pc.cast(pa.scalar(date(2012, 1, 1)), pa.timestamp("s")),
                pc.multiply(pc.cast(days, pa.int64()), 86400).cast(pa.duration("s")),
            ),
            pa.timestamp("s"),
        )
        clock = pc.utf8_slice_codeunits(table["created_at"], 10)
        created = pc.binary_join_element_wise(pc.strftime(stamp, "%Y-%m-%d"), clock, "")
        email = pc.binary_join_element_wise(
            pa.array(["pircejs"] * rows), pc.cast(index, pa.string()), "@inbox.lv", ""
        )
        columns = {
            "created_at": pc.if_else(guest, created, table["created_at"]),
            "customer_id": pc.if_else(guest, "", table["customer_id"]),
            "email": pc.if_else(guest, email, table["email"]),
            "archived": pc.if_else(guest, "yes", table["archived"]),
        }
        for name, values in columns.items():
            table = table.set_column(table.schema.get_field_index(name), name, values)
        gift = pa.array([GIFT_TEXTS[k % len(GIFT_TEXTS)] for k in range(rows)])
        table = table.append_column(UNKNOWN_HEADING, gift)
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(
            table,
            sink,
            pa_csv.WriteOptions(delimiter=";", quoting_style="needed", include_header=True),
        )
        text = sink.getvalue().to_pybytes().decode("utf-8")
        (tmp / ORDERS_FILE).write_bytes(text.encode("cp1257", errors="replace"))
        for other in kind.iterdir():
            if other.name != ORDERS_FILE and other.suffix in (".xlsx", ".csv"):
                shutil.copyfile(other, tmp / other.name)

    _atomic_folder(folder, build)
    return folder


def write_guest(kind: Path, small: Path, folder: Path) -> Path:
    """The guest workload: ``kind``'s orders made unkind, dates ``DD.MM.YYYY HH:MM``, decimal
    commas, no unknown column; the register of the ``small`` sample (see the module docstring)."""
    if (folder / ORDERS_FILE).exists():
        return folder
    unkind = write_unkind(kind, folder.with_name(folder.name + ".unkind"))

    def build(tmp: Path) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pa_csv

        text = (unkind / ORDERS_FILE).read_bytes().decode("cp1257")
        headings = text[: text.index("\n")].rstrip("\r").split(";")
        table = pa_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            parse_options=pa_csv.ParseOptions(delimiter=";"),
            convert_options=pa_csv.ConvertOptions(
                column_types={h.strip('"'): pa.string() for h in headings},
                strings_can_be_null=False,
            ),
        )
        table = table.drop_columns([UNKNOWN_HEADING])
        stamp = pc.strptime(table["created_at"], "%Y-%m-%d %H:%M:%S", "s")
        columns = {"created_at": pc.strftime(stamp, "%d.%m.%Y %H:%M")}
        for name in MONEY:
            columns[name] = pc.replace_substring(table[name], ".", ",")
        for name, values in columns.items():
            table = table.set_column(table.schema.get_field_index(name), name, values)
        sink = pa.BufferOutputStream()
        options = pa_csv.WriteOptions(delimiter=";", quoting_style="needed", include_header=True)
        pa_csv.write_csv(table, sink, options)
        data = sink.getvalue().to_pybytes().decode("utf-8")
        (tmp / ORDERS_FILE).write_bytes(data.encode("cp1257", errors="replace"))
        for other in small.iterdir():
            if other.name != ORDERS_FILE and other.suffix in (".xlsx", ".csv"):
                shutil.copyfile(other, tmp / other.name)

    _atomic_folder(folder, build)
    shutil.rmtree(unkind)
    return folder


def _headings(kind: Path) -> list[str]:
    with (kind / ORDERS_FILE).open(encoding="utf-8-sig") as handle:
        return handle.readline().rstrip("\r\n").split(",")


def _atomic_folder(folder: Path, build) -> None:
    tmp = folder.with_name(folder.name + f".partial-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    build(tmp)
    os.replace(tmp, folder)
