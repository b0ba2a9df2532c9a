"""Masking: unit cases, junk values, and no raw personal value from the samples survives."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.views.masking import (
    mask_email,
    mask_iban,
    mask_name,
    mask_phone,
    mask_text,
    mask_value,
    masked_findings,
    masked_records,
)

JUNK = [None, "", "   ", "€", float("nan"), pd.NA, pd.NaT, 0, 12345678901234, "@", "+"]
# raw values to look for: the personal fields, plus digit runs in text that look like codes/cards
LEAK_FIELDS = ("email", "phone", "shipping_phone", "name", "shipping_name", "personal_code",
               "card_number", "bank_account", "id_document", "birth_date", "address",
               "shipping_address", "notes", "review")  # fmt: skip
_CODE = re.compile(r"(?<!\d)\d{6}-?\d{5}(?!\d)")
_CARD = re.compile(r"(?<![\d])\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?!\d)")
_IBAN = re.compile(r"\bLV\d{2}(?: ?[A-Z]){4}(?: ?[A-Z0-9]){13}\b")


def leak_candidates(result) -> set[str]:
    """Raw personal values of the inputs (and digit runs in free text) that must never be shown."""
    catalogue = load_catalogue()
    found: set[str] = set()
    for frame in result.frames.values():
        for column in frame.columns:
            field = catalogue.fields.get(column)
            values = frame[column].dropna().astype(str).str.strip()
            if column in LEAK_FIELDS:
                found.update(v for v in values if len(v) >= 6)
            elif field is not None and field.scan or column.startswith("unclassified:"):
                for text in values:
                    for pattern in (_CODE, _CARD, _IBAN):
                        found.update(m.group(0) for m in pattern.finditer(text))
    return {v for v in found if len(v) >= 6}


@pytest.fixture(scope="module")
def result(sample_audit):
    return sample_audit  # conftest: the sample audited once per session


def test_examples_from_the_brief():
    assert mask_email("janis.berzins@inbox.lv") == "j***@i***.lv"
    assert mask_name("Jānis Bērziņš") == "Jā*** B***"
    assert mask_phone("+371 22345678") == "+371 2*** ***8"
    assert mask_phone("+37122345678") == "+371 2*** ***8"
    assert mask_iban("LV80HABA0551012345678") == "LV** ****"
    assert mask_value("personal_code", "010190-10007") == "[personal code]"
    assert mask_value("card_number", "4111 1111 1111 1111") == "[card number]"
    assert mask_value("notes", "zvanīt p.k. 010190-10007") == "[text, 24 chars]"


def test_masked_phone_keeps_at_most_country_code_first_and_last_digit():
    masked = mask_phone("+371 29 123 457")
    digits = re.sub(r"\D", "", masked)
    assert digits == "371" + "2" + "7"


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize(
    "masker", [mask_email, mask_name, mask_phone, mask_iban, mask_text], ids=lambda f: f.__name__
)
def test_junk_does_not_crash(masker, value):
    out = masker(value)
    assert out is None or isinstance(out, str)
    blank = value is None or value is pd.NA or value is pd.NaT
    blank = blank or (isinstance(value, float) and math.isnan(value))
    blank = blank or (isinstance(value, str) and not value.strip())
    if blank:
        assert out is None


@pytest.mark.parametrize("field", ["personal_code", "card_number", "bank_account", "email"])
def test_never_shows_digits_of_codes_cards_accounts(field):
    value = {"personal_code": "320000-12345", "card_number": "4111111111111111",
             "bank_account": "LV80HABA0551012345678", "email": "x12345@b.lv"}[field]  # fmt: skip
    assert not re.search(r"\d{2}", mask_value(field, value) or "")


def test_masked_records_of_junk_frame():
    frame = pd.DataFrame(
        {
            "email": [None, "", "€"],
            "phone": [float("nan"), "1", "+371 22345678"],
            "personal_code": ["", None, "010190-10007"],
            "unclassified:Krāsa": [None, "zila", ""],
            "total": [1.0, None, 2.5],
        }
    )
    masked = masked_records(frame)
    assert masked["personal_code"].tolist()[2] == "[personal code]"
    assert masked["total"].tolist()[0] == 1.0
    assert "zila" not in masked.to_string()


def test_no_raw_value_survives_masking_on_the_samples(result):
    raw = leak_candidates(result)
    assert len(raw) > 100  # e-mails, phones, names, codes … were found to look for
    text = "\n".join(
        masked_records(frame).astype("string").fillna("").to_csv(index=False)
        for frame in result.frames.values()
    )
    text += masked_findings(result).to_csv(index=False)
    leaked = sorted(v for v in raw if v in text)
    assert leaked == []


def test_masked_findings_shape(result):
    masked = masked_findings(result)
    assert len(masked) == len(result.findings)
    assert masked["customer"].notna().any()
    assert masked["customer"].dropna().str.contains(r"\*\*\*").all()
