"""E-mail addresses and phone numbers that cannot be right — procedure §12.4 (DATA-INACCURATE).

E-mail syntax is judged by email-validator (no DNS look-up: the audit runs offline); phone numbers
by phonenumbers, reading a number without country code as Latvian (policy ``phones.default_region``).
Null values are not inaccurate (missing data is another question).

>>> invalid_email(pd.Series(["janis.berzins@inbox.lv", "janis.berzins@@inbox", None])).tolist()
[False, True, False]
>>> invalid_phone(pd.Series(["+371 22345678", "67123456", "+371 1234", "€"]), "LV").tolist()
[False, False, True, True]
"""

from __future__ import annotations

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


@cache  # one verdict per distinct value per run: orders and register share it
def _phone_ok(value: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


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
