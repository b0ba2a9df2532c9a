"""The sample's ground truth: docs/rules.md applied record by record, written independently of
the audit's checks.

The generator plants violations on purpose, but the expected findings are *decided here*, from the
rows exactly as they are written to the files, with the validators the checks use
(python-stdnum, phonenumbers, email-validator).  A planted violation that does not in fact meet a
rule therefore shows up as a missing finding in the tests instead of a silently wrong answer key.

Assumption shared with the loaders: cell values are trimmed before they are checked (an e-mail
typed as ``" Janis@Inbox.lv "`` is valid and links case-insensitively).

>>> from datetime import date
>>> find_personal_code("Mans p.k. 120385-12342")
'old format'
>>> find_personal_code("Atsauce 120385-12341") is None  # wrong check digit: not a code
True
>>> find_personal_code("Izsniegt tikai man, 351234-56789")  # 33–39 counts with the hyphen
'new format'
>>> find_personal_code("zvanīt 37122345678") is None  # a phone number, not a code
True
>>> find_personal_code("Līgums 170828-81990") is None  # a contract number, not a code
True
>>> find_card_number("karte 4111 1111 1111 1111")
True
>>> find_card_number("4750000000011")  # an EAN-13 barcode: 13 digits need a card word
False
>>> add_years(date(2020, 2, 29), 5)
datetime.date(2025, 2, 28)
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.lv import pvn

from zimes_audit.procedure.catalogue import NOT_PERMITTED, load_catalogue
from zimes_audit.procedure.policy import load_policy

ACTIONS = {
    "FIELD-UNPERMITTED": "REDACT_FIELD",
    "PERSONAL-CODE-IN-TEXT": "REDACT_FIELD",
    "CARD-NUMBER-IN-TEXT": "REDACT_FIELD",
    "CONSENT-MISSING": "OBTAIN_CONSENT",  # DELETE without a purchase
    "CONSENT-AFTER-COLLECTION": "REVIEW",
    "MARKETING-WITHOUT-BASIS": "STOP_MARKETING",
    "RETENTION-EXPIRED": "DELETE",
    "CONTACT-AFTER-END": "REDACT_FIELD",
    "RELATIONSHIP-STALE": "REVIEW",
    "DEBT-TRANSFER-UNPAID-ONLY": "REVIEW",
    "CUSTOMER-NOT-IN-REGISTER": "REVIEW",
    "DATA-INACCURATE": "FIX_DATA",
}
YES = {"jā", "ja", "yes", "y", "true", "1", "x"}

_IBAN = re.compile(r"LV ?\d ?\d(?: ?[A-Z]){4}(?: ?[A-Z0-9]){13}(?![A-Z0-9])", re.IGNORECASE)
_CODE = re.compile(r"(?<!\d)(\d{6})([-\u2013\u2011 ]?)(\d{5})(?!\d)")
_CONTEXT_BEFORE = re.compile(
    r"(?:\bp\.\s?k\.?|\bpk\.?|\bp/k|\bpers\.\s?k\.?|\bpersonas\s+kod[sau]|\bpers\.\s?kods"
    r"|\bpersonal\s+code|\bid\s+code)\s*(?:[:.\-]|\bir\b|\bis\b)?\s*$",
    re.IGNORECASE,
)
_NOT_CODE_BEFORE = re.compile(  # a phone or document cue right before the number
    r"(?<!\w)(?:tālr|tel|mob|līgum|rēķin|invoice|contract|order)\w*\.?\s*(?:nr\.?)?\s*[:.]?\s*$",
    re.IGNORECASE,
)
_CARD_RUN = re.compile(r"(?<![\dA-Za-z])\d+(?:[ \u00a0-]\d+)*")
_CARD_WORD = re.compile(r"(?i)karte|kartes|card|visa|mastercard|maestro")


@dataclass(frozen=True, order=True)
class Finding:
    """One expected finding: a record × rule (docs/rules.md)."""

    source_file: str
    source_row: int
    rule_id: str
    record_id: str
    action: str
    field: str
    planted: str = ""

    def as_json(self) -> dict:
        return {
            "source_file": self.source_file,
            "source_row": self.source_row,
            "record_id": self.record_id,
            "rule_id": self.rule_id,
            "action": self.action,
            "field": self.field,
            "planted": self.planted,
        }


@dataclass(frozen=True)
class Terms:
    """The policy terms the rules use (zimes_audit/procedure/data/policy.toml)."""

    retention_years: int
    inactivity_years: int
    guest_years: int
    contact_fields: tuple[str, ...]
    region: str


def load_terms() -> Terms:
    """The shipped policy's terms (read by :func:`~zimes_audit.procedure.policy.load_policy`).

    >>> load_terms().retention_years
    5
    """
    policy = load_policy()
    return Terms(
        policy.retention_years,
        policy.inactivity_years,
        policy.guest_relationship_years,
        policy.contact_fields_not_needed,
        policy.phone_region,
    )


def add_years(day: date, years: int) -> date:
    """``day`` with the year increased (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def passed(day: date, years: int, as_of: date) -> bool:
    """Whether ``years`` after ``day`` have passed: ``as_of`` strictly after that day."""
    return as_of > add_years(day, years)


@cache
def _date_text(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return date.fromisoformat(text[:10])


def as_date(value: object) -> date | None:
    """A cell value (date, datetime, ``DD.MM.YYYY`` or ISO text, blank) as a calendar date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_text(str(value))


def _blank(value: object) -> bool:
    return not value or (isinstance(value, str) and not value.strip())


@cache
def find_personal_code(text: str) -> str | None:
    """The format of the first personal code in ``text`` (``'old format'``/``'new format'``)."""
    text = _IBAN.sub(" ", text)
    for m in _CODE.finditer(text):
        digits, sep = m.group(1) + m.group(3), m.group(2)
        first, second = digits[0], digits[1]
        if first in "456789" or _NOT_CODE_BEFORE.search(text[: m.start()]):
            continue  # company registration number; a phone, contract or invoice number
        if first == "3" and second in "23456789":
            context = _CONTEXT_BEFORE.search(text[: m.start()])
            alone = second == "2" and (
                text.strip() == m.group() or text[: m.start()].endswith("LV")
            )
            if sep not in ("", " ") or context or alone:
                return "new format"
            continue
        old = digits[6] in "012" and pvn.is_valid(digits)
        if old and pvn.get_birth_date(digits) <= date(2017, 6, 30):
            return "old format"
    return None


@cache
def _issuers() -> list[tuple[list[tuple[str, str]], list[int], list[list[int]]]]:
    raw = tomllib.loads(
        resources.files("zimes_audit.detect").joinpath("card_issuers.toml").read_text()
    )
    out = []
    for spec in raw["issuer"]:
        ranges = [(p.split("-")[0], p.split("-")[-1]) for p in spec["prefixes"]]
        out.append((ranges, spec["lengths"], spec.get("groups", [])))
    return out


def _is_card(digits: str, sizes: list[int]) -> bool:
    if not 13 <= len(digits) <= 19 or not _luhn(digits):
        return False
    for ranges, lengths, groups in _issuers():
        fits = any(lo <= digits[: len(lo)] <= hi for lo, hi in ranges) and len(digits) in lengths
        fours = all(n == 4 for n in sizes[:-1]) and sizes[-1] <= 4
        if fits and (len(sizes) == 1 or fours or sizes in groups):
            return True
    return False


@cache
def find_card_number(text: str) -> bool:
    """Whether ``text`` holds a card number (docs/rules.md; IBANs removed first)."""
    text = _IBAN.sub(" ", text)
    for m in _CARD_RUN.finditer(text):
        groups = re.split(r"[ \u00a0-]", m.group())
        seps = re.findall(r"[ \u00a0-]", m.group())
        for i in range(len(groups)):
            for j in range(i, len(groups)):
                if j > i and seps[j - 1] != seps[i]:
                    break
                digits = "".join(groups[i : j + 1])
                if not _is_card(digits, [len(g) for g in groups[i : j + 1]]):
                    continue
                near = text[max(0, m.start() - 25) : m.end() + 25]
                if len(digits) > 13 or _CARD_WORD.search(near):
                    return True
    return False


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@cache
def email_ok(value: str) -> bool:
    """email-validator's syntax check (no DNS) on the trimmed value."""
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@cache
def phone_ok(value: str, region: str = "LV") -> bool:
    """phonenumbers' validity (region LV for numbers without a country code)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value.strip(), region))
    except phonenumbers.NumberParseException:
        return False


class _Table:
    """Column positions of the canonical fields of one input."""

    def __init__(self, headings: Sequence[str], terms: Terms):
        cat = load_catalogue()
        fields = [cat.field_for(h) for h in headings]
        self.names = [f.name if f else h for f, h in zip(fields, headings, strict=True)]
        self.pos = {f.name: i for i, f in enumerate(fields) if f is not None}
        self.unpermitted = [
            i for i, f in enumerate(fields) if f is None or f.category == NOT_PERMITTED
        ]
        self.scanned = [i for i, f in enumerate(fields) if f is not None and f.scan]
        self.dates = [i for i, f in enumerate(fields) if f and f.type in ("date", "datetime")]
        self.contacts = [(self.pos[n], n) for n in terms.contact_fields if n in self.pos]
        self.emails = [(self.pos[n], n) for n in ("email", "shipping_email") if n in self.pos]
        self.phones = [(self.pos[n], n) for n in ("phone", "shipping_phone") if n in self.pos]
        self.start = self.pos.get("relationship_start")
        self.end = self.pos.get("relationship_end")

    def get(self, row: Sequence[object], name: str) -> object:
        i = self.pos.get(name)
        return None if i is None else row[i]


@cache
def _scan(text: str) -> tuple[bool, bool]:
    return find_personal_code(text) is not None, find_card_number(text)


def _common(t: _Table, row: Sequence[object], terms: Terms, as_of: date, end: date | None):
    """The rules every record is checked against; yields (rule_id, fields, action)."""
    bad = [t.names[i] for i in t.unpermitted if not _blank(row[i])]
    if bad:
        yield "FIELD-UNPERMITTED", bad, None
    codes, cards = [], []
    for i in t.scanned:
        value = row[i]
        if not _blank(value):
            code, card = _scan(str(value))
            if code:
                codes.append(t.names[i])
            if card:
                cards.append(t.names[i])
    if codes:
        yield "PERSONAL-CODE-IN-TEXT", codes, None
    if cards:
        yield "CARD-NUMBER-IN-TEXT", cards, None
    if end is not None:
        if passed(end, terms.retention_years, as_of):
            yield "RETENTION-EXPIRED", [], None
        elif end <= as_of:
            kept = [name for i, name in t.contacts if not _blank(row[i])]
            if kept:
                yield "CONTACT-AFTER-END", kept, None
    wrong = [n for i, n in t.emails if not _blank(row[i]) and not email_ok(str(row[i]))]
    wrong += [
        n for i, n in t.phones if not _blank(row[i]) and not phone_ok(str(row[i]), terms.region)
    ]
    if t.start is not None and t.end is not None:
        start, stop = as_date(row[t.start]), as_date(row[t.end])
        if start and stop and start > stop:
            wrong += ["relationship_start", "relationship_end"]
    for i in t.dates:
        day = as_date(row[i])
        if day is not None and day > as_of and t.names[i] not in wrong:
            wrong.append(t.names[i])
    if wrong:
        yield "DATA-INACCURATE", wrong, None


@dataclass(frozen=True)
class Sheet:
    """One input as the sample writes it: file name, headings, rows, and the spreadsheet row
    of its first record."""

    file: str
    headings: Sequence[str]
    rows: Sequence[Sequence[object]]
    first_row: int


@dataclass
class _Links:
    """Each order's register row (-1: a guest) and, per register row, its orders' summary."""

    links: list[int]
    orders: list[int]  # orders per register row
    unpaid: list[int]
    first: list[date | None]  # first and last order date per register row
    last: list[date | None]


def _link_orders(orders: Sheet, register: Sheet, ot: _Table, rt: _Table) -> tuple[_Links, dict]:
    """Orders linked to the register by customer id, else e-mail (first register row wins);
    also each e-mail's register rows (a shared e-mail is DATA-INACCURATE)."""
    by_id: dict[str, int] = {}
    by_email: dict[str, int] = {}
    email_rows: dict[str, list[int]] = {}
    for r, row in enumerate(register.rows):
        cid = rt.get(row, "customer_id")
        if not _blank(cid):
            by_id.setdefault(str(cid).strip(), r)
        mail = rt.get(row, "email")
        if not _blank(mail):
            key = str(mail).strip().casefold()
            by_email.setdefault(key, r)
            email_rows.setdefault(key, []).append(r)
    n = len(register.rows)
    out = _Links([], [0] * n, [0] * n, [None] * n, [None] * n)
    i_cid, i_mail = ot.pos.get("customer_id"), ot.pos.get("email")
    i_date, i_status = ot.pos["created_at"], ot.pos.get("payment_status")
    for row in orders.rows:
        link = -1
        if i_cid is not None and not _blank(row[i_cid]):
            link = by_id.get(str(row[i_cid]).strip(), -1)
        if link < 0 and i_mail is not None and not _blank(row[i_mail]):
            link = by_email.get(str(row[i_mail]).strip().casefold(), -1)
        out.links.append(link)
        if link >= 0:
            day = as_date(row[i_date])
            out.orders[link] += 1
            if i_status is None or str(row[i_status]).strip().lower() != "paid":
                out.unpaid[link] += 1
            if day is not None:
                out.first[link] = day if out.first[link] is None else min(out.first[link], day)
                out.last[link] = day if out.last[link] is None else max(out.last[link], day)
    return out, email_rows


def _customer_rules(rt: _Table, row, r: int, linked: _Links, terms: Terms, as_of: date):
    """The register-only rules of register row ``r`` (consent, marketing, staleness, debt)."""
    consent = str(rt.get(row, "consent_given") or "").strip().casefold() in YES
    has_purchase = linked.orders[r] > 0
    if not consent:
        yield "CONSENT-MISSING", ["consent_given"], "OBTAIN_CONSENT" if has_purchase else "DELETE"
    dates = [as_date(rt.get(row, f)) for f in ("registered_at", "relationship_start")]
    collected = min([d for d in (*dates, linked.first[r]) if d is not None], default=None)
    consent_at = as_date(rt.get(row, "consent_at"))
    if consent_at and collected and consent_at > collected:
        yield "CONSENT-AFTER-COLLECTION", ["consent_at"], None
    opted_in = str(rt.get(row, "marketing_opt_in") or "").strip().casefold() in YES
    if opted_in and (as_date(rt.get(row, "marketing_opt_out_at")) or not (consent or has_purchase)):
        yield "MARKETING-WITHOUT-BASIS", ["marketing_opt_in"], None
    if as_date(rt.get(row, "relationship_end")) is None:
        activity = [
            as_date(rt.get(row, f))
            for f in ("relationship_start", "registered_at", "last_contact_at")
        ]
        latest = max([d for d in (*activity, linked.last[r]) if d is not None], default=None)
        if latest and passed(latest, terms.inactivity_years, as_of):
            yield "RELATIONSHIP-STALE", [], None
    if as_date(rt.get(row, "debt_collection_at")) and linked.unpaid[r] == 0:
        yield "DEBT-TRANSFER-UNPAID-ONLY", ["debt_collection_at"], None


def ground_truth(
    orders: Sheet, register: Sheet, *, as_of: date, terms: Terms | None = None
) -> list[Finding]:
    """Every finding docs/rules.md expects for these rows, sorted by file, row and rule."""
    terms = terms or load_terms()
    ot, rt = _Table(orders.headings, terms), _Table(register.headings, terms)
    linked, email_rows = _link_orders(orders, register, ot, rt)
    findings: list[Finding] = []
    ends: list[date | None] = []
    for r, row in enumerate(register.rows):
        rid = str(rt.get(row, "customer_id") or "").strip()
        end = as_date(rt.get(row, "relationship_end"))
        ends.append(end)
        out = list(_common(rt, row, terms, as_of, end))
        mail = rt.get(row, "email")
        if not _blank(mail) and len(email_rows[str(mail).strip().casefold()]) > 1:
            out = _add_field(out, "DATA-INACCURATE", "email")
        out += _customer_rules(rt, row, r, linked, terms, as_of)
        findings += _make(register.file, register.first_row + r, rid, out)
    i_id, i_date, i_cid = ot.pos["order_id"], ot.pos["created_at"], ot.pos.get("customer_id")
    ids = {str(rt.get(row, "customer_id") or "").strip() for row in register.rows}
    for k, row in enumerate(orders.rows):
        link = linked.links[k]
        if link >= 0:
            end = ends[link]
        else:  # a guest order: the relationship lasts the policy's guest term after the order
            day = as_date(row[i_date])
            end = add_years(day, terms.guest_years) if day else None
        out = list(_common(ot, row, terms, as_of, end))
        if i_cid is not None and not _blank(row[i_cid]) and str(row[i_cid]).strip() not in ids:
            out.append(("CUSTOMER-NOT-IN-REGISTER", ["customer_id"], None))
        if out:
            findings += _make(orders.file, orders.first_row + k, str(row[i_id]).strip(), out)
    findings.sort()
    return findings


def _add_field(out: list, rule: str, name: str) -> list:
    for i, (rule_id, fields, action) in enumerate(out):
        if rule_id == rule:
            if name not in fields:
                out[i] = (rule_id, [*fields, name], action)
            return out
    return [*out, (rule, [name], None)]


def _make(file: str, row: int, rid: str, out: list) -> list[Finding]:
    return [
        Finding(file, row, rule_id, rid, action or ACTIONS[rule_id], ";".join(fields))
        for rule_id, fields, action in out
    ]
