"""Files shaped as a Latvian shop keeps them (issue 11), built here from scratch, audited end to end.

* a customer register kept by hand in Excel (openpyxl): a title row, headings as people write
  them — ``Nr.p.k. | Klienta kods | Vārds | Uzvārds | E-pasta adrese | Tālr. | Pers. kods |
  Sadarbības sākums | Sadarbības beigas | Piekrišana (Jā/Nē) | …`` —, dates typed every way and
  as date cells, yes/no as ``Jā``/``Nē``, ``Ir``/``Nav``, ``+``/``-`` and ticks;
* a Mozello-like orders export with Latvian labels, one row per cart line, ``;`` and decimal
  commas, identifiers (SKU, EAN barcode, parcel number) and a gift-card message column the
  catalogue does not know.

Every planted violation is found on its row, nothing else is flagged, and the field map decides
the gift-card column (docs/rules.md, FIELD-UNCLASSIFIED).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from loading_helpers import write_csv, write_xlsx

from zimes_audit import errors
from zimes_audit.audit import audit
from zimes_audit.cli import main
from zimes_audit.loading import load_file, load_inputs
from zimes_audit.loading.tables import PROVENANCE_COLUMNS
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.field_map import load_field_map, parse_field_map

AS_OF = dt.date(2026, 11, 1)
CODE_IN_COLUMN = "010180-10006"
CODE_IN_MESSAGE = "161175-19997"


def _luhn_complete(base: str) -> str:
    """``base`` with the digit that makes it pass Luhn (a barcode a naive scan reads as a card)."""
    for check in "0123456789":
        digits = [int(d) for d in base + check][::-1]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return base + check
    raise AssertionError("unreachable")


BARCODE = _luhn_complete("400638133393")  # 13 digits starting with 4: a Visa length and prefix

REGISTER_HEADINGS = [
    "Nr.p.k.", "Klienta kods", "Vārds", "Uzvārds", "E-pasta adrese", "Tālr.", "Pers. kods",
    "Sadarbības sākums", "Sadarbības beigas", "Piekrišana (Jā/Nē)", "Jaunumu vēstule",
    "Atteicās no jaunumiem", "Nodots piedziņai", "Reģ. Nr.", "PVN Nr.", "Piezīmes",
]  # fmt: skip


def _customer(n, cid, first, last, email, *, code=None, start="15.03.2025.", end=None,
              consent="Jā", news="Nē", out="Nē", debt="Nav", reg=None, vat=None, notes=None):  # fmt: skip
    return [n, cid, first, last, email, "+371 2" + f"{n:07d}", code, start, end, consent, news,
            out, debt, reg, vat, notes]  # fmt: skip


# spreadsheet row = index + 3 (title row 1, header row 2)
REGISTER_ROWS = [
    _customer(
        1,
        "K-001",
        "Jānis",
        "Bērziņš",
        "janis.berzins@example.lv",
        news="Jā",
        reg="40203002519",
        vat="LV40203002519",
        notes="Zvanīt pēc 18:00",
    ),  # fmt: skip
    _customer(
        2,
        "K-002",
        "Līga",
        "Ozoliņa",
        "liga.ozolina@example.lv",
        code=CODE_IN_COLUMN,
        start=dt.datetime(2025, 4, 2),
    ),  # fmt: skip
    _customer(
        3,
        "K-003",
        "Pēteris",
        "Kalniņš",
        "peteris.kalnins@example.lv",
        start="2025.04.02",
        news="+",
        out="+",
    ),  # fmt: skip
    _customer(
        4, "K-004", "Anna", "Liepa", "anna.liepa@example.lv", start="15/01/2025", debt="Ir"
    ),  # fmt: skip
    _customer(
        5, "K-005", "Ilze", "Krūmiņa", "ilze.krumina@example.lv", start="02.05.15", end="10.05.2019"
    ),  # fmt: skip
    _customer(6, "K-006", "Roberts", "Ozols", "roberts.ozols@example.lv", start="31.02.2024"),
    _customer(
        7, "K-007", "Marta", "Zariņa", "marta.zarina@example.lv", start="45731", consent="Nē"
    ),  # fmt: skip
    _customer(
        8,
        "K-008",
        "Kārlis",
        "Egle",
        "karlis.egle@example.lv",
        start="01.06.2025",
        consent="x",
        news="✓",
    ),  # fmt: skip
]

REGISTER_EXPECTED = {
    (4, "FIELD-UNPERMITTED"),  # K-002: a personal code in the Pers. kods column (§6, §8)
    (5, "MARKETING-WITHOUT-BASIS"),  # K-003: on the newsletter list although opted out
    (6, "DEBT-TRANSFER-UNPAID-ONLY"),  # K-004: handed over, its only order is paid
    (7, "RETENTION-EXPIRED"),  # K-005: ended 10.05.2019, five years have passed
    (8, "DATA-INACCURATE"),  # K-006: 31.02.2024 is no date — a finding, not a refused audit
    (9, "CONSENT-MISSING"),  # K-007: Nē, and no purchase
}

ORDER_HEADINGS = [
    "Pasūtījuma Nr.", "Datums", "Apmaksas statuss", "Vārds, uzvārds", "E-pasts", "Tālrunis",
    "Pakomāts", "Sūtījuma numurs", "Maksājuma veids", "Preces nosaukums", "Artikuls",
    "Svītrkods", "Daudzums", "Cena", "Summa, EUR", "Piezīmes", "Dāvanu kartes ziņa",
]  # fmt: skip


def _line(order, date, status, name, email, product, sku, qty, price, total, notes="", gift=""):
    return [order, date, status, name, email, "+371 29876543", "Omniva pakomāts Rīga Origo",
            "CC123456789LV", "Swedbank", product, sku, BARCODE, qty, price, total, notes, gift]  # fmt: skip


# spreadsheet row = index + 2; one row per cart line
ORDER_ROWS = [
    _line(
        "M-2475405-25",
        "15.03.2025 13:45",
        "paid",
        "Jānis Bērziņš",
        "janis.berzins@example.lv",
        "Pastkarte “Rīga”",
        "PK-001",
        "2",
        "1,50",
        "4,50",
    ),  # fmt: skip
    _line(
        "M-2475405-25",
        "15.03.2025 13:45",
        "paid",
        "Jānis Bērziņš",
        "janis.berzins@example.lv",
        "Aploksne",
        "AP-010",
        "1",
        "1,50",
        "4,50",
        gift="Daudz laimes dzimšanas dienā!",
    ),  # fmt: skip
    _line(
        "M-2475406-25",
        "02.04.2025 09:10",
        "paid",
        "Anna Liepa",
        "anna.liepa@example.lv",
        "Zīmogs",
        "ZM-100",
        "1",
        "12,00",
        "12,00",
        gift=f"Mīļā Anna, p.k. {CODE_IN_MESSAGE}, lai priecē!",
    ),  # fmt: skip
]
ORDERS_EXPECTED = {(4, "PERSONAL-CODE-IN-TEXT")}

GIFT_MAP = """\
# Our own Mozello checkout field: the buyer's message printed on the gift card.
[fields.gift_card_message]
category = "6.5"
headings = ["Dāvanu kartes ziņa"]
"""


def write_exports(folder: Path) -> Path:
    """The register (xlsx) and the orders (csv) above, in ``folder``."""
    folder.mkdir()
    write_xlsx(
        folder / "klientu-registrs.xlsx",
        {"Klienti": [["Klientu reģistrs, 2026"], REGISTER_HEADINGS, *REGISTER_ROWS]},
    )
    write_csv(folder / "mozello-orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    return folder


@pytest.fixture
def exports(tmp_path):
    """The exports in a folder of the test's own (a test may add a field map to it)."""
    return write_exports(tmp_path / "exports")


@pytest.fixture(scope="module")
def exports_audited(tmp_path_factory):
    """The exports (no field map) audited once for the module: ``(folder, result)``, read only."""
    folder = write_exports(tmp_path_factory.mktemp("audited") / "exports")
    return folder, audit([folder], as_of=AS_OF)


def _found(result, file_name: str) -> set[tuple[int, str]]:
    f = result.findings
    mine = f[(f["source_file"] == file_name) & (f["record_id"] != "")]
    return set(zip(mine["source_row"], mine["rule_id"], strict=True))


def _column_findings(result):
    f = result.findings
    return f[f["rule_id"] == "FIELD-UNCLASSIFIED"]


def test_register_headings_as_people_write_them_are_all_known(exports):
    table = load_file(exports / "klientu-registrs.xlsx")
    assert table.kind == "register" and table.detected.header_row == 2
    assert [c.field for c in table.columns] == [
        "row_number", "customer_id", "first_name", "last_name", "email", "phone",
        "personal_code", "relationship_start", "relationship_end", "consent_given",
        "marketing_opt_in", "unsubscribed", "sent_to_debt_collection", "company_id", "vat_id",
        "notes",
    ]  # fmt: skip
    assert table.frame["relationship_start"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2025-03-15", "2025-04-02", "2025-04-02", "2025-01-15", "2015-05-02", "",
        "2025-03-15", "2025-06-01",
    ]  # fmt: skip
    assert table.frame["consent_given"].tolist() == [True] * 6 + [False, True]
    assert table.frame["marketing_opt_in"].tolist()[:3] == [True, False, True]
    read = {c.field: c.read_as for c in table.columns}
    assert "DD.MM.YYYY" in read["relationship_start"] and "serial" in read["relationship_start"]
    assert read["consent_given"].startswith("yes/no: ")


def test_orders_with_latvian_labels_one_row_per_cart_line(exports):
    table = load_file(exports / "mozello-orders.csv")
    assert table.kind == "orders" and table.rows == 3
    fields = {c.heading: c.field for c in table.columns}
    assert fields["Pakomāts"] == "pickup_point"
    assert fields["Sūtījuma numurs"] == "tracking_number"
    assert fields["Svītrkods"] == "product_barcode"
    assert fields["Maksājuma veids"] == "payment_method"
    assert fields["Summa, EUR"] == "total"
    assert fields["Dāvanu kartes ziņa"] is None
    assert table.frame["total"].tolist() == [4.5, 4.5, 12.0]
    catalogue = load_catalogue()
    identifiers = (
        "product_sku",
        "product_barcode",
        "tracking_number",
        "order_id",
        "invoice_number",
    )
    assert not any(catalogue.fields[f].scan for f in identifiers)


def test_every_planted_violation_on_its_row_and_one_finding_for_the_unknown_column(
    exports_audited,
):
    _, result = exports_audited
    assert _found(result, "klientu-registrs.xlsx") == REGISTER_EXPECTED
    assert _found(result, "mozello-orders.csv") == ORDERS_EXPECTED
    f = result.findings
    code = f[f["rule_id"] == "PERSONAL-CODE-IN-TEXT"].iloc[0]
    assert (code["record_id"], code["field"]) == ("M-2475406-25", "Dāvanu kartes ziņa")
    # exactly one column-level finding: file × column, header row, empty record id
    [column] = _column_findings(result).to_dict("records")
    assert (column["source_file"], column["source_row"], column["record_id"]) == (
        "mozello-orders.csv",
        1,
        "",
    )
    assert (column["field"], column["action"], column["procedure_section"]) == (
        "Dāvanu kartes ziņa",
        "CLASSIFY_FIELD",
        "6",
    )
    # no per-record FIELD-UNPERMITTED for the unknown column
    unpermitted = f[f["rule_id"] == "FIELD-UNPERMITTED"]
    assert unpermitted["field"].tolist() == ["personal_code"]
    # the barcode passes Luhn with a Visa prefix, yet identifiers are not free text
    assert "CARD-NUMBER-IN-TEXT" not in set(f["rule_id"])
    bad = f[f["rule_id"] == "DATA-INACCURATE"].iloc[0]
    assert (bad["field"], bad["detail"]) == (
        "relationship_start",
        "unreadable date in relationship start",
    )
    # no value of any record in any detail
    for value in (CODE_IN_COLUMN, CODE_IN_MESSAGE, "31.02.2024", BARCODE):
        assert not f["detail"].str.contains(value, regex=False).any()


def test_a_field_map_classifies_the_gift_card_column_and_it_is_still_scanned(exports):
    (exports / "zimes-fields.toml").write_text(GIFT_MAP, encoding="utf-8")
    result = audit([exports], as_of=AS_OF)
    assert result.field_map is not None and result.field_map.fields["gift_card_message"]
    assert _column_findings(result).empty
    assert _found(result, "mozello-orders.csv") == ORDERS_EXPECTED
    f = result.findings
    code = f[f["rule_id"] == "PERSONAL-CODE-IN-TEXT"].iloc[0]
    assert (code["record_id"], code["field"]) == ("M-2475406-25", "gift_card_message")
    assert _found(result, "klientu-registrs.xlsx") == REGISTER_EXPECTED


def test_a_field_map_can_declare_a_column_not_permitted(exports):
    (exports / "zimes-fields.toml").write_text(
        '[fields.gift_card_message]\ncategory = "not-permitted"\nheadings = ["Dāvanu kartes ziņa"]\n',
        encoding="utf-8",
    )
    result = audit([exports], as_of=AS_OF)
    f = result.findings
    local = f[(f["rule_id"] == "FIELD-UNPERMITTED") & (f["source_file"] == "mozello-orders.csv")]
    assert sorted(local["source_row"]) == [3, 4]  # the two cart lines with a message
    assert set(local["field"]) == {"gift_card_message"}
    assert _column_findings(result).empty


def test_a_field_map_adds_a_heading_to_a_catalogue_field(tmp_path):
    path = write_csv(
        tmp_path / "registrs.csv",
        [["Iekšējais Nr.", "Sadarbības sākums", "Kontakti"], ["K-1", "01.02.2025", "a@b.lv"]],
    )
    fm = parse_field_map(
        '[headings]\n"Iekšējais Nr." = "customer_id"\n"Kontakti" = "email"\n', "zimes-fields.toml"
    )
    [table] = load_inputs([path], fm)
    assert [c.field for c in table.columns] == ["customer_id", "relationship_start", "email"]
    with pytest.raises(errors.InputError):
        load_inputs([path])


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[fields.gift]\ncategory = "6.9"\n', 2, "category must be one of"),
        ('[fields.gift]\nheadings = ["X"]\n', 1, "category must be one of"),
        ('[headings]\n"Kontakti" = "emial"\n', 2, "did you mean 'email'"),
        ('\n[fields.email]\ncategory = "6.2"\n', 2, "is a field of the catalogue already"),
        ('[fields.gift]\ncategory = "6.5"\ntype = "string"\n', 3, "type must be one of"),
        ('[fields.gift]\ncategory = "6.5"\ncolour = 1\n', 3, "unknown key 'colour'"),
        ('[field.gift]\ncategory = "6.5"\n', 1, "unknown section [field]"),
        ('[fields.gift]\ncategory = "6.5\n', 2, "not valid TOML"),
        ('[fields.a]\ncategory = "6.5"\nheadings = ["Ziņa"]\n'
         '[fields.b]\ncategory = "6.7"\nheadings = ["ziņa"]\n', 6, "given to both a and b"),
    ],
)  # fmt: skip
def test_a_bad_field_map_is_one_clear_line_with_file_and_line(tmp_path, text, line, words, capsys):
    path = tmp_path / "zimes-fields.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(errors.FieldMapError) as caught:
        load_field_map(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: ") and words in message
    orders = write_csv(tmp_path / "o.csv", [["Pasūtījuma nr.", "Summa"], ["M-1", "1"]])
    assert main(["inventory", str(orders), "--lang", "en"]) == 2  # found beside the input, refused
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"line {line}:" in err


def test_inventory_prints_the_lines_to_paste_and_how_values_were_read(exports, capsys):
    assert main(["inventory", str(exports), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "[fields.davanu_kartes_zina]" in out
    assert 'headings = ["Dāvanu kartes ziņa"]' in out
    assert "read as dates: DD.MM.YYYY" in out
    assert "1 unreadable (DATA-INACCURATE)" in out
    for value in (CODE_IN_COLUMN, CODE_IN_MESSAGE, "janis.berzins@example.lv"):
        assert value not in out
    # the pasted lines, with a category decided, make the heading known
    start = out.index("[fields.davanu_kartes_zina]")
    block = out[start:].split("\n\n")[0].replace('"?"', '"6.5"')
    (exports / "zimes-fields.toml").write_text(block + "\n", encoding="utf-8")
    assert main(["inventory", str(exports), "--lang", "en"]) == 0
    again = capsys.readouterr().out
    assert "[fields.davanu_kartes_zina]" not in again  # known now: no lines to paste
    assert re.search(r"Dāvanu kartes ziņa +davanu kartes zina +6\.5 correspondence", again)


def test_the_run_records_the_field_map_hash_in_the_manifest(exports, tmp_path):
    import hashlib
    import json

    fields = tmp_path / "my-fields.toml"
    fields.write_text(GIFT_MAP, encoding="utf-8")
    out = tmp_path / "report"
    code = main(["run", str(exports), "--as-of", AS_OF.isoformat(), "--out", str(out),
                 "--no-notebook", "--fields", str(fields)])  # fmt: skip
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["field_map"]["sha256"] == hashlib.sha256(fields.read_bytes()).hexdigest()
    assert manifest["field_map"]["fields"] == {"gift_card_message": "6.5"}
    assert "FIELD-UNCLASSIFIED" not in manifest["counts_by_rule"]
    csv = (out / "findings.csv").read_text("utf-8")
    assert CODE_IN_MESSAGE not in csv and "gift_card_message" in csv


def test_a_column_level_finding_in_every_output_of_a_run(exports, tmp_path):
    """findings.csv, the workbook and the executed notebook carry the column-level finding (empty
    record id, header row) — and none of them shows a personal value outside the workbook."""
    import csv

    import openpyxl

    out = tmp_path / "report"
    assert (
        main(["run", str(exports), "--as-of", AS_OF.isoformat(), "--out", str(out), "--lang", "en"])
        == 0
    )
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["rule_id"] == "FIELD-UNCLASSIFIED"]
    assert [(r["source_file"], r["source_row"], r["record_id"], r["field"]) for r in rows] == [
        ("mozello-orders.csv", "1", "", "Dāvanu kartes ziņa")
    ]
    sheet = openpyxl.load_workbook(out / "flagged-records.xlsx", read_only=True)["Flagged"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in table if "Record id" in r)
    flagged = [dict(zip(header, r, strict=False)) for r in table if "FIELD-UNCLASSIFIED" in r]
    assert len(flagged) == 1 and flagged[0]["Record id"] in (None, "")
    assert flagged[0]["Row"] == 1 and flagged[0]["Field"] == "Dāvanu kartes ziņa"
    html = (out / "audit.html").read_text("utf-8")
    assert "FIELD-UNCLASSIFIED" in html
    for value in (CODE_IN_COLUMN, CODE_IN_MESSAGE, "janis.berzins@example.lv", "Bērziņš"):
        assert value not in html


def _report_of(result, folder):
    """What a run writes from ``result``'s frames: the result tables, the gaps' fact counts,
    the masked customers, and every cell of the workbook (read back with openpyxl)."""
    import openpyxl

    from zimes_audit.report.results import result_tables
    from zimes_audit.report.workbook import View, heading_map, write_workbook
    from zimes_audit.views.gaps import FACT_COUNTS
    from zimes_audit.views.masking import masked_customers

    path = write_workbook(folder / "w.xlsx", result.findings, result.frames, [],
                          view=View(headings=heading_map(result.tables)))  # fmt: skip
    book = openpyxl.load_workbook(path, read_only=True)
    cells = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    book.close()
    return {
        "tables": result_tables(result),
        "facts": {name: count(result) for name, count in FACT_COUNTS.items()},
        "customers": masked_customers(result).tolist(),
        "workbook": cells,
    }


@pytest.mark.parametrize("inputs", ["exports", "samples"])
def test_a_run_keeping_only_the_facts_its_report_reads_writes_the_same_report(
    inputs, exports_audited, sample_audit, tmp_path
):
    """Issue 15: a run lets go of every fact its report does not read once the findings are in
    (``report_facts()``); what it writes is the same as from all the facts (the session's and
    the module's audits, which keep them all) — the register here keeps first and last names
    apart, the sample has consent, ends and marketing to chart."""
    from conftest import SAMPLES

    from zimes_audit.report.run import report_facts

    folder, full = exports_audited if inputs == "exports" else (SAMPLES, sample_audit)
    kept = audit(tables=load_inputs([folder]), as_of=AS_OF, keep_facts=report_facts())
    # the facts only the suites read are gone (so a million records' facts can be let go) ...
    for kind in ("orders", "register"):
        assert len(kept.frames[kind].columns) < len(full.frames[kind].columns) / 2, kind
        assert len(kept.frames[kind]) == len(full.frames[kind])
    assert "consent_at" not in kept.frames["register"]
    assert all(
        set(t.frame.columns) <= {*report_facts(), "order_id", "customer_id", *PROVENANCE_COLUMNS}
        for t in kept.tables
    )
    # ... and the report is the same, cell for cell
    (tmp_path / "full").mkdir()
    (tmp_path / "kept").mkdir()
    expected, got = _report_of(full, tmp_path / "full"), _report_of(kept, tmp_path / "kept")
    assert got["facts"] == expected["facts"]
    assert got["customers"] == expected["customers"]
    assert got["workbook"] == expected["workbook"]
    assert got["tables"].keys() == expected["tables"].keys()
    for name, table in expected["tables"].items():
        pd.testing.assert_frame_equal(got["tables"][name], table, obj=name)
    # what the comparison covers: names from first + last name, consent by month, ends
    rows = [row for sheet in expected["workbook"].values() for row in sheet]
    if inputs == "exports":
        assert any("Ilze Krūmiņa" in row for row in rows)  # K-005, her term passed
    else:
        assert expected["facts"]["marketing_on_list"] > 0
        assert expected["facts"]["ended_within_hold"] > 0
        assert expected["tables"]["consent"]["with_consent"].sum() > 0
        assert expected["tables"]["deletions_due"]["total"].sum() > 0
