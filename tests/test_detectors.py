"""Detector precision and recall (§6, §12.4): published vectors, the look-alike corpus, and the
cases the administrator met (issue: no false card or personal-code hits on a shop's numbers).

The corpus is seeded; the counts below are what ``make bench`` prints.
"""

from __future__ import annotations

import pandas as pd
import pytest
from stdnum import luhn

from benchmarks.detectors import AMBIGUOUS, LOOKALIKES, code_forms, measure
from zimes_audit.detect.card_numbers import card_issuer, contains_card_number
from zimes_audit.detect.contacts import invalid_phone, phone_parts
from zimes_audit.detect.personal_codes import (
    code_format,
    contains_personal_code,
    personal_code_labels,
)
from zimes_audit.detect.text import strip_ibans


@pytest.fixture(scope="module")
def figures() -> dict:
    return measure(speed_cells=2_000)  # speed is make bench's business, not a test's


# ------------------------------------------------------------------ the benchmark's verdicts


def test_the_corpus_has_every_look_alike_kind_and_at_least_20000_cells(figures):
    assert figures["lookalike_cells"] >= 20_000
    assert set(figures["lookalikes"]) == set(LOOKALIKES)
    assert all(r["cells"] >= 1_000 for r in figures["lookalikes"].values())


def test_card_false_hits_on_look_alikes_are_at_most_0_05_percent(figures):
    assert figures["lookalike_card_hits"] <= 0.0005 * figures["lookalike_scored_cells"]
    for kind in ("EAN-13 (475/400-440)", "SSCC-18", "DPD parcel number", "IMEI", "ms timestamp"):
        assert figures["lookalikes"][kind]["card_hits"] == 0, kind
    for kind in ("foreign IBAN (spaced, lower-case)", "LV IBAN (lower-case)"):
        assert figures["lookalikes"][kind]["card_hits"] == 0, kind


def test_personal_code_false_hits_on_look_alikes_are_at_most_0_1_percent(figures):
    assert figures["lookalike_code_hits"] <= 0.001 * figures["lookalike_scored_cells"]
    for kind in ("phone with context words", "date-based document number"):
        assert figures["lookalikes"][kind]["code_hits"] == 0, kind


def test_only_the_named_ambiguous_class_is_left_out_of_the_budget(figures):
    assert {"gift-card EAN-13 next to a card word"} == AMBIGUOUS
    gift = figures["lookalikes"]["gift-card EAN-13 next to a card word"]
    assert gift["card_hits"] < 0.05 * gift["cells"]  # a barcode word beside it vetoes the card


def test_every_published_test_card_is_found_in_every_written_form(figures):
    assert figures["card_misses"] == []
    assert figures["card_recall"]["found"] == figures["card_recall"]["total"] >= 150


def test_published_personal_codes_are_found_in_at_least_99_percent_of_written_forms(figures):
    recall = figures["code_recall"]
    assert recall["total"] >= 3 * 13
    assert recall["found"] >= 0.99 * recall["total"], figures["code_misses"]


def test_iban_registry_samples_and_company_numbers_are_neither_cards_nor_codes(figures):
    assert figures["published_negatives"]["cells"] > 400
    assert figures["published_negatives"]["card_hits"] == 0
    assert figures["published_negatives"]["code_hits"] == 0


def test_email_validator_own_cases_are_judged_as_its_defaults_say(figures):
    e = figures["email"]
    # the 8 "valid" cases email-validator accepts only with options we do not set (quoted local
    # parts, display names); the 5 "invalid" ones are blank after trimming (not inaccurate data)
    assert (e["valid_accepted"], e["valid_total"]) == (19, 27)
    assert (e["invalid_rejected"], e["invalid_total"]) == (90, 95)


# ------------------------------------------------------------------ cards


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("3056 930902 5904", "Diners Club International"),  # 4-6-4
        ("5555\u00a05555\u00a05555\u00a04444", "Mastercard"),  # no-break spaces
        ("2223 0031 2200 3222", "Mastercard"),  # 2-series
        ("3782-822463-10005", "American Express"),  # 4-6-5 with hyphens
        ("6205500000000000004", "UnionPay"),  # 19 digits
        ("Visa 4222222222222", "Visa"),  # 13 digits next to a card word
        ("kartes nr 4111 1111 1111 1111 derīga 2028", "Visa"),
    ],
)
def test_cards_in_their_issuers_groupings_are_found(text, issuer):
    assert card_issuer(text) == issuer


@pytest.mark.parametrize(
    "text",
    [
        "4751000000038",  # EAN-13, Latvian prefix, Luhn-valid
        "SKU 4001000001093",  # EAN-13, German prefix, Luhn-valid
        "4222222222222",  # a 13-digit Visa shape with no card word
        "Dāvanu kartes svītrkods 4751000000038",  # a card word, but a barcode word too
        "5555 55555555 4444",  # not a grouping cards are printed in
        "4111 1111-1111 1111",  # two kinds of separator
        "1700000000004",  # a millisecond timestamp, Luhn-valid
        "352099001761481",  # an IMEI (Luhn-valid, 15 digits, 35…)
        "3411111111111110",  # Amex prefix, Luhn-valid, 16 digits: wrong length
        "36111111111111113",  # Diners prefix, Luhn-valid, 17 digits: not issued
    ],
)
def test_numbers_that_do_not_fit_an_issuer_are_not_cards(text):
    digits = "".join(ch for ch in text if ch.isdigit())
    assert luhn.is_valid(digits[:19])  # each would pass Luhn: the other rules must reject it
    assert card_issuer(text) is None


def test_valid_ibans_of_any_country_and_case_are_removed_before_the_scan():
    assert strip_ibans("atmaksa uz lv80 bank 0000 4351 9500 1 paldies") == "atmaksa uz  paldies"
    assert strip_ibans("GB29 NWBK 6016 1331 9268 19") == ""
    assert strip_ibans("LV80 BANK 0000 4351 9500 2") == "LV80 BANK 0000 4351 9500 2"  # not valid


# ------------------------------------------------------------------ personal codes


@pytest.mark.parametrize("form", list(code_forms("161175-19997")))
def test_an_old_format_code_is_found_in_every_written_form(form):
    assert code_format(code_forms("161175-19997")[form]) == "old format"


@pytest.mark.parametrize("form", list(code_forms("328673-00679")))
def test_a_new_format_code_is_found_in_every_written_form(form):
    assert code_format(code_forms("328673-00679")[form]) == "new format"


@pytest.mark.parametrize(
    "text",
    [
        "Nerakstīt p.k. rēķinā! Tālr. 37129530859",  # context word far, phone cue nearer
        "p.k. nav, tālr. 37129530859",
        "Līgums 170828-81990",  # century digit 8
        "Līgums 170828-11990",  # a plausible old code, but right after a contract word
        "010118-21234",  # century 2 (2000s), but born 1 Jan 2018: old codes ended 30 June 2017
        "Atsauce 32867300679",  # bare new-format shape, no context word, not the whole cell
        "Pasūtījums 328673 00679 nosūtīts",
    ],
)
def test_look_alikes_of_personal_codes_are_left_alone(text):
    assert code_format(text) is None


def test_the_old_format_ends_on_30_june_2017():
    from stdnum.lv import pvn

    def code(head: str) -> str:
        body = head + "2123"
        return body + pvn.calc_check_digit_pers(body)

    assert code_format(code("300617")) == "old format"
    assert code_format(code("010717")) is None


def test_labels_are_the_format_per_cell_and_the_mask_agrees():
    cells = pd.Series(["p.k. 161175\u201119997", "Rīga", None, "pers. k. 328673 00679", 42])
    labels = personal_code_labels(cells)
    assert labels.tolist() == ["old format", None, None, "new format", None]
    assert contains_personal_code(cells).tolist() == labels.notna().tolist()


# ------------------------------------------------------------------ phones


def test_a_cell_with_several_phone_numbers_is_judged_number_by_number():
    cells = pd.Series(["29123456; 67000000", "29123456; 1234", "29123456 (mob.)", "mob. 29123456"])
    assert invalid_phone(cells, "LV").tolist() == [False, True, False, False]
    assert phone_parts("+371 29123456 vai 67000000 (darba)") == ["+371 29123456", "67000000"]


def test_detectors_agree_on_a_mixed_column():
    cells = pd.Series(["LV80BANK0000435195001", "4111111111111111", "161175-19997", ""])
    assert contains_card_number(cells).tolist() == [False, True, False, False]
    assert contains_personal_code(cells).tolist() == [False, False, True, False]


# ------------------------------------------------------------------ through the real pipeline


def test_a_3000_order_export_with_barcode_skus_and_parcel_numbers_raises_no_card_finding(tmp_path):
    """EAN-13 SKUs (scan=false now) and DPD/Omniva parcel numbers in the notes: no card, no code;
    the one order with a real card number in its notes is still found."""
    import csv
    import random

    from conftest import AS_OF

    from benchmarks.detectors import ean13
    from zimes_audit.audit import audit

    rng = random.Random(7)
    path = tmp_path / "mozello-orders.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["order_id", "created_at", "payment_status", "email", "product_name", "sku",
                      "quantity", "total", "notes"])  # fmt: skip
        for n in range(3000):
            sku = ean13(rng.choice(["475", "400", "440", "590"]) + f"{rng.randrange(10**9):09d}")
            parcel = f"0{rng.randrange(10)}{rng.randrange(10**12):012d}"
            note = rng.choice(
                [f"DPD paka {parcel}", f"Sūtījuma nr. {parcel}", f"Omniva CC{parcel[:9]}EE", ""]
            )
            if n == 1234:
                note = "Kartes nr. 4111 1111 1111 1111, lūdzu nenoņemt naudu divreiz"
            out.writerow([f"M-{n}-26", "2026-10-05 10:00:00", "paid", f"pircejs{n}@inbox.lv",
                          f"Zīmogs {sku}", sku, 1, 24.2, note])  # fmt: skip
    findings = audit([path], as_of=AS_OF).findings
    cards = findings[findings["rule_id"] == "CARD-NUMBER-IN-TEXT"]
    assert cards["record_id"].tolist() == ["M-1234-26"]
    assert cards["field"].tolist() == ["notes"]
    assert (findings["rule_id"] == "PERSONAL-CODE-IN-TEXT").sum() == 0


def test_a_flagged_cell_is_classified_once_per_audit():
    """The GX metrics and the findings' locator share the detector's one verdict per distinct
    value: classifying is not repeated (one call per distinct candidate, issue 29)."""
    from conftest import AS_OF, make_table

    from zimes_audit.audit import audit
    from zimes_audit.detect import card_numbers, personal_codes

    orders = [
        {
            "order_id": f"M-{n}-26",
            "created_at": "2026-10-05 10:00:00",
            "email": "a@inbox.lv",
            "notes": note,
            "address": "Brīvības iela 1",
        }  # fmt: skip
        for n, note in enumerate(
            ["p.k. 161175-19997", "Karte 4111 1111 1111 1111", "p.k. 161175-19997", "Paldies"]
        )
    ]
    personal_codes._classify.cache_clear()
    card_numbers.card_issuer.cache_clear()
    findings = audit(tables=[make_table("orders", orders)], as_of=AS_OF).findings
    by_rule = findings.groupby("rule_id")["record_id"].apply(sorted).to_dict()
    assert by_rule["PERSONAL-CODE-IN-TEXT"] == ["M-0-26", "M-2-26"]
    assert by_rule["CARD-NUMBER-IN-TEXT"] == ["M-1-26"]
    assert set(findings.loc[findings["rule_id"] == "PERSONAL-CODE-IN-TEXT", "detail"]) == {
        "personal code (old format) in notes"
    }
    # one distinct candidate text per detector (the prefilter leaves the rest alone): asked
    # once in all — the two scans and the findings' locators read the records' one scan
    # (checks.text_scan), so not even the cache is asked again
    assert personal_codes._classify.cache_info()[:2] == (0, 1)  # hits, misses
    assert card_numbers.card_issuer.cache_info()[:2] == (0, 1)


def test_the_contact_prechecks_leave_the_library_little_and_agree_with_it(figures):
    # benchmarks.detectors' figure for make bench: the seeded sample's e-mails and phones,
    # judged with the exact pre-checks and by the libraries alone, cell by cell the same
    for kind in ("email", "phone"):
        sample = figures["contacts_sample"][kind]
        assert sample["distinct"] > 800 and sample["disagreements"] == 0, kind
        assert sample["library_calls"] <= 0.01 * sample["distinct"], kind
    assert figures["contacts_sample"]["email"]["invalid_cells"] > 0  # the planted broken ones


def test_a_note_quoting_a_code_shaped_order_number_gives_no_personal_code_finding():
    """120485-10308 is a valid old-format code; glued to ``M-`` it is an order number (issue 23):
    only the same digits after ``p.k.`` are a personal code."""
    from conftest import AS_OF, make_table

    from zimes_audit.audit import audit

    notes = [
        "Klients jautāja, kā pasūtījumā M-120485-10308",
        "p.k. 120485-10308",
        "Nr.120485-10308",
    ]
    orders = [
        {"order_id": f"M-{n}-26", "created_at": "2026-10-05 10:00:00", "notes": note}
        for n, note in enumerate(notes)
    ]
    findings = audit(tables=[make_table("orders", orders)], as_of=AS_OF).findings
    codes = findings[findings["rule_id"] == "PERSONAL-CODE-IN-TEXT"]
    assert codes["record_id"].tolist() == ["M-1-26"]


def test_a_note_quoting_its_own_files_order_number_is_no_personal_code():
    """Issue 23: order numbers in the shape of a code (here valid old-format codes) quoted in a
    note of the same file are not personal codes — whether bare like the file's own ids or in
    the pattern of longer ids — while a real code in the same note still is, and another file's
    order number is not left out."""
    from conftest import AS_OF, make_table

    from zimes_audit.audit import audit

    def orders(file_name, rows):
        records = [
            {
                "order_id": order_id,
                "created_at": "2026-10-05 10:00:00",
                "email": "a@inbox.lv",
                "notes": note,
            }  # fmt: skip
            for order_id, note in rows
        ]
        return make_table("orders", records, file_name)

    bare = orders("bare.csv", [
        ("120485-10316", "Atgriezts, sk. 010190-10319"),
        ("010190-10319", "Sk. 120485-10316 un p.k. 161175-19997"),
        ("230370-10310", "Paldies"),
    ])  # fmt: skip
    longer = orders("longer.csv", [
        ("2026-120485-10316", "Apvienot ar 2026-230370-10310"),
        ("2026-010190-10319", "Paldies"),
    ])  # fmt: skip
    other = orders("other.csv", [("M-7-26", "Sk. 010190-10319")])
    findings = audit(tables=[bare, longer, other], as_of=AS_OF).findings
    codes = findings[findings["rule_id"] == "PERSONAL-CODE-IN-TEXT"]
    assert sorted(codes["record_id"]) == ["010190-10319", "M-7-26"]
    assert set(codes["detail"]) == {"personal code (old format) in notes"}
