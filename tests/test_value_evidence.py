"""Columns classified by their values as well as their headings (issue 23, part 4): a column of
personal codes is not permitted whatever its heading; an unknown column of e-mails is suggested
as ``email`` — in the inventory, the field-map lines and the FIELD-UNCLASSIFIED finding."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF
from stdnum.lv import pvn

from zimes_audit.audit import audit
from zimes_audit.loading import load_file
from zimes_audit.loading.evidence import column_evidence
from zimes_audit.procedure.catalogue import NOT_PERMITTED, UNCLASSIFIED
from zimes_audit.views.inventory import render_inventory


def _codes(count: int, seed: int = 5) -> list[str]:
    """Valid old-format personal codes (real date, century digit 1, stdnum's check digit)."""
    rng, out = random.Random(seed), []
    while len(out) < count:
        body = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(50, 99)}1"
        body += f"{rng.randrange(1000):03d}"
        out.append(f"{body[:6]}-{body[6:]}{pvn.calc_check_digit_pers(body)}")
    return out


CODES = _codes(8)
EMAILS = [f"pircejs{n}@inbox.lv" for n in range(8)]


@pytest.fixture(scope="module")
def orders(tmp_path_factory) -> Path:
    """Eight orders; "Piezīmes 2" holds a personal code in seven, "Kontakts" an e-mail."""
    path = tmp_path_factory.mktemp("evidence") / "orders.csv"
    lines = ["Pasūtījuma nr.;Datums;Summa;Piezīmes;Piezīmes 2;Kontakts"]
    for n in range(8):
        code = CODES[n] if n != 3 else ""
        lines.append(f"M-{n}-26;05.10.2026;12,50;Paldies;{code};{EMAILS[n]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def table(orders):
    return load_file(orders)


@pytest.fixture(scope="module")
def findings(orders) -> pd.DataFrame:
    return audit([orders], as_of=AS_OF).findings


def _column(table, heading):
    return next(c for c in table.columns if c.heading == heading)


def test_a_column_of_personal_codes_is_not_permitted_whatever_its_heading(table):
    column = _column(table, "Piezīmes 2")
    assert (column.category, column.matched_by, column.scan) == (NOT_PERMITTED, "values", False)
    assert column.evidence == "7 of 7 values are valid personal codes"


def test_each_record_holding_a_code_there_is_one_field_unpermitted_finding(findings):
    flagged = findings[findings["rule_id"] == "FIELD-UNPERMITTED"]
    assert sorted(flagged["record_id"]) == [f"M-{n}-26" for n in range(8) if n != 3]
    assert set(flagged["field"].str.removeprefix("unclassified:")) == {"Piezīmes 2"}
    # the column is not permitted as a whole: its values are not flagged again as codes in text
    assert (findings["rule_id"] == "PERSONAL-CODE-IN-TEXT").sum() == 0


def test_an_unknown_column_of_emails_is_suggested_as_email(table, findings):
    column = _column(table, "Kontakts")
    assert (column.category, column.suggestion) == (UNCLASSIFIED, "email")
    assert column.evidence == "8 of 8 values are valid e-mail addresses"
    unclassified = findings[findings["rule_id"] == "FIELD-UNCLASSIFIED"]
    assert unclassified["detail"].tolist() == [
        "heading neither the field catalogue nor the field map knows (map it in "
        "zimes-fields.toml or delete the column); its values suggest email: 8 of 8 values are "
        "valid e-mail addresses"
    ]


def test_the_inventory_shows_the_evidence_and_the_suggested_paste_line_but_no_value(table):
    text = render_inventory([table], language="en")
    assert "!! NOT PERMITTED · by values: 7 of 7 values are valid personal codes" in text
    assert "values suggest email: 8 of 8 values are valid e-mail addresses" in text
    assert '# "Kontakts" = "email"' in text
    latvian = render_inventory([table])
    assert "!! NAV ATĻAUTS · pēc vērtībām: 7 no 7 vērtībām: derīgi personas kodi" in latvian
    assert "lauks e-pasts: 8 no 8 vērtībām: derīgas e-pasta adreses" in latvian
    for value in [*CODES, *EMAILS]:
        assert value not in text and value not in latvian


@pytest.mark.parametrize(
    ("values", "field", "evidence"),
    [
        (["+371 2912 3456", "29123457", "67123456", "2612 3456", "+37129123458"], "phone",
         "5 of 5 values are valid phone numbers"),
        (["12.03.1961", "01.12.1975", "30.06.1988", "15.09.1999", "03.03.1970"], "birth_date",
         "5 of 5 values are dates as birth dates are: 1920–2010, spread over 15+ years"),
        (["Jā", "Nē", "Jā", "Jā", "Nē"], None, "5 of 5 values are yes/no values"),
    ],
)  # fmt: skip
def test_values_clearly_of_one_field_suggest_it(values, field, evidence):
    found = column_evidence(pd.Series(values, dtype="str"))
    assert (found.field, found.text) == (field, evidence)


@pytest.mark.parametrize(
    "values",
    [
        # a register's own dates: within a few years, not the spread of birth dates
        ["12.03.2019", "01.12.2020", "30.06.2021", "15.09.2022", "03.03.2023"],
        # notes that quote a code now and then: PERSONAL-CODE-IN-TEXT's business, not the column's
        ["Paldies", f"p.k. {CODES[0]}", "Zvanīt vakarā", "Paldies", "Piegādāt uz darbu"],
        # too few values to say anything
        [CODES[0], CODES[1]],
    ],
)
def test_mixed_or_few_values_give_no_verdict(values):
    assert column_evidence(pd.Series(values, dtype="str")) is None


def test_identifiers_and_the_record_id_are_never_made_not_permitted(tmp_path):
    """A SKU column of EAN-13 barcodes (which pass Luhn) and code-shaped order ids keep their
    fields: they are numbers by design."""
    path = tmp_path / "orders.csv"
    lines = ["Pasūtījuma nr.;Summa;Artikuls"]
    lines += [f"{CODES[n]};12,50;4750000000017" for n in range(8)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = [(c.field, c.category) for c in load_file(path).columns]
    assert fields == [("order_id", "operational"), ("total", "6.6"), ("product_sku", "6.6")]
