"""The floor's own verdicts on values (issue 29): e-mail and phone validity, personal codes and
card numbers in free text — written from the procedure's rules (docs/rules.md) with the libraries
that own each question, **not** with the audit's detectors (``zimes_audit.detect``), so that
the floor checks them rather than repeats them.

The rules' word lists and the card issuers' table are data (``code_words.toml``,
``card_issuers.toml``), read here as the procedure's data.  The libraries: email-validator,
phonenumbers (its metadata for the region's plain numbers), python-stdnum (``iban``, ``luhn``,
``lv.pvn``).

Each function takes the *distinct* values of a column (or of all scanned text) as a polars Series
and gives one verdict per value; the floor joins them back.  Vectorised first — a plain address, a
plain national number, a cell no code or card can be in — the rest one value at a time.

>>> invalid_emails(pl.Series(["liga@inbox.lv", "liga@@inbox", "liga(at)inbox.lv"])).to_list()
[False, True, True]
>>> invalid_phones(pl.Series(["+371 22345678", "67123456", "+371 1234", "29123456 (mob.)"]), "LV").to_list()
[False, False, True, False]
>>> code_label("p.k. 161175-19997"), code_label("tālr. 37122345678"), code_label("mans pk 371234-56789")
('old format', None, 'new format')
>>> card_label("karte 4111 1111 1111 1111"), card_label("LV80BANK0000435195001 4750000000011")
('card number', None)
>>> without_ibans("Konts LV80 BANK 0000 4351 9500 1, paldies")
'Konts , paldies'
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import phonenumbers
import polars as pl
from email_validator import EmailNotValidError, validate_email
from stdnum import iban, luhn
from stdnum.lv import pvn

WORDS = Path(__file__).resolve().parents[1] / "zimes_audit" / "detect"


# ------------------------------------------------------------------------------------- e-mail
_ATOM = r"[A-Za-z0-9!#$%\&'*+/=?^_`{|}\~\-]+"
_PLAIN_EMAIL = (
    rf"^{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{{0,61}}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}$"
)
_SPECIAL_TOP = ("arpa", "invalid", "local", "localhost", "onion", "test")


def invalid_emails(values: pl.Series) -> pl.Series:
    """Per distinct stripped address: email-validator rejects it (no DNS).  Plain ASCII addresses
    (dot-atom, hostname labels, a letters-only top label that is no special-use name, local part
    ≤ 64, whole ≤ 254, no ``--``) are valid and text without ``@`` is not, without asking."""
    frame = pl.DataFrame({"v": values})
    plain = (
        pl.col("v").str.contains(_PLAIN_EMAIL)
        & ~pl.col("v").str.contains("--", literal=True)
        & (pl.col("v").str.len_bytes() <= 254)
        & (pl.col("v").str.extract("^([^@]*)@").str.len_bytes() <= 64)
        & ~pl.col("v").str.extract(r"\.([A-Za-z]+)$").str.to_lowercase().is_in(_SPECIAL_TOP)
    )
    no_at = ~pl.col("v").str.contains("@", literal=True)
    frame = frame.with_columns(plain=plain.fill_null(False), no_at=no_at)
    ask = frame.filter(~pl.col("plain") & ~pl.col("no_at"))["v"].to_list()
    bad = {v for v in ask if not _email_ok(v)}
    return (frame["no_at"] | frame["v"].is_in(list(bad))).alias(values.name)


def _email_ok(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# -------------------------------------------------------------------------------------- phone
# docs/rules.md (DATA-INACCURATE, phones): a cell may hold several numbers, between them ; , / |
# a line break or the words un/vai/or/and; words around a number (a bracketed remark without
# digits, mob./tālr./tel./darba/mājas …) are not part of it.
_BETWEEN = re.compile(r"[;,/|\n]|\s(?:un|vai|or|and)\s", re.IGNORECASE)
_AROUND = re.compile(
    r"\([^()0-9]*\)|(?<!\w)(?:mob\w*|tālr\w*|talr\w*|tel\w*|phone|gsm|darba|mājas|majas|home|work)"
    r"(?!\w)\.?:?",
    re.IGNORECASE,
)
_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan")
_TYPES += ("voicemail", "fixed_line", "mobile")


def invalid_phones(values: pl.Series, region: str) -> pl.Series:
    """Per distinct stripped cell: some number in it is not valid for phonenumbers (or none is
    there).  A plain number — ``+<code>`` of the region or nothing, then digits and single spaces
    — is judged from the region's metadata, vectorised; the rest one cell at a time."""
    code = str(phonenumbers.country_code_for_region(region))
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    frame = pl.DataFrame({"v": values}).with_columns(
        intl=pl.col("v").str.extract(rf"^\+{code} ?([1-9](?: ?[0-9]){{1,16}})$"),
        national=pl.col("v").str.extract(r"^([1-9](?: ?[0-9]){1,16})$"),
    )
    # a national number starting with the calling code's first digit might be read by the
    # library as carrying the code: not plain.  Nor is anything in a region that strips a
    # national prefix or shares its calling code.
    national = pl.when(~pl.col("national").str.starts_with(code[0])).then(pl.col("national"))
    digits = pl.coalesce("intl", national).str.replace_all(" ", "", literal=True)
    frame = frame.with_columns(d=digits)
    simple = meta is not None and not meta.national_prefix_for_parsing
    simple = simple and phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(code)) == (region,)
    if not simple:
        frame = frame.with_columns(d=pl.lit(None, pl.String))
    plain = frame["d"].is_not_null()
    ok = pl.Series([False] * len(frame))
    if simple:
        for name in _TYPES:
            ok = ok | _matches(frame["d"], getattr(meta, name))
        ok = ok & _matches(frame["d"], meta.general_desc)
    ask = frame["v"].filter(~plain).to_list()
    asked = [v for v in ask if not _cell_ok(v, region)]
    return (plain & ~ok) | (~plain & frame["v"].is_in(asked))


def _matches(digits: pl.Series, desc) -> pl.Series:
    """phonenumbers' rule for a number type: possible lengths (when listed) and a full match."""
    if desc is None or not desc.national_number_pattern:
        return pl.Series([False] * len(digits))
    ok = digits.str.contains(f"^(?:{desc.national_number_pattern})$").fill_null(False)
    if desc.possible_length:
        ok = ok & digits.str.len_bytes().is_in(list(desc.possible_length)).fill_null(False)
    return ok


def _cell_ok(value: str, region: str) -> bool:
    parts = [_AROUND.sub(" ", p).strip() for p in _BETWEEN.split(value)]
    parts = [p for p in parts if p]
    return bool(parts) and all(_number_ok(p, region) for p in parts)


def _number_ok(text: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


# -------------------------------------------------------------------------------------- IBANs
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")
_IBAN_GAPS = " \u00a0\u202f-"


@lru_cache(maxsize=1 << 17)  # both scans strip the same cells
def without_ibans(text: str) -> str:
    """``text`` with every valid IBAN (stdnum: the country's length, ISO 7064) cut out; an IBAN
    may be written in groups with single spaces or hyphens, in either case."""
    out, last = [], 0
    for match in _IBAN_START.finditer(text):
        if match.start() < last:
            continue
        end = _iban_end(text, match.start())
        if end is not None:
            out.append(text[last : match.start()])
            last = end
    return "".join(out) + text[last:]


def _iban_end(text: str, start: int) -> int | None:
    chars, ends, pos = [], [], start
    while pos < len(text) and len(chars) < 34:
        c = text[pos]
        if c.isascii() and c.isalnum():
            chars.append(c)
            ends.append(pos + 1)
        elif not (c in _IBAN_GAPS and chars and text[pos + 1 : pos + 2].isalnum()
                  and text[pos + 1 : pos + 2].isascii()):  # fmt: skip
            break
        pos += 1
    for n in range(len(chars), 14, -1):  # only the country's own length can be valid
        if _valid_iban("".join(chars[:n]).upper()):
            return ends[n - 1]
    return None


@lru_cache(maxsize=1 << 16)
def _valid_iban(number: str) -> bool:
    return iban.is_valid(number)


# ----------------------------------------------------------------------------- personal codes
@cache
def _code_words() -> dict[str, re.Pattern]:
    raw = tomllib.loads((WORDS / "code_words.toml").read_text("utf-8"))
    return {
        key: re.compile(rf"(?i)(?<!\w)(?:{'|'.join(raw[key])}){raw['fillers']}$")
        for key in ("context", "phone", "document")
    }


_CODE = re.compile(r"(?<![0-9])([0-3][0-9]{5})([-\u2013\u2011 \u00a0]?)([0-9]{5})(?![0-9])")
_LAST_OLD = date(2017, 6, 30)


def code_label(text: str) -> str | None:
    """The format of the first Latvian personal code in ``text`` (docs/rules.md,
    PERSONAL-CODE-IN-TEXT), or ``None``."""
    text = without_ibans(text)
    words = _code_words()
    for m in _CODE.finditer(text):
        head, sep, tail = m.groups()
        before = text[max(0, m.start() - 60) : m.start()]
        if words["phone"].search(before) or words["document"].search(before):
            continue
        if head[0] == "3" and head[1] != "0" and head[1] != "1":
            dashed = sep in ("-", "\u2013", "\u2011")
            bare_32 = head[1] == "2" and (before[-2:].upper() == "LV" or text.strip() == m[0])
            if dashed or bare_32 or words["context"].search(before):
                return "new format"
        elif _old_code(head + tail):
            return "old format"
    return None


def _old_code(digits: str) -> bool:
    if digits[6] not in "012":
        return False
    try:
        born = pvn.get_birth_date(digits)
    except Exception:  # noqa: BLE001 - stdnum: not a date
        return False
    return born <= _LAST_OLD and pvn.calc_check_digit_pers(digits[:-1]) == digits[-1]


# ------------------------------------------------------------------------------- card numbers
@cache
def _issuers() -> tuple[list[tuple], re.Pattern, re.Pattern, int]:
    raw = tomllib.loads((WORDS / "card_issuers.toml").read_text("utf-8"))
    table = []
    for spec in raw["issuer"]:
        ranges = []
        for p in spec["prefixes"]:
            low, _, high = p.partition("-")
            ranges.append((len(low), int(low), int(high or low)))
        table.append((ranges, set(spec["lengths"]), {tuple(g) for g in spec.get("groups", [])}))
    words = raw["words"]
    near = "|".join(re.escape(w) for w in words["thirteen_digits"])
    barcode = "|".join(re.escape(w) for w in words["barcode"])
    return (
        table,
        re.compile(rf"(?i)(?<!\w)(?:{near})"),
        re.compile(rf"(?i)(?<!\w)(?:{barcode})"),
        int(words["window"]),
    )


_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ \u00a0\u202f-][0-9]+)*")
_GAP = re.compile(r"[ \u00a0\u202f-]")


def card_label(text: str) -> str | None:
    """``'card number'`` when ``text`` holds one (docs/rules.md, CARD-NUMBER-IN-TEXT): an
    issuer's prefix and length, Luhn, written whole or in the issuer's groups with one kind of
    separator, a 13-digit one only beside a card word and no barcode word; IBANs cut out first."""
    text = without_ibans(text)
    table, near, barcode, window = _issuers()
    for m in _RUN.finditer(text):
        run = m[0]
        if len(run) < 13:
            continue
        groups = _GAP.split(run)
        gaps = _GAP.findall(run)
        starts = [0]
        for g, s in zip(groups, gaps, strict=False):
            starts.append(starts[-1] + len(g) + len(s))
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                if j > i and gaps[j - 1] != gaps[i]:
                    break
                digits += groups[j]
                if len(digits) > 19:
                    break
                sizes = tuple(len(g) for g in groups[i : j + 1])
                if not 13 <= len(digits) <= 19 or not _fits(digits, sizes, table):
                    continue
                if len(digits) == 13:
                    a, b = m.start() + starts[i], m.start() + starts[j] + len(groups[j])
                    around = text[max(0, a - window) : a] + " " + text[b : b + window]
                    if not near.search(around) or barcode.search(around):
                        continue
                return "card number"
    return None


def _fits(digits: str, sizes: tuple[int, ...], table: list[tuple]) -> bool:
    for ranges, lengths, groupings in table:
        if len(digits) not in lengths:
            continue
        if not any(low <= int(digits[:n]) <= high for n, low, high in ranges):
            continue
        fours = all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4
        if (len(sizes) == 1 or sizes in groupings or fours) and luhn.is_valid(digits):
            return True
    return False


# ------------------------------------------------------------------------------ the text scan
#: Every cell a code or a card could be in holds one of these (one pass over all text).
PREFILTER = (
    "[0-3][0-9]{5}[-\u2013\u2011 \u00a0]?[0-9]{5}"
    "|[0-9]{4}[ \u00a0\u202f-]?[0-9]{4}[ \u00a0\u202f-]?[0-9]{4}"
    "|[0-9]{4}[ \u00a0\u202f-][0-9]{6}[ \u00a0\u202f-][0-9]{4}"
)
#: Whole cells that hold neither (a phone with its country code, a company number or VAT id):
#: no IBAN, an 11-digit run that cannot be a code, too short for a card.
SURELY_NOTHING = r"^(?:\+?371[0-9]{8}|(?:LV)?[4-9][0-9]{10})$"


def scan_labels(values: pl.Series) -> pl.DataFrame:
    """Per distinct text holding a code or a card: ``code`` and ``card`` labels (null: none)."""
    candidates = values.filter(
        values.str.contains(PREFILTER) & ~values.str.contains(SURELY_NOTHING)
    ).to_list()
    codes = [code_label(v) for v in candidates]
    cards = [card_label(v) for v in candidates]
    found = pl.DataFrame(
        {"text": candidates, "code": codes, "card": cards},
        schema={"text": pl.String, "code": pl.String, "card": pl.String},
    )
    return found.filter(pl.col("code").is_not_null() | pl.col("card").is_not_null())
