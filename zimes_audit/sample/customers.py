"""Register customers of the synthetic sample: a clean, active customer and the archetypes that
turn one into a planted violation or a look-alike (docs/rules.md, register rules).

An archetype edits a clean customer and states what it means to plant: ``intents`` on the
register row, ``order_intents`` on every order linked to it.  Whether the rules agree is decided
independently by :mod:`zimes_audit.sample.truth`; the tests compare the two.

>>> import random
>>> from datetime import date
>>> rng = random.Random(1)
>>> c = clean_customer(rng, 7, date(2026, 11, 1))
>>> c.cid, c.consent, c.end is None
('K-00007', 'Jā', True)
>>> ARCHETYPES["re_boundary"].apply(c, rng, date(2026, 11, 1)); c.end
datetime.date(2021, 10, 31)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from zimes_audit.sample import identifiers as ids
from zimes_audit.sample.pools import (
    CITIES,
    FEMALE,
    MAIL_DOMAINS,
    MALE,
    REGISTER_NOTES,
    STREETS,
    SURNAMES,
    ascii_fold,
    full_name,
)
from zimes_audit.sample.truth import add_years

START = date(2017, 1, 9)


@dataclass(eq=False)
class Customer:
    """A person: a register customer, or (``guest``) a buyer the register does not know."""

    idx: int
    cid: str
    name: str
    email: str
    phone: str
    street: str
    city: str
    zip: str
    start: date
    registered: date | None = None
    end: date | None = None
    consent: str = "Jā"
    consent_at: date | None = None
    version: str = ""
    marketing: str = "Nē"
    optout: date | None = None
    bank: str = ""
    debt: date | None = None
    last_contact: date | None = None
    notes: str = ""
    address: str = ""
    birth: str = ""
    kind: str = "clean"
    wants_orders: bool = True
    hi: date | None = None  # latest order date allowed
    recent: bool = True  # the last order falls in the last two years
    link: str = "id"  # id | email
    paid: str = "random"  # random | all | one_unpaid
    blank_contacts: bool = False
    order_email: str = ""
    order_phone: str = ""
    company: tuple[str, str, str] = ("", "", "")  # company, vat_id, company_id
    guest: bool = False
    intents: dict[str, str] = field(default_factory=dict)
    order_intents: dict[str, str] = field(default_factory=dict)
    lookalike: str = ""


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return date.fromordinal(rng.randint(lo.toordinal(), max(lo, hi).toordinal()))


def notice_version(day: date) -> str:
    """The privacy notice in force on ``day`` (GDPR applies from 25 May 2018)."""
    if day < date(2018, 5, 25):
        return "v1.0"
    return "v2.0" if day < date(2021, 6, 1) else "v2.1"


def person(rng: random.Random, idx: int, tag: str = "") -> tuple[str, str, str, str, str, str]:
    """Name, e-mail, phone, street address, city and zip of a new person."""
    gender = rng.choice("mf")
    first = rng.randrange(len(MALE if gender == "m" else FEMALE))
    name = full_name(gender, first, rng.randrange(len(SURNAMES)))
    local = ascii_fold(name).lower().replace(" ", rng.choice(".._"))
    email = f"{local}{tag}{idx}@{rng.choice(MAIL_DOMAINS)}"
    phone = ids.lv_phone(rng, style=rng.choice((0, 0, 0, 1, 2, 3)), landline=rng.random() < 0.1)
    street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    if rng.random() < 0.6:
        street += f"-{rng.randint(1, 60)}"
    city, prefix = rng.choice(CITIES)
    zip_code = prefix + (f"{rng.randint(1, 99):02d}" if prefix == "LV-10" else "01")
    return name, email, phone, street, city, zip_code


def clean_customer(rng: random.Random, idx: int, as_of: date) -> Customer:
    """An active customer with consent given before the first order and valid contacts."""
    name, email, phone, street, city, zip_code = person(rng, idx)
    start = _day(rng, START, as_of - timedelta(days=60))
    c = Customer(idx, f"K-{idx:05d}", name, email, phone, street, city, zip_code, start)
    c.registered = c.consent_at = start
    c.version = notice_version(start)
    c.marketing = "Jā" if rng.random() < 0.4 else "Nē"
    if rng.random() < 0.25:
        c.bank = ids.lv_iban(rng, spaced=rng.random() < 0.5)
    if rng.random() < 0.3:
        c.last_contact = _day(rng, start, as_of)
    c.notes = rng.choice(REGISTER_NOTES)
    c.address = f"{street}, {city}, {zip_code}"
    c.order_email, c.order_phone = email, phone
    if rng.random() < 0.12:  # a company buyer: company, vat_id, company_id as in the export
        number = ids.company_number(rng)
        label = f"SIA \u201e{rng.choice(('Koka Darbnīca', 'Zaļā Māja', 'Baltijas Zīmes'))}\u201d"
        c.company = (label, "LV" + number if rng.random() < 0.7 else "", number)
    return c


@dataclass(frozen=True)
class Archetype:
    name: str
    apply: Callable[[Customer, random.Random, date], None]
    violation: bool = True


ARCHETYPES: dict[str, Archetype] = {}


def archetype(violation: bool = True):
    def register(fn):
        name = fn.__name__.lstrip("_")
        ARCHETYPES[name] = Archetype(name, fn, violation)
        return fn

    return register


def _interest_only(c: Customer, rng: random.Random, as_of: date) -> None:
    """No purchase; the record was created recently (so it is not stale)."""
    c.wants_orders = False
    c.start = c.registered = c.consent_at = _day(rng, as_of - timedelta(700), as_of - timedelta(30))
    c.version = notice_version(c.start)


def _no_consent(c: Customer, value: str) -> None:
    c.consent, c.consent_at, c.version = value, None, ""


def _ended(c: Customer, rng: random.Random, end: date, *, orders: bool = True) -> None:
    c.end = end
    c.start = c.registered = c.consent_at = _day(rng, min(START, end), end - timedelta(200))
    c.version = notice_version(c.start)
    c.hi, c.recent, c.wants_orders = end, False, orders
    if c.last_contact:
        c.last_contact = _day(rng, c.start, end)


# ------------------------------------------------------------------ consent (§3.1, §11, §12)
@archetype()
def cm_no_without_purchase(c, rng, as_of):
    _interest_only(c, rng, as_of)
    _no_consent(c, "Nē")
    c.marketing = "Nē"
    c.intents["CONSENT-MISSING"] = "consent 'Nē', no purchase (interest only) -> DELETE"


@archetype()
def cm_blank_without_purchase(c, rng, as_of):
    _interest_only(c, rng, as_of)
    _no_consent(c, "")
    c.marketing = "Nē"
    c.intents["CONSENT-MISSING"] = "consent blank, no purchase (interest only) -> DELETE"


@archetype()
def cm_no_with_purchase(c, rng, as_of):
    _no_consent(c, "Nē")
    c.intents["CONSENT-MISSING"] = "consent 'Nē' with purchase -> OBTAIN_CONSENT"


@archetype()
def cm_blank_with_purchase(c, rng, as_of):
    _no_consent(c, "")
    c.intents["CONSENT-MISSING"] = "consent blank with purchase -> OBTAIN_CONSENT"


@archetype()
def cac_after_first_order(c, rng, as_of):
    c.start = c.registered = _day(rng, START, as_of - timedelta(120))
    c.consent_at = c.start + timedelta(days=rng.randint(1, 60))
    c.intents["CONSENT-AFTER-COLLECTION"] = "consent dated after the first order"


@archetype()
def cac_after_registration(c, rng, as_of):
    _interest_only(c, rng, as_of)
    c.consent_at = c.registered + timedelta(days=rng.randint(5, 25))
    c.intents["CONSENT-AFTER-COLLECTION"] = "consent dated after the record was created"


# ------------------------------------------------------------------ marketing (§10.1.2, §4)
@archetype()
def mwb_after_opt_out(c, rng, as_of):
    c.marketing, c.optout = "Jā", _day(rng, c.start, as_of)
    c.intents["MARKETING-WITHOUT-BASIS"] = "newsletter 'Jā' after an opt-out date"


@archetype()
def mwb_no_consent_no_purchase(c, rng, as_of):
    _interest_only(c, rng, as_of)
    _no_consent(c, rng.choice(("Nē", "")))
    c.marketing = "Jā"
    c.intents["MARKETING-WITHOUT-BASIS"] = "newsletter 'Jā' with neither consent nor purchase"
    c.intents["CONSENT-MISSING"] = "no consent and no purchase -> DELETE"


# ------------------------------------------------------------------ retention (§10.1.1)
def _expired(c, what):
    c.intents["RETENTION-EXPIRED"] = what
    c.order_intents["RETENTION-EXPIRED"] = "order of a customer whose retention term has passed"


@archetype()
def re_with_orders(c, rng, as_of):
    _ended(c, rng, _day(rng, date(2018, 6, 1), add_years(as_of, -5) - timedelta(30)))
    _expired(c, "relationship ended more than 5 years ago")


@archetype()
def re_boundary(c, rng, as_of):
    _ended(c, rng, add_years(as_of, -5) - timedelta(days=1))
    _expired(c, "relationship ended 5 years + 1 day before as_of")


@archetype()
def re_without_orders(c, rng, as_of):
    _ended(c, rng, _day(rng, date(2018, 1, 1), date(2020, 12, 31)), orders=False)
    _expired(c, "relationship ended long ago, no orders")


@archetype()
def re_linked_by_email(c, rng, as_of):
    _ended(c, rng, _day(rng, date(2019, 1, 1), add_years(as_of, -5) - timedelta(2)))
    c.link = "email"
    _expired(c, "relationship ended > 5 years ago; orders linked by e-mail only")


# ------------------------------------------------------------------ contacts after end
def _contact(c, what, fields="email;phone"):
    c.intents["CONTACT-AFTER-END"] = what
    c.order_intents["CONTACT-AFTER-END"] = f"order of an ended customer still holds {fields}"


@archetype()
def cae_email_phone(c, rng, as_of):
    _ended(c, rng, _day(rng, add_years(as_of, -5) + timedelta(30), as_of - timedelta(30)))
    _contact(c, "ended within the hold, e-mail and phone kept")


@archetype()
def cae_email_only(c, rng, as_of):
    _ended(c, rng, _day(rng, add_years(as_of, -4), as_of - timedelta(90)))
    c.phone = c.order_phone = ""
    _contact(c, "ended within the hold, e-mail kept (no phone)", "email")


@archetype()
def cae_boundary_5y(c, rng, as_of):
    _ended(c, rng, add_years(as_of, -5))
    _contact(c, "ended exactly 5 years before as_of: not expired, contacts kept")


@archetype()
def cae_ended_today(c, rng, as_of):
    _ended(c, rng, as_of)
    _contact(c, "relationship ended on the audit date, contacts kept")


# ------------------------------------------------------------------ inactivity (§10)
def _stale(c, rng, last: date, *, orders: bool = True):
    c.start = c.registered = c.consent_at = _day(rng, START, last - timedelta(300))
    c.version = notice_version(c.start)
    c.hi, c.recent, c.wants_orders, c.last_contact = last, False, orders, None
    if not orders:
        c.start = c.registered = c.consent_at = last


@archetype()
def stale_old_orders(c, rng, as_of):
    _stale(c, rng, _day(rng, date(2019, 1, 1), add_years(as_of, -3) - timedelta(60)))
    c.intents["RELATIONSHIP-STALE"] = "no end date, last order more than 3 years ago"


@archetype()
def stale_boundary(c, rng, as_of):
    _stale(c, rng, add_years(as_of, -3) - timedelta(days=1))
    c.intents["RELATIONSHIP-STALE"] = "last activity 3 years + 1 day before as_of"


@archetype()
def stale_without_orders(c, rng, as_of):
    _stale(c, rng, _day(rng, date(2018, 1, 1), add_years(as_of, -3) - timedelta(30)), orders=False)
    c.intents["RELATIONSHIP-STALE"] = "registered > 3 years ago, never bought or contacted"


# ------------------------------------------------------------------ debt collection (§4.2)
@archetype()
def debt_all_paid(c, rng, as_of):
    c.debt, c.paid = _day(rng, c.start, as_of), "all"
    c.intents["DEBT-TRANSFER-UNPAID-ONLY"] = "handed to debt collection, every order paid"


@archetype()
def debt_without_orders(c, rng, as_of):
    _interest_only(c, rng, as_of)
    c.debt = _day(rng, c.start, as_of)
    c.intents["DEBT-TRANSFER-UNPAID-ONLY"] = "handed to debt collection without any order"


# ------------------------------------------------------------------ accuracy (§12.4)
@archetype()
def di_bad_email(c, rng, as_of):
    local, _, domain = c.email.partition("@")
    c.email = rng.choice(
        (f"{local}@{domain.split('.')[0]}", f"{local} @{domain}", f"{local}@@{domain}")
    )
    c.intents["DATA-INACCURATE"] = "register e-mail with bad syntax"


@archetype()
def di_bad_phone(c, rng, as_of):
    c.phone = rng.choice(("+371 2912345", "+371 1234 5678", "+371 29123 4567"))
    c.intents["DATA-INACCURATE"] = "register phone number not valid"


@archetype()
def di_start_after_end(c, rng, as_of):
    _interest_only(c, rng, as_of)
    c.end = c.start - timedelta(days=rng.randint(30, 300))
    c.registered = c.consent_at = c.end - timedelta(days=10)
    c.email = c.phone = ""
    c.intents["DATA-INACCURATE"] = "relationship start after its end (contacts already cleared)"


@archetype()
def di_future_date(c, rng, as_of):
    c.last_contact = as_of + timedelta(days=rng.randint(5, 400))
    c.intents["DATA-INACCURATE"] = "last contact dated after as_of"


DUPLICATE = "di_duplicate_email"  # a pair: handled by the generator


@archetype()
def di_duplicate_email(c, rng, as_of):
    c.intents["DATA-INACCURATE"] = "same e-mail (other case) as another customer id"


# ------------------------------------------------------------------ unpermitted / text (§6)
@archetype()
def fu_birth_date(c, rng, as_of):
    c.birth = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2004)}"
    c.intents["FIELD-UNPERMITTED"] = "'Dzimšanas datums' column filled"


@archetype()
def pc_register_notes(c, rng, as_of):
    c.notes = f"Pers. kods {ids.old_personal_code(rng, hyphen=rng.random() < 0.5)}"
    c.intents["PERSONAL-CODE-IN-TEXT"] = "personal code in register notes"


@archetype()
def pc_register_address(c, rng, as_of):
    c.address = f"{c.address} ({ids.new_personal_code(rng)})"
    c.intents["PERSONAL-CODE-IN-TEXT"] = "new-format code with hyphen in register address"


@archetype()
def card_register_notes(c, rng, as_of):
    num = ids.card_number(rng)
    c.notes = "Kartes nr. " + " ".join(num[i : i + 4] for i in range(0, 16, 4))
    c.intents["CARD-NUMBER-IN-TEXT"] = "card number in register notes"


# ------------------------------------------------------------------ look-alikes (no finding)
@archetype(violation=False)
def la_retention_boundary(c, rng, as_of):
    _ended(c, rng, add_years(as_of, -5))
    c.email = c.phone = ""
    c.blank_contacts = True
    c.lookalike = "ended exactly 5 years before as_of, contacts cleared (not expired)"


@archetype(violation=False)
def la_inactivity_boundary(c, rng, as_of):
    _stale(c, rng, add_years(as_of, -3))
    c.lookalike = "last activity exactly 3 years before as_of (not stale)"


@archetype(violation=False)
def la_debt_with_unpaid(c, rng, as_of):
    c.debt, c.paid = _day(rng, c.start, as_of), "one_unpaid"
    c.lookalike = "debt collection with an unpaid order"


@archetype(violation=False)
def la_opt_out_honoured(c, rng, as_of):
    c.marketing, c.optout = "Nē", _day(rng, c.start, as_of)
    c.lookalike = "opt-out date with newsletter 'Nē'"


@archetype(violation=False)
def la_register_iban(c, rng, as_of):
    c.bank = ids.lv_iban(rng, luhn=True)
    c.notes = f"Atmaksām: {ids.lv_iban(rng, luhn=True, spaced=True)}"
    c.lookalike = "IBANs (Luhn-valid account digits) in bank account and notes"


@archetype(violation=False)
def la_register_company_phone(c, rng, as_of):
    number = ids.company_number(rng)
    c.notes = f"Darbavieta reģ. nr. {number}, darba tālr. {ids.lv_phone(rng, style=1)[1:]}"
    c.lookalike = "company number and 371-phone without '+' in register notes"


@archetype(violation=False)
def la_consent_same_day(c, rng, as_of):
    c.marketing = "Jā"
    c.lookalike = "consent, newsletter and first order on the same day"
