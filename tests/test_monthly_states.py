"""Months of the loop played as sequences (issue 25): a stateful property test.

A small realistic shop (20 customers with their orders) is audited month after month — at
advancing and repeated audit dates — while the administrator writes decisions as people write
them (right, in other case, without diacritics, unknown, exceptions with and without notes; notes
naming customers), deletes orders and whole customers (with or without their orders), restores
them, and (where LibreOffice is installed) re-saves a workbook with it.  After every run:

* every decision cell written is either applied (recorded in the history from its workbook) or
  listed as not understood;
* no finding leaves the worklist unless its record is gone or an exception with a note covers it
  (or the record is still flagged under another rule as time passes, or — an order naming a
  customer the register did not have — the customer is back in the register);
* a finding's due date never moves while it stays on the worklist;
* the history and every auditor output (all but the administrator's workbook) hold no value from
  the inputs or the notes.

Runs go through ``zimes-audit run`` in-process without the notebook.  ``make test`` plays a few
short sequences; ``HYPOTHESIS_PROFILE=thorough`` plays 25 of up to 8 months each.  Issue 25 sets
no count; a sequence is up to ten audits, so 25 sequences are about 230 audits: 8 minutes on a
quiet 2-core machine (9–34 s a sequence), 30 minutes under the load of other work.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from cli_runner import invoke
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from profiles import examples
from test_monthly import write_shop

from zimes_audit.words.labels import resolution_id

FIRST = ["Jānis", "Līga", "Pēteris", "Ērika", "Aija", "Roberts", "Ilze", "Kārlis", "Zane",
         "Mārtiņš", "Inese", "Edgars", "Dace", "Gints", "Sandra", "Uldis", "Baiba", "Raimonds",
         "Vija", "Oskars"]  # fmt: skip
LAST = ["Bērziņš", "Ozoliņa", "Kalniņš", "Šmite", "Zālīte", "Liepiņš", "Krūmiņa", "Vītols",
        "Balode", "Jansons", "Kļaviņa", "Grīnbergs", "Siliņa", "Lapsiņš", "Eglīte", "Dambītis",
        "Priedīte", "Cīrulis", "Strautiņa", "Lūsis"]  # fmt: skip
STREETS = ["Brīvības", "Vaļņu", "Čiekurkalna", "Gertrūdes", "Tērbatas", "Avotu", "Lāčplēša",
           "Matīsa", "Ganību", "Skolas"]  # fmt: skip
CITIES = ["Rīga", "Valmiera", "Cēsis", "Jelgava", "Liepāja"]
CODE = "161175-19997"
START = date(2026, 11, 1)
CHANGES = ["customer and orders", "customer only", "order", "restore"]


def _customer(i: int) -> dict:
    """Customer i of the shop: every fifth ended long ago, lacks consent, has a personal code
    in its notes, a mistyped e-mail, or is in order."""
    first, last = FIRST[i], LAST[i]
    kind = i % 5
    plain = (first + "." + last).lower()
    for a, b in zip("āčēģīķļņšūž", "acegiklnsuz", strict=True):
        plain = plain.replace(a, b)
    return {
        "id": f"K-{1000 + i}",
        "name": f"{first} {last}",
        "email": f"{plain}@@inbox" if kind == 3 else f"{plain}@inbox.lv",
        "phone": f"+371 2{6543210 + i * 1111:07d}",
        "address": f"{STREETS[i % 10]} iela {i + 3}, {CITIES[i % 5]}",
        "start": "01.01.2015" if kind == 0 else "01.03.2025",
        "end": "30.06.2019" if kind == 0 else "",
        "consent": "Nē" if kind == 1 else "Jā",
        "notes": f"p.k. {CODE}, zvanīt vakarā" if kind == 2 else "",
        "order": f"M-{2400000 + i}-{19 if kind == 0 else 25}",
        "ordered": "15.05.2019 10:00" if kind == 0 else "04.04.2025 12:00",
    }


SHOP = [_customer(i) for i in range(20)]
SECRETS = sorted(
    {w for c in SHOP for w in c["name"].split()}
    | {c["email"].split("@")[0] for c in SHOP}
    | {c["phone"].replace("+371 ", "") for c in SHOP}
    | {c["address"].split(" iela")[0] for c in SHOP}
    | {CODE}
)
TEXTS = [  # (what is typed in Resolution, whether a note goes with it)
    ("Dzēsts", False), ("DZESTS", False), ("dzests", False), ("Izdarīts", False),
    ("izdarits", False), ("Done", False), ("Gatavs", False), ("ok?", False),
    ("Izņēmums", False), ("Izņēmums", True), ("izņemums", True), ("Nav attiecināms", True),
    ("Atlikts", False), ("Labots", False),
]  # fmt: skip


def write_inputs(folder: Path, customers: set[int], orders: set[int]) -> None:
    def order(c: dict) -> list:
        return [c["order"], c["ordered"], "paid", c["id"], c["name"], c["email"], c["phone"],
                c["address"], "", "24,20"]  # fmt: skip

    def customer(c: dict) -> list:
        return [c["id"], c["name"], c["email"], c["phone"], c["start"], c["end"], c["consent"],
                c["start"] if c["consent"] == "Jā" else "", c["notes"]]  # fmt: skip

    write_shop(folder, [order(SHOP[i]) for i in sorted(orders)],
               [customer(SHOP[i]) for i in sorted(customers)])  # fmt: skip


def sheet_rows(path: Path, name: str) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    if name not in book.sheetnames:
        return []
    cells = list(book[name].iter_rows(values_only=True))
    book.close()
    return [dict(zip(cells[0], r, strict=False)) for r in cells[1:] if any(r)]


class MonthlyLoop(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.base = Path(tempfile.mkdtemp(prefix="zimes-months-"))
        self.inputs, self.reports = self.base / "eksports", self.base / "reports"
        self.customers, self.orders = set(range(20)), set(range(20))
        self.as_of = START
        self.folders: list[Path] = []
        self.written: dict[tuple[str, str], tuple[str, bool]] = {}  # (workbook, key) → text
        self.unchecked: set[tuple[str, str]] = set()
        self.due: dict[str, object] = {}  # key → due date, while on the worklist
        self.worklist: set[str] = set()
        self.ran = False

    def teardown(self):
        shutil.rmtree(self.base, ignore_errors=True)

    # -- what the administrator does --------------------------------------------------------
    MONTH = {
        "changes": st.lists(st.tuples(st.integers(0, 19), st.sampled_from(CHANGES)), max_size=3),
        "picks": st.lists(st.tuples(st.integers(0, 60), st.sampled_from(TEXTS)), max_size=6),
        "who": st.integers(0, 19),
        "newest": st.booleans(),
        "advance": st.sampled_from([0, 31, 35, 200]),
    }

    @initialize(**MONTH)
    def first_months(self, changes, picks, who, newest, advance):
        """Every sequence starts with two runs and the decisions between them."""
        self.run_month(0)
        self.month(changes, picks, who, newest, advance)

    @rule(**MONTH)
    def month(self, changes, picks, who, newest, advance):
        """The administrator decides in a workbook, changes the inputs, and audits again
        (``advance`` days later: 0 is a re-run of the same audit date)."""
        self.decide(picks, who, newest)
        for i, change in changes:
            self.change_inputs(i, change)
        self.run_month(advance)

    def run_month(self, advance):
        if self.folders:
            self.as_of += timedelta(days=advance)
        write_inputs(self.inputs, self.customers, self.orders)
        as_of = self.as_of.strftime("%d.%m.%y" if advance == 35 else "%Y-%m-%d")
        # months 200 days apart pass a year after today: said to be meant (--future-as-of), so
        # that no sequence depends on the day it is played
        done = invoke("run", str(self.inputs), "--as-of", as_of, "--future-as-of", "--no-notebook",
                      "--reports", str(self.reports))  # fmt: skip
        assert done.returncode == 0, done.stderr
        folder = Path(done.stdout.split("Pārskats: ")[1].split("/  ")[0])
        self.folders.append(folder)
        self.ran = True
        self.check_run(folder)

    def decide(self, picks, who, newest):
        """Write decisions on the Flagged rows of the newest (or the first) workbook."""
        path = (self.folders[-1] if newest else self.folders[0]) / "flagged-records.xlsx"
        book = openpyxl.load_workbook(path)
        sheet = book["Atzīmētie"]
        header = [c.value for c in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2))
        if not rows or not picks:
            return
        c = SHOP[who]
        note = f"{c['name']} lūdza, {c['address']}, tālr. {c['phone']}, p.k. {CODE}"
        for at, (text, with_note) in picks:
            row = rows[at % len(rows)]
            key = row[header.index("Atslēga")].value
            row[header.index("Risinājums")].value = text
            row[header.index("Piezīme")].value = note if with_note else None
            row[header.index("Kas lēma")].value = "IK"
            self.written[(str(path.resolve()), key)] = (text, with_note)
            self.unchecked.add((str(path.resolve()), key))
        book.save(path)

    def change_inputs(self, i, change):
        """Delete a whole customer, the register row only (orders stay), one order; or restore."""
        if change == "restore":
            self.customers.add(i)
            self.orders.add(i)
            return
        if change != "order":
            self.customers.discard(i)
        if change != "customer only":
            self.orders.discard(i)

    @precondition(lambda self: self.folders and shutil.which("soffice"))
    @rule()
    def resave_with_libreoffice(self):
        path = self.folders[-1] / "flagged-records.xlsx"
        with tempfile.TemporaryDirectory() as out:
            profile = f"-env:UserInstallation=file://{out}/profile"  # its own, not the user's
            subprocess.run(["soffice", profile, "--headless", "--convert-to", "xlsx", "--outdir",
                            out, str(path)], check=True, capture_output=True, timeout=180)  # fmt: skip
            shutil.copy(Path(out) / path.name, path)

    # -- what must hold after every run -----------------------------------------------------
    def check_run(self, folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        self.check_decisions(manifest)
        self.check_worklist(folder)
        self.check_nothing_personal(folder)

    def check_decisions(self, manifest: dict) -> None:
        db = sqlite3.connect(self.reports / "zimes-history.sqlite")
        recorded = set(db.execute("SELECT source, finding_key FROM decisions").fetchall())
        db.close()
        listed = manifest["decisions_not_understood"]
        for workbook, key in sorted(self.unchecked):
            text, _ = self.written[(workbook, key)]
            if resolution_id(text) is None:
                assert any(workbook in line and f'"{text}"' in line for line in listed), (
                    workbook, key, text)  # fmt: skip
            else:
                assert (workbook, key) in recorded, (workbook, key, text)
        self.unchecked.clear()

    def check_worklist(self, folder: Path) -> None:
        path = folder / "flagged-records.xlsx"
        flagged = sheet_rows(path, "Atzīmētie")
        held = {r["Atslēga"] for r in sheet_rows(path, "Izņēmumi")}
        now = {r["Atslēga"]: r for r in flagged}
        present = {f"register:{SHOP[i]['id']}" for i in self.customers}
        present |= {f"orders:{SHOP[i]['order']}" for i in self.orders}
        still_flagged = {key.split("|")[0] for key in now}  # records still on the worklist
        for key in self.worklist - set(now) - held:
            record = key.split("|")[0]
            assert record not in present or record in still_flagged or self.mended(key), key
        for key, row in now.items():
            if key in self.worklist and key in self.due:
                assert row["Termiņš"] == self.due[key], key
            self.due.setdefault(key, row["Termiņš"])
        for key in set(self.due) - set(now):
            del self.due[key]  # off the worklist: a record back later is a new finding
        self.worklist = set(now)

    def mended(self, key: str) -> bool:
        """An order's CUSTOMER-NOT-IN-REGISTER finding leaves when its customer is back."""
        record, rule, _ = key.split("|")
        owners = [i for i in self.customers if record == f"orders:{SHOP[i]['order']}"]
        return rule == "CUSTOMER-NOT-IN-REGISTER" and bool(owners)

    def check_nothing_personal(self, folder: Path) -> None:
        outputs = [self.reports / "zimes-history.sqlite"]
        outputs += [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".xlsx"]
        for path in outputs:
            raw = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode("utf-8") not in raw, (str(path), secret)

    @invariant()
    def the_history_is_a_sequence_of_runs(self):
        if self.ran:
            db = sqlite3.connect(self.reports / "zimes-history.sqlite")
            (runs,) = db.execute("SELECT COUNT(*) FROM runs").fetchone()
            db.close()
            assert runs == len(self.folders)


MonthlyLoop.TestCase.settings = settings(
    max_examples=examples(default=1, thorough=25),
    stateful_step_count=examples(default=2, thorough=8),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_monthly_loop = MonthlyLoop.TestCase


def test_a_customer_deleted_from_the_register_and_restored():
    """The machine's months played by hand: K-1004 (in order) and K-1000 (ended in 2019, an
    erasure) deleted from the register with their orders left; a month later K-1004 is back.
    Their orders are reported while the customers are gone, and K-1004's leaves the worklist
    once he is back (the invariants hold after every run)."""
    loop = MonthlyLoop()
    try:
        loop.first_months([(4, "customer only"), (0, "customer only")], [], 0, True, 31)
        gone = {f"orders:{SHOP[i]['order']}|CUSTOMER-NOT-IN-REGISTER|customer_id" for i in (4, 0)}
        assert gone <= loop.worklist
        assert f"orders:{SHOP[0]['order']}|RETENTION-EXPIRED|relationship_end" in loop.worklist
        loop.month([(4, "restore")], [], 0, True, 35)
        assert gone & loop.worklist == {
            f"orders:{SHOP[0]['order']}|CUSTOMER-NOT-IN-REGISTER|customer_id"
        }
        loop.the_history_is_a_sequence_of_runs()
    finally:
        loop.teardown()
