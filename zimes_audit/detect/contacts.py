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

**At scale.**  A first audit holds a million distinct addresses, and the libraries take tens of
microseconds a value.  So each distinct value is judged once (orders and register share the
verdict), and before any library call an *exact* vectorised pre-check settles the values whose
verdict the library's own rules fix in advance; only the rest go to the library:

- :func:`email_verdicts` — plain ASCII addresses that pass every rule email-validator applies
  to them (dot-atom before the ``@``; hostname labels of ≤ 63 letters, digits and inner hyphens; a
  dot and a final letter; no special-use name such as ``.local`` or ``.test``; no Punycode; ≤ 254
  characters) are valid; text without an ``@`` is not, nor is ASCII text with a space or comma
  before its first ``@``, or nothing, no dot or a character no domain may hold after it.
- :func:`phone_verdicts` — ``+371 2xxxxxxx``, ``2xxx xxxx`` and the like: digits and single spaces,
  with the region's own calling code or none.  The verdict is read from phonenumbers' metadata for
  the region (the same patterns and lengths ``is_valid_number`` reads), valid or not.

``tests/test_contact_prechecks.py`` proves both exact against the libraries (a property test and
the benchmark workloads' values); ``python -m benchmarks.detectors`` counts the library calls.

>>> decided, valid = email_verdicts(pd.Series(["liga@inbox.lv", "liga@inbox,lv", "līga@inbox.lv"]))
>>> decided.tolist(), valid.tolist()
([True, True, False], [True, False, False])
>>> decided, valid = phone_verdicts(pd.Series(["+371 2234 5678", "+371 1234", "(+371) 22345678"]), "LV")
>>> decided.tolist(), valid.tolist()
([True, True, False], [True, False, False])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow.compute as pc
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from email_validator.rfc_constants import ATEXT, EMAIL_MAX_LENGTH

from zimes_audit.detect.text import arrow_cells, mostly_distinct

# ------------------------------------------------------------------------------------- e-mail

# email-validator's rules for an ASCII address, in the order it applies them (syntax.py):
# the local part matches DOT_ATOM_TEXT (no quotes, so no quoted-string or display-name parsing);
# the domain's labels match HOSTNAME_LABEL, at most DNS_LABEL_LENGTH_LIMIT (63) long; the
# domain has a period and ends with a letter (globally deliverable); the whole address is at most
# EMAIL_MAX_LENGTH (254) octets (so the domain is within DOMAIN_MAX_LENGTH, 253).  UTS-46 maps an
# ASCII domain only to lower case, which changes none of these.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"(?:[A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z]"
_PLAIN_EMAIL = rf"^[{ATEXT}]+(?:\.[{ATEXT}]+)*@(?:{_LABEL}\.)+{_TOP_LABEL}$"
# ... and what it rejects or treats specially past the syntax: an "R-LDH" label (two characters
# then "--", e.g. "ab--c"), Punycode ("xn--": IDNA decoding follows), and the special-use names
# (SPECIAL_USE_DOMAIN_NAMES: arpa, invalid, local, localhost, onion, test), the domain or its
# end.  Any of these: ask the library.
_SPECIAL_USE = "|".join(re.escape(name) for name in SPECIAL_USE_DOMAIN_NAMES)
_UNUSUAL_EMAIL = rf"(?i)[@.][A-Za-z0-9-]{{2}}--|xn--|[@.](?:{_SPECIAL_USE})$"


# Surely invalid: no "@" at all (email-validator finds no @-sign, with or without a display
# name); or, in ASCII text without a quote or "<" (so it splits at the first "@", with no
# display name and no quoted local part): nothing before the "@"; before it, a character that
# is neither atom text nor a dot; nothing after it; after it, no dot (UTS-46 maps no ASCII
# character to a dot) or a character outside the hostname characters [a-zA-Z0-9.-] — unless
# the part after it is a "[...]" literal (left to the library).
_PLAIN_TEXT = r"^[\x00-\x21\x23-\x3b\x3d-\x7f]*$"
_SURELY_INVALID = (
    rf"(?s)^@|^[{ATEXT}.]*[^{ATEXT}.@]|^[^@]*@$|^[^@]*@[^.]*$|^[^@]*@.*[^A-Za-z0-9.\-]"
)
_LITERAL = r"(?s)^[^@]*@\[.*\]$"


def email_verdicts(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per value: (decided, valid) where email-validator's verdict on the stripped text is sure
    (vectorised); undecided values go to the library."""
    cells = arrow_cells(pd.Series(text, dtype="string[pyarrow]"))

    def has(pattern: str, at: np.ndarray | None = None, regex: bool = True) -> np.ndarray:
        """Per position of ``at`` (default: every value), whether its value holds ``pattern``
        (RE2 over those values alone)."""
        match = pc.match_substring_regex if regex else pc.match_substring
        found = match(cells if at is None else cells.take(at), pattern).fill_null(False)
        return found.to_numpy(zero_copy_only=False)

    # each rule is read only where the verdict still depends on it: most addresses are plain,
    # valid after two passes, and the sure rejections are read on the few others
    plain = np.flatnonzero(has(_PLAIN_EMAIL))
    length = pc.utf8_length(cells.take(plain)).to_numpy(zero_copy_only=False)
    valid = np.zeros(len(cells), bool)
    valid[plain[(length <= EMAIL_MAX_LENGTH) & ~has(_UNUSUAL_EMAIL, plain)]] = True
    others = np.flatnonzero(~valid)
    decided = valid.copy()
    decided[others[~has("@", others, regex=False)]] = True
    others = np.flatnonzero(~decided)
    others = others[has(_PLAIN_TEXT, others)]
    others = others[has(_SURELY_INVALID, others)]
    decided[others[~has(_LITERAL, others)]] = True
    return decided, valid


@cache  # one verdict per distinct value per run: orders and register share it
def _email_ok(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# -------------------------------------------------------------------------------------- phone

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


# The number types phonenumbers tries, in _number_type_helper's order; a number is valid when it
# matches the general description and one of these (each: pattern and possible lengths).
_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@cache
def _plain_phone_rules(region: str) -> tuple[str, str, tuple] | None:
    """The region's calling code, IDD pattern and (pattern, lengths) descriptions — or None when
    parsing a plain number in this region involves more than reading its digits (a national
    prefix to strip, a calling code shared by several regions or starting with another code)."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.national_prefix_for_parsing or not meta.international_prefix:
        return None
    code = str(meta.country_code)
    if phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(meta.country_code) != (region,) or any(
        int(code[:i]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE for i in range(1, len(code))
    ):
        return None

    def desc(d):
        return None if d is None else (d.national_number_pattern or "", tuple(d.possible_length))

    types = [
        desc(getattr(meta, name))
        for name in _NUMBER_TYPES
        if not (name == "mobile" and meta.same_mobile_and_fixed_line_pattern)
    ]
    return code, meta.international_prefix, (desc(meta.general_desc), *types)


def _fullmatch(digits: pd.Series, pattern: str) -> pd.Series:
    """Vectorised fullmatch (RE2 via Arrow); Python's re where RE2 cannot compile the pattern.

    The subjects are ASCII digits only, so RE2 and Python's re (the library's engine) accept the
    same strings: a full match is membership of the pattern's language, whichever engine decides.
    """
    try:
        return digits.str.fullmatch(pattern).fillna(False).astype(bool)
    except Exception:  # noqa: BLE001 - a pattern feature RE2 lacks: the library's own engine
        rx = re.compile(pattern)
        return digits.map(lambda d: rx.fullmatch(d) is not None).astype(bool)


def _matches(digits: pd.Series, desc: tuple[str, tuple] | None) -> pd.Series:
    """phonenumbers' _is_number_matching_desc, vectorised."""
    if desc is None or not desc[0]:
        return pd.Series(False, index=digits.index)
    pattern, lengths = desc
    ok = _fullmatch(digits, pattern)
    if lengths:
        ok &= digits.str.len().isin(lengths).to_numpy(bool)
    return ok


def phone_verdicts(text: pd.Series, region: str) -> tuple[np.ndarray, np.ndarray]:
    """Per value: (decided, valid) for the plain numbers whose verdict phonenumbers' metadata fixes.

    Plain: digits and single spaces, a first digit 1-9, 2-17 digits, after ``+<calling code>``
    of ``region`` (and an optional space) or after nothing — then one number, its national
    number is the digits, and the library's verdict is whether they match the region's patterns.
    A national-form number starting with the calling code or the IDD is not plain (the library
    may read the code off it).  Everything else is undecided: ask the library.
    """
    decided = np.zeros(len(text), bool)
    valid = np.zeros(len(text), bool)
    rules = _plain_phone_rules(region)
    if rules is None or not len(text):
        return decided, valid
    code, idd, (general, *types) = rules
    cells = arrow_cells(pd.Series(text, dtype="string[pyarrow]"))
    # RE2 over the column (Arrow); "$" is the end of the text, as the library reads it
    found = pc.extract_regex(cells, rf"^(?P<code>\+{code} ?)?(?P<number>[1-9](?: ?[0-9]){{1,16}})$")
    number = pc.struct_field(found, "number")
    has = number.is_valid().to_numpy(zero_copy_only=False)
    at = np.flatnonzero(has)
    kept = pc.filter(found, has)
    digits = pd.Series(
        pd.array(pc.replace_substring(pc.struct_field(kept, "number"), " ", ""), "string[pyarrow]")
    )
    national = pc.equal(pc.struct_field(kept, "code"), "").to_numpy(zero_copy_only=False)
    from_code = (digits.str.startswith(code) | digits.str.match(idd)).fillna(True).to_numpy(bool)
    keep = ~(national & from_code)
    at, digits = at[keep], digits[keep]
    ok = _matches(digits, general).to_numpy(bool) & np.logical_or.reduce(
        [_matches(digits, d).to_numpy(bool) for d in types]
    )
    decided[at] = True
    valid[at] = ok
    return decided, valid


# ------------------------------------------------------------------------------------ verdicts


def _judge(
    values: pd.Series,
    precheck: Callable[[pd.Series], tuple[np.ndarray, np.ndarray]],
    ok: Callable[[str], bool],
    cheap: bool = False,
) -> pd.Series:
    """Mask of present values judged not ok: the pre-check first — on each distinct value
    once, or, for a ``cheap`` pre-check (about an RE2 pass a value, what numbering them costs)
    where most values differ (:func:`~zimes_audit.detect.text.mostly_distinct`), on every
    value — then the library once per distinct value the pre-check leaves undecided."""
    text = values.astype("string").str.strip()
    present = (text.notna() & (text != "")).to_numpy(bool)
    mask = np.zeros(len(values), bool)
    if present.any():
        text = text[present].reset_index(drop=True)
        if cheap and mostly_distinct(arrow_cells(text)):
            codes, unique = np.arange(len(text)), text
        else:
            codes, unique = pd.factorize(text)
            unique = pd.Series(unique)
        decided, valid = precheck(unique)
        verdicts: dict[str, bool] = {}
        for i in np.flatnonzero(~decided):
            value = unique.iat[i]
            if value not in verdicts:
                verdicts[value] = ok(value)
            valid[i] = verdicts[value]
        mask[present] = ~valid[codes]
    return pd.Series(mask, index=values.index)


def invalid_email(values: pd.Series) -> pd.Series:
    """Mask of present e-mail addresses that email-validator rejects."""
    return _judge(values, email_verdicts, _email_ok, cheap=True)  # two passes over most


def invalid_phone(values: pd.Series, region: str) -> pd.Series:
    """Mask of present phone numbers that phonenumbers does not accept as valid."""
    return _judge(values, lambda u: phone_verdicts(u, region), lambda v: _phone_ok(v, region))
