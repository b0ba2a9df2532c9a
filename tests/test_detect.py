"""The detectors behind PERSONAL-CODE-IN-TEXT, CARD-NUMBER-IN-TEXT and DATA-INACCURATE (§6, §12.4)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import iban, luhn

from tests.profiles import examples
from zimes_audit.detect.card_numbers import contains_card_number
from zimes_audit.detect.contacts import invalid_email, invalid_phone
from zimes_audit.detect.personal_codes import code_format, contains_personal_code

JUNK = [None, "", "€", math.nan, "   ", "—", "0", "\x00"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("161175-19997", "old format"),
        ("16117519997", "old format"),
        ("Mans p.k. 161175-19997, paldies", "old format"),
        ("Brīvības iela 12-5, 161175-19997", "old format"),
        ("328673-00679", "new format"),
        ("32867300679", "new format"),
        ("pk 371234-56789", "new format"),
        ("personas kods 37123456789", "new format"),
        ("385512-34567", "new format"),
    ],
)
def test_personal_codes_in_either_format_are_found(text, expected):
    assert code_format(text) == expected
    assert contains_personal_code(pd.Series([text])).tolist() == [True]


@pytest.mark.parametrize(
    "text",
    [
        "40203002519",  # Mozello SIA's company registration number
        "LV40203002519",  # its VAT id
        "Zvanīt 37122345678",  # a phone number written without +
        "tālr. 371 22345678",
        "LV80HABA0551012345678",  # IBAN
        "LV80 HABA 0551 0123 4567 8",
        "Pasūtījums M-2475405-25",
        "161375-19997",  # invalid birth date (month 13)
        "161175-19996",  # wrong check digit
        "Rēķins 2024-0001234",
        "Atsauce 32867300677",  # new format shape, bare, no context word: not a code
    ],
)
def test_look_alikes_are_not_personal_codes(text):
    assert code_format(text) is None
    assert contains_personal_code(pd.Series([text])).tolist() == [False]


@pytest.mark.parametrize(
    "text",
    ["4111111111111111", "4111 1111 1111 1111", "karte: 4111-1111-1111-1111", "3782 822463 10005"],
)
def test_luhn_valid_card_numbers_are_found(text):
    assert contains_card_number(pd.Series([text])).tolist() == [True]


def _iban_with_luhn_valid_digits() -> str:
    """A real-shaped Latvian IBAN whose digit string happens to pass Luhn."""
    for n in range(10**12, 10**12 + 10_000):
        body = f"HABA{n}"
        check = iban.calc_check_digits("LV00" + body)
        candidate = f"LV{check}{body}"
        if iban.is_valid(candidate) and luhn.is_valid(
            "".join(ch for ch in candidate if ch.isdigit())
        ):
            return candidate
    raise AssertionError("no such IBAN found")


def test_ibans_are_not_card_numbers_even_when_their_digits_pass_luhn():
    account = _iban_with_luhn_valid_digits()
    spaced = " ".join(account[i : i + 4] for i in range(0, len(account), 4))
    assert (
        contains_card_number(pd.Series([account, spaced, f"konts {account}"])).tolist()
        == [False] * 3
    )


def test_wrong_luhn_and_short_numbers_are_not_card_numbers():
    values = pd.Series(["4111 1111 1111 1112", "123456789012", "+371 22345678", "40203002519"])
    assert contains_card_number(values).tolist() == [False] * 4


def test_contacts_are_judged_by_their_libraries():
    emails = pd.Series(["liga.ozolina@inbox.lv", "liga.ozolina@", "janis@@inbox.lv", None])
    assert invalid_email(emails).tolist() == [False, True, True, False]
    phones = pd.Series(["+371 22345678", "67123456", "+371 123", "abc", None])
    assert invalid_phone(phones, "LV").tolist() == [False, False, True, True, False]


#: Per JUNK value: holds a code/card (never) — and is an invalid e-mail/phone (the visible
#: non-blank text; missing and blank values are not judged).
NOTHING_FOUND = [False] * len(JUNK)
INVALID_CONTACT = [False, False, True, False, False, True, True, True]


@pytest.mark.parametrize(
    ("detector", "expected"),
    [
        (contains_personal_code, NOTHING_FOUND),
        (contains_card_number, NOTHING_FOUND),
        (invalid_email, INVALID_CONTACT),
        (lambda s: invalid_phone(s, "LV"), INVALID_CONTACT),
    ],
    ids=["personal_code", "card_number", "email", "phone"],
)
def test_detectors_survive_junk(detector, expected):
    mask = detector(pd.Series(JUNK, dtype="object"))
    assert mask.dtype == bool
    assert mask.tolist() == expected  # every position, not only some


@pytest.mark.parametrize(
    "text",
    [
        "Klients jautāja, kā pasūtījumā M-120485-10308",
        "skat. ZIM-120485-10308",
        "Nr.120485-10308",
        "Nr. 12048510308, apmaksāts",
        "atgriezts, sk. A120485-10308",
        "M-120485-10308-2",
        "dok. 120485-10308B",
    ],
)
def test_a_code_shaped_document_number_is_not_a_personal_code(text):
    assert code_format(text) is None


@pytest.mark.parametrize(
    "text",
    ["p.k.120485-10308", "personas koda nr. 120485-10308", "LV12048510308", "120485-10308"],
)
def test_a_code_after_a_context_word_or_lv_still_counts_though_glued(text):
    assert code_format(text) == "old format"


# ------------------------------------------------------------------ IBAN removal (issue 29)
def _strip_ibans_by_walking(text: str) -> str:
    """The IBAN removal as the rule reads (docs/rules.md): from each start of two letters and two
    digits not glued to a letter or digit, the country's number of ASCII letters and digits, one
    separator (space, no-break spaces, hyphen) allowed between two of them; cut when stdnum
    finds it valid.  Written as a character walk, the reference for the regular expression."""
    import re

    from zimes_audit.detect.text import _iban_length

    out, last = [], 0
    for match in re.finditer(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}", text):
        if match.start() < last:
            continue
        length = _iban_length(match.group(0)[:2].upper())
        chars, ends, pos = [], [], match.start()
        while length and pos < len(text) and len(chars) < length:
            char, after = text[pos], text[pos + 1 : pos + 2]
            if char.isascii() and char.isalnum():
                chars.append(char)
                ends.append(pos + 1)
            elif not (char in " \u00a0\u202f-" and chars and after.isascii() and after.isalnum()):
                break
            pos += 1
        if length and len(chars) == length and iban.is_valid("".join(chars).upper()):
            out.append(text[last : match.start()])
            last = ends[-1]
    return "".join(out) + text[last:]


_IBANS = ["LV80BANK0000435195001", "DE89370400440532013000", "FR1420041010050500013M02606"]


@st.composite
def _texts_with_ibans(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            number = draw(st.sampled_from(_IBANS))
            if draw(st.booleans()):
                number = number.lower()
            cut = draw(st.integers(len(number) - 3, len(number)))
            size = draw(st.sampled_from([3, 4, 5, 30]))
            gap = draw(st.sampled_from(["", " ", "-", "\u00a0", "\u202f", "  ", " -"]))
            parts.append(gap.join(number[i : i + size] for i in range(0, cut, size)))
        else:
            parts.append(draw(st.sampled_from(["Konts ", ", ", "x", " ", "12 ", "AB12", "9", "-"])))
    return "".join(parts)


@settings(max_examples=examples(default=300, thorough=20000), deadline=None)
@given(_texts_with_ibans())
def test_iban_removal_equals_the_character_walk(text):
    from zimes_audit.detect.text import strip_ibans

    assert strip_ibans(text) == _strip_ibans_by_walking(text)


def _countries() -> list[tuple[str, str]]:
    """Every country of python-stdnum's IBAN registry with its BBAN structure (``4!a13!c``)."""
    import re

    return [
        (line[:2], re.search(r'bban="([^"]+)"', line).group(1))
        for line in _iban_registry()
        if 'bban="' in line
    ]


def _iban_registry() -> list[str]:
    from importlib import resources

    return resources.files("stdnum").joinpath("iban.dat").read_text().splitlines()


_CLASSES = {
    "n": "0123456789",
    "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
}


@st.composite
def _ibans(draw) -> str:
    """An IBAN of a registry country: its BBAN drawn part by part from the structure's classes
    (sometimes from any class: a broken structure), check digits right or not, sometimes a
    character too many or too few."""
    import re

    from stdnum import iban as stdnum_iban

    country, structure = draw(st.sampled_from(_countries()))
    bban = ""
    for size, kind in re.findall(r"(\d+)!([nac])", structure):
        chars = _CLASSES["c"] if draw(st.integers(0, 9)) == 0 else _CLASSES[kind]
        bban += "".join(draw(st.sampled_from(chars)) for _ in range(int(size)))
    bban = bban + draw(st.sampled_from(["", "", "", "7", "Q"]))
    if draw(st.integers(0, 9)) == 0:
        bban = bban[:-1]
    right = stdnum_iban.calc_check_digits(country + "00" + bban)
    digits = right if draw(st.integers(0, 3)) else draw(st.sampled_from(["00", "97", "42", right]))
    return country + digits + bban


@settings(max_examples=examples(default=400, thorough=50000), deadline=None)
@given(_ibans())
def test_iban_validity_equals_stdnum(number):
    """The scans' fast IBAN check is python-stdnum's verdict, country by country (issue 29)."""
    from stdnum import iban as stdnum_iban

    from zimes_audit.detect.text import _valid_iban

    assert _valid_iban(number) == stdnum_iban.is_valid(number)


def test_iban_validity_has_every_country_right():
    """Each registry country: a valid IBAN, its check digits damaged, its structure broken."""
    import re

    from stdnum import iban as stdnum_iban

    from zimes_audit.detect.text import _valid_iban

    verdicts = []
    for country, structure in _countries():
        bban = "".join(
            {"n": "1", "a": "B", "c": "7"}[kind] * int(size)
            for size, kind in re.findall(r"(\d+)!([nac])", structure)
        )
        broken = bban[:-1] + ("X" if bban[-1].isdigit() else "1")
        for body in (bban, broken):
            right = stdnum_iban.calc_check_digits(country + "00" + body)
            wrong = f"{(int(right) + 1) % 97:02d}"
            for number in (country + right + body, country + wrong + body):
                verdicts.append(_valid_iban(number))
                assert _valid_iban(number) == stdnum_iban.is_valid(number), number
    assert any(verdicts) and not all(verdicts)


@st.composite
def _eleven_digits(draw) -> str:
    """Old-format codes (a real birth date, its century digit, the check digit right or not),
    new-format-shaped numbers 3X…, and phone-like or random ones — bare or split 6 + 5."""
    from stdnum.lv import pvn

    shape = draw(st.sampled_from(["old", "new", "other"]))
    if shape == "old":
        born = draw(st.dates(date(1900, 1, 1), date(2017, 6, 30)))
        head = born.strftime("%d%m%y") + str(born.year // 100 - 18)
        head += draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
        check = pvn.calc_check_digit_pers(head) if draw(st.integers(0, 4)) else "0"
        digits = head + check
    elif shape == "new":
        digits = "3" + draw(st.text(alphabet="0123456789", min_size=10, max_size=10))
    else:
        digits = draw(st.text(alphabet="0123456789", min_size=11, max_size=11))
    separator = draw(st.sampled_from(["", "", "-", "\u2013", "\u2011", " ", "\u00a0", "/"]))
    return digits[:6] + separator + digits[6:]


@st.composite
def _code_like_texts(draw) -> str:
    """Text around 11-digit numbers as cells write them: codes of either format and every
    separator, phone numbers with and without +371, context and phone words, IBANs, LV."""
    pieces = st.one_of(
        st.sampled_from(["p.k. ", "P.K. ", "pk", "tālr. ", "+", "LV", "Nr. ", " ", ", ", "Ā", "-"]),
        st.sampled_from(_IBANS),
        _eleven_digits(),
        _eleven_digits(),
    )
    return "".join(draw(st.lists(pieces, min_size=1, max_size=4)))


@settings(max_examples=examples(default=500, thorough=50000), deadline=None)
@given(_code_like_texts())
@example("311299 12345")  # old format, born on the 31st
@example("32123456789")  # a bare 32… alone in its cell: issued
@example("+371234-56789")  # new format with its hyphen
@example("P.K. 371234 56789")  # a bare 37… after a context word
def test_a_cell_the_code_scan_skips_holds_no_code(text):
    """The scan reads a code candidate only if it has a letter (a context word's) or a number
    that counts without one (issue 29): every cell it skips is one the detector finds nothing
    in."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from zimes_audit.detect.personal_codes import LETTER, WITHOUT_CONTEXT

    cell = pa.array([text])
    read = (
        pc.match_substring_regex(cell, LETTER)[0].as_py()
        or pc.match_substring_regex(cell, WITHOUT_CONTEXT)[0].as_py()
    )
    assert read or code_format(text) is None


def test_every_context_word_has_a_letter():
    """What lets the code scan skip a cell without letters (personal_codes.WITHOUT_CONTEXT)."""
    import re
    import tomllib
    from importlib import resources

    raw = tomllib.loads(
        resources.files("zimes_audit.detect").joinpath("code_words.toml").read_text()
    )
    for word in raw["context"]:
        assert re.search(r"[^\W\d_]", re.sub(r"\\.|\[[^\]]*\]", "", word)), word


@settings(max_examples=examples(default=400, thorough=50000), deadline=None)
@given(st.one_of(_ibans(), _ibans().map(str.lower), _texts_with_ibans()))
@example("LV80 BANK 0000 4351 9500 1")
@example("LV80BANK0000435195001 ")
@example("QQ50BANK0000435195001")  # check digits right, no such country
def test_a_text_the_scan_takes_for_one_whole_iban_is_one_nothing_is_left_of(text):
    """What the scan does not read as one valid IBAN (detect.text.whole_ibans, issue 29) is
    a text strip_ibans leaves nothing of; and every valid compact IBAN of a country without
    rules of its own is taken so."""
    import pyarrow as pa
    from stdnum import iban as stdnum_iban

    from zimes_audit.detect.text import _country_rules, strip_ibans, whole_ibans

    whole = bool(whole_ibans(pa.array([text]))[0])
    assert not whole or strip_ibans(text) == ""
    compact = text.upper()
    if compact.isalnum() and compact.isascii() and stdnum_iban.is_valid(compact):
        assert whole == (not _country_rules(compact[:2])[1])
