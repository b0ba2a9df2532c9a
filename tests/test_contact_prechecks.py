"""The contact pre-checks are exact: they never give a verdict the library would not give (§12.4).

``invalid_email`` and ``invalid_phone`` settle most values with a vectorised pre-check and ask
email-validator / phonenumbers only about the rest.  These tests hold that shortcut to the
libraries themselves:

- a property test over generated text shaped like what people type into the e-mail and phone
  fields, near-misses included (dots at the ends, double dots, Latvian and other Unicode letters,
  63+ character labels, special-use domains, IP literals, quotes, spaces, ``+371``/``00371``/
  ``371`` forms, short and long numbers, letters, several numbers in one cell): where the
  pre-check decides, its verdict is the library's, and the public mask equals the library-only
  mask value by value;
- a deterministic fuzz over every distinct e-mail and phone of a seeded sample (the generator's
  well-formed values and its planted broken ones), and over hand-picked edge cases;
- the pre-checks actually spare the library (a change that sends everything to the library would
  keep the verdicts right and the speed gone).
"""

from __future__ import annotations

import string
from datetime import date

import pandas as pd
import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from profiles import examples

from zimes_audit.detect import contacts
from zimes_audit.detect.contacts import (
    email_verdicts,
    invalid_email,
    invalid_phone,
    phone_parts,
    phone_verdicts,
)

AS_OF = date(2026, 11, 1)
PROPERTY = settings(
    max_examples=examples(default=50, thorough=400),  # make thorough: the 400
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# ------------------------------------------------------------------ the libraries alone


def library_email_ok(value: str) -> bool:
    """email-validator's verdict, called as the audit calls it (offline, defaults otherwise)."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def library_phone_ok(value: str, region: str) -> bool:
    """phonenumbers' verdict on every number of the cell (``phone_parts`` is ours, not a shortcut)."""

    def one(part: str) -> bool:
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(part, region))
        except phonenumbers.NumberParseException:
            return False

    parts = phone_parts(value)
    return bool(parts) and all(one(p) for p in parts)


def library_mask(values: list[str | None], ok) -> list[bool]:
    """The public mask computed without any pre-check or cache: present text the library rejects."""
    out = []
    for value in values:
        text = None if value is None else value.strip()
        out.append(bool(text) and not ok(text))
    return out


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty verdict caches (a cached wrong verdict would hide nothing,
    but a warm cache would hide which path judged a value)."""
    for cached in (contacts._email_ok, contacts._phone_ok, contacts._one_phone_ok):
        cached.cache_clear()
    yield


# ------------------------------------------------------------------ e-mails shaped like e-mails

# fmt: off
LV_LETTERS = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"
#: What a mutation drops into an address: separators, quotes, spaces (incl. no-break and
#: zero-width), a combining accent, look-alikes of "@" and ".", Unicode letters, symbols.
ODD = ["", ".", "..", "-", "--", "_", "+", "'", '"', " ", "\u00a0", "\t", "\n", "\u200b", "\u0301",
       "@", "<", ">", "(", ")", ",", ";", ":", "[", "]", "\\", "~", "!", "#", "=", "/", "?", "{",
       "}", "|", "`", "^", "*", "&", "%", "$", "＠", "。", "．", "ß", "ё", "ж", "中", "😀", "Ⅸ",
       "①", "ﬁ", "İ", "K", "xn--", *LV_LETTERS]
TLDS = ["lv"] * 12 + ["com"] * 6 + ["eu", "ee", "LV", "Com", "local", "localhost", "test", "invalid",
        "onion", "arpa", "LOCAL", "Test", "example", "co", "x", "1", "1a", "a1", "рф", "xn--p1ai",
        "", "-lv", "lv-", "l-v"]
NAMES = ["liga", "janis", "ozolina", "berzins", "kalnins", "anna", "peteris", "info", "pircejs",
         "j", "līga", "jānis", "krūmiņa", "a" * 63, "b" * 64, "ab--cd", "xn--80ak6aa92e"]
HOSTS = ["inbox", "gmail", "mail", "apollo", "tvnet", "outlook", "sub", "e-klase", "ķekava",
         "xn--kekava-m2a", "a" * 63, "b" * 64, "ab--cd", "xn--", "a-", "-a"]
# fmt: on
ATOM = st.one_of(
    st.sampled_from(NAMES),
    st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8),
    st.text(alphabet=string.ascii_letters + "!#$%&'*+-/=?^_`{|}~", min_size=1, max_size=3),
    st.integers(0, 9999).map(str),
)
LABEL = st.one_of(
    st.sampled_from(HOSTS),
    st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8),
    st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=6),
    st.integers(60, 66).map(lambda n: "c" * n),
)


@st.composite
def email_like(draw) -> str:
    """A plain address (dot-separated atoms @ labels . top label), then maybe a few mutations:
    a character dropped in or replaced, case changed, a long local part (the 254 limit), a
    quoted local part, an IP literal, a display-name or whitespace around it."""
    local = ".".join(draw(st.lists(ATOM, min_size=1, max_size=3)))
    domain = ".".join([*draw(st.lists(LABEL, min_size=1, max_size=3)), draw(st.sampled_from(TLDS))])
    text = f"{local}@{domain}"
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 1, 2, 3]))):
        how = draw(st.sampled_from(["insert", "replace", "upper", "long", "quote", "literal",
                                    "around", "at"]))  # fmt: skip
        at = draw(st.integers(0, len(text)))
        if how == "insert":
            text = text[:at] + draw(st.sampled_from(ODD)) + text[at:]
        elif how == "replace":
            text = text[:at] + draw(st.sampled_from(ODD)) + text[at + 1 :]
        elif how == "upper":
            text = text.upper()
        elif how == "long":
            text = "x" * draw(st.integers(200, 250)) + text
        elif how == "quote":
            text = '"' + text.replace("@", '"@', 1)
        elif how == "literal":
            text = (
                text.split("@")[0]
                + "@"
                + draw(st.sampled_from(["[192.168.0.1]", "[IPv6:::1]", "[1.2.3]", "[x]"]))
            )
        elif how == "around":
            text = (
                draw(st.sampled_from(["Līga <", " ", "mailto:", "<"]))
                + text
                + draw(st.sampled_from([">", " ", "", "\u00a0"]))
            )
        else:
            text = text.replace("@", draw(st.sampled_from(["@@", "", "＠", " @", "@."])), 1)
    return text


EMAIL = st.one_of(email_like(), email_like(), email_like(), st.text(max_size=30))


@PROPERTY
@given(st.lists(st.one_of(EMAIL, st.none()), min_size=1, max_size=25))
@example(["janis.berzins@inbox.lv", "līga@inbox.lv", "a@b.local", "a@xn--80ak6aa92e.com"])
@example(
    ["a..b@inbox.lv", ".a@inbox.lv", "a.@inbox.lv", "a@inbox..lv", "a@-inbox.lv", "a@ab--c.lv"]
)
@example(["liga.inbox.lv", "liga@", "@inbox.lv", "liga@inbox,lv", "liga@@inbox.lv", "a b@x,lv"])
@example(["liga @inbox.lv", "liga,ozola@inbox.lv", "liga@inbox", "liga@[1234]", "a(b)@c.lv"])
@example(["liga@[1.2.3.4]", "liga@[x", "Līga <liga@inbox,lv>", '"a,b"@x.lv', "<a@b,c", "a@b\n,c"])
def test_email_precheck_agrees_with_email_validator(values):
    stripped = [v.strip() for v in values if v is not None]
    decided, valid = email_verdicts(pd.Series(stripped, dtype="object"))
    for value, known, ok in zip(stripped, decided, valid, strict=True):
        if known:
            assert ok == library_email_ok(value), value
    assert invalid_email(pd.Series(values)).tolist() == library_mask(values, library_email_ok)


# ------------------------------------------------------------------ phones shaped like phones

# fmt: off
PREFIXES = [""] * 8 + ["+371"] * 5 + ["+371 "] * 8 + ["+371  ", "371", "371 ", "00371",
            "00371 ", "+ 371 ", "+37 1", "(+371) ", "+372 ", "+372", "+370 ", "+7 ", "+1 ", "+44 ",
            "+49 ", "0", "8", "+", "++371", "tel:+371", "＋371 ", "+3710", "mob. "]
SUFFIXES = [""] * 20 + [" ", " (mob.)", "; 67000000", ", 1234", " ext. 12", " x5", "a", "€",
            "\u00a0", " vai 29123456", "/", "#", "-"]
ODD_DIGITS = [" ", " ", "  ", "-", ".", "(", ")", "/", "٢", "２", "a", "O", "l"]
# fmt: on


@st.composite
def phone_like(draw) -> str:
    """A prefix, a number whose digits follow Latvian/Estonian/other plans or not (mostly 8
    digits, some shorter or longer), spaces as people group them, maybe an odd character, and a
    suffix (a second number, words, an extension)."""
    first = draw(st.sampled_from("2222666589703145"))
    rest = draw(st.sampled_from([7, 7, 7, 7, 6, 8, 1, 3, 10, 15, 16, 17]))
    digits = first + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=rest,
                                          max_size=rest)))  # fmt: skip
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):
        at = draw(st.integers(1, len(digits)))
        digits = digits[:at] + draw(st.sampled_from(ODD_DIGITS)) + digits[at:]
    if draw(st.booleans()):  # grouped as people write them: 2234 5678, 22 345 678
        cut = draw(st.integers(1, len(digits)))
        digits = digits[:cut] + " " + digits[cut:]
    return draw(st.sampled_from(PREFIXES)) + digits + draw(st.sampled_from(SUFFIXES))


PHONE = st.one_of(phone_like(), phone_like(), phone_like(), st.text(max_size=20))
REGIONS = ["LV", "LV", "LV", "EE", "LT", "DE", "US"]


@PROPERTY
@given(st.lists(st.one_of(PHONE, st.none()), min_size=1, max_size=25), st.sampled_from(REGIONS))
@example(["+371 22345678", "+37122345678", "+371 2234 5678", "22345678", "2234 5678"], "LV")
@example(["37122345678", "371 22345678", "00371 22345678", "+371 23339999", "+371 78123456"], "LV")
@example(["+372 5123 4567", "5123 4567", "+371 22345678"], "EE")
def test_phone_precheck_agrees_with_phonenumbers(values, region):
    stripped = [v.strip() for v in values if v is not None]
    decided, valid = phone_verdicts(pd.Series(stripped, dtype="object"), region)
    for value, known, ok in zip(stripped, decided, valid, strict=True):
        if known:
            assert ok == library_phone_ok(value, region), (value, region)
    expected = library_mask(values, lambda v: library_phone_ok(v, region))
    assert invalid_phone(pd.Series(values), region).tolist() == expected


# ------------------------------------------------------------------ deterministic fuzz


def sample_contacts(orders: int = 3000, customers: int = 800) -> tuple[list[str], list[str]]:
    """Every distinct e-mail and phone of a seeded sample: orders and register together."""
    from zimes_audit.sample import generate

    sample = generate(orders, customers, seed=2026, as_of=AS_OF, violation_rate=0.05)
    heads, reg = sample.order_headings, sample.register_headings
    emails = [r[heads.index("email")] for r in sample.orders]
    emails += [r[reg.index("E-pasts")] for r in sample.register]
    phones = [r[heads.index("phone")] for r in sample.orders]
    phones += [r[reg.index("Tālrunis")] for r in sample.register]
    keep = lambda xs: sorted({str(x) for x in xs if x not in (None, "")})  # noqa: E731
    return keep(emails), keep(phones)


EDGE_EMAILS = [
    "liga.ozolina@inbox.lv",
    "Liga.Ozolina@Inbox.LV",
    "a@b.co",
    "a@b.c1",
    "a@1.lv",
    "a@b.lv1",
    "x@" + "a" * 63 + ".lv",
    "x@" + "a" * 64 + ".lv",
    "a" * 240 + "@inbox.lv",
    "a" * 245 + "@ab.lv",
    "a@b-c.lv",
    "a@b--c.lv",
    "a@bb--c.lv",
    "a@xn--bc.lv",
    "a@abxn--c.lv",
    "a@printeris.local",
    "a@mail.test",
    "a@x.onion",
    "a@in-addr.arpa",
    "a@example.com",
    "a@localhost",
    "a@b.invalid",
    "info@b.lv",
    "a+tag@b.lv",
    "a/b=c?d@b.lv",
    "{a}|~@b.lv",
    "a@b_c.lv",
    '"a b"@b.lv',
    "a@[1.2.3.4]",
    "a@b.lv ",
    "a @b.lv",
    "a@b.lv.",
    "a@.b.lv",
    "a@b..lv",
    "jānis@inbox.lv",
    "a@ķekava.lv",
]
EDGE_PHONES = [
    "+371 22345678",
    "+371 2234 5678",
    "+371 22 345 678",
    "+37122345678",
    "22345678",
    "2234 5678",
    "67123456",
    "+371 67123456",
    "80012345",
    "81012345",
    "90012345",
    "78123456",
    "23334567",
    "23339999",
    "2234567",
    "223456789",
    "+371 1234",
    "37122345678",
    "371 22345678",
    "00371 22345678",
    "0037122345678",
    "+371  22345678",
    "+371-22345678",
    "(+371) 22345678",
    "+372 5123 4567",
    "29123456; 67000000",
    "29123456 (mob.)",
    "29123456, 1234",
    "tālr. 29123456",
    "2FLOWERS",
    "1",
]


def test_every_sample_contact_gets_the_library_verdict():
    emails, phones = sample_contacts()
    emails += EDGE_EMAILS
    phones += EDGE_PHONES
    assert len(emails) > 800 and len(phones) > 800  # enough to mean something
    assert invalid_email(pd.Series(emails)).tolist() == library_mask(emails, library_email_ok)
    for region in ("LV", "EE"):
        expected = library_mask(phones, lambda v, r=region: library_phone_ok(v, r))
        assert invalid_phone(pd.Series(phones), region).tolist() == expected, region


def test_the_prechecks_spare_the_library():
    """The plain values (nearly all of a real export) never reach the library."""
    emails, phones = sample_contacts()
    invalid_email(pd.Series(emails))
    invalid_phone(pd.Series(phones), "LV")
    # the sample's planted broken values (no "@", a space before it, a comma or no dot after
    # it; short numbers) are settled too: none of its 800+ e-mails, at most 1% of its phones
    assert contacts._email_ok.cache_info().misses == 0
    assert contacts._phone_ok.cache_info().misses <= 0.01 * len(phones)
    plain = ["liga.ozolina@inbox.lv", "janis_berzins@gmail.com", "a.b-c@sub.mail.lv"]
    decided, valid = email_verdicts(pd.Series([*plain, "liga.inbox.lv", "liga@inbox,lv"]))
    assert decided.all() and valid.tolist() == [True, True, True, False, False]
    decided, valid = phone_verdicts(pd.Series(["+371 22345678", "2234 5678", "+371 1234"]), "LV")
    assert decided.tolist() == [True, True, True] and valid.tolist() == [True, True, False]


def test_a_value_repeated_is_judged_once():
    values = ["a@b.local", "a@b.local", " a@b.local ", "līga@inbox.lv", None, "liga@inbox.lv"]
    mask = invalid_email(pd.Series([*values, "līga@inbox.lv"]))
    assert mask.tolist() == [True, True, True, False, False, False, False]
    assert contacts._email_ok.cache_info().misses == 2  # "a@b.local" and "līga@inbox.lv"
    assert contacts._email_ok.cache_info().hits == 0  # the repeats never reach the library's cache


def test_mostly_distinct_values_are_prechecked_each_and_asked_once_per_distinct_value():
    """Where most values differ, the pre-check reads every value (no numbering of them,
    issue 29): the verdicts are the same, and the library still sees each value it is asked
    about once."""
    values = ["a@b.local", "a@b.local", "x@y.lv", "z@w.lv", "q@r", "līga@inbox.lv", "līga@inbox.lv"]
    contacts._email_ok.cache_clear()
    mask = invalid_email(pd.Series(values))
    assert mask.tolist() == [True, True, False, False, True, False, False]
    assert contacts._email_ok.cache_info()[:2] == (0, 2)  # hits, misses: a@b.local, līga@…
