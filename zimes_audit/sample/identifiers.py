"""Valid Latvian identifiers for the synthetic sample: personal codes, company numbers, IBANs,
phone numbers and payment-card numbers.

Every generator takes a ``random.Random`` so that a seed reproduces the same values.  The values
are built to pass the same validators the audit uses (python-stdnum, phonenumbers), so a planted
personal code is a real-looking one and a look-alike is a true look-alike (docs/rules.md,
PERSONAL-CODE-IN-TEXT and CARD-NUMBER-IN-TEXT: code formats, company numbers, IBANs, phones).

>>> import random
>>> from stdnum import iban
>>> from stdnum.lv import pvn
>>> rng = random.Random(1)
>>> pvn.is_valid(old_personal_code(rng))
True
>>> pvn.is_valid(new_personal_code(rng))
True
>>> code = company_number(rng)
>>> code[0] in "459" and pvn.is_valid(code)
True
>>> iban.is_valid(lv_iban(rng))
True
>>> luhn_ok(card_number(rng, 16))
True
"""

from __future__ import annotations

import random
from datetime import date

from stdnum.lv.pvn import calc_check_digit_pers, checksum

BANK_CODES = ("HABA", "UNLA", "PARX", "RIKO", "NDEA", "HABA", "UNLA")


def old_personal_code(rng: random.Random, *, hyphen: bool = True, valid: bool = True) -> str:
    """An old-format personal code ``DDMMYY-CNNNN`` (birth date, century digit, check digit).

    With ``valid=False`` the check digit is wrong (a look-alike that is not a code).

    >>> code = old_personal_code(random.Random(3), valid=False)
    >>> from stdnum.lv import pvn
    >>> pvn.is_valid(code), len(code), code[6]
    (False, 12, '-')
    """
    born = date.fromordinal(
        rng.randint(date(1941, 1, 1).toordinal(), date(2006, 12, 31).toordinal())
    )
    century = "1" if born.year < 2000 else "2"
    body = born.strftime("%d%m%y") + century + f"{rng.randrange(1000):03d}"
    check = calc_check_digit_pers(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    digits = body + check
    return f"{digits[:6]}-{digits[6:]}" if hyphen else digits


def new_personal_code(rng: random.Random, *, hyphen: bool = True, prefix: str = "32") -> str:
    """A new-format personal code (since 1 July 2017): ``3`` + digit 2–9, no birth date.

    A ``32…`` code gets the check digit python-stdnum expects; ``33``–``39`` codes are random
    (stdnum does not know them; the audit recognises them by hyphen or context word).

    >>> new_personal_code(random.Random(5), prefix="35")[:2]
    '35'
    """
    body = prefix + "".join(rng.choices("0123456789", k=8))
    check = calc_check_digit_pers(body) if prefix == "32" else str(rng.randrange(10))
    digits = body + check
    return f"{digits[:6]}-{digits[6:]}" if hyphen else digits


def bad_check_32(rng: random.Random) -> str:
    """Eleven digits starting ``32`` whose check digit stdnum rejects (not a code unhyphenated).

    >>> from stdnum.lv import pvn
    >>> pvn.is_valid(bad_check_32(random.Random(2)))
    False
    """
    body = "32" + "".join(rng.choices("0123456789", k=8))
    good = int(calc_check_digit_pers(body))
    return body + str((good + rng.randint(1, 9)) % 10)


def company_number(rng: random.Random, first: str | None = None) -> str:
    """An 11-digit Latvian company registration number (first digit 4, 5 or 9) with a valid
    check digit (stdnum: weighted sum mod 11 equals 3).

    >>> company_number(random.Random(4), first="4")[0]
    '4'
    """
    while True:
        head = (first or rng.choice("4445549")) + "0" + "".join(rng.choices("0123456789", k=8))
        partial = checksum(head + "0")
        last = (3 - partial) % 11
        if last < 10:
            return head + str(last)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    """Whether a digit string passes the Luhn check.

    >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
    (True, False)
    """
    digits = "".join(ch for ch in number if ch.isdigit())
    return _luhn_digit(digits[:-1]) == digits[-1]


def card_number(rng: random.Random, length: int = 16) -> str:
    """A Luhn-valid payment-card number (Visa/Mastercard 16 digits, Amex 15).

    >>> card_number(random.Random(9), 15)[:1]
    '3'
    """
    prefix = rng.choice(("34", "37")) if length == 15 else rng.choice(("4", "51", "53", "55"))
    body = prefix + "".join(rng.choices("0123456789", k=length - len(prefix) - 1))
    return body + _luhn_digit(body)


def diners_number(rng: random.Random) -> str:
    """A Luhn-valid 14-digit Diners Club number, printed 4-6-4 as Diners cards are.

    >>> n = diners_number(random.Random(3)); len(n.replace(" ", "")), n[4], n[11], luhn_ok(n.replace(" ", ""))
    (14, ' ', ' ', True)
    """
    body = "36" + "".join(rng.choices("0123456789", k=11))
    number = body + _luhn_digit(body)
    return f"{number[:4]} {number[4:10]} {number[10:]}"


def luhn_ean13(rng: random.Random, prefix: str = "475") -> str:
    """An EAN-13 barcode (GS1 check digit) whose 13 digits also pass Luhn: a card look-alike.

    >>> code = luhn_ean13(random.Random(5)); code[:3], len(code), luhn_ok(code)
    ('475', 13, True)
    """
    while True:
        body = prefix + "".join(rng.choices("0123456789", k=12 - len(prefix)))
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
        code = body + str((10 - total % 10) % 10)
        if luhn_ok(code):
            return code


def lv_iban(rng: random.Random, *, luhn: bool = False, spaced: bool = False) -> str:
    """A Latvian IBAN: ``LV`` + 2 check digits + bank code + 13 digits (21 characters).

    With ``luhn=True`` the 13-digit account part also passes Luhn (a card-number look-alike).

    >>> iban = lv_iban(random.Random(7), luhn=True, spaced=True)
    >>> iban[:2], len(iban.replace(" ", "")), luhn_ok(iban.replace(" ", "")[8:])
    ('LV', 21, True)
    """
    bank = rng.choice(BANK_CODES)
    account = "".join(rng.choices("0123456789", k=12 if luhn else 13))
    if luhn:
        account += _luhn_digit(account)
    bban = bank + account
    numeric = "".join(str(int(ch, 36)) for ch in bban + "LV00")
    check = 98 - int(numeric) % 97
    compact = f"LV{check:02d}{bban}"
    if spaced:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


def lv_phone(rng: random.Random, *, style: int = 0, landline: bool = False) -> str:
    """A valid Latvian phone number: mobile ``2xxxxxxx`` or landline ``6xxxxxxx``.

    ``style`` picks the writing: 0 ``+371 2xxxxxxx``, 1 ``+3712xxxxxxx``, 2 ``2xxxxxxx``,
    3 ``+371 2xxx xxxx``.

    >>> lv_phone(random.Random(1), style=0)[:6]
    '+371 2'
    """
    first = "6" if landline else "2"
    rest = first + rng.choice("123456789" if landline else "012456789")  # +371 23… is patchy
    rest += "".join(rng.choices("0123456789", k=6))
    if landline:
        rest = "67" + rest[2:]
    if style == 1:
        return "+371" + rest
    if style == 2:
        return rest
    if style == 3:
        return f"+371 {rest[:4]} {rest[4:]}"
    return "+371 " + rest
