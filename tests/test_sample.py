"""Tests of the synthetic sample generator and its ground truth (docs/rules.md)."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

import openpyxl
import phonenumbers
import pytest
from stdnum import iban
from stdnum.lv import pvn

from zimes_audit.procedure.rules import column_rules, request_rules
from zimes_audit.sample import (
    ORDERS_FILE,
    REGISTER_FILE,
    TRUTH_FILE,
    generate,
    write_sample,
)
from zimes_audit.sample import plants as order_plants
from zimes_audit.sample.customers import ARCHETYPES
from zimes_audit.sample.generator import GUESTS, ORDER_FIELDS, REGISTER_HEADINGS
from zimes_audit.sample.identifiers import luhn_ok
from zimes_audit.sample.truth import add_years, find_card_number, find_personal_code, passed

AS_OF = date(2026, 11, 1)
COMMITTED = Path(__file__).resolve().parents[1] / "data_samples"
REGENERATE = (
    "rm data_samples/mozello-orders.csv data_samples/customer-register.xlsx "
    "data_samples/ground_truth.json && zimes-audit sample --orders 400 --customers 140 "
    "--seed 2026 --as-of 2026-11-01 --out data_samples"
)
RULES = tomllib.loads(
    resources.files("zimes_audit.procedure.data").joinpath("rules.toml").read_text("utf-8")
)["rules"]


@pytest.fixture(scope="module")
def sample():
    return generate(400, 140, seed=2026, as_of=AS_OF)


@pytest.fixture(scope="module")
def written(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(sample, out)
    return out


def _order(sample, row):
    return dict(zip(ORDER_FIELDS, sample.orders[row - 2], strict=True))


def _register(sample, row):
    return dict(zip(REGISTER_HEADINGS, sample.register[row - 4], strict=True))


def _flagged(sample):
    return {(f.source_file, f.source_row) for f in sample.findings}


# ------------------------------------------------------------------ reproducibility and files
def test_same_seed_gives_identical_bytes(written, tmp_path):
    write_sample(generate(400, 140, seed=2026, as_of=AS_OF), tmp_path)
    for name in (ORDERS_FILE, REGISTER_FILE, TRUTH_FILE):
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes(), name


def test_different_seed_gives_different_data(sample):
    other = generate(400, 140, seed=2027, as_of=AS_OF)
    assert other.orders != sample.orders
    assert other.register != sample.register


def test_committed_sample_has_not_drifted(written):
    for name in (ORDERS_FILE, REGISTER_FILE, TRUTH_FILE):
        committed = COMMITTED / name
        assert committed.exists(), f"{committed} is missing; regenerate it: {REGENERATE}"
        assert committed.read_bytes() == (written / name).read_bytes(), (
            f"data_samples/{name} differs from what the generator writes; regenerate with "
            f"`{REGENERATE}` (or write_sample(generate(400, 140, seed=2026, "
            f"as_of=date(2026, 11, 1)), Path('data_samples')))"
        )


def test_write_refuses_to_overwrite(written):
    with pytest.raises(FileExistsError):
        write_sample(generate(10, 10, seed=1), written)


def test_orders_csv_layout(written, sample):
    raw = (written / ORDERS_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(written / ORDERS_FILE, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["order_id", "created_at"] and "Personas kods" in rows[0]
    assert len(rows) == 401
    assert re.fullmatch(r"M-\d{7}-\d{2}", rows[1][0])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", rows[1][1])
    filled = [r for r in rows[1:] if r[-1]]
    assert 0 < len(filled) < 40  # the §8 column is filled for a minority of orders


def test_register_xlsx_layout(written):
    wb = openpyxl.load_workbook(written / REGISTER_FILE)
    assert wb.sheetnames == ["Klienti"]
    ws = wb["Klienti"]
    assert ws["A1"].value == 'SIA "ZĪMES" klientu reģistrs'
    assert all(c.value is None for c in ws[2])
    assert [c.value for c in ws[3]] == list(REGISTER_HEADINGS)
    assert ws["A4"].value == "K-00001"
    starts = [ws.cell(r, 6).value for r in range(4, ws.max_row + 1)]
    assert any(isinstance(v, datetime) for v in starts)
    assert any(isinstance(v, str) and re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", v) for v in starts)
    consent = {ws.cell(r, 9).value for r in range(4, ws.max_row + 1)}
    assert consent == {"Jā", "Nē", None}


def test_ground_truth_json(written, sample):
    doc = json.loads((written / TRUTH_FILE).read_text("utf-8"))
    assert (doc["as_of"], doc["seed"], doc["orders"], doc["customers"]) == (
        "2026-11-01",
        2026,
        400,
        140,
    )
    keys = [(f["source_file"], f["source_row"], f["rule_id"]) for f in doc["findings"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for f in doc["findings"]:
        assert f["record_id"] and f["planted"] and f["action"]


def test_source_rows_point_at_the_records(sample):
    for f in sample.findings:
        if f.source_file == ORDERS_FILE:
            assert _order(sample, f.source_row)["order_id"] == f.record_id
        else:
            assert _register(sample, f.source_row)["Klienta nr."] == f.record_id


# ------------------------------------------------------------------ ground truth vs plants
def test_every_rule_appears_in_several_forms(sample):
    forms = defaultdict(set)
    for f in sample.findings:
        forms[f.rule_id].add(f.planted)
    # column-level rules: see tests/test_real_inputs.py; a rule that needs a data subject's
    # request recorded in the history: see tests/test_subject.py
    for rule_id in set(RULES) - column_rules() - request_rules():
        count = sum(1 for f in sample.findings if f.rule_id == rule_id)
        assert count >= 2, rule_id
        assert len(forms[rule_id]) >= 2, rule_id


def test_consent_missing_has_both_actions(sample):
    actions = {f.action for f in sample.findings if f.rule_id == "CONSENT-MISSING"}
    assert actions == {"OBTAIN_CONSENT", "DELETE"}


def test_every_planted_intent_is_in_the_ground_truth(sample):
    found = {(f.source_file, f.source_row, f.rule_id) for f in sample.findings}
    missing = [
        (file, row, rule, what)
        for (file, row), intents in sample.intents.items()
        for rule, what in intents.items()
        if (file, row, rule) not in found
    ]
    assert not missing


def test_every_finding_was_planted(sample):
    assert [f for f in sample.findings if not f.planted] == []


def test_lookalikes_present_and_not_flagged(sample):
    kinds = Counter(kind for _, _, _, kind in sample.lookalikes)
    expected = [a for a in ARCHETYPES.values() if not a.violation]
    assert len([k for k in kinds if "5 years" in k or "3 years" in k]) == 2
    assert len(kinds) >= len(expected) + len(order_plants.ORDER_LOOKALIKES) + 2
    assert _flagged(sample).isdisjoint({(f, r) for f, r, _, _ in sample.lookalikes})


LOOKALIKE_TEXT = {
    "IBAN with spaces": r"LV\d\d(?: [A-Z0-9]{4}){4} \d",
    "IBAN without spaces": r"LV\d\d[A-Z]{4}\d{13}",
    "371 + 8-digit phone": r"(?<!\d)371[26]\d{7}(?!\d)",
    "company registration number": r"(?<!\d)[459]\d{10}(?!\d)",
    "order number": r"M-\d{7}-\d{2}",
    "invoice number": r"ZIM-\d{4}/\d{5}",
    "invalid check digit": r"(?<!\d)\d{6}-\d{5}(?!\d)",
    "32… 11 digits": r"(?<!\d)32\d{9}(?!\d)",
    "dates in notes": r"\d{1,2}\.\d{2}\.\d{4}",
}


@pytest.mark.parametrize("kind", sorted(LOOKALIKE_TEXT))
def test_lookalike_values_are_what_they_claim(sample, kind):
    rows = [(f, r) for f, r, _, k in sample.lookalikes if kind in k and f == ORDERS_FILE]
    assert len(rows) >= 2, kind
    for _, row in rows:
        notes = _order(sample, row)["notes"]
        m = re.search(LOOKALIKE_TEXT[kind], notes)
        assert m, (kind, notes)
        value = m.group()
        if "IBAN" in kind:
            compact = value.replace(" ", "")
            assert iban.is_valid(compact) and luhn_ok(compact[8:])
        elif kind.startswith("371"):
            assert phonenumbers.is_valid_number(phonenumbers.parse("+" + value))
        elif kind.startswith("company"):
            assert pvn.is_valid(value)
        elif kind in ("invalid check digit", "32… 11 digits"):
            assert not pvn.is_valid(value)
        assert find_personal_code(notes) is None and not find_card_number(notes)


def test_boundary_lookalikes_sit_exactly_on_the_term(sample):
    by_kind = {kind: (f, r) for f, r, _, kind in sample.lookalikes}
    _, row = next(v for k, v in by_kind.items() if "exactly 5 years" in k)
    end = _register(sample, row)["Attiecību beigas"]
    end = end if isinstance(end, date) else datetime.strptime(end, "%d.%m.%Y").date()
    assert end == add_years(AS_OF, -5) and not passed(end, 5, AS_OF)
    expired = [
        f
        for f in sample.findings
        if "5 years + 1 day" in f.planted or "guest term + retention + 1 day" in f.planted
    ]
    assert {f.source_file for f in expired} == {ORDERS_FILE, REGISTER_FILE}


def test_guest_orders_end_the_guest_term_after_the_order(sample):
    """A guest order keeps its contacts for the policy's guest term (2 years), then
    CONTACT-AFTER-END; one day short of the term it raises nothing."""
    rows = {(f, r): kind for f, r, _, kind in sample.lookalikes if f == ORDERS_FILE}
    short = [r for (_, r), kind in rows.items() if "one day short of the guest term" in kind]
    inside = [r for (_, r), kind in rows.items() if "within the guest term" in kind]
    assert short and inside
    flagged = {f.source_row for f in sample.findings if f.source_file == ORDERS_FILE}
    for row in short + inside:
        order = _order(sample, row)
        day = datetime.fromisoformat(str(order["created_at"])).date()
        assert add_years(day, 2) > AS_OF and order["email"], order
        assert row not in flagged
    short_day = datetime.fromisoformat(str(_order(sample, short[0])["created_at"])).date()
    assert short_day == add_years(AS_OF, -2) + timedelta(days=1)
    after = [f for f in sample.findings if "past the guest term" in f.planted]
    assert after and {f.rule_id for f in after} == {"CONTACT-AFTER-END"}


def test_guest_and_email_links(sample):
    kinds = {kind for _, _, _, kind in sample.lookalikes}
    assert "order linked by e-mail only (other case, spaces)" in kinds
    planted = {f.planted for f in sample.findings}
    for rule, what in filter(None, GUESTS.values()):
        assert what in planted, (rule, what)


# ------------------------------------------------------------------ identifiers are valid
def test_planted_personal_codes_are_valid(sample):
    codes = []
    for f in sample.findings:
        if f.rule_id not in ("PERSONAL-CODE-IN-TEXT", "FIELD-UNPERMITTED"):
            continue
        record = (
            _order(sample, f.source_row)
            if f.source_file == ORDERS_FILE
            else _register(sample, f.source_row)
        )
        for key, value in record.items():
            if isinstance(value, str) and key not in ("phone", "Tālrunis"):
                found = re.findall(r"(?<!\d)[0-3]\d{5}-?\d{5}(?!\d)", value)
                codes += [(code, value) for code in found]
    assert len(codes) >= 15
    for code, text in codes:
        digits = code.replace("-", "")
        if "33" <= digits[:2] <= "39":  # stdnum knows only 32…: hyphen or context word instead
            assert "-" in code or "p.k." in text, text
        else:
            assert pvn.is_valid(digits), code


def test_phones_are_valid_except_planted(sample):
    bad_rows = {
        (f.source_file, f.source_row)
        for f in sample.findings
        if f.rule_id == "DATA-INACCURATE" and "phone" in f.field.split(";")
    }
    checked = 0
    for k, row in enumerate(sample.orders):
        phone = row[ORDER_FIELDS.index("phone")]
        if phone and (ORDERS_FILE, k + 2) not in bad_rows:
            assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "LV")), phone
            checked += 1
    for k, row in enumerate(sample.register):
        phone = row[3]
        if phone and (REGISTER_FILE, k + 4) not in bad_rows:
            assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "LV")), phone
    assert checked > 300 and len(bad_rows) >= 3


def test_ibans_and_company_numbers_are_valid(sample):
    accounts = [row[13] for row in sample.register if row[13]]
    assert len(accounts) >= 10
    assert all(iban.is_valid(a) for a in accounts)
    companies = {row[ORDER_FIELDS.index("company_id")] for row in sample.orders} - {""}
    firms = [c for c in companies if c[0] in "459"]
    assert firms and all(pvn.is_valid(c) for c in firms)
    vat = {row[ORDER_FIELDS.index("vat_id")] for row in sample.orders} - {""}
    assert any(v.startswith("LV4") and pvn.is_valid(v) for v in vat)


# ------------------------------------------------------------------ rules.md details
def test_term_arithmetic_follows_rules_md():
    assert not passed(date(2021, 3, 10), 5, date(2026, 3, 10))
    assert passed(date(2021, 3, 10), 5, date(2026, 3, 11))
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)


@pytest.mark.parametrize("junk", ["", "€", " ", "LV", "0" * 30, "p.k."])
def test_scanners_survive_junk(junk):
    assert find_personal_code(junk) is None
    assert find_card_number(junk) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("37122345678", None),
        ("p.k. 37122345678", "new format"),
        ("371223-45678", "new format"),
        ("40203002519", None),
        ("LV40203002519", None),
    ],
)
def test_phone_versus_new_code(text, expected):
    assert find_personal_code(text) == expected


def test_small_and_empty_sizes():
    for orders, customers in [(0, 0), (1, 0), (0, 5), (10, 1), (3, 200)]:
        s = generate(orders, customers, seed=5)
        assert (len(s.orders), len(s.register)) == (orders, customers)


def test_violation_rate_is_about_right():
    s = generate(20_000, 4_000, seed=11, violation_rate=0.05)
    share = len(_flagged(s)) / 24_000
    assert 0.035 < share < 0.08, share
    assert not [f for f in s.findings if not f.planted]
