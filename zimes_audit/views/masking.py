"""Masking personal data for everything an auditor sees (notebooks, charts, HTML).

The notebooks never print a raw frame: they show what these functions return.  A masked value
keeps just enough shape to follow a record (first letters, country code, length of a text), never
enough to recover it.  Personal codes and card numbers are never shown at all, not even in part.

>>> mask_email("janis.berzins@inbox.lv")
'j***@i***.lv'
>>> mask_name("Jānis Bērziņš")
'Jā*** B***'
>>> mask_phone("+371 22345678")
'+371 2*** ***8'
>>> mask_phone("37122345678")
'+371 2*** ***8'
>>> mask_iban("LV80 HABA 0551 0123 4567 8")
'LV** ****'
>>> mask_text("zvanīt pēc 18:00, p.k. 010190-10007")
'[text, 35 chars]'
>>> mask_value("personal_code", "010190-10007")
'[personal code]'
>>> [mask_email(v) for v in (None, "", "€", float("nan"))]
[None, None, '[e-mail]', None]
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable

import pandas as pd
import phonenumbers

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.detect.personal_codes import code_format
from zimes_audit.facts.derived import NAME_COLUMNS
from zimes_audit.facts.records import record_values
from zimes_audit.facts.registry import PERSONAL_FACTS, SAFE_FACTS
from zimes_audit.loading.tables import LOCAL_PREFIX, PROVENANCE_COLUMNS, UNCLASSIFIED_PREFIX
from zimes_audit.procedure.catalogue import NOT_PERMITTED, Catalogue, load_catalogue

STARS = "***"
#: Columns that hold no personal value: provenance and the safe facts of the fact registry.
SAFE_FACT_COLUMNS = frozenset({*PROVENANCE_COLUMNS, *SAFE_FACTS})
#: Derived columns that hold a personal value, with the field they are masked as.
PERSONAL_FACT_COLUMNS = PERSONAL_FACTS


def _present(value: object) -> str | None:
    """The value as stripped text, or ``None`` for a missing/blank value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _present_text(masker: Callable[..., str]) -> Callable[..., str | None]:
    """A masker of stripped text that gives ``None`` for a missing or blank value."""

    @functools.wraps(masker)
    def masked(value: object, *args: object) -> str | None:
        text = _present(value)
        return None if text is None else masker(text, *args)

    return masked


@_present_text
def mask_email(text: str) -> str:
    """First letter of the local part and of the domain, and the top-level domain.

    >>> mask_email("  Liga.Ozolina@Inbox.LV ")
    'L***@I***.LV'
    >>> mask_email("not-an-address")
    '[e-mail]'
    """
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return "[e-mail]"
    host, _, tld = domain.rpartition(".")
    if not host or not tld.isalpha():
        return "[e-mail]"
    return f"{local[0]}{STARS}@{host[0]}{STARS}.{tld}"


@_present_text
def mask_name(text: str) -> str:
    """First two letters of the first word (one when it is short), first letter of the rest.

    >>> mask_name("Līga")
    'L***'
    >>> mask_name("SIA ZĪMES")
    'S*** Z***'
    >>> mask_name("€")
    '***'
    """
    words = [w for w in re.split(r"\s+", text) if w]
    out = []
    for i, word in enumerate(words):
        letters = [ch for ch in word if ch.isalpha()]
        keep = 2 if i == 0 and len(letters) > 4 else 1
        out.append("".join(letters[:keep]) + STARS)
    return " ".join(out)


@_present_text
def mask_phone(text: str, region: str = "LV") -> str:
    """Country code, first and last digit of the national number; nothing more.

    >>> mask_phone("67 123 456")
    '+371 6*** ***6'
    >>> mask_phone("12")
    '[phone]'
    >>> mask_phone("161175-19997")  # a personal code typed into the phone field
    '[personal code]'
    """
    if code_format(text) is not None:
        return "[personal code]"
    digits = re.sub(r"\D", "", text)
    candidate = text
    if not text.startswith("+") and len(digits) > 8 and digits.startswith("371"):
        candidate = "+" + digits
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return "[phone]"
    national = str(number.national_number)
    if len(national) < 4:
        return "[phone]"
    return f"+{number.country_code} {national[0]}{STARS} {STARS}{national[-1]}"


@_present_text
def mask_iban(text: str) -> str:
    """The country letters of an account number, nothing of its digits.

    >>> mask_iban("12345")
    '[account number]'
    """
    compact = re.sub(r"\s", "", text).upper()
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact):
        return f"{compact[:2]}** ****"
    return "[account number]"


@_present_text
def mask_text(text: str) -> str:
    """Free text (notes, address, unknown columns): only its length.

    >>> mask_text("Brīvības iela 1-2") is None
    False
    >>> mask_text("   ") is None
    True
    """
    return f"[text, {len(text)} chars]"


#: Personal fields masked by shape, chosen from the catalogue: by what a field is validated as
#: (§12.4) and by its §6 category; any other personal or scanned field shows only its length.
_BY_VALIDATION: dict[str, Callable[[object], str | None]] = {
    "email": mask_email,
    "phone": mask_phone,
}
_BY_CATEGORY: dict[str, Callable[[object], str | None]] = {"6.1": mask_name, "6.8": mask_iban}


def masker_for(field: str, catalogue: Catalogue | None = None) -> Callable[[object], object] | None:
    """The masking function for a canonical field or derived column; ``None`` = shown as is.

    >>> masker_for("total") is None
    True
    >>> [masker_for(f).__name__ for f in ("shipping_phone", "shipping_name", "bank_account", "email_key")]
    ['mask_phone', 'mask_name', 'mask_iban', 'mask_email']
    >>> masker_for("notes")("ok")
    '[text, 2 chars]'
    """
    catalogue = catalogue or load_catalogue()
    field = PERSONAL_FACT_COLUMNS.get(field, field)
    spec = catalogue.fields.get(field)
    if spec is not None:
        if spec.category == NOT_PERMITTED:  # never shown even in part: only the kind of value
            label = f"[{field.replace('_', ' ')}]"
            return lambda v: None if _present(v) is None else label
        if spec.validate in _BY_VALIDATION:
            return _BY_VALIDATION[spec.validate]
        if spec.personal and spec.category in _BY_CATEGORY:
            return _BY_CATEGORY[spec.category]
        return mask_text if (spec.personal or spec.scan) else None
    if field in SAFE_FACT_COLUMNS:
        return None
    return mask_text  # an unknown heading may hold anything


def mask_value(field: str, value: object) -> object:
    """One value of ``field``, masked as the auditor may see it."""
    masker = masker_for(field)
    return value if masker is None else masker(value)


def _mask_series(series: pd.Series, masker: Callable[[object], object]) -> pd.Series:
    if series.empty:
        return series.astype("string")
    cache: dict[object, object] = {}

    def one(value: object) -> object:
        key = _present(value)
        if key not in cache:
            cache[key] = masker(value)
        return cache[key]

    return pd.Series([one(v) for v in series], index=series.index, dtype="string")


def masked_records(frame: pd.DataFrame, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """``frame`` with every personal field, every scanned text field and every unknown column
    masked.  Columns of dates, numbers and flags the catalogue does not list stay as they are.

    >>> df = pd.DataFrame({"email": ["janis.berzins@inbox.lv"], "total": [12.5],
    ...                    "unclassified:Krāsa": ["zila"]})
    >>> masked_records(df).to_dict("records")
    [{'email': 'j***@i***.lv', 'total': 12.5, 'unclassified:Krāsa': '[text, 4 chars]'}]
    """
    catalogue = catalogue or load_catalogue()
    out = {}
    for column in frame.columns:
        masker = masker_for(column, catalogue)
        unknown = not (
            column.startswith(UNCLASSIFIED_PREFIX)
            or column in catalogue.fields
            or column in PERSONAL_FACT_COLUMNS
        )
        keep_plain = masker is None or (unknown and not _is_text(frame[column]))
        if column.startswith(LOCAL_PREFIX) and not _is_text(frame[column]):
            # a field of the administrator's map: its category is theirs, so nothing is shown
            keep_plain, masker = False, lambda v: None if _present(v) is None else "[value]"
        out[column] = frame[column] if keep_plain else _mask_series(frame[column], masker)
    return pd.DataFrame(out, index=frame.index)


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype)


#: The record facts masking reads from ``result.frames`` (audit ``keep_facts``).
READS_FACTS = NAME_COLUMNS


def masked_customers(result, findings: pd.DataFrame | None = None) -> pd.Series:
    """Per finding, the masked name of the record's customer (or ``None``)."""
    findings = result.findings if findings is None else findings
    if findings.empty:
        return pd.Series([], index=findings.index, dtype="string")
    return _mask_series(record_values(findings, result.frames, "name"), mask_name)


#: The columns of :func:`masked_findings`, in order: the contracted ``findings.csv`` columns with
#: the record kind after the row, the masked customer after the record id, and the due date.
MASKED_FINDINGS_COLUMNS = [
    *FINDINGS_COLUMNS[:2],
    "record_kind",
    FINDINGS_COLUMNS[2],
    "customer",
    *FINDINGS_COLUMNS[3:],
    "due_date",
]


def masked_findings(result, rows=None) -> pd.DataFrame:
    """The findings with a masked ``customer`` column: nothing in it is a raw personal value.

    ``rows`` (a boolean mask or positions) masks only those findings — a sample of a million
    findings need not mask them all."""
    findings = result.findings if rows is None else result.findings.iloc[_positions(rows)]
    out = findings.assign(customer=masked_customers(result, findings))
    if "due_date" not in out:
        out["due_date"] = None
    return out[MASKED_FINDINGS_COLUMNS].reset_index(drop=True)


def _positions(rows) -> object:
    import numpy as np

    rows = np.asarray(rows)
    return np.flatnonzero(rows) if rows.dtype == bool else rows
