"""E-mail addresses and phone numbers that cannot be right — procedure §12.4 (DATA-INACCURATE).

E-mail syntax is judged by email-validator (no DNS look-up: the audit runs offline); phone numbers
by phonenumbers, reading a number without country code as Latvian (policy ``phones.default_region``).
Null values are not inaccurate (missing data is another question).

>>> invalid_email(pd.Series(["janis.berzins@inbox.lv", "janis.berzins@@inbox", None])).tolist()
[False, True, False]
>>> invalid_phone(pd.Series(["+371 22345678", "67123456", "+371 1234", "€"]), "LV").tolist()
[False, False, True, True]

A cell holding several numbers is judged number by number, and words around a number (``mob.``,
``(darba)``, ``tālr.``) are not part of it:

>>> invalid_phone(pd.Series(["29123456; 67000000", "29123456 (mob.)", "29123456, 1234"]), "LV").tolist()
[False, False, True]
>>> phone_parts("tālr. 29123456 / 67000000 (darba)")
['29123456', '67000000']
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import phonenumbers
from email_validator import EmailNotValidError, validate_email


@cache  # one verdict per distinct value per run: orders and register share it
def _email_ok(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# Between two numbers of one cell: ; , / | a line break, or a word "un", "vai", "or", "and".
_BETWEEN = re.compile(r"[;,/|\n]|\s(?:un|vai|or|and)\s", re.IGNORECASE)
# Words around a number: a parenthesis without digits, "(mob.)", or a cue word with its dot/colon.
_NOT_NUMBER = re.compile(
    r"\([^()0-9]*\)|(?<!\w)(?:mob\w*|tālr\w*|talr\w*|tel\w*|phone|gsm|darba|mājas|majas|home|work)"
    r"(?!\w)\.?:?",
    re.IGNORECASE,
)


def phone_parts(value: str) -> list[str]:
    """The phone numbers written in one cell, without the words around them."""
    parts = (_NOT_NUMBER.sub(" ", part).strip() for part in _BETWEEN.split(value))
    return [p for p in parts if p]


@cache
def _one_phone_ok(value: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


@cache  # one verdict per distinct value per run: orders and register share it
def _phone_ok(value: str, region: str) -> bool:
    parts = phone_parts(value)
    return bool(parts) and all(_one_phone_ok(p, region) for p in parts)


def _judge(values: pd.Series, ok) -> pd.Series:
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    mask = pd.Series(False, index=values.index)
    if present.any():
        unique = text[present].unique()
        verdict = {v: not ok(v) for v in unique}
        mask[present] = text[present].map(verdict).astype(bool)
    return mask


def invalid_email(values: pd.Series) -> pd.Series:
    """Mask of present e-mail addresses that email-validator rejects."""
    return _judge(values, _email_ok)


def invalid_phone(values: pd.Series, region: str) -> pd.Series:
    """Mask of present phone numbers that phonenumbers does not accept as valid."""
    return _judge(values, lambda v: _phone_ok(v, region))
